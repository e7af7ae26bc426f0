/**
 * The config's keys are declared once (src/core/config.ts's CONFIG_KEYS, DASHBOARD_KEYS and
 * HOST_KEYS): the defaults, the schema and the "known:" lists of an unknown key all come from
 * that one declaration, so they cannot disagree.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, DASHBOARD_KEYS, DEFAULT_CONFIG, HOST_KEYS, type ModuleSchemas } from '../../src/core/config.js';
import { buildSchema, validateConfigText } from '../../src/core/config-validate.js';

const FILE = '/c/config.yaml';
// Every id the default layout names, so that the defaults are a valid config as they stand.
const ids = [...new Set([...DEFAULT_CONFIG.left, ...DEFAULT_CONFIG.right])].filter((id) => id !== 'custom');
const schemas: ModuleSchemas = {
  schemas: new Map(ids.map((id) => [id, { type: 'object', properties: {}, additionalProperties: false }])),
  layoutAliases: ['custom'],
};

async function problemsOf(text: string): Promise<string[]> {
  try {
    await validateConfigText(text, FILE, schemas);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
  }
  return [];
}

describe('the config keys, declared once', () => {
  it('the defaults are exactly the declared keys, and written out they are a valid config', async () => {
    expect(Object.keys(DEFAULT_CONFIG)).toEqual(Object.keys(CONFIG_KEYS));
    expect(Object.keys(DEFAULT_CONFIG.dashboard)).toEqual(Object.keys(DASHBOARD_KEYS));
    // JSON is YAML: the whole default config as a file passes the schema built from the same keys.
    expect(await problemsOf(JSON.stringify(DEFAULT_CONFIG))).toEqual([]);
    expect(await validateConfigText(JSON.stringify(DEFAULT_CONFIG), FILE, schemas)).toEqual(DEFAULT_CONFIG);
  });

  it('the schema has a property for each declared key, with its description, and no others', () => {
    const schema = buildSchema(schemas) as { properties: Record<string, { description?: string; properties?: object }>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(Object.keys(CONFIG_KEYS));
    expect(schema.additionalProperties).toBe(false);
    for (const [name, k] of Object.entries(CONFIG_KEYS)) expect(schema.properties[name].description).toBe(k.description);
    expect(Object.keys(schema.properties.dashboard.properties!)).toEqual(Object.keys(DASHBOARD_KEYS));
  });

  it('an unknown key names the declared keys of its place: the top, the dashboard, a module', async () => {
    expect(await problemsOf('colour: red\n')).toEqual([`colour: unknown key (known: ${Object.keys(CONFIG_KEYS).join(', ')})`]);
    expect(await problemsOf('dashboard:\n  fps: 3\n')).toEqual([`dashboard.fps: unknown key (known: ${Object.keys(DASHBOARD_KEYS).join(', ')})`]);
    expect(await problemsOf('modules:\n  load:\n    x: 1\n')).toEqual([
      `modules.load.x: unknown key for module load (known: ${Object.keys(HOST_KEYS).join(', ')})`,
    ]);
  });

  it('every host key is accepted for every module, checked by its declared schema', async () => {
    expect(await problemsOf('modules:\n  load:\n    interval: 5\n    timeout: 2\n    priority: 9\n    enabled: false\n')).toEqual([]);
    expect(await problemsOf('modules:\n  load:\n    timeout: 3601\n')).toEqual(['modules.load.timeout: must be <= 3600']);
  });
});
