// The audit trail for a municipality's admins (/admin/audit): searched by the child's name, the name of who did it,
// the action and the days (Stockholm's), 50 a page; exported whole as CSV (the export itself recorded); only the
// municipality's own rows; never editable (no route changes it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditTrail } from '../../server/audit/trail.ts';
import { AUDITED_ACTIONS, csvCell, startOfDay } from '../../server/audit/rules.ts';
import { LANGUAGES, translator } from '../../server/kernel/i18n.ts';
import { everyAuditHit } from '../../server/audit/search.ts';
import { FixedClock } from '../../server/kernel/clock.ts';
import type { Action } from '../../server/kernel/actions.ts';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('the audit trail for admins', () => {
  let t: TestApp;
  let admin: Agent;
  let elsa: number;
  let oskar: number;
  let sara: number;
  let ekollon: number;
  const account = { id: 0, personId: 0 };

  /** A row in the trail at the instant `at`, as the route table writes one. */
  const row = (at: string, personOf: number, action: Action, childId: number | null) =>
    auditTrail(t.db, new FixedClock(at)).record({ accountId: account.id, personId: personOf, action, childId, recordId: null, method: 'GET' }, 'read');

  before(async () => {
    t = await startTestApp();
    admin = await signIn(t.app, 'admin');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    sara = await personId(t.db, 'Sara', 'Holm');
    const grannChild = await t.db.selectFrom('persons').select('id').where('municipality_id', '!=', (await t.db.selectFrom('persons')
      .select('municipality_id').where('id', '=', elsa).executeTakeFirstOrThrow()).municipality_id).where('birth_date', 'is not', null)
      .orderBy('id').executeTakeFirstOrThrow();
    ekollon = grannChild.id;
    const acc = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    Object.assign(account, { id: acc.id, personId: acc.person_id });
    // Sara reads Elsa's info on 1 November (winter time) late and early, Oskar's schedule on 2 November; a Grannkommun child's row
    await row('2026-10-31T23:30:00Z', sara, 'child.info.read', elsa); // 00:30 on 1 November in Stockholm
    await row('2026-11-01T22:59:00Z', sara, 'child.info.read', elsa); // 23:59 on 1 November
    await row('2026-11-01T23:00:00Z', sara, 'child.schedule.read', oskar); // 00:00 on 2 November
    await row('2026-11-01T12:00:00Z', sara, 'child.info.read', ekollon);
    for (let i = 0; i < 118; i++) await row(new Date(Date.UTC(2026, 9, 1, 8, i)).toISOString(), sara, 'child.history.read', elsa);
  });
  after(() => t.close());

  const municipalityOf = async (person: number) => (await t.db.selectFrom('persons').select('municipality_id').where('id', '=', person).executeTakeFirstOrThrow()).municipality_id;
  const search = async (agent: Agent, query: string) => agent.get(`/admin/audit?${query}`);
  const listed = (html: string) => (html.match(/<ol class="link-list audit-list"[\s\S]*?<\/ol>/)?.[0].match(/<li>/g) ?? []).length;

  it("finds the rows about a child by part of the child's name, in any case, newest first", async () => {
    const res = await search(admin, 'child=OSKAR');
    assert.equal(res.status, 200);
    assert.match(res.text, /Antal träffar: 1</);
    assert.match(res.text, /Sara Holm\s*· Läste omsorgstider · läste\s*· om Oskar Andersson/);
    const elsas = await search(admin, 'child=elsa&action=child.info.read');
    assert.match(elsas.text, /Antal träffar: 2</);
    assert.ok(elsas.text.indexOf('23:59') < elsas.text.indexOf('00:30'), 'newest first');
  });

  it('finds by the name of who read, and by the action', async () => {
    assert.match((await search(admin, 'person=sara+holm&action=child.schedule.read')).text, /Antal träffar: 1</);
    assert.match((await search(admin, 'person=Nobody')).text, /Antal träffar: 0</);
  });

  it("counts whole Stockholm days: from the day's first minute to the last minute of the last day", async () => {
    const first = await search(admin, 'from=2026-11-01&to=2026-11-01');
    assert.match(first.text, /Antal träffar: 2</, "00:30 and 23:59 on 1 November, not 00:00 on the 2nd, nor Grannkommun's child");
    assert.match((await search(admin, 'from=2026-11-02')).text, /Antal träffar: 1</);
    assert.equal(startOfDay('2026-07-01'), '2026-06-30T22:00:00.000Z', 'summer time');
    assert.equal(startOfDay('2026-12-01'), '2026-11-30T23:00:00.000Z', 'winter time');
  });

  it('shows 50 rows a page, with the way to the next and the previous', async () => {
    const all = await search(admin, '');
    assert.match(all.text, /Antal träffar: 121</);
    assert.equal(listed(all.text), 50);
    assert.match(all.text, /Sida 1 av 3/);
    assert.match(all.text, /href="\/admin\/audit\?municipality=\d+&amp;child=&amp;person=&amp;action=&amp;from=&amp;to=&amp;page=2" rel="next"/);
    const last = await search(admin, 'page=3');
    assert.equal(listed(last.text), 21);
    assert.match(last.text, /rel="prev"/);
    assert.doesNotMatch(last.text, /rel="next"/);
  });

  it("shows a municipality's admin only the rows about its own children", async () => {
    const granne = await signIn(t.app, 'grannadmin');
    const theirs = await search(granne, '');
    assert.match(theirs.text, /Antal träffar: 1</);
    assert.doesNotMatch(theirs.text, /Elsa|Oskar/);
    assert.doesNotMatch((await search(admin, '')).text, new RegExp(`child=${ekollon}|Ekollon`));
    assert.equal((await search(granne, `municipality=${(await t.db.selectFrom('persons').select('municipality_id').where('id', '=', elsa).executeTakeFirstOrThrow()).municipality_id}`)).status, 404);
  });

  it('brings back a date that is not one, and a range that ends before it starts, at the field, with the form filled in', async () => {
    const res = await search(admin, 'child=Elsa&from=2026-13-01');
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel: /);
    assert.match(res.text, /id="from-error">.*Skriv datumet som år-månad-dag/);
    assert.match(res.text, /name="child" type="text" value="Elsa"/);
    const backwards = await search(admin, 'from=2026-11-02&to=2026-11-01');
    assert.equal(backwards.status, 400);
    assert.match(backwards.text, /id="to-error">/);
    assert.equal((await search(admin, 'action=child.delete.everything')).status, 400);
  });

  it('exports every row found as CSV (UTF-8, ";"), and records who took it', async () => {
    const before = await t.db.selectFrom('audit_trail').select('id').where('action', '=', 'municipality.audit.export').execute();
    const res = await admin.get('/admin/audit/export?child=elsa').buffer(true);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="?granskningslogg-2026-11-24.csv"?$/);
    const lines = res.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    assert.equal(lines[0], 'at;accountId;personId;personName;action;childId;childName;recordId;method;outcome');
    assert.equal(lines.length, 1 + 120, 'the 2 + 118 rows about Elsa, not one page of them');
    assert.match(lines[1], new RegExp(`^2026-10-01T08:00:00.000Z;${account.id};${sara};Sara Holm;child.history.read;${elsa};Elsa Andersson;;GET;read$`));
    const after = await t.db.selectFrom('audit_trail').select(['id', 'child_id']).where('action', '=', 'municipality.audit.export').execute();
    assert.equal(after.length, before.length + 1);
  });

  it('reads every row once, in time order, however the batches fall (rows of the same instant too)', async () => {
    for (let i = 0; i < 5; i++) await row('2026-09-15T10:00:00Z', sara, 'child.info.read', oskar);
    const search = { municipalityId: await municipalityOf(elsa), child: '', person: '', action: '', from: null, to: null };
    const read = async (batch: number) => {
      const ids: number[] = [];
      for await (const hits of everyAuditHit(t.db, search, batch)) ids.push(...hits.map((h) => h.id));
      return ids;
    };
    const whole = await read(1000);
    assert.ok(whole.length >= 126);
    assert.deepEqual(await read(3), whole);
    const times = (await t.db.selectFrom('audit_trail').select(['id', 'at']).where('id', 'in', whole).execute());
    const at = new Map(times.map((r) => [r.id, r.at]));
    assert.deepEqual(whole.map((id) => at.get(id)), [...whole.map((id) => at.get(id))].sort());
  });

  it('writes a cell a spreadsheet would run as a formula as text, and quotes separators and quotes', () => {
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('-1+2'), "'-1+2");
    assert.equal(csvCell('Berg; Johan'), '"Berg; Johan"');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(-3), '-3');
  });

  it('names every audited action in words, in every language (a new audited action needs its label)', () => {
    for (const language of LANGUAGES) {
      const t = translator(language);
      const missing = AUDITED_ACTIONS.filter((a) => t(`audit.actions.${a}`, { defaultValue: '' }) === '');
      assert.deepEqual(missing, [], language.code);
    }
  });

  it('is for admins only, and no route can change it', async () => {
    for (const user of ['pedagog', 'rektor', 'vardnadshavare']) {
      const agent = await signIn(t.app, user);
      assert.equal((await agent.get('/admin/audit')).status, 404, user);
      assert.equal((await agent.get('/admin/audit/export')).status, 404, user);
    }
    assert.deepEqual(t.routes.entries.filter((e) => e.path.startsWith('/admin/audit')).map((e) => `${e.method} ${e.path}`),
      ['GET /admin/audit', 'GET /admin/audit/export']);
  });
});
