// @ts-check
/**
 * Mutation testing with StrykerJS: `npm run mutation -- src/render` (see scripts/mutation.mjs).
 * Stryker changes the code under one folder a little at a time (a `<` for a `<=`, a condition
 * for `true`, a string for "") and runs the tests against each change; a change no test notices
 * (a survivor) is a test that is missing, unless the change does not alter behaviour (an
 * equivalent mutant). Run by hand, one folder at a time, not in CI: a folder takes minutes.
 *
 * Only the unit tests run. The integration tests drive the built bundle (dist/shoji.cjs) in
 * real tmux and screen sessions; Stryker mutates the TypeScript sources in its sandbox, which
 * the bundle does not see, so they could never kill a mutant and would only cost time.
 *
 * SHOJI_MUTATE: the folder to mutate (scripts/mutation.mjs sets it); SHOJI_MUTATE_CONCURRENCY:
 * test processes at once (default 2: the machines this runs on are shared).
 */
const folder = process.env.SHOJI_MUTATE ?? 'src/render';
const name = folder.replace(/[^A-Za-z0-9]+/g, '-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // The unit tests only (vitest.mutation.config.mts). The vitest runner runs them in one
  // worker thread per Stryker process: it sets its own pool, whatever the config says.
  vitest: { configFile: 'vitest.mutation.config.mts' },
  mutate: [`${folder}/**/*.ts`],
  // Each mutant runs only the tests that covered the mutated code.
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.SHOJI_MUTATE_CONCURRENCY ?? 2),
  // A mutant that turns a loop infinite is "timed out" (counted as killed), after this much
  // longer than the test took without it.
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, allowEmojis: false },
  tempDirName: '.stryker-tmp',
  // Stryker would rewrite tsconfig.json in its sandbox (for `extends` and project references,
  // which ours has none of) with TypeScript's JavaScript API, which TypeScript 7 no longer has.
  // Naming a file that does not exist skips that step; vitest compiles the tests itself.
  tsconfigFile: 'no-tsconfig-to-rewrite.json',
  // The sandbox needs the sources, tests, themes, data and the built bundle (a few unit tests
  // start user plugins' workers from it: run `npm run build` first), not old reports.
  ignorePatterns: ['reports', 'coverage', '.stryker-tmp*'],
  cleanTempDir: true,
};
