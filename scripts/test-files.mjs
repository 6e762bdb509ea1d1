// Runs the test files given, in the order given, two at a time, with the spec reporter (called by scripts/test.mjs).
// `node --test a b c` sorts its files by name, so the longest (the permission matrix) would start late and run alone at
// the end; node:test's run() keeps the order. Each file still runs in a process of its own, with this one's --import.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const stream = run({ files: process.argv.slice(2), concurrency: 2 });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
