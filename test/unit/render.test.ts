import { describe, expect, it } from 'vitest';
import { loadIconSet, loadTheme } from '../../src/core/theme.js';
import { renderAnsi } from '../../src/render/ansi.js';
import { renderPlain } from '../../src/render/plain.js';
import { nearestBasic } from '../../src/render/palette.js';
import { renderScreen, renderScreenLine } from '../../src/render/screen.js';
import { BUILTIN_MODULES } from '../../src/app/builtins.js';
import { fitSegments, sideWidth, type Segment } from '../../src/render/segments.js';
import { escapeTmux, renderTmux, tmuxVisibleText } from '../../src/render/tmux.js';
import { expectGolden } from '../helpers/golden.js';
import { colour, themeStyle } from '../helpers/theme-style.js';

const env = {};
const theme = loadTheme('default', '/nonexistent', env);
const mono = loadTheme('monochrome', '/nonexistent', env);
const ascii = loadIconSet('ascii', env);
const unicode = loadIconSet('unicode', env);

const segments: Segment[] = [
  { id: 'uptime', text: '3d 4h', state: 'idle', icon: 'uptime', priority: 30 },
  { id: 'load', text: '0.42', state: 'good', icon: 'load', priority: 60 },
  { id: 'cpu', text: '87%', short: '87', state: 'warning', icon: 'cpu', priority: 70 },
  { id: 'memory', text: '7.1G/7.8G 91%', short: '91%', state: 'critical', icon: 'memory', priority: 60 },
  { id: 'custom:weather', text: 'x#[fg=red]y #{host} #(touch /tmp/p) \u0005{= rw}z\u001b[31m', state: 'info', priority: 10 },
  { id: 'disk', text: 'disk', state: 'failed', icon: 'failed', priority: 50 },
];

describe('renderers (golden)', () => {
  it('tmux', () => expectGolden('tmux-default.txt', renderTmux(segments, { theme, icons: unicode })));
  it('tmux monochrome', () => expectGolden('tmux-monochrome.txt', renderTmux(segments, { theme: mono, icons: ascii })));
  it('screen', () => expectGolden('screen-default.txt', renderScreen(segments, { theme, icons: ascii })));
  it('ansi 256', () => expectGolden('ansi-256.txt', renderAnsi(segments, { theme, icons: ascii, level: 2 })));
  it('ansi level 0 has no escapes', () => {
    const out = renderAnsi(segments, { theme, icons: ascii, level: 0 });
    expect(out).not.toMatch(/\u001b/);
    expectGolden('ansi-none.txt', out);
  });
  it('plain', () => expectGolden('plain-ascii.txt', renderPlain(segments, { theme, icons: ascii })));
});

describe('tmux escaping', () => {
  it('escapes # for both passes and strips control characters', () => {
    expect(escapeTmux('a#[fg=red]#{host}#(x)\n\u0007b')).toBe('a##[fg=red]####{host}####(x)b');
    expect(escapeTmux('##x #')).toBe('########x ##');
  });
  it('shows every run of # exactly, whatever follows it', () => {
    for (const text of ['#', '##', '###x', '#[x]', '##[fg=red]', 'a#', 'a##', '#{host}', '##(x)', '# # #']) {
      const out = renderTmux([{ id: 't', text, state: 'idle', priority: 1 }], { theme, icons: ascii });
      expect(tmuxVisibleText(out)).toBe(text);
    }
  });
  it('shows outside text literally: tmux sees only our own styles', () => {
    const out = renderTmux([segments[4]], { theme, icons: ascii });
    expect(tmuxVisibleText(out)).toBe('x#[fg=red]y #{host} #(touch /tmp/p) {= rw}z[31m');
    // Our styles are the only '#[' tmux applies (an odd run of '#' before '['): one for the
    // segment, one closing.
    expect(out.match(/(?<!#)(##)*#\[/g)?.length).toBe(2);
  });
  it('never lets a theme colour close the style early', () => {
    // Refused when the theme loads: a renderer only ever gets parsed colours.
    expect(() => themeStyle({ fg: 'red]#(touch /tmp/x)' })).toThrow(/unknown colour/);
    const evil = { ...theme, states: { ...theme.states, good: themeStyle({ fg: '#ff00AA', bg: 'color9' }) } };
    const out = renderTmux([segments[1]], { theme: evil, icons: ascii });
    expect(out).not.toContain('touch');
    expect(out.startsWith('#[default,fg=#ff00AA,bg=colour9]')).toBe(true);
  });
});

describe('screen', () => {
  it('strips \\005 from outside text so it cannot start an escape', () => {
    const out = renderScreen([segments[4]], { theme, icons: ascii });
    const escapes = out.match(/\u0005/g) ?? [];
    // Only our own style escapes: one before the segment, one closing.
    expect(escapes.length).toBe(2);
  });
  it('pads between sides', () => expect(renderScreenLine('L', 'R')).toBe('L\u0005=R'));
  it('maps colours to the 16 basic ones', () => {
    expect(nearestBasic(colour('red'))).toBe(1);
    expect(nearestBasic(colour('brightwhite'))).toBe(15);
    expect(nearestBasic(colour('colour160'))).toBe(9);
    expect(nearestBasic(colour('colour88'))).toBe(1);
    expect(nearestBasic(colour('#dc322f'))).toBe(9);
    expect(nearestBasic(colour(236))).toBe(0);
    expect(nearestBasic(colour('default'))).toBeNull();
  });
});

describe('fitting a width', () => {
  const opts = { theme, icons: ascii };
  it('keeps everything when it fits', () => {
    expect(fitSegments(segments, { ...opts, maxWidth: 500 }).dropped).toEqual([]);
  });
  it('uses short texts of low priority first, then drops the lowest priority', () => {
    const fitted = fitSegments(segments.slice(0, 4), { ...opts, maxWidth: 30 });
    const plain = renderPlain(fitted.segments, { ...opts });
    expect(plain.length).toBeLessThanOrEqual(30);
    expect(fitted.dropped.map((d) => d.id)).toEqual(['uptime']);
    expect(plain).toContain('cpu 87');
  });
  it('measures wide characters as two cells', () => {
    const wide: Segment[] = [
      { id: 'a', text: '天気晴れ', state: 'idle', priority: 10 },
      { id: 'b', text: 'ok', state: 'idle', priority: 90 },
    ];
    // 8 cells + 1 separator + 2 = 11: a limit of 10 must drop 'a'.
    expect(fitSegments(wide, { ...opts, maxWidth: 11 }).dropped).toEqual([]);
    expect(fitSegments(wide, { ...opts, maxWidth: 10 }).dropped.map((d) => d.id)).toEqual(['a']);
  });
});

describe('fitting a width: no room left blank', () => {
  const opts = { theme, icons: ascii };
  const seg = (id: string, width: number, priority: number, short?: number): Segment => ({
    id,
    text: id[0].repeat(width),
    short: short === undefined ? undefined : id[0].repeat(short),
    state: 'idle',
    priority,
  });

  it('a dropped segment that fits in the room a later drop left comes back', () => {
    // 3 + 1 + 30 = 34 cells; a limit of 24 drops the narrow one first (lowest priority), then
    // the wide one, which leaves room for the narrow one again.
    const fitted = fitSegments([seg('narrow', 3, 10), seg('wide', 30, 20), seg('clock', 16, 90)], { ...opts, maxWidth: 24 });
    expect(fitted.segments.map((s) => s.id)).toEqual(['narrow', 'clock']);
    expect(fitted.dropped.map((d) => d.id)).toEqual(['wide']);
  });

  it('then shortened texts get their full form back, highest priority first', () => {
    const segments = [seg('low', 10, 10, 2), seg('mid', 10, 50, 2), seg('big', 40, 20)];
    // Everything short is 2+2+40+2 = 46 > 30: 'big' drops; then 10+1+10 = 21 fits in full.
    const fitted = fitSegments(segments, { ...opts, maxWidth: 30 });
    expect(fitted.segments.map((s) => s.text)).toEqual(['l'.repeat(10), 'm'.repeat(10)]);
    // Room for one full text only: the higher priority gets it.
    const tight = fitSegments(segments, { ...opts, maxWidth: 14 });
    expect(tight.segments.map((s) => s.text)).toEqual(['ll', 'm'.repeat(10)]);
    expect(sideWidth(tight.segments, opts)).toBeLessThanOrEqual(14);
  });

  it('never goes over the limit, and says why each missing segment is missing', () => {
    const segments = [seg('a', 7, 30), seg('b', 12, 60, 4), seg('c', 5, 30), seg('d', 9, 90), seg('e', 3, 10)];
    for (let limit = 1; limit <= 45; limit++) {
      const fitted = fitSegments(segments, { ...opts, maxWidth: limit });
      expect(sideWidth(fitted.segments, opts)).toBeLessThanOrEqual(limit);
      const kept = new Set(fitted.segments.map((s) => s.id));
      expect([...kept, ...fitted.dropped.map((d) => d.id)].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      // Nothing dropped would still fit beside what was kept.
      for (const d of fitted.dropped) {
        const missing = segments.find((s) => s.id === d.id)!;
        const candidate = segments
          .filter((s) => kept.has(s.id) || s === missing)
          .map((s) => fitted.segments.find((f) => f.id === s.id) ?? { ...s, text: s.short ?? s.text });
        expect(sideWidth(candidate, opts), `limit ${limit}: ${d.id}`).toBeGreaterThan(limit);
      }
    }
  });

  it('the clock has the highest default priority; the everyday numbers come before the quiet modules', () => {
    const priority = new Map(BUILTIN_MODULES.map((m) => [m.id, m.priority ?? 50]));
    const clock = priority.get('datetime')!;
    for (const [id, p] of priority) if (id !== 'datetime') expect(p, id).toBeLessThan(clock);
    const everyday = ['cpu', 'load', 'memory', 'disk', 'network', 'battery'];
    const quiet = ['uptime', 'swap', 'updates', 'reboot-required', 'users', 'processes', 'ip', 'diskio', 'ec2-cost'];
    for (const e of everyday) for (const q of quiet) expect(priority.get(e)!, `${e} over ${q}`).toBeGreaterThan(priority.get(q)!);
  });
});

describe('themes', () => {
  it('NO_COLOR selects monochrome whatever the config says', () => {
    expect(loadTheme('solarized', '/nonexistent', { NO_COLOR: '1' }).name).toBe('monochrome');
  });
  it('every shipped theme loads', () => {
    for (const name of ['default', 'monochrome', 'solarized', 'byobu', 'basic16']) {
      expect(loadTheme(name, '/nonexistent', {}).name).toBe(name);
    }
  });
  it('monochrome uses no colour in tmux', () => {
    const out = renderTmux(segments, { theme: mono, icons: ascii });
    expect(out).not.toMatch(/(^|[^#])(##)*#\[[^\]]*(fg|bg)=/);
  });
  it('an unknown theme is a clear error', () => {
    expect(() => loadTheme('nope', '/nonexistent', {})).toThrow(/unknown theme "nope"/);
  });
});
