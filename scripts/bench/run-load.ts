// Runs one load job (scripts/bench/load.ts) in its own process, so the load generator does not share an event loop
// with the bench script, and answers its result. The main bench and the messages bench both use it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LoadJob, LoadResult } from './load.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MEASURING = '{"event":"measuring"}\n';

export interface LoadHooks {
  /** Called when the warm-up is over and the measurement begins. */
  onMeasuring?: () => void;
  /** The load process, as it starts (undefined when it has ended): a bench stopped early kills it. */
  onProcess?: (child: ChildProcess | undefined) => void;
}

export function runLoadProcess(job: LoadJob, hooks: LoadHooks = {}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/load.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    hooks.onProcess?.(child);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes(MEASURING)) {
        out = out.replace(MEASURING, '');
        hooks.onMeasuring?.();
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      hooks.onProcess?.(undefined);
      if (code !== 0) return reject(new Error(`the load runner for ${job.name} exited with code ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as LoadResult);
      } catch {
        reject(new Error(`the load runner for ${job.name} printed no result: ${out}`));
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}
