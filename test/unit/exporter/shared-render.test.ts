/**
 * /metrics is rendered at most once a second per format, and scrapes in between (concurrent
 * ones included) share that text: a flood of scrapes costs one render a second. The clock is
 * the test's own, so nothing depends on how fast this machine is.
 */
import { describe, expect, it } from 'vitest';
import type { ExpositionFormat } from '../../../src/exporter/exposition.js';
import { REUSE_MS, sharedRender } from '../../../src/exporter/shared-render.js';

function counting() {
  const renders: ExpositionFormat[] = [];
  let clock = 0;
  const render = sharedRender(
    async (format) => {
      renders.push(format);
      return { body: `render ${renders.length}\n`, contentType: format };
    },
    REUSE_MS,
    () => clock,
  );
  return { render, renders, advance: (ms: number) => (clock += ms) };
}

describe('sharing a render', () => {
  it('renders once for scrapes within a second, concurrent or not, and again after', async () => {
    const { render, renders, advance } = counting();
    const concurrent = await Promise.all(Array.from({ length: 100 }, () => render('prometheus')));
    expect(new Set(concurrent.map((a) => a.body))).toEqual(new Set(['render 1\n']));
    advance(REUSE_MS - 1);
    expect((await render('prometheus')).body).toBe('render 1\n');
    advance(1);
    expect((await render('prometheus')).body).toBe('render 2\n');
    expect(renders).toEqual(['prometheus', 'prometheus']);
  });

  it('keeps one render per format: an OpenMetrics scrape never gets the Prometheus text', async () => {
    const { render, renders } = counting();
    expect((await render('prometheus')).contentType).toBe('prometheus');
    expect((await render('openmetrics')).contentType).toBe('openmetrics');
    expect((await render('prometheus')).contentType).toBe('prometheus');
    expect(renders).toEqual(['prometheus', 'openmetrics']);
  });

  it('does not reuse a failed render', async () => {
    let calls = 0;
    const render = sharedRender(
      async () => {
        calls++;
        if (calls === 1) throw new Error('broke');
        return { body: 'ok\n', contentType: 'text/plain' };
      },
      REUSE_MS,
      () => 0,
    );
    await expect(render('prometheus')).rejects.toThrow('broke');
    expect((await render('prometheus')).body).toBe('ok\n');
  });
});
