/**
 * Parsing and validating config.yaml. Loaded only when the file changed (see config.ts),
 * because the YAML parser and the schema validator cost start-up time.
 *
 * Every problem names the file, the line and the key: YAML syntax errors from the parser's
 * own positions, schema errors (unknown keys, wrong types) by mapping ajv's instance path back
 * to the YAML node it came from.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { isMap, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import {
  ConfigError,
  DEFAULT_CONFIG,
  HOST_MODULE_KEYS,
  type ConfigProblem,
  type ModuleSchemas,
  type ShojiConfig,
} from './config.js';
import { ICON_SETS } from './theme.js';

/** Host keys every module accepts: how often, how long, how important, whether at all. */
const hostKeySchema = {
  interval: {
    description: 'seconds (>= 0.25), a cron expression, or "once"',
    anyOf: [{ type: 'number', minimum: 0.25 }, { type: 'string', minLength: 1 }],
  },
  timeout: { type: 'number', exclusiveMinimum: 0, description: 'seconds' },
  priority: { type: 'number' },
  enabled: { type: 'boolean' },
};

export function buildSchema(modules: ModuleSchemas): Record<string, unknown> {
  const moduleProps: Record<string, unknown> = {};
  for (const [id, schema] of modules.schemas) {
    const own = (schema.properties ?? {}) as Record<string, unknown>;
    moduleProps[id] = {
      type: 'object',
      properties: { ...own, ...hostKeySchema },
      // Only a module that says it takes any keys does (a plugin that failed to load: registry.ts).
      additionalProperties: schema.additionalProperties === true,
    };
  }
  const ids = [...modules.schemas.keys(), ...modules.layoutAliases];
  const layout = { type: 'array', items: { type: 'string', enum: ids } };
  return {
    type: 'object',
    properties: {
      theme: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
      icons: { type: 'string', enum: ['auto', ...ICON_SETS] },
      left: layout,
      right: layout,
      max_width: { type: 'integer', minimum: 0 },
      byobu_scripts: { type: 'boolean' },
      modules: { type: 'object', properties: moduleProps, additionalProperties: false },
      dashboard: {
        type: 'object',
        properties: {
          refresh: { type: 'number', minimum: 0.2, maximum: 60 },
          process_interval: { type: 'number', minimum: 0.5, maximum: 600 },
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  };
}

/** Parse and validate; returns the config with defaults filled in, or throws ConfigError. */
export function validateConfigText(text: string, file: string, modules: ModuleSchemas): ShojiConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  for (const err of doc.errors) {
    const pos = err.linePos?.[0];
    problems.push({ file, line: pos?.line, column: pos?.col, message: err.message.split('\n')[0] });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const data = (doc.toJS() ?? {}) as Record<string, any>;
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([{ file, line: 1, message: 'the config must be a mapping of keys (theme, right, modules, ...)' }]);
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(buildSchema(modules));
  if (!validate(data)) {
    for (const e of validate.errors ?? []) problems.push(locate(e, doc, lineCounter, file, modules));
    throw new ConfigError(dedupe(problems));
  }
  return {
    ...DEFAULT_CONFIG,
    ...data,
    modules: { ...(data.modules ?? {}) },
    dashboard: { ...DEFAULT_CONFIG.dashboard, ...(data.dashboard ?? {}) },
  } as ShojiConfig;
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

function locate(
  e: ErrorObject,
  doc: Document,
  lc: LineCounter,
  file: string,
  modules: ModuleSchemas,
): ConfigProblem {
  const path = pathSegments(e.instancePath);
  let node: Node | undefined;
  let keyPath = path.map(String);
  let message = e.message ?? 'invalid';
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty: string }).additionalProperty);
    node = keyNode(doc, path, extra);
    keyPath = [...keyPath, extra];
    message = unknownKeyMessage(path, modules);
  } else {
    node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node | undefined;
    if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      message = `must be one of: ${allowed.join(', ')}`;
      if (path[0] === 'left' || path[0] === 'right') message = `unknown module (known: ${allowed.join(', ')})`;
    }
    // A wrong value's own key is the clearer place to point at.
    if (!node && path.length > 0) node = keyNode(doc, path.slice(0, -1), String(path[path.length - 1]));
  }
  const offset = node?.range?.[0];
  const pos = offset !== undefined ? lc.linePos(offset) : undefined;
  return { file, line: pos?.line, column: pos?.col, key: keyPath.join('.') || undefined, message };
}

function unknownKeyMessage(path: (string | number)[], modules: ModuleSchemas): string {
  if (path.length === 0) return 'unknown key (known: theme, icons, left, right, max_width, byobu_scripts, modules, dashboard)';
  if (path.length === 1 && path[0] === 'modules') {
    return `unknown module (known: ${[...modules.schemas.keys()].sort().join(', ')})`;
  }
  if (path.length === 2 && path[0] === 'modules') {
    const schema = modules.schemas.get(String(path[1]));
    const own = Object.keys((schema?.properties ?? {}) as object);
    return `unknown key for module ${path[1]} (known: ${[...own, ...HOST_MODULE_KEYS].join(', ')})`;
  }
  if (path[0] === 'dashboard') return 'unknown key (known: refresh, process_interval)';
  return 'unknown key';
}
