/**
 * A metric family's help, read from its module's data declaration: the family's own help, else
 * the description of the one data field it is read from (src/core/metrics.ts, MetricFamily.field).
 * Only the exporter, docs/metrics.md and the tests ask; reading a declaration's schema builds it
 * the first time, which the status line never does.
 */
import type { DataDeclaration } from '../core/contract.js';
import { toAscii } from '../core/locale.js';
import type { MetricFamily } from '../core/metrics.js';

/** A node of a data declaration's JSON Schema, as far as a field's path and description go. */
interface SchemaNode {
  description?: string;
  unit?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

/** The node itself, or the member of its union that has `key` (a list or an object that may be null). */
const withKey = (node: SchemaNode | undefined, key: 'properties' | 'items') =>
  node?.[key] !== undefined ? node : node?.anyOf?.find((n) => n[key] !== undefined);

/**
 * The declared schema of a data field named as docs/modules.md names it (`used`,
 * `mounts[].total`, `cores`); undefined when the module declares no such field.
 */
export function fieldSchema(data: DataDeclaration | undefined, path: string): SchemaNode | undefined {
  let at: SchemaNode | undefined = data?.schema as SchemaNode | undefined;
  for (const part of path.split('.')) {
    at = withKey(at, 'properties')?.properties?.[part.replace(/\[\]$/, '')];
    if (part.endsWith('[]')) at = withKey(at, 'items')?.items;
  }
  return at;
}

/**
 * A family's help as docs/metrics.md shows it: its own, else the description its one data field
 * has in `data` (the module's declaration: for `rows[].field`, the row's property); undefined
 * when it has neither.
 */
export function familyHelp(family: Pick<MetricFamily, 'help' | 'field'>, data: DataDeclaration | undefined): string | undefined {
  if (family.help !== undefined) return family.help;
  if (family.field === undefined || family.field.includes(', ')) return undefined;
  return fieldSchema(data, family.field)?.description;
}

/**
 * The same help as the exposition's `# HELP` line: plain ASCII, without the descriptions'
 * markdown backticks, a minus sign as `-` (what Prometheus's UI and promtool show is no markdown).
 */
export function helpLine(family: Pick<MetricFamily, 'help' | 'field'>, data: DataDeclaration | undefined): string | undefined {
  const known = helpLines.get(family);
  if (known !== undefined && known.data === data) return known.line;
  const help = familyHelp(family, data);
  const line = help === undefined ? undefined : toAscii(help.replaceAll('`', '').replaceAll('\u2212', '-'));
  helpLines.set(family, { data, line });
  return line;
}

/**
 * Each family's line, worked out at its first scrape: a module's families and data declaration
 * are built once, and walking the schema at every scrape was a tenth of a scrape's JavaScript.
 */
const helpLines = new WeakMap<object, { data: DataDeclaration | undefined; line: string | undefined }>();
