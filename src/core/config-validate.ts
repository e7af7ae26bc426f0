/**
 * Parsing and validating config.yaml. Loaded only when the file changed (see config.ts),
 * because the YAML parser and the schema validator cost start-up time.
 *
 * Every problem names the file, the line and the key: YAML syntax errors from the parser's
 * own positions, schema errors (unknown keys, wrong types) by mapping ajv's instance path back
 * to the YAML node it came from, and the checks ajv cannot do (intervals that never fire or
 * overflow a timer, aliases that expand without bound) at the node they are about.
 */
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { isAlias, isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import {
  CONFIG_KEYS,
  ConfigError,
  DEFAULT_CONFIG,
  HOST_KEYS,
  HOST_MODULE_KEYS,
  ICON_SETS,
  objectSchema,
  ownsHostKey,
  type ConfigProblem,
  type JsonSchema,
  type ModuleSchemas,
  type ShojiConfig,
} from './config-schema.js';
import { prebuilt } from './config-prebuilt.js';
import { compileFormat, FormatError } from './format.js';
import { templateProblems } from './format-fields.js';
import { intervalProblem } from './interval.js';
import { escapeControl } from '../render/sanitize.js';

/** The same cap loadConfig applies before reading, for text that reaches the validator otherwise. */
const MAX_TEXT_BYTES = 1024 * 1024;
/**
 * yaml's guard against alias bombs ("billion laughs"): how many times aliases that themselves
 * hold aliases may be expanded. yaml's own default; said here so that it is a decision.
 */
const MAX_ALIAS_COUNT = 100;
/** Enough problems to fix at once; a file with thousands of them gets a count of the rest. */
const MAX_PROBLEMS = 20;
/** Schema errors located (ajv reports several for one mistake at times; the rest are counted). */
const MAX_LOCATED = 10 * MAX_PROBLEMS;
/** A layout longer than this is not a status line (and each entry costs every render). */
const MAX_LAYOUT_ITEMS = 100;

/** How ajv checks a config: at run time and when shoji is built (src/app/config-standalone.ts) alike. */
export const AJV_OPTIONS: Options = { allErrors: true, strict: false, strictNumbers: true };

/** The validator for this schema: the one compiled at build time when it is for this very schema. */
async function validatorFor(schema: JsonSchema): Promise<ValidateFunction> {
  if (prebuilt && prebuilt.schema === JSON.stringify(schema)) return prebuilt.validate;
  const { default: Ajv } = await import('ajv');
  return new Ajv(AJV_OPTIONS).compile(schema);
}

/** The whole config's schema: the declared keys (config.ts), with the modules installed here. */
export function buildSchema(modules: ModuleSchemas): JsonSchema {
  const hostKeys = Object.fromEntries(Object.entries(HOST_KEYS).map(([name, k]) => [name, k.schema]));
  const moduleProps: Record<string, unknown> = {};
  for (const [id, schema] of modules.schemas) {
    const own = (schema.properties ?? {}) as Record<string, unknown>;
    // The host's keys win, but for a key the module may own (datetime's strftime `format`).
    const host = Object.fromEntries(Object.entries(hostKeys).filter(([name]) => !ownsHostKey(own, name)));
    moduleProps[id] = {
      type: 'object',
      properties: { ...own, ...host },
      // Only a module that says it takes any keys does (a plugin that failed to load: registry.ts).
      additionalProperties: schema.additionalProperties === true,
    };
  }
  const ids = [...modules.schemas.keys(), ...modules.layoutAliases];
  return objectSchema(CONFIG_KEYS, {
    layout: { type: 'array', maxItems: MAX_LAYOUT_ITEMS, items: { type: 'string', enum: ids } },
    modules: { type: 'object', properties: moduleProps, additionalProperties: false },
    iconSets: ICON_SETS,
  });
}

/** The parser's message without its trailing " at line N, column M:" (the position is given apart). */
export function syntaxMessage(message: string): string {
  return message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?\s*$/, '')
    .trim();
}

/**
 * Where to point for a syntax error. yaml reports an unclosed [ or { where it gave up: the
 * start of the next line that is not part of it ("right: [cpu, load" on line 2 is reported at
 * 3:1); the ] or } is missing at the end of what came before, so point there.
 */
function syntaxOffset(text: string, offset: number, message: string): number {
  if (!/end with a [\]}]$/.test(message)) return offset;
  let at = offset;
  while (at > 0 && /\s/.test(text[at - 1])) at--;
  return at;
}

/** Parse and validate; returns the config with defaults filled in, or throws ConfigError. */
export async function validateConfigText(text: string, file: string, modules: ModuleSchemas): Promise<ShojiConfig> {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_TEXT_BYTES) {
    throw new ConfigError([{ file, message: `the file is ${bytes} bytes; a config may be at most ${MAX_TEXT_BYTES} (1 MiB)` }]);
  }
  const lineCounter = new LineCounter();
  // yaml's own uniqueKeys check compares every key with every other (45 s for a map of 50,000
  // keys); duplicateKeys does the same in one pass.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const problems: ConfigProblem[] = [];
  for (const err of doc.errors) {
    const message = syntaxMessage(err.message);
    // yaml's linePos is 1-based, line and column both.
    const pos = lineCounter.linePos(syntaxOffset(text, err.pos[0], message));
    problems.push({ file, line: pos.line, column: pos.col, message: escapeControl(message) });
  }
  if (problems.length === 0) problems.push(...duplicateKeys(doc, lineCounter, file));
  if (problems.length > 0) throw new ConfigError(capped(problems));
  let data: ConfigData;
  try {
    data = (doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}) as ConfigData;
  } catch (err) {
    // An alias bomb, or an alias to an anchor not set before it: yaml throws, without a position.
    throw new ConfigError([aliasProblem(doc, lineCounter, file, (err as Error).message)]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([{ file, line: 1, message: 'the config must be a mapping of keys (theme, right, modules, ...)' }]);
  }
  const schema = buildSchema(modules);
  const validate = await validatorFor(schema);
  let unlocated = 0;
  if (!validate(data)) {
    // Locating costs a search per error: a file of thousands of bad keys gets the first few.
    const errors = withoutAnyOfNoise(validate.errors ?? []);
    for (const e of errors.slice(0, MAX_LOCATED)) problems.push(locate(e, doc, lineCounter, file, modules, schema, data));
    unlocated = Math.max(0, errors.length - MAX_LOCATED);
  }
  problems.push(...(await intervalProblems(data, doc, lineCounter, file, modules)));
  problems.push(...formatProblems(data, doc, lineCounter, file, modules));
  if (problems.length > 0) throw new ConfigError(capped(dedupe(problems), unlocated));
  return {
    ...DEFAULT_CONFIG,
    ...data,
    modules: { ...(data.modules ?? {}) },
    dashboard: { ...DEFAULT_CONFIG.dashboard, ...(data.dashboard ?? {}) },
  } as ShojiConfig;
}

/** The parsed file before validation: any keys; modules and dashboard typed as what they must be once valid. */
type ConfigData = { [key: string]: unknown; modules?: Record<string, unknown>; dashboard?: Record<string, unknown> };

/** A key written twice in one mapping (the second would silently win). */
function duplicateKeys(doc: Document, lc: LineCounter, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Map: (_key, map) => {
      const first = new Map<string, Node>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        // As the parsed result keys it: 1 and "1" are one key there.
        const name = String(pair.key.value);
        const earlier = first.get(name);
        if (!earlier) first.set(name, pair.key);
        else if (problems.length < MAX_PROBLEMS) {
          const was = position(earlier, lc).line;
          problems.push({ file, ...position(pair.key, lc), message: `duplicate key "${escapeControl(name)}"${was ? ` (first at line ${was})` : ''}` });
        }
      }
    },
  });
  return problems;
}

/** Where a key's value is, as line and column (for messages about a config's key from elsewhere). */
export function keyPosition(text: string, path: string[]): { line: number; column: number } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const node = (doc.getIn(path, true) as Node | undefined) ?? keyNode(doc, path.slice(0, -1), path[path.length - 1]);
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Every module's `interval`, checked for what ajv cannot see: never firing, overflowing, absurd. */
async function intervalProblems(data: ConfigData, doc: Document, lc: LineCounter, file: string, known: ModuleSchemas): Promise<ConfigProblem[]> {
  const modules = data.modules;
  if (!modules || typeof modules !== 'object' || Array.isArray(modules)) return [];
  const problems: ConfigProblem[] = [];
  for (const [id, opts] of Object.entries(modules)) {
    // Unknown modules are reported already; checking their crons too would cost ~20 ms each.
    if (!known.schemas.has(id) || problems.length >= MAX_PROBLEMS) continue;
    if (!opts || typeof opts !== 'object' || !Object.hasOwn(opts, 'interval')) continue;
    const why = await intervalProblem((opts as Record<string, unknown>).interval);
    if (!why) continue;
    const path = ['modules', id, 'interval'];
    const node = (doc.getIn(path, true) as Node | undefined) ?? keyNode(doc, path.slice(0, -1), 'interval');
    problems.push({ file, ...position(node, lc), key: path.join('.'), message: escapeControl(why) });
  }
  return problems;
}

/**
 * Every module's `format` and `format_short`, parsed, and each placeholder checked against the
 * module's data declaration (format-fields.ts): a name it does not publish or a spec that does
 * not suit the field is reported at the key, with where in the text. A module that declares no
 * data (a user's plugin may not) has its template parsed, its names not checked.
 */
function formatProblems(data: ConfigData, doc: Document, lc: LineCounter, file: string, known: ModuleSchemas): ConfigProblem[] {
  const modules = data.modules;
  if (!modules || typeof modules !== 'object' || Array.isArray(modules)) return [];
  const problems: ConfigProblem[] = [];
  for (const [id, opts] of Object.entries(modules)) {
    const schema = known.schemas.get(id);
    if (!schema || !opts || typeof opts !== 'object') continue;
    for (const name of ['format', 'format_short']) {
      const text = (opts as Record<string, unknown>)[name];
      if (typeof text !== 'string' || ownsHostKey(schema.properties as object | undefined, name)) continue;
      const path = ['modules', id, name];
      const where = () => position((doc.getIn(path, true) as Node | undefined) ?? keyNode(doc, path.slice(0, -1), name), lc);
      const template = compileFormat(text);
      const found =
        template instanceof FormatError
          ? [`${template.message} (at character ${template.at + 1})`]
          : templateProblems(template, known.data?.get(id)).map((p) => `${p.message} (at character ${p.placeholder.at + 1})`);
      for (const message of found) problems.push({ file, ...where(), key: path.join('.'), message: escapeControl(message) });
    }
  }
  return problems;
}

/**
 * Where an alias problem is: the first alias to an anchor not set before it, else the first
 * alias whose anchored value holds aliases itself (where the expansion starts to multiply).
 */
function aliasProblem(doc: Document, lc: LineCounter, file: string, why: string): ConfigProblem {
  const anchored = new Map<string, Node>();
  const nested = new WeakMap<Node, boolean>();
  const holdsAlias = (node: Node): boolean => {
    let found = nested.get(node);
    if (found === undefined) {
      found = false;
      visit(node, {
        Alias: () => {
          found = true;
          return visit.BREAK;
        },
      });
      nested.set(node, found);
    }
    return found;
  };
  let unresolved: Node | undefined;
  let multiplying: Node | undefined;
  let first: Node | undefined;
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        first ??= node;
        const target = anchored.get(node.source);
        if (!target) unresolved ??= node;
        else if (!multiplying && holdsAlias(target)) multiplying = node;
      } else if (node.anchor) {
        anchored.set(node.anchor, node);
      }
    },
  });
  if (unresolved && /unresolved alias/i.test(why)) {
    const name = (unresolved as unknown as { source: string }).source;
    return { file, ...position(unresolved, lc), message: `alias *${escapeControl(name)} names no anchor (&${escapeControl(name)}) set before it` };
  }
  return {
    file,
    ...position(multiplying ?? first, lc),
    message: `aliases nested in aliases would expand this config without bound (more than ${MAX_ALIAS_COUNT} expansions); write the values out instead`,
  };
}

function position(node: Node | undefined, lc: LineCounter): { line?: number; column?: number } {
  const offset = node?.range?.[0];
  if (offset === undefined) return {};
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.key}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function capped(problems: ConfigProblem[], unlocated = 0): ConfigProblem[] {
  if (problems.length <= MAX_PROBLEMS && unlocated === 0) return problems;
  const shown = problems.slice(0, MAX_PROBLEMS);
  const rest = problems.length - shown.length;
  const more = unlocated > 0 ? 'and more problems' : `and ${rest} more problem${rest === 1 ? '' : 's'}`;
  return [...shown, { file: problems[0].file, message: `${more} (fix these first)` }];
}

function pathSegments(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function keyNode(doc: Document, path: (string | number)[], key: string): Node | undefined {
  const parent = path.length === 0 ? doc.contents : (doc.getIn(path, true) as Node | undefined);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === key);
  return pair?.key as Node | undefined;
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let v = data;
  for (const seg of path) {
    if (!v || typeof v !== 'object' || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/**
 * ajv reports a value that fits no branch of an anyOf (a module's `alert`: true, or a mapping) as
 * one error per branch and "must match a schema in anyOf". When a branch's own key is what is
 * wrong (alert.level: severe), that deeper error says it: the rest goes. Otherwise one error
 * remains, naming what the value may be.
 */
function withoutAnyOfNoise(errors: ErrorObject[]): ErrorObject[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  if (anyOfPaths.size === 0) return errors;
  const deeper = (path: string) => errors.some((e) => e.instancePath.startsWith(`${path}/`));
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (!anyOfPaths.has(e.instancePath)) out.push(e);
    else if (e.keyword === 'anyOf' && !deeper(e.instancePath)) {
      const types = errors.filter((t) => t.instancePath === e.instancePath && t.keyword === 'type').map((t) => String((t.params as { type: string }).type));
      const branches = types.map((t) => (t === 'boolean' ? 'true or false' : t === 'object' ? 'a mapping' : `a ${t}`));
      out.push({ ...e, message: `must be ${branches.join(', or ')}` });
    }
  }
  return out;
}

function locate(e: ErrorObject, doc: Document, lc: LineCounter, file: string, modules: ModuleSchemas, schema: JsonSchema, data: unknown): ConfigProblem {
  const path = pathSegments(e.instancePath);
  let node: Node | undefined;
  let keyPath = path.map(String);
  let message = e.message ?? 'invalid';
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty: string }).additionalProperty);
    node = keyNode(doc, path, extra);
    keyPath = [...keyPath, extra];
    message = unknownKeyMessage(path, modules, schema);
  } else {
    node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node | undefined;
    if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      message = `must be one of: ${allowed.join(', ')}`;
      if (path[0] === 'left' || path[0] === 'right') message = `unknown module (known: ${allowed.join(', ')})`;
    }
    if (e.keyword === 'type') {
      // strictNumbers: .inf and .nan are numbers to YAML but no use as a count or a threshold.
      const value = valueAt(data, path);
      if (typeof value === 'number' && !Number.isFinite(value))
        message = `must be a finite number (got ${Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf'})`;
    }
    // A wrong value's own key is the clearer place to point at.
    if (!node && path.length > 0) node = keyNode(doc, path.slice(0, -1), String(path[path.length - 1]));
  }
  return { file, ...position(node, lc), key: escapeControl(keyPath.join('.')) || undefined, message };
}

function unknownKeyMessage(path: (string | number)[], modules: ModuleSchemas, schema: JsonSchema): string {
  if (path.length === 1 && path[0] === 'modules') {
    return `unknown module (known: ${[...modules.schemas.keys()].sort().join(', ')})`;
  }
  if (path.length === 2 && path[0] === 'modules') {
    const own = Object.keys((modules.schemas.get(String(path[1]))?.properties ?? {}) as object);
    return `unknown key for module ${path[1]} (known: ${[...own, ...HOST_MODULE_KEYS.filter((k) => !own.includes(k))].join(', ')})`;
  }
  // Elsewhere the keys the schema declares at that place (config.ts's CONFIG_KEYS, DASHBOARD_KEYS).
  let at: JsonSchema | undefined = schema;
  for (const segment of path) at = (at?.properties as Record<string, JsonSchema> | undefined)?.[segment];
  const known = at?.properties ? Object.keys(at.properties) : [];
  return known.length > 0 ? `unknown key (known: ${known.join(', ')})` : 'unknown key';
}
