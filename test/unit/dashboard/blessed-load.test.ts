/** blessed-load.ts: what the dashboard changes in blessed's behaviour, on a real blessed screen. */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBlessed, type Screen, withoutResizeRender } from '../../../src/dashboard/blessed-load.js';

let screen: Screen | undefined;
afterEach(() => screen?.destroy());

/** A blessed screen drawing into a stream, and how many times it has rendered. */
function countingScreen(): { screen: Screen; renders: () => number } {
  const blessed = loadBlessed();
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const s = blessed.screen({ input, output, terminal: 'xterm', warnings: false } as never);
  let renders = 0;
  s.on('prerender', () => renders++);
  screen = s;
  return { screen: s, renders: () => renders };
}

const nextTicks = () => new Promise((resolve) => setImmediate(resolve));

describe('blessed as the dashboard loads it', () => {
  it('a labelled panel that changes size does not render the screen by itself', async () => {
    const { screen: s, renders } = countingScreen();
    const plain = loadBlessed().box({ parent: s, border: { type: 'line' }, label: ' cpu ', width: 20, height: 5 });
    const quiet = withoutResizeRender(loadBlessed().box({ parent: s, border: { type: 'line' }, label: ' mem ', width: 20, height: 5 }));
    // blessed's own behaviour, which the dashboard's panels are spared: one render per resize.
    plain.width = 30;
    await nextTicks();
    expect(renders()).toBe(1);
    quiet.width = 30;
    quiet.height = 8;
    await nextTicks();
    expect(renders()).toBe(1);
    // The label is still drawn where it was: on the top border.
    s.render();
    const row = (s as unknown as { lines: [number, string][][] }).lines[0].map((c) => c[1]).join('');
    expect(row).toContain(' mem ');
  });
});
