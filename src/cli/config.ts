/**
 * `shoji config check [file]`: validate a config (the live one by default) and say exactly
 * what is wrong — file, line and key. `shoji config path` prints where it lives;
 * `shoji config init` writes a commented starting config when there is none.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { loadApp } from '../app/app.js';
import { configFile, formatProblem, isConfigError, MAX_CONFIG_BYTES, type ShojiConfig } from '../core/config.js';
import { packageRoot } from '../core/package-root.js';
import { moduleSchemas } from '../core/registry.js';
import { loadTheme } from '../core/theme.js';
import { configDir } from '../core/paths.js';
import { UsageError, type CommandSpec } from './spec.js';

export async function checkConfig(file: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const app = await loadApp(env);
  const problems: string[] = app.registry.problems.map((p) => `${p.file}: ${p.message}`);
  let text: string;
  try {
    // Refused unread when too large, as loading refuses it (a config is a page of keys).
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES) return [...problems, `${file}: the file is ${size} bytes; a config may be at most ${MAX_CONFIG_BYTES} (1 MiB)`];
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return [...problems, `${file}: cannot read: ${(err as Error).message}`];
  }
  const { keyPosition, validateConfigText } = await import('../core/config-validate.js');
  let config: ShojiConfig;
  try {
    config = await validateConfigText(text, file, moduleSchemas(app.registry));
  } catch (err) {
    if (!isConfigError(err)) throw err;
    return [...problems, ...err.problems.map(formatProblem)];
  }
  // The theme is checked as the status line would load it (NO_COLOR aside): a bad one is drawn
  // as the default with a 'config' failure segment, so it is a problem here too.
  try {
    loadTheme(config.theme, configDir(env), {});
  } catch (err) {
    if (isConfigError(err)) problems.push(...err.problems.map(formatProblem));
    else problems.push(formatProblem({ file, ...keyPosition(text, ['theme']), key: 'theme', message: (err as Error).message }));
  }
  return problems;
}

export const configCommand: CommandSpec = {
  command: 'config [action] [file]',
  describe: 'check: validate the config (or FILE); path: print its location; init: write a starting config',
  positionals: ['action', 'file'],
  options: {},
  async run(args) {
    const env = process.env;
    const action = (args.action as string | undefined) ?? 'check';
    const live = configFile(env);
    if (action === 'path') {
      process.stdout.write(`${live}\n`);
      return 0;
    }
    if (action === 'init') {
      if (existsSync(live)) throw new UsageError(`${live} exists already; not overwriting it`);
      writeFileAtomic(live, readFileSync(join(packageRoot(), 'docs', 'config.example.yaml'), 'utf8'), 0o644);
      process.stdout.write(`wrote ${live}\n`);
      return 0;
    }
    if (action !== 'check') throw new UsageError(`unknown action "${action}" (check, path, init)`);
    const file = (args.file as string | undefined) ?? live;
    if (!args.file && !existsSync(live)) {
      process.stdout.write(`no config at ${live}: shoji uses its defaults (shoji config init writes a starting one)\n`);
      return 0;
    }
    const problems = await checkConfig(file, env);
    if (problems.length === 0) {
      process.stdout.write(`${file}: ok\n`);
      return 0;
    }
    process.stderr.write(`${problems.join('\n')}\n`);
    return 1;
  },
};
