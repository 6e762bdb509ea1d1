// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, the packages the
// time goes to, and the project's functions by inclusive time.
//
//   node --import tsx scripts/bench/profile.ts FILE.cpuprofile [--top 25]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

export interface ProfileLine { name: string; where: string; ms: number; percent: number }
export interface ProfileSummary { totalMs: number; idleMs: number; selfTime: ProfileLine[]; byPackage: ProfileLine[]; projectInclusive: ProfileLine[] }

const ROOT = path.resolve(import.meta.dirname, '../..');

function where(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return '';
  const short = url.startsWith(ROOT) ? path.relative(ROOT, url) : url;
  // tsx's transpiled project files report line 0 for every function: leave the line out then.
  return frame.lineNumber > 0 ? `${short}:${frame.lineNumber + 1}` : short;
}

/** The package a frame belongs to: node_modules/<name>, node:internal, the project's folder, or V8's pseudo-frames. */
function packageOf(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node (internals)';
  if (url.startsWith(ROOT)) return `project: ${path.relative(ROOT, url).split('/').slice(0, 2).join('/')}`;
  return url;
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const totalUs = profile.endTime - profile.startTime;
  const idleUs = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const busyUs = Math.max(1, totalUs - idleUs);
  const line = (name: string, w: string, us: number): ProfileLine =>
    ({ name, where: w, ms: Math.round(us / 100) / 10, percent: Math.round((us / busyUs) * 1000) / 10 });

  const keyOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}\u0000${where(n.callFrame)}`;
  const self = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + us);
    packages.set(packageOf(node.callFrame), (packages.get(packageOf(node.callFrame)) ?? 0) + us);
  }

  // Inclusive time of the project's own functions: each sample counts once per distinct function on its stack.
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const node = byId.get(n)!;
      const url = node.callFrame.url.replace(/^file:\/\//, '');
      if (!url.startsWith(ROOT) || url.includes('node_modules')) continue;
      const key = keyOf(node);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }

  const sorted = (map: Map<string, number>, split: boolean) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([key, us]) => (split ? line(key.split('\u0000')[0], key.split('\u0000')[1], us) : line(key, '', us)));
  return {
    totalMs: Math.round(totalUs / 1000), idleMs: Math.round(idleUs / 1000),
    selfTime: sorted(self, true), byPackage: sorted(packages, false), projectInclusive: sorted(inclusive, true),
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const rows = (lines: ProfileLine[]) => lines.map((l) => `  ${l.percent.toFixed(1).padStart(5)} %  ${String(l.ms).padStart(8)} ms  ${l.name}${l.where ? `  ${l.where}` : ''}`).join('\n');
  return [
    `profile: ${summary.totalMs} ms recorded, ${summary.idleMs} ms idle; percentages are of the busy time`,
    'self time by package:', rows(summary.byPackage.slice(0, 15)),
    'top functions by self time:', rows(summary.selfTime),
    'project functions by inclusive time:', rows(summary.projectInclusive),
  ].join('\n');
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('scripts/bench/profile.ts')) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length === 0) {
    console.error('usage: node --import tsx scripts/bench/profile.ts FILE.cpuprofile [--top 25]');
    process.exit(2);
  }
  for (const file of positionals) console.log(`${file}\n${formatProfile(summariseProfile(file, Number(values.top)))}\n`);
}
