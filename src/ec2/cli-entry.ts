/**
 * The entry of bin/ec2-cost (dist/ec2-cost.cjs): parse the options without yargs, run, exit
 * with the command's code. A bundle of its own keeps the report's start-up small; `shoji
 * ec2-cost` runs the same command through the main bundle, and `--help` goes to yargs there.
 */
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ec2CostCommand } from '../cli/ec2-cost.js';
import { isUsageError, parseFast } from '../cli/spec.js';
import { packageRoot } from '../core/package-root.js';
import { errorLine } from './run.js';

/** shoji's own version, from the package.json of its installation (never the current folder's). */
function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

async function main(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '--help' || a === '-h')) {
    const { runYargs } = await import('../cli/yargs.js');
    return runYargs(['ec2-cost', ...argv]);
  }
  if (argv.includes('--version')) {
    writeSync(1, `${version()}\n`);
    return 0;
  }
  try {
    return await ec2CostCommand.run(parseFast(ec2CostCommand, argv));
  } catch (err) {
    writeSync(2, `${errorLine(err, process.env)}\n`);
    return isUsageError(err) ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
