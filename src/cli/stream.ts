/** `shoji stream`: print the line on every change (GNU screen backtick, other bars). */
import { FORMATS } from '../host/render-sides.js';
import { screenRoom } from '../host/screen-room.js';
import { runStream } from '../host/stream.js';
import { colourLevel } from '../render/colour-level.js';
import type { CommandSpec } from './spec.js';

type StreamFormat = 'tmux' | 'screen' | 'ansi' | 'plain';

/**
 * Without --format: screen's markup for a reader (screen's backtick, a pipe), and on a
 * terminal what a terminal shows, as `shoji status` does: colours, or none under NO_COLOR.
 */
export function defaultStreamFormat(isTerminal: boolean, env: NodeJS.ProcessEnv): StreamFormat {
  if (!isTerminal) return 'screen';
  return colourLevel(env) > 0 ? 'ansi' : 'plain';
}

export const streamCommand: CommandSpec = {
  command: 'stream',
  describe: 'Print the status line each time it changes (for a GNU screen backtick or another bar)',
  options: {
    format: {
      type: 'string',
      choices: FORMATS.filter((f) => f !== 'json'),
      describe: 'Output format (default: ansi on a terminal, screen otherwise)',
    },
    side: { type: 'string', choices: ['left', 'right', 'both'], default: 'both', describe: 'Which side of the line' },
    'right-file': {
      type: 'string',
      describe: 'Print the left side, and keep the right side in this file, a line per change (for a second screen backtick: see shoji screen-conf)',
    },
  },
  async run(args) {
    const env = process.env;
    const format = (args.format as StreamFormat | undefined) ?? defaultStreamFormat(process.stdout.isTTY === true, env);
    const rightFile = typeof args['right-file'] === 'string' ? args['right-file'] : undefined;
    await runStream({
      env,
      format,
      side: args.side as 'left' | 'right' | 'both',
      out: process.stdout,
      rightFile,
      colourLevel: format === 'ansi' ? colourLevel(env) : undefined,
      // The two backticks of `shoji screen-conf`: this process is a child of the screen server,
      // which is asked how much room its displays leave the right side.
      rightRoom: rightFile && format === 'screen' ? screenRoom(process.ppid) : undefined,
    });
    return 0;
  },
};
