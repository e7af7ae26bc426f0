/**
 * distro — the operating system and its release, from os-release(5): byobu's `distro` and
 * `release` in one module.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "Debian GNU/Linux 12" (NAME and VERSION_ID; state idle), or what `show` asks for; the
 * short form is the release alone ("12"), or the ID where there is no release (a rolling
 * distribution). Read from <root>/etc/os-release, else <root>/usr/lib/os-release (the file
 * /etc/os-release links to, and the one to read where /etc has none), once: it changes only with
 * an upgrade, which a restart of the line follows. Hidden where neither file exists.
 *
 * The file is shell-compatible assignments: values may be in double quotes (where \ escapes
 * $ " \ and `), in single quotes (taken as written), or bare (where \ escapes the next
 * character); lines starting with # are comments. Fields missing take os-release(5)'s
 * defaults (NAME "Linux", ID "linux", PRETTY_NAME "Linux"). Values are outside text: control
 * characters are removed, the rest is escaped by each renderer.
 */
import { join } from 'node:path';
import * as T from 'typebox';
import { defineModule } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { withoutControl } from '../../src/core/outside-text.js';
import { readText } from '../../src/core/read.js';

const options = declareOptions({
  show: T.Enum(['name-release', 'pretty', 'name', 'release', 'id'], {
    default: 'name-release',
    description:
      'what the line shows: NAME and VERSION_ID ("Debian GNU/Linux 12"), PRETTY_NAME ("Debian GNU/Linux 12 (bookworm)"), NAME, VERSION_ID (byobu\'s release), or ID ("debian")',
  }),
});
export type DistroOptions = OptionsOf<typeof options>;

/** What the distro module publishes. */
const data = declareData(
  () => ({
    name: T.String({ description: 'NAME: the operating system, without its version ("Debian GNU/Linux")' }),
    prettyName: T.String({ description: 'PRETTY_NAME: the name for people, often with version and codename' }),
    id: T.String({ description: 'ID: the lower-case identifier ("debian", "ubuntu")' }),
    versionId: T.Optional(T.String({ description: 'VERSION_ID: the release ("12", "24.04"); absent on rolling distributions' })),
    version: T.Optional(T.String({ description: 'VERSION: the release as people write it ("12 (bookworm)")' })),
    codename: T.Optional(T.String({ description: 'VERSION_CODENAME ("bookworm")' })),
    file: T.String({ description: 'The file read' }),
  }),
  { description: 'Published whenever an os-release file is found.' },
);
export type DistroData = DataOf<typeof data>;

/** The files os-release(5) says to read, in order. */
const FILES = ['etc/os-release', 'usr/lib/os-release'];

/** One shell word of a value: quotes and backslash escapes as sh reads them. */
function shellValue(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      out += raw.slice(i + 1, end < 0 ? raw.length : end);
      i = end < 0 ? raw.length : end;
    } else if (c === '"') {
      for (i++; i < raw.length && raw[i] !== '"'; i++) {
        // Inside double quotes a backslash escapes only these; before anything else it stays.
        if (raw[i] === '\\' && '$"\\`'.includes(raw[i + 1] ?? '')) i++;
        out += raw[i];
      }
    } else if (c === '\\') {
      i++;
      out += raw[i] ?? '';
    } else if (/\s/.test(c)) {
      break; // unquoted whitespace ends the word (and a comment may follow it)
    } else {
      out += c;
    }
  }
  return out;
}

/** The assignments of an os-release file: KEY=value lines; comments and anything else skipped. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out.set(m[1], withoutControl(shellValue(m[2].trimEnd())).trim());
  }
  return out;
}

function readOsRelease(root: string): DistroData | null {
  for (const rel of FILES) {
    const file = join(root, rel);
    const text = readText(file);
    if (text === null) continue;
    const fields = parseOsRelease(text);
    const field = (key: string) => fields.get(key) || undefined;
    const versionId = field('VERSION_ID');
    const version = field('VERSION');
    const codename = field('VERSION_CODENAME');
    return {
      name: field('NAME') ?? 'Linux',
      prettyName: field('PRETTY_NAME') ?? 'Linux',
      id: field('ID') ?? 'linux',
      ...(versionId !== undefined ? { versionId } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(codename !== undefined ? { codename } : {}),
      file,
    };
  }
  return null;
}

function shown(d: DistroData, show: DistroOptions['show']): string {
  switch (show) {
    case 'pretty':
      return d.prettyName;
    case 'name':
      return d.name;
    case 'release':
      return d.versionId ?? d.id;
    case 'id':
      return d.id;
    default:
      return d.versionId !== undefined ? `${d.name} ${d.versionId}` : d.name;
  }
}

export default defineModule<DistroOptions, DistroData>({
  id: 'distro',
  description: 'the operating system and release (/etc/os-release)',
  options,
  data,
  // Nothing for Prometheus: node_exporter's node_os_info carries it.
  metrics: NO_METRICS,
  interval: 'once',
  priority: 20,
  available: (ctx) => readOsRelease(ctx.root) !== null,
  collect(ctx) {
    const d = readOsRelease(ctx.root);
    if (d === null) return { reading: null };
    const detail = [
      { label: 'Name', value: d.prettyName },
      ...(d.version !== undefined ? [{ label: 'Version', value: d.version }] : []),
      { label: 'From', value: d.file },
    ];
    return {
      reading: { text: shown(d, ctx.options.show), short: d.versionId ?? d.id, state: 'idle', detail },
      data: d,
    };
  },
});
