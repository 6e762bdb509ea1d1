// The tests `npm run mutation` runs against each planted bug, made quick to start: Stryker runs this in its sandbox
// after planting the bugs (`buildCommand` in stryker.config.mjs). Each test file of the set is bundled with the
// server code it imports into one plain .mjs file under .mutation-build/, which node runs without tsx: two to three
// times quicker per mutant on two shared cores. The set: the policy's tests and every domain's rules tests, fast unit
// tests that each run in about a second.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const OUT_DIR = '.mutation-build';

/** test/kernel/policy*.test.ts and test/<domain>/rules*.test.ts. */
function mutationTestFiles(root = '.') {
  const test = path.join(root, 'test');
  return fs.readdirSync(test, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((dir) => {
    const prefix = dir.name === 'kernel' ? 'policy' : 'rules';
    return fs.readdirSync(path.join(test, dir.name))
      .filter((name) => name.startsWith(prefix) && name.endsWith('.test.ts'))
      .map((name) => path.join('test', dir.name, name));
  }).sort();
}

/** Each module keeps its own place: `import.meta.dirname` (the catalogues, the views...) is where its .ts file is. */
const ownPlace = {
  name: 'own-place',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      loader: 'ts',
      contents: fs.readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
    }));
  },
};

const files = mutationTestFiles();
if (files.length === 0) throw new Error('No test file for mutation testing found under test/.');
fs.rmSync(OUT_DIR, { recursive: true, force: true });
await build({
  entryPoints: files, outdir: OUT_DIR, outbase: '.', outExtension: { '.js': '.mjs' },
  bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning', plugins: [ownPlace],
});
console.log(`Bundled ${files.length} test files into ${OUT_DIR}/: ${files.join(', ')}`);
