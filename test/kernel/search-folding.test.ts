// Search finds names as people type them: in any case, å, ä and ö included ("ÖBERG" finds "Öberg"), and without
// accents ("eloise" finds "Éloïse"), while å, ä and ö stay letters of their own ("oberg" does not find "Öberg"); `%`
// and `_` are only themselves. The same on SQLite and on PostgreSQL whatever the cluster's locale (lower() there folds
// A–Z only under the C locale), on every admin list's search and the audit search.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { foldedContains, foldForSearch } from '../../db/sql.ts';
import { openDatabase, openPostgres, type Connection } from '../../server/kernel/db.ts';
import { auditTrail } from '../../server/audit/trail.ts';
import { FixedClock } from '../../server/kernel/clock.ts';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';

interface Names { names: { id: number; name: string | null } }

const NAMES: [number, string | null][] = [
  [1, 'Åsa Öberg'], [2, 'Éloïse Lefèvre'], [3, 'ÖBERG'], [4, 'Asa Oberg'], [5, '100% _ok'], [6, 'Ninja\\cat'], [7, null],
  [8, 'Łukasz Wójcik'], [9, 'Søren Ærø'], [10, 'AHMED AL-SAYED'],
];

/** What each search finds among NAMES, on every database. */
const SEARCHES: [string, number[]][] = [
  ['åsa', [1]], ['ÅSA', [1]], ['ÖBERG', [1, 3]], ['öberg', [1, 3]], ['Öberg', [1, 3]], ['oberg', [4]],
  ['eloise', [2]], ['ÉLOÏSE', [2]], ['lefevre', [2]], ['Lefèvre', [2]], ['łukasz wójcik', [8]], ['lukasz wojcik', [8]],
  ['sören', [9]], ['ÄRÖ', [9]], ['ahmed al-sayed', [10]],
  ['%', [5]], ['_', [5]], ['0%', [5]], ['a_e', []], ['\\', [6]], ['', [1, 2, 3, 4, 5, 6, 8, 9, 10]],
];

async function fill(connection: Connection): Promise<Kysely<Names>> {
  const db = connection.db as unknown as Kysely<Names>;
  await sql`create table names (id integer primary key, name text)`.execute(db);
  await db.insertInto('names').values(NAMES.map(([id, name]) => ({ id, name }))).execute();
  return db;
}

const found = async (db: Kysely<Names>, text: string) =>
  (await db.selectFrom('names').select('id').where(foldedContains(sql.ref('name'), text)).orderBy('id').execute()).map((r) => r.id);

describe('foldedContains: a search that folds case and accents', () => {
  let cluster: PostgresCluster;
  let dir: string;
  const databases: { name: string; connection: Connection; db: Kysely<Names> }[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardag-search-folding-'));
    const sqlite = openDatabase(path.join(dir, 'names.sqlite'));
    cluster = await startPostgres();
    const utf8 = openPostgres(await cluster.createDatabase(), 1);
    // A database whose character classes are the C locale's: lower('Ö') is 'Ö' there.
    await sql.raw(`create database folding_c template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`).execute(utf8.db);
    const c = openPostgres(`${cluster.base}/folding_c`, 1);
    for (const [name, connection] of [['SQLite', sqlite], ['PostgreSQL (C.UTF-8)', utf8], ['PostgreSQL (C)', c]] as const) {
      databases.push({ name, connection, db: await fill(connection) });
    }
  });

  after(async () => {
    for (const d of databases) await d.connection.close();
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the same names on SQLite and on PostgreSQL, under the C locale too', async () => {
    for (const { name, db } of databases) {
      for (const [text, ids] of SEARCHES) assert.deepEqual(await found(db, text), ids, `${name}: "${text}"`);
    }
  });

  it("PostgreSQL's C locale does not fold Ö with lower(), the reason search does not use it", async () => {
    const c = databases.find((d) => d.name === 'PostgreSQL (C)');
    assert.ok(c);
    const { rows } = await sql<{ lowered: string }>`select lower('ÖBERG') as lowered`.execute(c.db);
    assert.equal(rows[0]?.lowered, 'Öberg');
  });

  it('takes every other character as typed, as PostgreSQL and JavaScript both read the pattern', async () => {
    const odd = ["O'Brien (Jr.)", 'a.b', 'a+b*c?', '[x]{2}', '^$|', 'x\\y', 'Łódź/Kraków', 'Nguyễn', '😀 Smile', 'Ahmed أحمد', 'Ștefan'];
    for (const { name, db } of databases) {
      await db.deleteFrom('names').execute();
      await db.insertInto('names').values(odd.map((n, i) => ({ id: i + 1, name: n }))).execute();
      const searches: [string, number[]][] = [
        ["o'brien (JR.)", [1]], ['(', [1]], ['.', [1, 2]], ['a.b', [2]], ['ab', []], ['+b*c?', [3]], ['[X]{2}', [4]], ['{', [4]],
        ['^', [5]], ['$|', [5]], ['\\', [6]], ['lodz/krakow', [7]], ['NGUYỄN', [8]], ['nguyen', [8]], ['STEFAN', [11]], ['ştefan', [11]], ['😀', [9]], ['😀 smile', [9]],
        ['أحمد', [10]], ['*', [3]], ['?', [3]],
      ];
      for (const [text, ids] of searches) assert.deepEqual(await found(db, text), ids, `${name}: "${text}"`);
      await db.deleteFrom('names').execute();
      await db.insertInto('names').values(NAMES.map(([id, n]) => ({ id, name: n }))).execute();
    }
  });

  it('folds a text as the database does, for searches made in code', () => {
    assert.equal(foldForSearch('Éloïse ÖBERG-Åström'), 'eloise öberg-åström');
    assert.equal(foldForSearch('Søren Ærø Łukasz İlker'), 'sören ärö lukasz ilker');
    // A letter and its accent typed as two characters is the letter with its accent.
    assert.equal(foldForSearch('A\u030Asa'), 'åsa');
    for (const code of [...Array(0x250).keys(), ...Array.from({ length: 0x100 }, (_, i) => 0x1e00 + i)]) {
      const folded = foldForSearch(String.fromCharCode(code));
      assert.equal(foldForSearch(folded), folded, `a folded letter folds to itself: U+${code.toString(16)}`);
    }
  });
});

describe('the admin searches fold case and accents', () => {
  let t: TestApp;
  let admin: Agent;
  let rektor: Agent;
  let child: number;
  let staff: number;
  let area: number;
  let unit: number;
  let solrosen: number;
  let municipality: number;

  /** The ids a page links to as `href="<prefix><id><suffix>"`. */
  const linked = (html: string, prefix: string, suffix = '"') =>
    [...html.matchAll(new RegExp(`href="${prefix}(\\d+)${suffix}`, 'g'))].map((m) => Number(m[1]));
  const get = async (agent: Agent, url: string) => {
    const res = await agent.get(url);
    assert.equal(res.status, 200, url);
    return res.text;
  };
  const q = (text: string) => encodeURIComponent(text);

  before(async () => {
    t = await startTestApp();
    admin = await signIn(t.app, 'admin');
    rektor = await signIn(t.app, 'rektor');
    child = await personId(t.db, 'Elsa', 'Andersson');
    staff = await personId(t.db, 'Sara', 'Holm');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    unit = await unitId(t.db, 'Förskolan Vitsippan');
    area = (await t.db.selectFrom('areas').select('id').where('name', '=', 'Södra området').executeTakeFirstOrThrow()).id;
    municipality = (await t.db.selectFrom('persons').select('municipality_id').where('id', '=', child).executeTakeFirstOrThrow()).municipality_id;
    await t.db.updateTable('persons').set({ first_name: 'Éloïse', last_name: 'Öberg' }).where('id', '=', child).execute();
    await t.db.updateTable('persons').set({ first_name: 'Åsa', last_name: 'Lefèvre' }).where('id', '=', staff).execute();
    await t.db.updateTable('areas').set({ name: 'Östra Ängen' }).where('id', '=', area).execute();
    await t.db.updateTable('units').set({ name: 'Förskolan Ärlan' }).where('id', '=', unit).execute();
    // Åsa read Éloïse's information twice.
    const account = await t.db.selectFrom('accounts').select('id').where('person_id', '=', staff).executeTakeFirstOrThrow();
    for (const at of ['2026-11-02T08:00:00Z', '2026-11-03T08:00:00Z']) {
      await auditTrail(t.db, new FixedClock(at)).record({ accountId: account.id, personId: staff, action: 'child.info.read', childId: child, recordId: null, method: 'GET' }, 'read');
    }
  });
  after(() => t.close());

  it("finds a child on the admin's and the unit head's lists by name in any case, accents or not", async () => {
    for (const text of ['eloise', 'ÖBERG', 'öberg', 'éloïse öberg', 'ELOISE ÖBERG']) {
      assert.ok(linked(await get(admin, `/admin/children?q=${q(text)}`), '/admin/children/').includes(child), `admin: ${text}`);
      assert.ok(linked(await get(rektor, `/units/${solrosen}/children?q=${q(text)}`), '/admin/children/').includes(child), `head: ${text}`);
    }
    assert.ok(!linked(await get(admin, `/admin/children?q=${q('oberg')}`), '/admin/children/').includes(child), 'ö is a letter of its own');
  });

  it('takes % and _ in a child search as themselves, not as any text', async () => {
    assert.deepEqual(linked(await get(admin, `/admin/children?q=${q('%')}`), '/admin/children/'), []);
    assert.deepEqual(linked(await get(admin, `/admin/children?q=${q('_')}`), '/admin/children/'), []);
  });

  it('finds a staff member on the staff lists by name in any case, accents or not', async () => {
    for (const text of ['ÅSA', 'lefevre', 'åsa lefèvre', 'ÅSA LEFEVRE']) {
      assert.ok(linked(await get(admin, `/admin/staff?q=${q(text)}`), '/admin/staff/').includes(staff), `admin: ${text}`);
      assert.ok(linked(await get(rektor, `/units/${solrosen}/staff?q=${q(text)}`), '/admin/staff/').includes(staff), `head: ${text}`);
    }
  });

  it('finds an area and a unit by name in any case', async () => {
    for (const text of ['östra ängen', 'ÖSTRA ÄNGEN', 'ängen']) {
      assert.deepEqual(linked(await get(admin, `/admin/areas?q=${q(text)}`), '/admin/areas/'), [area], text);
    }
    for (const text of ['förskolan ärlan', 'FÖRSKOLAN ÄRLAN', 'ärlan']) {
      assert.deepEqual(linked(await get(admin, `/admin/units?q=${q(text)}`), '/admin/units/'), [unit], text);
    }
  });

  it("finds a person for their register extract by name in any case, accents or not", async () => {
    const extracts = async (text: string) => linked(await get(admin, `/municipalities/${municipality}/privacy?q=${q(text)}`), '/admin/people/', '/extract"');
    assert.deepEqual(await extracts('eloise öberg'), [child]);
    assert.deepEqual(await extracts('ÉLOÏSE ÖBERG'), [child]);
    assert.deepEqual(await extracts('åsa lefevre'), [staff]);
  });

  it("finds a child's and a reader's rows in the audit trail by name in any case, accents or not", async () => {
    for (const query of [`child=${q('eloise')}`, `child=${q('ÖBERG')}`, `person=${q('ÅSA LEFEVRE')}`, `child=${q('éloïse')}&person=${q('lefèvre åsa')}`]) {
      assert.match(await get(admin, `/admin/audit?${query}`), /Antal träffar: 2</, query);
    }
    const csv = await admin.get(`/admin/audit/export?child=${q('ELOISE')}&person=${q('åsa')}`).buffer(true);
    assert.equal(csv.status, 200);
    assert.equal(csv.text.trimEnd().split('\r\n').filter((line) => line.includes(';Éloïse Öberg;')).length, 2, 'the export finds them too');
  });
});
