/**
 * hostname — this machine's name.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "web1" (state idle); the short form is always the name without its domain.
 * The name is outside text: control characters are
 * removed here, everything else is escaped by the renderer.
 */
import { join } from 'node:path';
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import { readText } from '../../src/core/read.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';
import { hostFor } from '../../src/platform/backend.js';

const options = declareOptions({
  short: T.Boolean({ default: true, description: 'drop the domain: "web1.example.com" -> "web1"' }),
  source: T.Enum(['kernel', 'file'], {
    default: 'kernel',
    description: 'kernel: the running name (<procRoot>/sys/kernel/hostname, as uname -n); file: <root>/etc/hostname, the name set for next boot',
  }),
});
export type HostnameOptions = OptionsOf<typeof options>;

/** What the hostname module publishes. */
const data = declareData(
  () => ({
    hostname: T.String({ description: 'The full name as found (control characters removed)' }),
    short: T.String({ description: 'The name without its domain' }),
    source: T.Enum(['kernel', 'file'], { description: 'Where it came from (`file` falls back to `kernel` without /etc/hostname)' }),
  }),
  { description: 'Published whenever a name is found.' },
);
export type HostnameData = DataOf<typeof data>;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** First meaningful line: hostname(5) allows blank lines and lines starting with '#'. */
function firstName(text: string | null): string | null {
  for (const line of (text ?? '').split('\n')) {
    const name = line.replace(CONTROL, '').trim();
    if (name !== '' && !name.startsWith('#')) return name;
  }
  return null;
}

/** "web1.example.com" -> "web1"; an address used as a name stays whole ("10.0.0.5"). */
export function shortName(name: string): string {
  if (/^\d+(\.\d+){3}$/.test(name)) return name;
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export default defineModule<HostnameOptions, HostnameData>({
  id: 'hostname',
  description: "this machine's host name",
  options,
  data,
  // Nothing for Prometheus: a host is its target's `instance` label.
  metrics: NO_METRICS,
  interval: 600,
  priority: 80,
  collect(ctx) {
    const fromFile = ctx.options.source === 'file' ? firstName(readText(join(ctx.root, 'etc/hostname'))) : null;
    if (fromFile !== null) return show(ctx, fromFile, 'file');
    // The running name: <procRoot>/sys/kernel/hostname on Linux (a fixture tree can stand in), uname's elsewhere.
    const kernel = hostFor(ctx).hostname(ctx);
    return kernel instanceof Promise ? kernel.then((k) => show(ctx, firstName(k), 'kernel')) : show(ctx, firstName(kernel), 'kernel');
  },
});

function show(ctx: ModuleContext<HostnameOptions>, name: string | null, source: HostnameData['source']): Collected<HostnameData> {
  if (name === null) return { reading: null };
  const short = shortName(name);
  return {
    reading: {
      text: ctx.options.short ? short : name,
      short,
      state: 'idle',
      icon: 'hostname',
      detail: [
        { label: 'Host name', value: name },
        { label: 'Source', value: source === 'file' ? join(ctx.root, 'etc/hostname') : 'kernel' },
      ],
    },
    data: { hostname: name, short, source },
  };
}
