// `npm run mutation -- <folder> [more stryker options]`: StrykerJS on one of shoji's source
// folders (configuration and why in stryker.config.mjs). By hand, not in CI.
//   npm run mutation -- src/render
//   npm run mutation -- src/core --concurrency 1
// Reports: reports/mutation/<folder>.html and .json; the score is printed at the end.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const FOLDERS = ['src/core', 'src/render', 'src/host', 'src/ec2'];
const [folder, ...rest] = process.argv.slice(2);
const wanted = folder?.replace(/\/+$/, '');
if (!wanted || !FOLDERS.includes(wanted)) {
  console.error(`usage: npm run mutation -- <${FOLDERS.join('|')}> [stryker options]`);
  process.exit(2);
}
if (!existsSync('node_modules/@stryker-mutator/core')) {
  console.error('StrykerJS is not installed: run npm install (it is a dev dependency)');
  process.exit(2);
}
const run = spawnSync(process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', 'stryker.config.mjs', ...rest], {
  stdio: 'inherit',
  env: { ...process.env, SHOJI_MUTATE: wanted },
});
process.exit(run.status ?? 1);
