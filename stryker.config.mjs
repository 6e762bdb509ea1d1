// Mutation testing (`npm run mutation`): StrykerJS plants small bugs in the policy, the action table and every domain's
// rules, one at a time, and runs the fast unit tests of those files against each; a bug no test notices is a survivor.
// Reports: reports/mutation/mutation.html (and .json). Not part of `npm test`: it takes minutes.
//
// The tap runner starts one node process per test file. The test files are bundled first (scripts/mutation-build.mjs,
// run in the sandbox after the bugs are planted) and run by plain node, without tsx and without `--test`: tsx made
// each run two to three times slower, and under `--test` node would run each file in a child process of its own, where
// Stryker's hook would not see which mutants the file reached. With coverageAnalysis 'perTest' each test file counts
// as one test, so a mutant runs only the files that reach it.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  plugins: ['@stryker-mutator/tap-runner'],
  testRunner: 'tap',
  mutate: ['server/kernel/policy.ts', 'server/kernel/actions.ts', 'server/*/rules.ts'],
  buildCommand: 'node scripts/mutation-build.mjs',
  tap: {
    testFiles: ['.mutation-build/**/*.test.mjs'],
    nodeArgs: ['--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // Each run starts node and loads the bundle (about a second, several when the cores are busy).
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // Only what the tests need is copied into the sandbox (not .bench/, data/ or databases). tsconfig.json stays out: the
  // bundles need none, and Stryker's rewriting of it calls a TypeScript API that TypeScript 7 no longer has.
  ignorePatterns: ['/*', '!/server', '!/db', '!/test', '!/views', '!/package.json', '!/scripts', '/scripts/*', '!/scripts/mutation-build.mjs'],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
};
