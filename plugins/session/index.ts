/**
 * session — the name of the tmux or GNU screen session the line belongs to: byobu's `session`,
 * for telling sessions apart at a glance.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * In tmux one daemon draws the line for every session of the server, so no process of shoji's
 * knows which session a client shows; tmux does, and fills it in for each client as it draws
 * (the reading's `tmux: 'session_name'`; src/render/tmux.ts writes the format, with the name's
 * '#'s escaped so a name such as "#[fg=red]" is drawn as text). No process is asked: `tmux
 * display -p '#S'` per refresh is what byobu paid for it. Elsewhere (JSON, the dashboard) the
 * text is the session's id from $TMUX ("$3"). In GNU screen the name is read from $STY
 * ("12345.pts-0.web1": the part after the pid). Not available outside both.
 * In tmux the daemon fits the right side to each client by the text's width, not the name's
 * (which it cannot know): a long session name can make tmux cut the start of the right side.
 */
import * as T from 'typebox';
import { defineModule, type ModuleContext } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';
import { type NoOptions, noOptions } from '../../src/core/options.js';
import { withoutControl } from '../../src/core/outside-text.js';

/** What the session module publishes. */
const data = declareData(
  () => ({
    multiplexer: T.Enum(['tmux', 'screen'], { description: 'Where the line is drawn: tmux when $TMUX is set, else screen ($STY)' }),
    tmuxSessionId: T.Optional(T.Integer({ description: "The tmux session's id, from $TMUX (tmux's own `$3`; the name is tmux's to fill in)" })),
    screenSession: T.Optional(T.String({ description: "The screen session's name, from $STY (control characters removed)" })),
  }),
  { description: 'Published inside tmux or GNU screen; nothing outside both.' },
);
export type SessionData = DataOf<typeof data>;

/** $TMUX is "socket,server pid,session id"; the id as a number, or null. */
function tmuxSessionId(env: NodeJS.ProcessEnv): number | null {
  const id = env.TMUX?.split(',')[2];
  return id !== undefined && /^\d{1,9}$/.test(id) ? Number(id) : null;
}

/** $STY is "pid.name" (screen -S name); the name, or null. */
function screenSession(env: NodeJS.ProcessEnv): string | null {
  const m = /^\d+\.(.+)$/s.exec(env.STY ?? '');
  const name = m ? withoutControl(m[1]).trim() : '';
  return name !== '' ? name : null;
}

function inSession(ctx: ModuleContext<NoOptions>): boolean {
  return Boolean(ctx.env.TMUX) || screenSession(ctx.env) !== null;
}

export default defineModule<NoOptions, SessionData>({
  id: 'session',
  description: 'the tmux or screen session name',
  options: noOptions,
  data,
  // Nothing for Prometheus: a name is no measurement.
  metrics: NO_METRICS,
  interval: 'once',
  priority: 70,
  available: inSession,
  collect(ctx) {
    const id = tmuxSessionId(ctx.env);
    const screen = screenSession(ctx.env);
    if (ctx.env.TMUX) {
      // Screen inside tmux's pane, or tmux inside screen's window: each back end shows its own.
      const text = screen ?? (id !== null ? `$${id}` : 'tmux');
      return {
        reading: { text, state: 'info', tmux: 'session_name', detail: [{ label: 'Session', value: `tmux session ${id !== null ? `$${id}` : ''}`.trim() }] },
        data: { multiplexer: 'tmux', ...(id !== null ? { tmuxSessionId: id } : {}), ...(screen !== null ? { screenSession: screen } : {}) },
      };
    }
    if (screen !== null) {
      return {
        reading: { text: screen, state: 'info', detail: [{ label: 'Session', value: `screen session ${screen}` }] },
        data: { multiplexer: 'screen', screenSession: screen },
      };
    }
    return { reading: null };
  },
});
