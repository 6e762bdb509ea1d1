// The queries behind the pages, on PostgreSQL (`npm run bench -- --database postgres --explain`): each page is asked
// once while the cluster logs every statement with its parameters; each statement then runs again under
// EXPLAIN (ANALYZE) inside a transaction that is rolled back, and any sequential scan of a table of more than a few
// thousand rows is named: every list a page shows must come from an index, so its cost does not grow with the
// municipality.
import fs from 'node:fs';
import pg from 'pg';
import type { BenchPostgres } from './postgres.ts';
import { get, post } from './server.ts';

export interface PageProbe {
  page: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface StatementPlan {
  page: string;
  sql: string;
  parameters: (string | null)[];
  /** The plan's text, or why it could not be explained. */
  plan: string;
  executionMs: number | null;
  /** Index and scan nodes, e.g. "Index Scan using care_times_child_date on care_times". */
  scans: string[];
  /** Tables above SEQ_SCAN_ROWS rows read by a sequential scan. */
  bigSeqScans: { table: string; rows: number }[];
}

export interface PlanReport { file: string; statements: StatementPlan[]; tableRows: Record<string, number> }

/** A sequential scan of a table this big reads more rows as the municipality grows: the page needs an index. */
export const SEQ_SCAN_ROWS = 2000;

/** Statements of the job runner, which polls on its own whatever the pages do. */
const BACKGROUND = /"jobs"/;

interface Logged { pid: string; sql: string; parameters: (string | null)[] }

export async function explainPages(cluster: BenchPostgres, databaseUrl: string, origin: string, probes: PageProbe[], file: string,
  progress: (line: string) => void): Promise<PlanReport> {
  const logFile = cluster.logFile;
  if (!logFile) throw new Error('--explain needs the bench\'s own cluster (no VARDAG_DATABASE_URL)');
  const captured: { page: string; statements: Logged[] }[] = [];
  await cluster.logStatements(true);
  try {
    for (const probe of probes) {
      const from = fs.statSync(logFile).size;
      const res = probe.method === 'POST'
        ? await post(`${origin}${probe.path}`, probe.headers, probe.body ?? '')
        : await get(`${origin}${probe.path}`, probe.headers);
      if (res.status >= 400) throw new Error(`--explain: ${probe.method} ${probe.path} answered ${res.status}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const text = readFrom(logFile, from);
      captured.push({ page: probe.page, statements: parseLog(text).filter((s) => !BACKGROUND.test(s.sql)) });
    }
  } finally {
    await cluster.logStatements(false);
  }

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const statements: StatementPlan[] = [];
  const tableRows: Record<string, number> = {};
  try {
    for (const row of (await client.query<{ relname: string; n: number }>(
      "select relname, greatest(reltuples, 0)::bigint as n from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace")).rows) {
      tableRows[row.relname] = Number(row.n);
    }
    await client.query('begin');
    for (const { page, statements: logged } of captured) {
      const seen = new Set<string>();
      for (const s of logged) {
        if (seen.has(s.sql) || !/^\s*(select|insert|update|delete|with)\b/i.test(s.sql)) continue;
        seen.add(s.sql);
        await client.query('savepoint explain');
        let plan: string;
        try {
          const result = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${s.sql}`, s.parameters);
          plan = result.rows.map((r) => r['QUERY PLAN']).join('\n');
          await client.query('release savepoint explain');
        } catch (err) {
          plan = `(not explained: ${err instanceof Error ? err.message : String(err)})`;
          await client.query('rollback to savepoint explain');
        }
        const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN);
        const scans = [...plan.matchAll(/((?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)?(?: using \S+)?(?: on \S+)?)/g)]
          .map((m) => m[1]);
        const bigSeqScans = [...plan.matchAll(/Seq Scan on (\S+)/g)].map((m) => ({ table: m[1], rows: tableRows[m[1]] ?? 0 }))
          .filter((t) => t.rows > SEQ_SCAN_ROWS);
        statements.push({ page, sql: s.sql, parameters: s.parameters, plan, executionMs: Number.isNaN(executionMs) ? null : executionMs, scans, bigSeqScans });
      }
    }
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }

  const out: string[] = [];
  for (const s of statements) {
    out.push(`-- ${s.page}${s.bigSeqScans.length ? `  !! sequential scan of ${s.bigSeqScans.map((t) => `${t.table} (${t.rows} rows)`).join(', ')}` : ''}`);
    out.push(s.sql, `-- parameters: ${JSON.stringify(s.parameters)}`, s.plan, '');
  }
  fs.writeFileSync(file, `${out.join('\n')}\n`);
  progress(`EXPLAIN (ANALYZE) of ${statements.length} statements behind ${probes.length} pages written to ${file}`);
  return { file, statements, tableRows };
}

function readFrom(file: string, offset: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    fs.readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

const ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (\w+):\s+(.*)$/;

/**
 * The statements in a stretch of the log (log_statement = all, log_line_prefix '%m [%p] '): `execute <name>: SQL`
 * with its `DETAIL:  parameters: $1 = '…', $2 = NULL` line, or `statement: SQL` for a query without parameters.
 */
export function parseLog(text: string): Logged[] {
  const entries: { pid: string; level: string; message: string }[] = [];
  for (const line of text.split('\n')) {
    const m = ENTRY.exec(line);
    if (m) entries.push({ pid: m[1], level: m[2], message: m[3] });
    else if (entries.length && line.length) entries[entries.length - 1].message += `\n${line.replace(/^\t/, '')}`;
  }
  const out: Logged[] = [];
  const lastOf = new Map<string, Logged>();
  for (const e of entries) {
    if (e.level === 'LOG') {
      const m = /^(?:execute [^:]*|statement): ([\s\S]*)$/.exec(e.message);
      if (!m) continue;
      const logged = { pid: e.pid, sql: m[1].trim(), parameters: [] };
      out.push(logged);
      lastOf.set(e.pid, logged);
    } else if (e.level === 'DETAIL' && e.message.startsWith('parameters:')) {
      const logged = lastOf.get(e.pid);
      if (!logged) continue;
      const parameters: (string | null)[] = [];
      for (const p of e.message.matchAll(/\$(\d+) = (NULL|'((?:[^']|'')*)')/g)) parameters[Number(p[1]) - 1] = p[2] === 'NULL' ? null : p[3].replaceAll("''", "'");
      logged.parameters = parameters;
    }
  }
  return out;
}
