/**
 * Reading kubeconfig files as kubectl reads them, for the kube module. Loaded with import() only
 * when a file changed since the last reading (plugins/kube/index.ts stats them), and it loads the
 * YAML parser the same way, so an unchanged kubeconfig costs `shoji status` a stat per file.
 *
 * kubectl's merge rules for $KUBECONFIG's files (kubernetes.io, "Organizing Cluster Access Using
 * kubeconfig Files", Merging kubeconfig files): empty file names are ignored, missing files are
 * skipped (client-go's loader), a file that cannot be deserialized is an error, and the first
 * file to set a value or map key wins and is never changed: the first file that sets
 * current-context gives it (an empty one sets nothing), and a context named in two files is the
 * first file's, whole. Within one file a context named twice is an error, as client-go makes it
 * ("duplicate name ... in list"). An empty file is an empty config.
 *
 * Kubeconfigs come from outside (a cloud CLI writes them, colleagues send them), so: a file is
 * read only up to the size the caller allows, only if it is a regular file (never a FIFO or a
 * device, which could block or never end), YAML aliases are capped (the "billion laughs"), and
 * every problem names the file and, where the parser gives one, the line.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** One context as a kubeconfig defines it. */
export interface ContextEntry {
  cluster?: string;
  user?: string;
  namespace?: string;
  /** The file it came from. */
  file: string;
}

/** What the merged kubeconfig files say about the current context. */
export interface CurrentContext {
  /** current-context, from the first file that sets it. */
  name: string;
  /** The file that set it. */
  setIn: string;
  /** The context of that name, from the first file that defines it; absent when none does. */
  entry?: ContextEntry;
}

/** A kubeconfig that cannot be used, with the file and what is wrong in it. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

/** YAML aliases one file may use: a kubeconfig has none; a few are a user's own shorthand. */
const MAX_ALIASES = 100;

const MIB = 1024 * 1024;

/** A file's size as a message gives it: "21 KiB", "5.2 MiB". */
const sizeText = (bytes: number) => (bytes < MIB ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / MIB).toFixed(1)} MiB`);

/** The file's text, at most maxMib of it: a larger file is refused, never read in part. */
export function readCapped(path: string, maxMib: number): string {
  const maxBytes = Math.floor(maxMib * MIB);
  const tooBig = (size: string) => new KubeconfigError(`${path} is ${size}, more than max_file_mib (${maxMib} MiB): not read`);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO put in $KUBECONFIG must not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new KubeconfigError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new KubeconfigError(`${path} is not a regular file`);
    if (st.size > maxBytes) throw tooBig(sizeText(st.size));
    // One byte more than allowed: a file that grew since fstat is caught too.
    const buf = Buffer.alloc(maxBytes + 1);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got > maxBytes) throw tooBig('growing');
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** What one file says: its current-context (when it sets one) and its contexts by name. */
export interface OneKubeconfig {
  currentContext?: string;
  contexts: Map<string, Omit<ContextEntry, 'file'>>;
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`);

/** A name as kubectl takes it: a string (a number or true/false as written: `name: 2024`); null or absent: none. */
function nameOf(v: unknown, where: () => string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new KubeconfigError(`${where()} must be text, not ${describe(v)}`);
}

/** Parse one kubeconfig's text. `file` names it in errors. */
export async function parseKubeconfig(text: string, file: string): Promise<OneKubeconfig> {
  const { LineCounter, parseDocument } = await import('yaml');
  const lines = new LineCounter();
  // merge: YAML 1.1's "<<" keys, which kubectl's parser (go-yaml) honours.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, merge: true, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const { line, col } = lines.linePos(offset);
    return `${file} line ${line}, column ${col}`;
  };
  const firstError = doc.errors[0];
  if (firstError) throw new KubeconfigError(`${at(firstError.pos[0])}: ${firstError.message.split('\n')[0]}`);
  let top: unknown;
  try {
    top = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new KubeconfigError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (top === null || top === undefined) return { contexts: new Map() };
  if (typeof top !== 'object' || Array.isArray(top)) throw new KubeconfigError(`${file} is not a kubeconfig: its top level is ${describe(top)}, not a mapping`);
  const config = top as Record<string, unknown>;
  /** Where a value in the file is, for a message: the file and its line. */
  const where = (path: (string | number)[]) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const key = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
    return `${at(node?.range?.[0])}: ${key.slice(1)}`;
  };

  const contexts = new Map<string, Omit<ContextEntry, 'file'>>();
  const list = config.contexts;
  if (list !== undefined && list !== null && !Array.isArray(list)) throw new KubeconfigError(`${where(['contexts'])} must be a list, not ${describe(list)}`);
  (list ?? []).forEach((item: unknown, i: number) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new KubeconfigError(`${where(['contexts', i])} must be a mapping with name and context, not ${describe(item)}`);
    }
    const named = item as Record<string, unknown>;
    const name = nameOf(named.name, () => where(['contexts', i, 'name']));
    if (name === undefined || name === '') return; // kubectl can never select it
    const body = named.context ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new KubeconfigError(`${where(['contexts', i, 'context'])} must be a mapping, not ${describe(body)}`);
    }
    if (contexts.has(name)) throw new KubeconfigError(`${where(['contexts', i, 'name'])}: context "${name}" is defined twice in this file`);
    const fields = body as Record<string, unknown>;
    const field = (key: string) => nameOf(fields[key], () => where(['contexts', i, 'context', key])) || undefined;
    const cluster = field('cluster');
    const user = field('user');
    const namespace = field('namespace');
    contexts.set(name, { ...(cluster ? { cluster } : {}), ...(user ? { user } : {}), ...(namespace ? { namespace } : {}) });
  });
  const current = nameOf(config['current-context'], () => where(['current-context']));
  return { ...(current ? { currentContext: current } : {}), contexts };
}

/**
 * The current context of these files merged as kubectl merges them (see the top of this file),
 * or null when none sets current-context. `files`: the existing files, in $KUBECONFIG's order;
 * `maxMib`: the largest file read.
 */
export async function readCurrentContext(files: readonly string[], maxMib: number): Promise<CurrentContext | null> {
  const parsed: { file: string; config: OneKubeconfig }[] = [];
  for (const file of files) parsed.push({ file, config: await parseKubeconfig(readCapped(file, maxMib), file) });
  const setter = parsed.find((p) => p.config.currentContext !== undefined);
  if (!setter) return null;
  const name = setter.config.currentContext!;
  const definer = parsed.find((p) => p.config.contexts.has(name));
  return {
    name,
    setIn: setter.file,
    ...(definer ? { entry: { ...definer.config.contexts.get(name)!, file: definer.file } } : {}),
  };
}
