/**
 * One bad value from a module never takes the line down: what a collect returns is checked at
 * the boundary (src/core/reading-check.ts), the module shows as failed with the reason, and
 * the other modules on the line keep their readings.
 */
import { describe, expect, it } from 'vitest';
import { collectModule } from '../../../src/core/collect.js';
import type { ShojiModule } from '../../../src/core/contract.js';
import { collectedProblem, MAX_TEXT_CELLS } from '../../../src/core/reading-check.js';
import type { Registry } from '../../../src/core/registry.js';
import { newStatus, recordOutcome } from '../../../src/core/scheduler.js';
import { loadIconSet, loadTheme } from '../../../src/core/theme.js';
import { toSegments } from '../../../src/core/view.js';
import { renderPlain } from '../../../src/render/plain.js';
import { renderTmux } from '../../../src/render/tmux.js';
import { resolved, resolvedIds } from '../../helpers/resolved.js';

const schema = { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} };

function returning(id: string, value: unknown): ShojiModule {
  return { id, description: id, options: schema, interval: 1, collect: () => value as never };
}

const circular: Record<string, unknown> = {};
circular.self = circular;

const BAD: [string, unknown, RegExp][] = [
  ['an unknown state', { reading: { text: 'x', state: 'bogus' } }, /state must be one of idle, info, good, warning, critical, not "bogus"/],
  ['text that is a number', { reading: { text: 42, state: 'idle' } }, /text must be text, not a number/],
  ['text that is NaN', { reading: { text: NaN, state: 'idle' } }, /text must be text, not NaN/],
  ['text that is an object', { reading: { text: { a: 1 }, state: 'idle' } }, /text must be text, not an object/],
  ['5 MB of text', { reading: { text: 'x'.repeat(5_000_000), state: 'idle' } }, new RegExp(`text is longer than ${MAX_TEXT_CELLS} cells`)],
  ['an icon named after a prototype property', { reading: { text: 'x', state: 'idle', icon: 'constructor' } }, /icon must be an icon name/],
  ['an icon that is a path', { reading: { text: 'x', state: 'idle', icon: '../../etc/passwd' } }, /icon must be an icon name/],
  ['NaN in its data', { reading: { text: 'x', state: 'idle', data: { percent: NaN } } }, /data\.percent is NaN, not a number/],
  ['a function in its data', { reading: { text: 'x', state: 'idle', data: { f: () => 1 } } }, /data\.f is a function, which cannot be kept/],
  ['a circular memo', { reading: null, memo: circular }, /memo nests deeper than/],
  ['detail lines that are not {label, value}', { reading: { text: 'x', state: 'idle', detail: ['a'] } }, /detail\[0\] must be \{label, value\}/],
  ['a reading that is a list', { reading: [] }, /the reading must be an object or null, not a list/],
  ['no { reading }', 'hello', /collect returned no \{ reading \} object/],
  ['undefined', undefined, /collect returned no \{ reading \} object/],
];

describe('the reading boundary', () => {
  it.each(BAD)('refuses %s', async (_what, value, why) => {
    const outcome = await collectModule(resolved(returning('bad', value)), {}, undefined, 1000);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(why);
  });

  it('accepts what the built-in modules return: text, state, icon, data, detail, a memo of counters', () => {
    expect(
      collectedProblem({
        reading: {
          text: 'cpu 12%',
          short: '12%',
          state: 'warning',
          icon: 'network-rx',
          pending: false,
          data: { percent: 12.5, cores: [1, 2], name: 'eth0', missing: undefined, nothing: null },
          detail: [{ label: 'user', value: '10%' }],
        },
        memo: { total: 123456789, at: 1.5 },
      }),
    ).toBeNull();
    expect(collectedProblem({ reading: null })).toBeNull();
    expect(collectedProblem({ reading: { text: 'x'.repeat(MAX_TEXT_CELLS), state: 'idle' } })).toBeNull();
    expect(collectedProblem({ reading: { text: 'x'.repeat(MAX_TEXT_CELLS + 1), state: 'idle' } })).not.toBeNull();
  });

  it('a bad module shows as failed while the others on the line keep their readings', async () => {
    const good = returning('good', { reading: { text: 'fine', state: 'good' } });
    const bad = returning('bad', { reading: { text: 'x', state: 'bogus' } });
    const registry: Registry = {
      modules: new Map([good, bad].map((def) => [def.id, { def, source: 'plugin' as const }])),
      problems: [],
    };
    const statuses = new Map();
    for (const def of [good, bad]) {
      const st = newStatus(def.id);
      recordOutcome(st, await collectModule(resolved(def), {}, undefined, 1000));
      statuses.set(def.id, st);
    }
    const segments = toSegments(resolvedIds(['bad', 'good'], registry), statuses);
    const opts = { theme: loadTheme('default', '/nonexistent', {}), icons: loadIconSet('ascii', {}) };
    expect(renderPlain(segments, opts)).toContain('fine');
    expect(renderPlain(segments, opts)).toContain('bad');
    expect(segments.find((s) => s.id === 'bad')?.state).toBe('failed');
    expect(() => renderTmux(segments, opts)).not.toThrow();
  });
});

describe("a module's own timeout", () => {
  it('is brought within bounds: NaN, 0 and 1e12 never become a busy loop or an overflow', async () => {
    const { timeoutFor, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } = await import('../../../src/core/collect.js');
    const mod = (timeoutMs: number) => ({ ...returning('t', { reading: null }), timeoutMs });
    expect(timeoutFor(resolved(mod(NaN)))).toBe(DEFAULT_TIMEOUT_MS);
    expect(timeoutFor(resolved(mod(0)))).toBe(DEFAULT_TIMEOUT_MS);
    expect(timeoutFor(resolved(mod(-5)))).toBe(DEFAULT_TIMEOUT_MS);
    expect(timeoutFor(resolved(mod(1e12)))).toBe(MAX_TIMEOUT_MS);
    expect(timeoutFor(resolved(mod(1500)))).toBe(1500);
    expect(timeoutFor(resolved(mod(1e12)), 2000)).toBe(2000);
  });
});
