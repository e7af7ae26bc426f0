/**
 * datetime — the date and time, strftime-style.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "2026-11-23 12:00" (state idle). Runs on the minute, or every second when the format
 * shows seconds (%S, %T, %s, %r, %c): a line that changes less often costs less to draw.
 */
import { defineModule } from '../../src/core/contract.js';
import { clockInterval, strftime } from '../../src/core/strftime.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';

const options = declareOptions({
  format: T.String({ minLength: 1, default: '%Y-%m-%d %H:%M', description: 'strftime format (src/core/strftime.ts lists directives)' }),
  utc: T.Boolean({ default: false, description: 'show UTC instead of local time (TZ)' }),
});
export type DatetimeOptions = OptionsOf<typeof options>;

/** What the datetime module publishes. */
const data = declareData(
  () => ({
    format: T.String({ description: 'The strftime format shown' }),
    utc: T.Boolean({ description: 'Whether the text is in UTC rather than local time' }),
    epochMs: T.Number({ unit: 'ms since the Unix epoch', description: 'The time shown' }),
  }),
  { description: 'Published at every collect.' },
);
export type DatetimeData = DataOf<typeof data>;

export default defineModule<DatetimeOptions, DatetimeData>({
  id: 'datetime',
  description: 'date and time (strftime format)',
  options,
  data,
  // Nothing for Prometheus, which keeps its own clock.
  metrics: NO_METRICS,
  // Once a minute, on the minute, unless the format shows seconds (or the epoch, %s).
  interval: (options) => clockInterval(options.format),
  priority: 90,
  align: true,
  collect(ctx) {
    const { format, utc } = ctx.options;
    const epochMs = ctx.wallNow();
    const date = new Date(epochMs);
    return {
      reading: {
        text: strftime(format, date, { utc }),
        state: 'idle',
        icon: 'datetime',
        detail: [
          // %z, not %Z: a zone name needs Intl, whose first use costs ~5 ms on every status call.
          { label: 'Local', value: strftime('%Y-%m-%d %H:%M:%S %z', date) },
          { label: 'UTC', value: strftime('%Y-%m-%d %H:%M:%S', date, { utc: true }) },
        ],
      },
      data: { format, utc, epochMs },
    };
  },
});
