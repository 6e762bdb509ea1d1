// Each table has one owner: only the owner's module names it in a query. The map is the table in server/README.md,
// written by hand (it is the design, not a reading of the code): a new table gets a row there, and a file that
// reaches into another module's table fails this test. Route files hold no SQL at all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const SERVER_DIR = path.resolve(import.meta.dirname, '../../server');

/** Table → the folder under server/ whose files alone may name it: the hand-written table in server/README.md. */
function ownershipMap(): Map<string, string> {
  const readme = fs.readFileSync(path.join(SERVER_DIR, 'README.md'), 'utf8');
  const section = /<!-- ownership: begin -->([\s\S]*?)<!-- ownership: end -->/.exec(readme)?.[1] ?? '';
  const rows = [...section.matchAll(/^\| ([a-z_]+) \| ([a-z-]+) \|$/gm)].filter((m) => m[1] !== 'table');
  return new Map(rows.map((m) => [m[1], m[2]]));
}

const OWNERS = ownershipMap();
const SCHEMA_TABLES = schemaTables();

/** The tables of db/schema.ts's Database interface. */
function schemaTables(): string[] {
  const schema = fs.readFileSync(path.resolve(SERVER_DIR, '../db/schema.ts'), 'utf8');
  const body = /export interface Database \{([\s\S]*?)\n\}/.exec(schema)?.[1] ?? '';
  return [...body.matchAll(/^\s+([a-z_]+):/gm)].map((m) => m[1]);
}

const QUERY = /\b(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin)\(\s*['"`]([a-z_]+)(?:\s+as\s+[a-z_]+)?['"`]/g;
const ANY_SQL = /\b(selectFrom|insertInto|updateTable|deleteFrom|selectNoFrom)\(|\bsql`/;

function serverFiles(dir = SERVER_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return serverFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The tables a file names in queries, with the line of each. */
export function tablesNamed(source: string): { table: string; line: number }[] {
  return [...source.matchAll(QUERY)].map((m) => ({ table: m[2], line: source.slice(0, m.index).split('\n').length }));
}

describe('who owns which table', () => {
  it('names an owner for every table of the schema, and only folders that exist', () => {
    assert.ok(SCHEMA_TABLES.length > 30, 'the tables of db/schema.ts were not found');
    assert.deepEqual(SCHEMA_TABLES.filter((t) => !OWNERS.has(t)), [], 'tables without a row in server/README.md');
    assert.deepEqual([...OWNERS.keys()].filter((t) => !SCHEMA_TABLES.includes(t)), [], 'rows for tables the schema does not have');
    for (const owner of new Set(OWNERS.values())) {
      assert.ok(fs.existsSync(path.join(SERVER_DIR, owner)), `server/${owner}/ owns tables but does not exist`);
    }
  });

  it('finds table names in the shapes queries are written in (so the check below can fail)', () => {
    const found = tablesNamed(`db.selectFrom('absences').innerJoin('persons as child', 'a', 'b')\n  .leftJoin("accounts", 'x', 'y'); trx.insertInto('notifications')`);
    assert.deepEqual(found.map((f) => f.table), ['absences', 'persons', 'accounts', 'notifications']);
  });

  it('lets only the owner name a table in a query', () => {
    const breaches: string[] = [];
    for (const file of serverFiles()) {
      const module = path.relative(SERVER_DIR, file).split(path.sep)[0];
      for (const { table, line } of tablesNamed(fs.readFileSync(file, 'utf8'))) {
        const owner = OWNERS.get(table);
        const where = `${path.relative(SERVER_DIR, file)}:${line}`;
        if (owner === undefined) breaches.push(`${where} names ${table}, which is not in the ownership map`);
        else if (owner !== module) breaches.push(`${where} names ${table}, owned by server/${owner}/`);
      }
    }
    assert.deepEqual(breaches, []);
  });

  it('keeps SQL out of route files', () => {
    const withSql = serverFiles()
      .filter((file) => /RouteTable/.test(fs.readFileSync(file, 'utf8')) && !file.endsWith(path.join('kernel', 'http.ts')))
      .filter((file) => ANY_SQL.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(SERVER_DIR, file));
    assert.deepEqual(withSql, []);
  });
});
