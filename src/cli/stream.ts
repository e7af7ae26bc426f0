/** `shoji stream`: print the line on every change (GNU screen backtick, other bars). */
import { FORMATS } from '../host/render-sides.js';
import { runStream } from '../host/stream.js';
import type { CommandSpec } from './spec.js';

export const streamCommand: CommandSpec = {
  command: 'stream',
  describe: 'Print the status line each time it changes (for a GNU screen backtick or another bar)',
  options: {
    format: { type: 'string', choices: FORMATS.filter((f) => f !== 'json'), default: 'screen', describe: 'Output format' },
    side: { type: 'string', choices: ['left', 'right', 'both'], default: 'both', describe: 'Which side of the line' },
    'right-file': {
      type: 'string',
      describe: 'Print the left side, and keep the right side in this file, a line per change (for a second screen backtick: see shoji screen-conf)',
    },
  },
  async run(args) {
    await runStream({
      env: process.env,
      format: args.format as 'tmux' | 'screen' | 'ansi' | 'plain',
      side: args.side as 'left' | 'right' | 'both',
      out: process.stdout,
      rightFile: typeof args['right-file'] === 'string' ? args['right-file'] : undefined,
    });
    return 0;
  },
};
