/**
 * One rendering of /metrics shared by the scrapes that arrive close together: the text is made
 * at most once per REUSE_MS per format, and scrapes in the meantime (several Prometheus
 * servers, a person with curl, or a flood) are answered with that same text. A scrape never
 * collects, so the text only changes when a module publishes, and a second's delay on the
 * process metrics (CPU seconds, memory) is below any scrape interval's resolution.
 */
import type { ExpositionFormat } from './exposition.js';
import type { MetricsAnswer } from './server.js';

export const REUSE_MS = 1_000;

/**
 * Wrap `render` so that it runs at most once per `reuseMs` for each format; a failed render is
 * not reused. `now` is the clock (tests pass their own).
 */
export function sharedRender(
  render: (format: ExpositionFormat) => Promise<MetricsAnswer>,
  reuseMs = REUSE_MS,
  now: () => number = () => performance.now(),
): (format: ExpositionFormat) => Promise<MetricsAnswer> {
  const last = new Map<ExpositionFormat, { at: number; answer: Promise<MetricsAnswer> }>();
  return (format) => {
    const at = now();
    const previous = last.get(format);
    if (previous && at - previous.at < reuseMs) return previous.answer;
    const answer = render(format);
    const entry = { at, answer };
    last.set(format, entry);
    answer.catch(() => {
      if (last.get(format) === entry) last.delete(format);
    });
    return answer;
  };
}
