/**
 * The config's validator that scripts/build.mjs compiles ahead of time (config-standalone.ts):
 * made from the very schema the built-in modules give at run time, and answering every config
 * as ajv compiled at run time does, errors and all.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODULES } from '../../src/app/builtins.js';
import { AJV_OPTIONS, buildSchema } from '../../src/core/config-validate.js';
import { prebuiltValidatorSource } from '../../src/app/config-standalone.js';
import { moduleSchemas } from '../../src/core/registry.js';

/** The generated module, run as the bundle runs it (its ajv runtime helpers from node_modules). */
function loadPrebuilt(): { schema: string; validate: ValidateFunction } {
  const module = { exports: {} as { prebuilt: { schema: string; validate: ValidateFunction } } };
  const requireFromRoot = createRequire(join(__dirname, '..', '..', 'package.json'));
  new Function('require', 'module', 'exports', prebuiltValidatorSource())(requireFromRoot, module, module.exports);
  return module.exports.prebuilt;
}

const schema = buildSchema(moduleSchemas({ modules: new Map(BUILTIN_MODULES.map((def) => [def.id, { def, source: 'builtin' as const }])), problems: [] }));

/** Configs as parsed from YAML: good ones, and one or more mistakes of every kind the schema catches. */
const CONFIGS: unknown[] = [
  {},
  { theme: 'solarized', right: ['cpu', 'load', 'custom'], left: [], max_width: 120, byobu_scripts: true },
  { modules: { cpu: { warning: 70, per_core: true, alert: { level: 'critical', after: 30 } }, disk: { mounts: ['/', '/home'] } } },
  { dashboard: { refresh: 0.5, process_interval: 2 } },
  { theme: '../../etc/passwd' },
  { icons: 'emoji', right: ['cpu', 'nope'], left: 'cpu' },
  { max_width: -1, byobu_scripts: 'yes', unknown_key: 1 },
  { modules: { cpu: { warning: 'seventy', colour: 'red' }, nope: {} } },
  { modules: { cpu: { alert: 'yes' }, memory: { alert: { level: 'loud', every: 5 } } } },
  { modules: { disk: { mounts: [] }, updates: { command: [''] }, battery: { timeout: 0 } } },
  { modules: { datetime: { format: '' }, network: { format: 'x'.repeat(2001) } } },
  { dashboard: { refresh: 0.1, process_interval: 601, colour: true } },
  { right: Array(101).fill('cpu') },
  { modules: { cpu: { warning: Number.NaN, critical: Number.POSITIVE_INFINITY } } },
  [1, 2, 3],
  'a string',
];

describe('the config validator compiled at build time', () => {
  it('is made from the schema the built-in modules give at run time', () => {
    expect(loadPrebuilt().schema).toBe(JSON.stringify(schema));
  });

  it('gives every config the answer and the errors of ajv compiling the schema at run time', () => {
    const prebuilt = loadPrebuilt().validate;
    const atRunTime = new Ajv(AJV_OPTIONS).compile(schema);
    let invalid = 0;
    for (const config of CONFIGS) {
      const valid = atRunTime(config);
      expect(prebuilt(config), JSON.stringify(config)).toBe(valid);
      expect(prebuilt.errors ?? null, JSON.stringify(config)).toEqual(atRunTime.errors ?? null);
      if (!valid) invalid++;
    }
    // The corpus has both kinds.
    expect(invalid).toBeGreaterThanOrEqual(10);
    expect(CONFIGS.length - invalid).toBeGreaterThanOrEqual(4);
  });
});
