// `npm test`: the type check, the linter, then every test file under test/, then one line with how many passed and failed.
// Node 20's `node --test` finds no .ts file by itself (and passes with 0 tests), so the files are listed here.
// The tests run on SQLite files; `VARDAG_TEST_DATABASE=postgres npm test` runs the same tests on PostgreSQL, in one
// throw-away cluster started here for the run (test/support/database.ts).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

const database = process.env.VARDAG_TEST_DATABASE || 'sqlite';
if (!['sqlite', 'postgres'].includes(database)) {
  console.error(`VARDAG_TEST_DATABASE is "${database}": it must be sqlite (the default) or postgres. No test was run.`);
  process.exit(1);
}

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  console.error(`The browser tests need Debian's chromium at ${chromium}, and it is missing. Install it with:\n\n`
    + '  apt-get update && apt-get install -y chromium\n\n(or set CHROMIUM_PATH). No test was run.');
  process.exit(1);
}

// The PostgreSQL tests start a throw-away cluster of their own (test/support/postgres.ts) with these programs.
const postgresBin = process.env.POSTGRES_BIN || '/usr/lib/postgresql/15/bin';
if (!['initdb', 'pg_ctl'].every((program) => fs.existsSync(path.join(postgresBin, program)))) {
  console.error(`The PostgreSQL tests need Debian's PostgreSQL 15 programs in ${postgresBin}, and they are missing. Install them with:\n\n`
    + '  apt-get update && apt-get install -y postgresql\n\n(or set POSTGRES_BIN). No cluster needs to run: the tests make their own. No test was run.');
  process.exit(1);
}

// The several-processes test runs Vardag behind Debian's nginx.
const nginx = process.env.NGINX_PATH || '/usr/sbin/nginx';
if (!fs.existsSync(nginx)) {
  console.error(`The several-processes test needs Debian's nginx at ${nginx}, and it is missing. Install it with:\n\n`
    + '  apt-get update && apt-get install -y nginx\n\n(or set NGINX_PATH). No test was run.');
  process.exit(1);
}

const typecheck = spawnSync('npx', ['tsc', '--noEmit', '-p', '.'], { stdio: 'inherit' });
if (typecheck.status !== 0) {
  console.error('The type check failed. No test was run.');
  process.exit(1);
}

const lint = spawnSync('npx', ['biome', 'lint', '--max-diagnostics=50'], { stdio: 'inherit' });
if (lint.status !== 0) {
  console.error('The linter (Biome, biome.json) found errors. No test was run.');
  process.exit(1);
}

const only = process.argv.slice(2);
const found = only.length ? only : findTests('test');
if (found.length === 0) {
  console.error('No test files found under test/.');
  process.exit(1);
}
const misnamed = found.filter((file) => isBrowserFile(file) !== usesBrowser(file));
if (misnamed.length) {
  console.error(`A test file that drives Chromium lives in test/browser/ or ends in browser.test.ts, and only such a file does: ${misnamed.join(', ')}. No test was run.`);
  process.exit(1);
}
// The browser tests check pages (axe, layout, scripts, languages), which the database under them does not change:
// they run on SQLite only. On PostgreSQL every other test runs, the permission matrix and the fuzzer among them.
const files = order(database === 'postgres' ? found.filter((file) => !isBrowserFile(file)) : found);
const leftOut = found.length - files.length;

const env = { ...process.env, NODE_ENV: 'test', VARDAG_TEST_DATABASE: database };
let cluster;
if (database === 'postgres') {
  const { startTestCluster } = await tsImport('../test/support/database.ts', import.meta.url);
  cluster = await startTestCluster();
  env.VARDAG_TEST_POSTGRES = cluster.base;
  console.log(`The tests run on PostgreSQL (${execVersion(path.join(postgresBin, 'postgres'))}), a cluster at ${cluster.base}, on Node ${process.version}; the ${leftOut} browser test files run on SQLite only.`);
} else {
  console.log(`The tests run on SQLite files, on Node ${process.version}.`);
}

const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'test-files.mjs'), ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env,
});
let output = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk.toString();
});
child.on('close', async (code) => {
  await cluster?.stop();
  const count = (name) => Number(output.match(new RegExp(`^ℹ ${name} (\\d+)`, 'm'))?.[1] ?? 0);
  const tests = count('tests');
  const passed = count('pass');
  const failed = count('fail');
  console.log(`\n${files.length} test files, ${tests} tests, on ${database === 'postgres' ? `PostgreSQL (not the ${leftOut} browser test files: those on SQLite)` : 'SQLite'}, Node ${process.version}`);
  console.log(`${passed} passed, ${failed} failed`);
  if (tests === 0) {
    console.error('No test ran: that is a failure, not a pass.');
    process.exit(1);
  }
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});

function findTests(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  }).sort();
}

function isBrowserFile(file) {
  return file.split(path.sep).includes('browser') || file.endsWith('browser.test.ts');
}

function usesBrowser(file) {
  return /from '(?:\.\.\/)+support\/browser\.ts'|from 'playwright-core'/.test(fs.readFileSync(file, 'utf8'));
}

/**
 * The files in the order they start: the longest first (the permission matrix, the fuzzer, the browser tests), so that
 * the two files running side by side end near each other rather than one long file running alone at the end.
 */
function order(list) {
  const weight = (file) => (file.endsWith('matrix.test.ts') ? 3 : file.endsWith('fuzz.test.ts') ? 2 : isBrowserFile(file) ? 1 : 0);
  return [...list].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
}

function execVersion(program) {
  return spawnSync(program, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

process.once('SIGINT', async () => {
  await cluster?.stop();
  process.exit(130);
});
