/**
 * Streaming mode: print the status line again each time it changes, one line per change.
 * This is what a GNU screen `backtick` with lifespan 0 wants (screen shows the latest line),
 * and it suits any bar that reads lines from a command. It ends when its reader goes away.
 *
 * With `rightFile`, the left side goes to the output and the right side to that file, for a
 * second reader to follow with tail -F (bin/shoji-screen-job): screen pads to the right edge
 * only between the escapes of its own hardstatus string, never inside a backtick's output.
 */
import { rmdirSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { App } from '../app/app.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { privateFolder } from '../core/trust.js';
import { lineFiles } from './line-files.js';
import { alertingModules } from './alerts-watch.js';
import { LiveStatus } from './live.js';
import { log } from './log.js';
import { joinSides, prepareFormat, renderSide, sideSegments, type Format, type Side } from './render-sides.js';
import type { RightRoom } from './screen-room.js';

export interface StreamOptions {
  env: NodeJS.ProcessEnv;
  format: Exclude<Format, 'json'>;
  side: Side | 'both';
  out: NodeJS.WritableStream;
  /** Write the right side here instead (the output then gets the left side alone). */
  rightFile?: string;
  /** Colours for the ANSI format (src/render/colour-level.ts); 256 when not given. */
  colourLevel?: 0 | 1 | 2 | 3;
  /** How wide the right side may be beside the left one (GNU screen: src/host/screen-room.ts). */
  rightRoom?: RightRoom;
}

const ORPHAN_CHECK_MS = 5000;

export async function runStream(opts: StreamOptions): Promise<void> {
  const sides: Side[] = opts.side === 'both' || opts.rightFile ? ['left', 'right'] : [opts.side];
  await prepareFormat(opts.format);
  const rightFile = opts.rightFile;
  let writeRight: ((line: string) => void) | undefined;
  if (rightFile) {
    // The folder must be yours alone (it holds a line screen shows): refused with a message otherwise.
    privateFolder(dirname(rightFile));
    const write = lineFiles(dirname(rightFile), (file, err) => log(opts.env, `cannot write ${file}: ${err.message}`));
    writeRight = (line) => write(basename(rightFile), line);
  }
  let last: string | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const render = (app: App, statuses: Map<string, ModuleStatus>) => {
    const parts: string[] = [];
    for (const s of sides) {
      const width = s === 'right' && parts.length === 1 ? opts.rightRoom?.width(parts[0]) : undefined;
      parts.push(renderSide(opts.format, sideSegments(app, s, statuses), app, { colourLevel: opts.colourLevel, width }));
    }
    writeRight?.(parts[1]);
    const line = writeRight ? parts[0] : parts.length === 2 ? joinSides(opts.format, parts[0], parts[1]) : parts[0];
    if (line === last) return;
    last = line;
    opts.out.write(`${line}\n`);
  };
  const live = new LiveStatus({
    env: opts.env,
    // And the modules set to alert, shown or not (a desktop notification, or tmux's clients when run inside tmux).
    modules: (app) => [...new Set([...sides.flatMap((s) => app.modules[s]), ...alertingModules(app)])],
    onRender: render,
    alerts: {},
  });
  // The reader (screen, a bar) went away: nothing left to do. A write to it fails then, but
  // the left side may not change for days, so the parent's end is watched as well: screen
  // closes a backtick's pipe without a signal, and init adopts the stream.
  const parent = process.ppid;
  const orphaned = setInterval(() => process.ppid !== parent && stop(), ORPHAN_CHECK_MS);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(orphaned);
    opts.rightRoom?.stop();
    live.stop();
    if (rightFile) {
      rmSync(rightFile, { force: true });
      try {
        rmdirSync(dirname(rightFile)); // the job's own folder, when nothing else is left in it
      } catch {
        // not empty, or gone
      }
    }
    resolveDone();
  };
  opts.out.on('error', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  process.once('SIGINT', stop);
  await live.start();
  // Drawn again when the room changes (a display resized, a window opened), with the last values.
  opts.rightRoom?.watch(() => render(live.app, live.statuses()));
  await done;
}
