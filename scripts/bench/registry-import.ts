// `npm run bench -- --import`: the registry import of a municipality of N children (default 10,000), each with two
// guardians and a placement, on a fresh database: the preview of the whole file, its approval (every person,
// placement, guardianship, history row and invitation mail in one transaction), and the same file again (a scheduled
// run that finds nothing to change). Target: preview and apply each < 30 s. See README, "Performance".
//
//   npm run bench -- --import [--children 10000] [--database postgres] [--json FILE]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { migrateToLatest, openDatabase, openPostgres, type Connection } from '../../server/kernel/db.ts';
import { createAccount } from '../../server/accounts/queries.ts';
import { addMunicipalityAdmin, createGroup, createMunicipality, createPerson, createUnit } from '../../server/people/commands.ts';
import { registryMailer } from '../../server/invitations/registry-invitations.ts';
import { applyImport, previewImport } from '../../server/registry-import/import.ts';
import { sampleCsv } from '../../server/registry-import/sample.ts';
import { numberOption } from './options.ts';
import { BENCH_DIR } from './dataset.ts';
import { benchPostgres } from './postgres.ts';

const USAGE = `npm run bench -- --import [options]

  --children N       children in the file (default 10000), each with two guardians
  --database D       sqlite (default) or postgres (the bench's own cluster in .bench/postgres, or VARDAG_DATABASE_URL's server)
  --json FILE        also write the figures as JSON`;
const TARGET_SECONDS = 30;
const PG_DATABASE = 'vardag_import_bench';
const TODAY = '2026-11-24';
const NOW = new Date('2026-11-24T09:00:00Z');

export interface ImportFigures {
  children: number; rows: number; bytes: number; database: 'sqlite' | 'postgres';
  previewSeconds: number; applySeconds: number; reimportPreviewSeconds: number; reimportApplySeconds: number;
  /** The bench process's own CPU seconds in each step (the database too, on SQLite). */
  cpuSeconds: { preview: number; apply: number; reimportPreview: number; reimportApply: number };
  persons: number; invitations: number; met: boolean;
}

export async function importBench(argv: string[], progress: (line: string) => void): Promise<number> {
  // As production runs it (mail templates compiled once): in a process of its own with NODE_ENV=production.
  if (process.env.NODE_ENV !== 'production') {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, ...argv], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  const { values } = parseArgs({ args: argv, options: { children: { type: 'string' }, database: { type: 'string' }, json: { type: 'string' } } });
  const children = Math.round(numberOption(USAGE)(values.children, 10_000, 'children', 1));
  const database = values.database === 'postgres' ? 'postgres' : 'sqlite';
  const figures = await measureImport(children, database, progress);
  const out = [
    '', `Registry import of ${children} children with ${children * 2} guardians (${figures.rows} rows, ${(figures.bytes / 1e6).toFixed(1)} MB, ${database}):`,
    `  preview        ${figures.previewSeconds.toFixed(1)} s (${figures.cpuSeconds.preview.toFixed(1)} s of CPU)`,
    `  apply          ${figures.applySeconds.toFixed(1)} s (${figures.cpuSeconds.apply.toFixed(1)} s of CPU; ${figures.persons} persons, ${figures.invitations} invitations mailed)`,
    `  same file again: preview ${figures.reimportPreviewSeconds.toFixed(1)} s, apply ${figures.reimportApplySeconds.toFixed(1)} s (nothing to change)`,
    `  preview and apply each < ${TARGET_SECONDS} s: ${figures.met ? 'met' : 'MISSED'}`,
  ];
  console.log(out.join('\n'));
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
  return figures.met ? 0 : 1;
}

async function measureImport(children: number, database: 'sqlite' | 'postgres', progress: (line: string) => void): Promise<ImportFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardag-import-bench-'));
  // PostgreSQL: a fresh database on the bench's own cluster (or on VARDAG_DATABASE_URL's server).
  const cluster = database === 'postgres' ? await benchPostgres(path.join(BENCH_DIR, 'postgres'), progress) : undefined;
  if (cluster && (await cluster.exists(PG_DATABASE))) await cluster.drop(PG_DATABASE);
  await cluster?.create(PG_DATABASE);
  const connection: Connection = cluster ? openPostgres(cluster.urlOf(PG_DATABASE)) : openDatabase(path.join(dir, 'import.db'));
  try {
    const db = connection.db;
    await migrateToLatest(db);
    const groups: { unit: string; group: string }[] = [];
    const setup = await db.transaction().execute(async (trx) => {
      const municipality = await createMunicipality(trx, { name: 'Benchkommun' }, NOW);
      for (let u = 0; u < Math.max(1, Math.ceil(children / 200)); u++) {
        const unit = await createUnit(trx, { municipalityId: municipality, areaId: null, name: `Förskolan ${u + 1}`, kind: 'preschool' });
        for (let g = 0; g < 10; g++) {
          await createGroup(trx, unit, `Grupp ${g + 1}`);
          groups.push({ unit: `Förskolan ${u + 1}`, group: `Grupp ${g + 1}` });
        }
      }
      const admin = await createPerson(trx, { municipalityId: municipality, firstName: 'Bench', lastName: 'Admin' }, NOW);
      await addMunicipalityAdmin(trx, admin, municipality);
      const account = await createAccount(trx, { personId: admin, username: 'bench.admin', email: null, passwordHash: 'not-a-password' }, NOW);
      return { municipality, by: { personId: admin, accountId: account } };
    });
    const text = sampleCsv({ children, groups, startDate: TODAY });
    const rows = text.split('\r\n').length - 2;
    const mail = registryMailer({ publicUrl: 'https://vardag.example.se' });
    // Wall-clock seconds, the figure the target is about; the process's CPU seconds beside it show what a busy machine added.
    const cpu: number[] = [];
    const timed = async <T>(label: string, work: () => Promise<T>): Promise<[T, number]> => {
      progress(`${label}…`);
      const start = performance.now();
      const startCpu = process.cpuUsage();
      const result = await work();
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(startCpu);
      cpu.push((used.user + used.system) / 1e6);
      progress(`  ${seconds.toFixed(1)} s (${cpu[cpu.length - 1].toFixed(1)} s of CPU)`);
      return [result, seconds];
    };
    const input = { municipalityId: setup.municipality, text, encoding: 'utf-8' as const, today: TODAY };
    const [preview, previewSeconds] = await timed(`preview of ${children} children`, () => previewImport(db, input));
    if (!preview.plan || preview.plan.refused.length > 0) throw new Error('the bench file was refused');
    const [applied, applySeconds] = await timed('apply', () => applyImport(db, { ...input, now: NOW, by: setup.by, source: 'import', mail }));
    if (!applied.ok) throw new Error(`the bench import was not applied: ${applied.error}`);
    const [, reimportPreviewSeconds] = await timed('preview of the same file again', () => previewImport(db, input));
    const [again, reimportApplySeconds] = await timed('apply of the same file again', () => applyImport(db, { ...input, now: NOW, by: setup.by, source: 'import', mail }));
    if (!again.ok || again.plan.newPersons.length > 0) throw new Error('the same file again changed the register');
    return {
      children, rows, bytes: Buffer.byteLength(text), database, previewSeconds, applySeconds, reimportPreviewSeconds, reimportApplySeconds,
      cpuSeconds: { preview: cpu[0], apply: cpu[1], reimportPreview: cpu[2], reimportApply: cpu[3] },
      persons: applied.plan.newPersons.length, invitations: applied.invited.filter((o) => o === 'mail').length,
      met: previewSeconds < TARGET_SECONDS && applySeconds < TARGET_SECONDS,
    };
  } finally {
    await connection.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (cluster) {
      await cluster.drop(PG_DATABASE);
      await cluster.stop();
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const progress = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
  importBench(process.argv.slice(2), progress).then((code) => process.exit(code), (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
