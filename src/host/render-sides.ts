/**
 * Render both sides of the status line from module statuses in one back end.
 * Shared by `shoji status`, the tmux daemon and the screen stream.
 */
import type { App } from '../app/app.js';
import { isUtf8Locale } from '../core/locale.js';
import type { Side } from '../core/resolve.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { toSegments } from '../core/view.js';
import { renderPlain } from '../render/plain.js';
import { renderScreen, renderScreenLine } from '../render/screen.js';
import type { RenderOptions, Segment } from '../render/segments.js';
import { renderTmux } from '../render/tmux.js';

export type Format = 'tmux' | 'screen' | 'ansi' | 'plain' | 'json';
export const FORMATS: readonly Format[] = ['tmux', 'screen', 'ansi', 'plain', 'json'];
export type { Side };

/** The ids of a side's modules, in order (the layout as core/resolve.ts expanded it). */
export function sideIds(app: App, side: Side): string[] {
  return app.modules[side].map((m) => m.id);
}

/** Segments of a side, with a config or theme problem shown first on the right. */
export function sideSegments(app: App, side: Side, statuses: Map<string, ModuleStatus>): Segment[] {
  const segments = toSegments(app.modules[side], statuses);
  if (side === 'right' && (app.configError || app.themeError)) {
    segments.unshift({ id: 'config', text: 'config', state: 'failed', icon: 'failed', priority: 1000 });
  }
  return segments;
}

let ansi: typeof import('../render/ansi.js') | undefined;

/**
 * Load what a format needs before rendering it. The ANSI renderer (chalk, and node:tty for
 * colour detection, ~5 ms) is the only one kept out of the status line's start-up.
 */
export async function prepareFormat(format: Format): Promise<void> {
  if (format === 'ansi' && !ansi) ansi = await import('../render/ansi.js');
}

/** How a side is drawn for this app: its theme and icons, its width, ASCII under a locale that is not UTF-8. */
export function renderOptions(app: App, width?: number): RenderOptions {
  return { theme: app.theme, icons: app.icons, maxWidth: width ?? app.config.max_width, ascii: !isUtf8Locale(app.env) };
}

export function renderSide(format: Exclude<Format, 'json'>, segments: Segment[], app: App, opts: { width?: number; colourLevel?: 0 | 1 | 2 | 3 } = {}): string {
  const ro = renderOptions(app, opts.width);
  switch (format) {
    case 'tmux':
      return renderTmux(segments, ro);
    case 'screen':
      return renderScreen(segments, ro);
    case 'ansi':
      if (!ansi) throw new Error('prepareFormat("ansi") must run before rendering ANSI');
      return ansi.renderAnsi(segments, { ...ro, level: opts.colourLevel ?? 2 });
    case 'plain':
      return renderPlain(segments, ro);
  }
}

/** Both sides as one line (screen pads between them; the others put a gap). */
export function joinSides(format: Exclude<Format, 'json'>, left: string, right: string): string {
  if (format === 'screen') return renderScreenLine(left, right);
  if (left === '' || right === '') return left + right;
  return `${left}  ${right}`;
}
