/**
 * The entry of bin/ec2-cost (dist/ec2-cost.cjs): parse the options without yargs, run, exit
 * with the command's code. A bundle of its own keeps the report's start-up small; `shoji
 * ec2-cost` runs the same command through the main bundle, and `--help` goes to yargs there.
 */
import { ec2CostCommand } from '../cli/ec2-cost.js';
import { isUsageError, parseFast } from '../cli/spec.js';

async function main(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '--help' || a === '-h')) {
    const { runYargs } = await import('../cli/yargs.js');
    return runYargs(['ec2-cost', ...argv]);
  }
  try {
    return await ec2CostCommand.run(parseFast(ec2CostCommand, argv));
  } catch (err) {
    process.stderr.write(`ec2-cost: ${err instanceof Error ? err.message : String(err)}\n`);
    return isUsageError(err) ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
