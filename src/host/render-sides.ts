/**
 * Render both sides of the status line from module statuses in one back end.
 * Shared by `shoji status`, the tmux daemon and the screen stream.
 */
import type { App } from '../core/app.js';
import { expandLayout } from '../core/registry.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { toSegments } from '../core/view.js';
import { renderAnsi } from '../render/ansi.js';
import { renderPlain } from '../render/plain.js';
import { renderScreen, renderScreenLine } from '../render/screen.js';
import type { RenderOptions, Segment } from '../render/segments.js';
import { renderTmux } from '../render/tmux.js';

export type Format = 'tmux' | 'screen' | 'ansi' | 'plain' | 'json';
export const FORMATS: readonly Format[] = ['tmux', 'screen', 'ansi', 'plain', 'json'];
export type Side = 'left' | 'right';

export function sideIds(app: App, side: Side): string[] {
  return expandLayout(app.config[side], app.registry, app.config);
}

/** Segments of a side, with a config or theme problem shown first on the right. */
export function sideSegments(app: App, side: Side, statuses: Map<string, ModuleStatus>): Segment[] {
  const segments = toSegments(sideIds(app, side), statuses, app.registry, app.config);
  if (side === 'right' && (app.configError || app.themeError)) {
    segments.unshift({ id: 'config', text: 'config', state: 'failed', icon: 'failed', priority: 1000 });
  }
  return segments;
}

export function renderSide(
  format: Exclude<Format, 'json'>,
  segments: Segment[],
  app: App,
  opts: { width?: number; colourLevel?: 0 | 1 | 2 | 3 } = {},
): string {
  const ro: RenderOptions = { theme: app.theme, icons: app.icons, maxWidth: opts.width ?? app.config.max_width };
  switch (format) {
    case 'tmux':
      return renderTmux(segments, ro);
    case 'screen':
      return renderScreen(segments, ro);
    case 'ansi':
      return renderAnsi(segments, { ...ro, level: opts.colourLevel ?? 2 });
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
