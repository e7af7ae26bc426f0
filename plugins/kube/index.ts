/**
 * kube — the current Kubernetes context and namespace, from the kubeconfig, as kube-ps1 and
 * kube-tmux show them, without running kubectl.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Reads the files in $KUBECONFIG (a list separated by ':'), merged as kubectl merges them (the
 * first file that sets current-context gives it, the first file that defines a context gives it
 * whole: ./kubeconfig.ts), else ~/.kube/config. Shows "prod-eu:payments": the context, then its
 * namespace ("default" when it sets none). EKS and GKE context names, which spell out the
 * account or project and the region, are shown by the cluster's own name with `short_names`
 * (arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu, gke_shop_europe-west1_prod-eu: prod-eu).
 * `critical_contexts` and `warning_contexts` turn the segment red or yellow in the contexts you
 * want to be careful in: what kube-ps1 users do with a shell function, by pattern here.
 * Quiet without a kubeconfig or a current context. Not available without $KUBECONFIG or ~/.kube.
 *
 * Read on change: every collect stats each file (path, inode, size, mtime, kept in the memo) and
 * parses them again only when one of them changed, came or went; the YAML parser is loaded only
 * then. A file that cannot be read or parsed fails the module with the file, the line and what
 * is wrong; the next good edit recovers at the next try (the host tries a failed module again
 * after its interval, doubled at each failure in a row, 5 minutes at most). Names are shown
 * without control characters or bidirectional overrides (a context must not be able to make
 * itself look like another).
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as T from 'typebox';
import { defineModule, type DetailLine, type ModuleContext, type State } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { withoutControl } from '../../src/core/outside-text.js';
import type { CurrentContext } from './kubeconfig.js';

const patterns = (what: string) =>
  T.Array(T.String({ minLength: 1 }), {
    default: [],
    description: `contexts shown as ${what}: patterns with * and ? (\`*prod*\`), matched without regard to case against the context's name, its short name and its cluster's name`,
  });

const options = declareOptions({
  critical_contexts: patterns('critical (red in most themes)'),
  warning_contexts: patterns('warning'),
  namespace: T.Boolean({ default: true, description: 'show the namespace after the context ("prod-eu:payments")' }),
  short_names: T.Boolean({
    default: true,
    description: "show EKS and GKE contexts by their cluster's name (arn:aws:eks:REGION:ACCOUNT:cluster/NAME and gke_PROJECT_LOCATION_NAME: NAME)",
  }),
  max_file_mib: T.Number({
    minimum: 0.01,
    maximum: 256,
    default: 2,
    description: 'the largest kubeconfig file read, in MiB: a larger one fails the module, naming it (parsing 2 MiB of YAML takes about a second)',
  }),
});
export type KubeOptions = OptionsOf<typeof options>;

/** What the kube module publishes. */
const data = declareData(
  () => ({
    context: T.String({ description: 'The current context (`current-context`), in full' }),
    shown: T.String({ description: 'The context as the line shows it: its short name with `short_names` (an EKS or GKE cluster name), else in full' }),
    namespace: T.String({ description: 'Its namespace, `default` when the context sets none (as kubectl does)' }),
    cluster: T.Optional(T.String({ description: 'The cluster the context names' })),
    user: T.Optional(T.String({ description: 'The user (credentials) the context names' })),
    defined: T.Boolean({ description: 'Whether any kubeconfig file defines the context (kubectl fails without it)' }),
    file: T.Optional(T.String({ description: 'The kubeconfig file that defines the context' })),
    currentContextFile: T.String({ description: 'The kubeconfig file that sets `current-context`' }),
  }),
  {
    description:
      'Published while a kubeconfig sets a current context; nothing without one. Names as the files give them, control characters and bidirectional overrides removed.',
  },
);
export type KubeData = DataOf<typeof data>;

/** One file as last stat'ed: what tells a change without reading it. */
type Stamp = { path: string; missing: true } | { path: string; ino: number; size: number; mtimeMs: number };

/** Private to this module: the files as last read, and what they said. */
export interface KubeMemo {
  files: Stamp[];
  current: CurrentContext | null;
}

/** The files kubectl would read: $KUBECONFIG's (empty names and repeats dropped), else ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv): string[] {
  const listed = (env.KUBECONFIG ?? '').split(':').filter((p) => p !== '');
  if (listed.length > 0) return [...new Set(listed.map((p) => resolve(p)))];
  return env.HOME ? [join(env.HOME, '.kube', 'config')] : [];
}

function stamp(path: string): Stamp {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (err) {
    // ENOTDIR: a path through a file is as missing as one that is not there.
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return { path, missing: true };
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return st ? { path, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs } : { path, missing: true };
}

const sameStamp = (a: Stamp, b: Stamp) =>
  a.path === b.path && ('missing' in a ? 'missing' in b : !('missing' in b) && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs);

function unchanged(memo: KubeMemo | undefined, files: Stamp[]): memo is KubeMemo {
  return memo !== undefined && Array.isArray(memo.files) && memo.files.length === files.length && memo.files.every((s, i) => sameStamp(s, files[i]));
}

/** Bidirectional overrides and isolates, which reorder what a terminal draws ("prod" drawn as "dorp"). */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
/** The longest name kept: Kubernetes names are at most 253 characters. */
const MAX_NAME = 253;

/** A name from a kubeconfig as it may be shown and published. */
export function cleanName(name: string): string {
  const clean = withoutControl(name).replace(BIDI, '').trim();
  return clean.length > MAX_NAME ? `${clean.slice(0, MAX_NAME - 3)}...` : clean;
}

const EKS = /^arn:aws[a-z-]*:eks:[^:]+:\d+:cluster\/(.+)$/;
/** gke_PROJECT_LOCATION_CLUSTER: a project id and a location have no '_'; a cluster name neither. */
const GKE = /^gke_[^_]+_[^_]+_([^_]+)$/;

/** The cluster's own name for an EKS or GKE context name; the name itself otherwise. */
export function shortName(context: string): string {
  return EKS.exec(context)?.[1] ?? GKE.exec(context)?.[1] ?? context;
}

/** A pattern with * and ? as a whole-name, case-blind test. */
export function globTest(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

const matchesAny = (list: readonly string[], names: string[]) => list.some((p) => names.some((n) => globTest(p).test(n)));

function stateFor(o: KubeOptions, names: string[], defined: boolean): State {
  if (matchesAny(o.critical_contexts, names)) return 'critical';
  if (matchesAny(o.warning_contexts, names) || !defined) return 'warning';
  return 'info';
}

function available(ctx: ModuleContext<KubeOptions>): boolean {
  if ((ctx.env.KUBECONFIG ?? '').split(':').some((p) => p !== '')) return true;
  return ctx.env.HOME ? statSync(join(ctx.env.HOME, '.kube'), { throwIfNoEntry: false })?.isDirectory() === true : false;
}

export default defineModule<KubeOptions, KubeData, KubeMemo>({
  id: 'kube',
  description: 'the current Kubernetes context and namespace, from the kubeconfig',
  options,
  data,
  // Nothing for Prometheus: a context is a name, not a measurement.
  metrics: NO_METRICS,
  // A stat per file: cheap enough that a `kubectl config use-context` shows at the next redraw.
  interval: 2,
  priority: 55,
  icons: { kube: 'k8s ' },
  available,
  async collect(ctx, memo) {
    const files = kubeconfigFiles(ctx.env).map(stamp);
    let current: CurrentContext | null;
    if (unchanged(memo, files)) {
      current = memo.current;
    } else {
      const present = files.filter((f) => !('missing' in f)).map((f) => f.path);
      const { readCurrentContext } = await import('./kubeconfig.js');
      current = present.length > 0 ? await readCurrentContext(present, ctx.options.max_file_mib) : null;
    }
    const next: KubeMemo = { files, current };
    if (current === null) return { reading: null, memo: next };

    const o = ctx.options;
    const context = cleanName(current.name);
    const shown = o.short_names ? shortName(context) : context;
    const entry = current.entry;
    const cluster = entry?.cluster !== undefined ? cleanName(entry.cluster) : undefined;
    const user = entry?.user !== undefined ? cleanName(entry.user) : undefined;
    const namespace = entry?.namespace !== undefined ? cleanName(entry.namespace) || 'default' : 'default';
    const defined = entry !== undefined;
    const published: KubeData = {
      context,
      shown,
      namespace,
      ...(cluster !== undefined ? { cluster } : {}),
      ...(user !== undefined ? { user } : {}),
      defined,
      ...(entry ? { file: entry.file } : {}),
      currentContextFile: current.setIn,
    };
    const detail: DetailLine[] = [
      { label: 'Context', value: defined ? context : `${context} (defined in no kubeconfig file)` },
      ...(cluster !== undefined ? [{ label: 'Cluster', value: cluster }] : []),
      ...(user !== undefined ? [{ label: 'User', value: user }] : []),
      { label: 'Namespace', value: entry?.namespace ? namespace : `${namespace} (the context sets none)` },
      { label: 'File', value: entry?.file ?? current.setIn },
      ...(entry && entry.file !== current.setIn ? [{ label: 'current-context in', value: current.setIn }] : []),
    ];
    return {
      reading: {
        text: o.namespace ? `${shown}:${namespace}` : shown,
        short: shown,
        state: stateFor(o, [context, shown, ...(cluster !== undefined ? [cluster] : [])], defined),
        icon: 'kube',
        detail,
      },
      data: published,
      memo: next,
    };
  },
});
