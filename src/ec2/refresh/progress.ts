/**
 * A pass-through stream that counts the bytes of a price file as they are read (or a download
 * as it arrives, through add()), and draws a progress bar on stderr when stderr is a terminal
 * (never in a pipe or a log file): bytes so far, the rate, and with a known size the share done
 * and the time left.
 */
import { Transform } from 'node:stream';
import { forLocale, isUtf8Locale } from '../../core/locale.js';

export interface Progress {
  /** Counts what passes through it. */
  stream: Transform;
  /** Counts bytes that do not pass through `stream` (a download's bytes on the wire). */
  add(bytes: number): void;
  stop(): void;
}

const passThrough = () => new Transform({ transform: (chunk, _enc, done) => done(null, chunk) });

/** `totalBytes` null: the size is not known (a download without a Content-Length). */
export async function progressFor(label: string, totalBytes: number | null, terminal: boolean, env: NodeJS.ProcessEnv): Promise<Progress> {
  if (!terminal || totalBytes === 0) return { stream: passThrough(), add() {}, stop() {} };
  const { default: cliProgress } = await import('cli-progress');
  const mb = (n: number) => Math.round(n / 1e5) / 10;
  const sized = totalBytes !== null;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: sized
        ? `${forLocale(label, env)} [{bar}] {percentage}% {value}/{total} MB, {rate} MB/s, {eta_formatted} left`
        : `${forLocale(label, env)} {value} MB, {rate} MB/s`,
      hideCursor: true,
      clearOnComplete: true,
    },
    // Block characters on a UTF-8 terminal; "=" and "-" elsewhere (LANG=C shows them as "?").
    isUtf8Locale(env) ? cliProgress.Presets.shades_classic : cliProgress.Presets.legacy,
  );
  const started = Date.now();
  bar.start(sized ? mb(totalBytes) : 0, 0, { rate: '0.0' });
  let seen = 0;
  const add = (n: number) => {
    seen += n;
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    bar.update(mb(seen), { rate: (seen / 1e6 / seconds).toFixed(1) });
  };
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      add(chunk.length);
      done(null, chunk);
    },
  });
  return {
    stream,
    add,
    stop() {
      bar.stop();
    },
  };
}
