/**
 * Streaming mode: print the status line again each time it changes, one line per change.
 * This is what a GNU screen `backtick` with lifespan 0 wants (screen shows the latest line),
 * and it suits any bar that reads lines from a command. It ends when its reader goes away.
 */
import { LiveStatus } from './live.js';
import { joinSides, prepareFormat, renderSide, sideIds, sideSegments, type Format, type Side } from './render-sides.js';

export interface StreamOptions {
  env: NodeJS.ProcessEnv;
  format: Exclude<Format, 'json'>;
  side: Side | 'both';
  out: NodeJS.WritableStream;
}

export async function runStream(opts: StreamOptions): Promise<void> {
  const sides: Side[] = opts.side === 'both' ? ['left', 'right'] : [opts.side];
  await prepareFormat(opts.format);
  let last: string | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const live = new LiveStatus({
    env: opts.env,
    moduleIds: (app) => [...new Set(sides.flatMap((s) => sideIds(app, s)))],
    onRender(app, statuses) {
      const parts = sides.map((s) => renderSide(opts.format, sideSegments(app, s, statuses), app));
      const line = parts.length === 2 ? joinSides(opts.format, parts[0], parts[1]) : parts[0];
      if (line === last) return;
      last = line;
      opts.out.write(`${line}\n`);
    },
  });
  const stop = () => {
    live.stop();
    resolveDone();
  };
  // The reader (screen, a bar) went away: nothing left to do.
  opts.out.on('error', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  process.once('SIGINT', stop);
  await live.start();
  await done;
}
