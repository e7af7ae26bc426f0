/**
 * A pass-through stream that counts the bytes of a price file as they are read, and draws a
 * progress bar on stderr when stderr is a terminal (never in a pipe or a log file).
 */
import { Transform } from 'node:stream';
import { forLocale, isUtf8Locale } from '../../core/locale.js';

export interface Progress {
  stream: Transform;
  stop(): void;
}

export async function progressFor(label: string, totalBytes: number, terminal: boolean, env: NodeJS.ProcessEnv): Promise<Progress> {
  if (!terminal || totalBytes <= 0) {
    return { stream: new Transform({ transform: (chunk, _enc, done) => done(null, chunk) }), stop() {} };
  }
  const { default: cliProgress } = await import('cli-progress');
  const mb = (n: number) => Math.round(n / 1e5) / 10;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${forLocale(label, env)} [{bar}] {percentage}% {value}/{total} MB, {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: true,
    },
    // Block characters on a UTF-8 terminal; "=" and "-" elsewhere (LANG=C shows them as "?").
    isUtf8Locale(env) ? cliProgress.Presets.shades_classic : cliProgress.Presets.legacy,
  );
  bar.start(mb(totalBytes), 0);
  let seen = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      bar.update(mb(seen));
      done(null, chunk);
    },
  });
  return {
    stream,
    stop() {
      bar.stop();
    },
  };
}
