/**
 * time-utc — the time in UTC, whatever the host's zone: byobu's `time_utc`, for the admin of
 * servers in several zones who reads logs stamped in UTC.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "12:00 UTC" (state idle). The format is strftime's, as the datetime module's is
 * (src/core/strftime.ts, shared by both), always in UTC. Runs on the minute, or every second when
 * the format shows seconds, as datetime does.
 */
import * as T from 'typebox';
import { defineModule } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { clockInterval, strftime } from '../../src/core/strftime.js';

const options = declareOptions({
  format: T.String({ minLength: 1, default: '%H:%M UTC', description: 'strftime format, in UTC (src/core/strftime.ts lists directives)' }),
});
export type TimeUtcOptions = OptionsOf<typeof options>;

/** What the time-utc module publishes. */
const data = declareData(
  () => ({
    format: T.String({ description: 'The strftime format shown' }),
    epochMs: T.Number({ unit: 'ms since the Unix epoch', description: 'The time shown' }),
  }),
  { description: 'Published at every collect.' },
);
export type TimeUtcData = DataOf<typeof data>;

export default defineModule<TimeUtcOptions, TimeUtcData>({
  id: 'time-utc',
  description: 'the time in UTC (strftime format)',
  options,
  data,
  // Nothing for Prometheus, which keeps its own clock.
  metrics: NO_METRICS,
  interval: (options) => clockInterval(options.format),
  priority: 85,
  align: true,
  collect(ctx) {
    const { format } = ctx.options;
    const epochMs = ctx.wallNow();
    const date = new Date(epochMs);
    return {
      reading: {
        text: strftime(format, date, { utc: true }),
        state: 'idle',
        detail: [{ label: 'UTC', value: strftime('%Y-%m-%d %H:%M:%S', date, { utc: true }) }],
      },
      data: { format, epochMs },
    };
  },
});
