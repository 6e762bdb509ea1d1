// The audit trail: every allowed request of an audited action (reading or changing a child's notes, absence comments,
// contact details...) leaves one row — who, what, which child, when — and a write never commits without its row.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { sql } from 'kysely';
import request from 'supertest';
import { auditTrail } from '../../server/audit/trail.ts';
import { today } from '../../server/kernel/clock.ts';
import { createGuard, RouteTable, type Locators } from '../../server/kernel/http.ts';
import { auditTrailOfChild } from '../../server/audit/queries.ts';
import { actionDefinition, actions, ONE_CHILD_KINDS, type Action } from '../../server/kernel/actions.ts';
import { RequestWork, withRequestWork, type Db } from '../../server/kernel/db.ts';
import { queueMail } from '../../server/mail/outbox.ts';
import { storeImportFile } from '../../server/people/registry-sync.ts';
import { COLUMNS } from '../../server/registry-import/layout.ts';
import { toCsv } from '../../server/registry-import/sample.ts';
import { postForm, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { refuseInserts } from '../support/database.ts';
import { personId } from '../support/demo.ts';
import { signInStrong } from '../support/strong-login.ts';
import { addAdaptation } from '../../server/adaptations/queries.ts';
import { termOf } from '../../server/kernel/terms.ts';
import { ACTORS, type ActorName } from '../support/visibility.ts';
import { addGuestbookEntry } from '../../server/child-page/queries.ts';
import { documentationFeatures, saveDocumentationFeatures } from '../../server/settings/queries.ts';
import { addNote } from '../../server/notes/queries.ts';
import { addComment, addObservation } from '../../server/documentation/comments-queries.ts';
import { writeDemoPost } from '../../server/documentation/demo.ts';

const countAudit = async (db: Db) => Number((await db.selectFrom('audit_trail').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const rowsAfter = (db: Db, id: number) => db.selectFrom('audit_trail').selectAll().where('id', '>', id).orderBy('id').execute();
const lastId = async (db: Db) => (await db.selectFrom('audit_trail').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0;

describe('the audit trail', () => {
  let t: TestApp;
  const agents = new Map<ActorName, Agent>();
  const accounts = new Map<ActorName, { id: number; personId: number }>();
  let elsa: number;
  let oskar: number;

  before(async () => {
    // every actor signs in from the one test address: the per-address limit has tests of its own
    t = await startTestApp({ env: { LOGIN_LIMIT_PER_ADDRESS: '1000', LOGIN_LIMIT_PER_ACCOUNT: '1000' } });
    // strong for every municipality: a pupil's school records need it for every read (the step-up has tests of its own)
    for (const actor of ACTORS.filter((a) => a !== 'anonymous')) {
      agents.set(actor, (await signInStrong(t.app, t.db, actor, t.clock.now())).agent);
      const row = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', actor).executeTakeFirstOrThrow();
      accounts.set(actor, { id: row.id, personId: row.person_id });
    }
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
  });
  after(() => t.close());

  const agent = (actor: ActorName) => agents.get(actor)!;
  const activeAbsences = async (childId: number) => (await t.db.selectFrom('absences').select('id').where('child_id', '=', childId)
    .where('cancelled_at', 'is', null).execute()).length;

  it("audits exactly the actions that read or change a child's notes, comments or contact details (written out by hand)", () => {
    const audited = (Object.keys(actions) as Action[]).filter((a) => actionDefinition(a).audited).sort();
    assert.deepEqual(audited, ['absence.answer', 'absence.cancel', 'absence.unreported.cancel', 'absence.withdraw',
      'adaptation.end', 'adaptation.update',
      'child.absence.markUnreported', 'child.absence.report', 'child.absence.undoReport', 'child.adaptations.create', 'child.adaptations.read',
      'child.assessment.print', 'child.assessment.read', 'child.assessment.write', 'child.consent.give', 'child.consent.record', 'child.dayNotes.create', 'child.guestbook.remove', 'child.guestbook.write', 'child.history.read',
      'child.homes.update', 'child.info.read',
      'child.invitations.create', 'child.notes.create', 'child.notes.read', 'child.observations.create', 'child.observations.read', 'child.page.read', 'child.page.update',
      'child.pickup.read', 'child.pickup.update', 'child.pickupBans.create', 'child.pickupBans.read',
      'child.plan.comment', 'child.plan.read', 'child.plan.sign', 'child.plan.write', 'child.portfolio.export', 'child.portfolio.read', 'child.register.read', 'child.register.update', 'child.schedule.comment', 'child.schedule.read',
      'child.schedule.update', 'child.talkNotes.write', 'dayNote.cancel', 'group.comments.read', 'group.posts.create', 'group.posts.read', 'group.today.print', 'homeObservation.decide', 'municipality.audit.export', 'note.delete', 'note.update', 'person.extract.read',
      'pickupBan.end', 'pickupPerson.update', 'placement.update', 'post.comments.create', 'post.comments.read', 'post.delete', 'post.read', 'post.update', 'postComment.decide', 'postMedia.download',
      'registryImport.apply', 'registryImport.export', 'registryImport.read', 'schoolClass.assessment.publish', 'schoolClass.assessment.read']);
  });

  describe('reading', () => {
    it("records the teacher reading Elsa's details (guardians' contact details): who, what, which child, when", async () => {
      const before = await lastId(t.db);
      const res = await agent('pedagog').get(`/children/${elsa}/info`);
      assert.equal(res.status, 200);
      const rows = await rowsAfter(t.db, before);
      const pedagog = accounts.get('pedagog')!;
      assert.deepEqual(rows.map((r) => [r.account_id, r.person_id, r.action, r.child_id, r.record_id, r.method, r.outcome]),
        [[pedagog.id, pedagog.personId, 'child.info.read', elsa, null, 'GET', 'read']]);
      assert.equal(rows[0].at, t.clock.now().toISOString(), 'the time is the app clock\'s');
    });

    it('records each audited page once, for the guardian and for staff', async () => {
      for (const [actor, path, action] of [
        ['vardnadshavare', `/children/${elsa}/absence`, 'child.absence.report'],
        ['vardnadshavare', `/children/${elsa}/schedule`, 'child.schedule.read'],
        ['pedagog', `/children/${elsa}/schedule/standard`, 'child.schedule.read'],
        ['pedagog', `/children/${elsa}/history`, 'child.history.read'],
        ['rektor', `/children/${elsa}/invitations/new`, 'child.invitations.create'],
        ['vardnadshavare', `/children/${elsa}/portfolio`, 'child.portfolio.read'],
        ['pedagog', `/children/${elsa}/portfolio`, 'child.portfolio.read'],
        ['vardnadshavare2', `/children/${elsa}/page`, 'child.page.read'],
        ['pedagog', `/children/${elsa}/page/edit`, 'child.page.update'],
      ] as const) {
        const before = await lastId(t.db);
        assert.equal((await agent(actor).get(path)).status, 200, path);
        const rows = await rowsAfter(t.db, before);
        assert.deepEqual(rows.map((r) => [r.account_id, r.action, r.child_id, r.outcome]), [[accounts.get(actor)!.id, action, elsa, 'read']], path);
      }
    });

    it('records nothing for a page that is not yours (404), nor for one that does not exist', async () => {
      const before = await countAudit(t.db);
      assert.equal((await agent('pedagog3').get(`/children/${elsa}/info`)).status, 404);
      assert.equal((await agent('vardnadshavare3').get(`/children/${elsa}/absence`)).status, 404);
      assert.equal((await agent('pedagog').get('/children/987654/history')).status, 404);
      assert.equal((await agent('grannadmin').get(`/children/${elsa}/schedule`)).status, 404);
      assert.equal(await countAudit(t.db), before);
    });

    it('records nothing for actions that are not audited: the start page, a child\'s start page, a box, Today, check-in', async () => {
      const before = await countAudit(t.db);
      assert.equal((await agent('vardnadshavare').get('/')).status, 200);
      assert.equal((await agent('vardnadshavare').get(`/children/${elsa}`)).status, 200);
      assert.equal((await agent('vardnadshavare').get(`/children/${elsa}/boxes/absence`).set('HX-Request', 'true')).status, 200);
      const group = (await t.db.selectFrom('groups').select('id').where('name', '=', 'Blåbär').executeTakeFirstOrThrow()).id;
      assert.equal((await agent('pedagog').get(`/groups/${group}/today`)).status, 200);
      const arrived = await postForm(agent('pedagog'), `/groups/${group}/today`, `/children/${elsa}/attendance`, { event: 'arrive', group: String(group) });
      assert.equal(arrived.status, 303);
      assert.equal(await countAudit(t.db), before);
    });
  });

  describe('writing', () => {
    it('stores an absence report and its row together, marked written', async () => {
      const before = await lastId(t.db);
      const res = await postForm(agent('vardnadshavare'), `/children/${elsa}`, `/children/${elsa}/absences`,
        { when: 'range', from: '2026-12-01', comment: 'Tandläkare' });
      assert.equal(res.status, 303);
      const emma = accounts.get('vardnadshavare')!;
      assert.deepEqual((await rowsAfter(t.db, before)).map((r) => [r.account_id, r.person_id, r.action, r.child_id, r.method, r.outcome]),
        [[emma.id, emma.personId, 'child.absence.report', elsa, 'POST', 'written']]);
    });

    it('records a report from the start page box (htmx) like the plain form', async () => {
      const before = await lastId(t.db);
      const res = await postForm(agent('vardnadshavare'), `/children/${elsa}`, `/children/${elsa}/absences`,
        { when: 'range', from: '2026-12-02', comment: 'Hos mormor' }, { 'HX-Request': 'true', 'HX-Target': 'box-absence' });
      assert.equal(res.status, 200);
      assert.match(res.text, /id="box-absence"/);
      assert.deepEqual((await rowsAfter(t.db, before)).map((r) => [r.action, r.child_id, r.method, r.outcome]),
        [['child.absence.report', elsa, 'POST', 'written']]);
    });

    it('names the absence and its child when a report is cancelled', async () => {
      const absence = await t.db.selectFrom('absences').select('id').where('child_id', '=', elsa).where('date', '=', '2026-12-02')
        .where('cancelled_at', 'is', null).executeTakeFirstOrThrow();
      const before = await lastId(t.db);
      const res = await postForm(agent('pedagog'), '/', `/absences/${absence.id}/cancel`, { next: '/' });
      assert.equal(res.status, 303);
      assert.deepEqual((await rowsAfter(t.db, before)).map((r) => [r.account_id, r.action, r.child_id, r.record_id, r.outcome]),
        [[accounts.get('pedagog')!.id, 'absence.cancel', elsa, absence.id, 'written']]);
    });

    it('records a refused form once, as an attempt, and stores no absence', async () => {
      const absences = await activeAbsences(elsa);
      const before = await lastId(t.db);
      const res = await postForm(agent('vardnadshavare'), `/children/${elsa}`, `/children/${elsa}/absences`, { when: 'range', from: '2026-11-23' });
      assert.equal(res.status, 400);
      assert.match(res.text, /Dagen har redan varit/);
      assert.deepEqual((await rowsAfter(t.db, before)).map((r) => [r.action, r.child_id, r.method, r.outcome]),
        [['child.absence.report', elsa, 'POST', 'attempted']]);
      assert.equal(await activeAbsences(elsa), absences);
    });

    it('records a staff comment on a day, and a comment that changes nothing as an attempt', async () => {
      const before = await lastId(t.db);
      const comment = { date: '2026-11-26', staff_comment: 'Utflykt, ta med matsäck', week: '2026-W48' };
      assert.equal((await postForm(agent('pedagog'), '/', `/children/${elsa}/schedule/comment`, comment)).status, 303);
      assert.equal((await postForm(agent('pedagog'), '/', `/children/${elsa}/schedule/comment`, comment)).status, 303);
      assert.deepEqual((await rowsAfter(t.db, before)).map((r) => [r.action, r.child_id, r.outcome]),
        [['child.schedule.comment', elsa, 'written'], ['child.schedule.comment', elsa, 'attempted']]);
    });

    it('commits no absence without its row: when the row cannot be stored, the report is rolled back', async () => {
      const absences = await activeAbsences(elsa);
      const history = Number((await t.db.selectFrom('care_history').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await countAudit(t.db);
      const allow = await refuseInserts(t.db, 'audit_trail', 'the audit trail refuses');
      const logged = console.error;
      console.error = () => undefined; // the 500 and the failed attempt row are logged
      try {
        const res = await postForm(agent('vardnadshavare'), `/children/${elsa}`, `/children/${elsa}/absences`,
          { when: 'range', from: '2026-12-03', comment: 'Resa' });
        assert.equal(res.status, 500);
      } finally {
        console.error = logged;
        await allow();
      }
      assert.equal(await activeAbsences(elsa), absences, 'the absence was rolled back with its row');
      const historyAfter = Number((await t.db.selectFrom('care_history').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      assert.equal(historyAfter, history, 'and so was its care history');
      assert.equal(await countAudit(t.db), before);
      // with the trail working again, the same report is stored, with its row
      const again = await postForm(agent('vardnadshavare'), `/children/${elsa}`, `/children/${elsa}/absences`, { when: 'range', from: '2026-12-03', comment: 'Resa' });
      assert.equal(again.status, 303);
      assert.equal(await activeAbsences(elsa), absences + 1);
      assert.equal(await countAudit(t.db), before + 1);
    });

    it('shows no audited page when its row cannot be stored', async () => {
      const allow = await refuseInserts(t.db, 'audit_trail', 'the audit trail refuses');
      const logged = console.error;
      console.error = () => undefined;
      try {
        const res = await agent('pedagog').get(`/children/${elsa}/info`);
        assert.equal(res.status, 500);
        assert.doesNotMatch(res.text, /Emma/);
      } finally {
        console.error = logged;
        await allow();
      }
    });

    it("lists a child's trail in order with auditTrailOfChild", async () => {
      const trail = await auditTrailOfChild(t.db, elsa);
      assert.ok(trail.length >= 10);
      assert.ok(trail.every((r) => r.childId === elsa));
      assert.deepEqual(trail.map((r) => r.id), trail.map((r) => r.id).sort((a, b) => a - b));
      assert.equal(trail[0].action, 'child.info.read');
      assert.deepEqual(await auditTrailOfChild(t.db, oskar), []);
    });
  });

  describe('the first write of a request (the kernel hook)', () => {
    const insertClosedDay = (db: Db, date: string) => db.insertInto('unit_closed_days').values({ unit_id: 1, date, reason: 'Prov' }).execute();
    const closedDays = async (date: string) => (await t.db.selectFrom('unit_closed_days').select('id').where('date', '=', date).execute()).length;

    it('runs once per request: nested (db.isTransaction) and later transactions add nothing, a read-only one does not run it', async () => {
      let runs = 0;
      const work = new RequestWork(async () => { runs++; });
      await withRequestWork(work, async () => {
        await t.db.transaction().execute(async (trx) => trx.selectFrom('persons').select('id').execute());
        assert.equal(runs, 0, 'a transaction that only reads');
        await t.db.transaction().execute(async (trx) => {
          await insertClosedDay(trx, '2030-01-01');
          await queueMail(trx, { to: 'a@example.com', subject: 'Prov', text: 'x', html: 'x' }, t.clock.now());
        });
        await queueMail(t.db, { to: 'b@example.com', subject: 'Prov', text: 'x', html: 'x' }, t.clock.now());
        await insertClosedDay(t.db, '2030-01-02');
      });
      assert.equal(runs, 1);
      assert.ok(work.done);
    });

    it('wraps a write outside a transaction in one with the work: if the work fails, the write is not stored', async () => {
      const work = new RequestWork(async () => { throw new Error('no row'); });
      await assert.rejects(withRequestWork(work, () => insertClosedDay(t.db, '2030-02-01')), /no row/);
      assert.equal(await closedDays('2030-02-01'), 0);
      assert.ok(!work.done);
      const ok = new RequestWork(async (execute) => { await execute(sql`insert into app_meta (key, value) values ('audit-probe', 'x')`.compile(t.db)); });
      await withRequestWork(ok, () => insertClosedDay(t.db, '2030-02-01'));
      assert.equal(await closedDays('2030-02-01'), 1);
      assert.ok(ok.done);
    });

    it('runs the work on the transaction\'s own connection, before its commit', async () => {
      const work = new RequestWork(async (execute) => { await execute(sql`insert into app_meta (key, value) values ('audit-probe-2', 'x')`.compile(t.db)); });
      await assert.rejects(withRequestWork(work, () => t.db.transaction().execute(async (trx) => {
        await insertClosedDay(trx, '2030-03-01');
        throw new Error('the handler fails');
      })), /the handler fails/);
      assert.equal(await closedDays('2030-03-01'), 0);
      assert.equal((await t.db.selectFrom('app_meta').select('key').where('key', '=', 'audit-probe-2').execute()).length, 0, 'rolled back with it');
    });

    /** An app with a route table of its own: one audited route about Elsa, `POST /probe/:childId`, for a signed-in admin. */
    function probeApp(trail: ReturnType<typeof auditTrail>, handler: (req: express.Request, res: express.Response) => Promise<void>): express.Express {
      const router = express.Router();
      const somewhere = async () => ({ municipalityId: 1, unitIds: [], groupIds: [], childIds: [elsa] });
      const locators = new Proxy({}, { get: () => somewhere }) as Locators;
      const routes = new RouteTable(router, createGuard(locators, t.db, () => today(t.clock)), trail);
      routes.post('/probe/:childId', 'child.absence.report', handler);
      const app = express();
      app.use((req, _res, next) => {
        req.actor = { accountId: 1, personId: 1, authLevel: 'password', strongIn: new Set(), adminOf: new Set([1]), headOf: new Set(), staffUnits: new Set(),
          staffGroups: new Set(), guardianOf: new Map(), isStudent: false };
        req.account = { id: 1, personId: 1, username: 'probe', displayName: 'Probe', language: 'sv' };
        next();
      });
      app.use(router);
      return app;
    }

    it('does not count a write made once the answer has started (as the session is saved when it ends)', async () => {
      // a route table of its own, with one audited route whose handler answers first and writes after
      let written: () => void = () => undefined;
      const done = new Promise<void>((resolve) => { written = resolve; });
      const app = probeApp(auditTrail(t.db, t.clock), async (_req, res) => {
        res.end('answered');
        await insertClosedDay(t.db, '2030-05-01');
        setImmediate(written);
      });
      const before = await lastId(t.db);
      assert.equal((await request(app).post(`/probe/${elsa}`)).text, 'answered');
      await done;
      for (let i = 0; i < 50 && (await rowsAfter(t.db, before)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await closedDays('2030-05-01'), 1);
      assert.deepEqual((await rowsAfter(t.db, before)).map((r) => [r.action, r.child_id, r.outcome]), [['child.absence.report', elsa, 'attempted']]);
    });


    it("records a refused form's attempt before its answer is sent, however slow the row is to store", async () => {
      // On PostgreSQL a client could read the trail before the row of an answered attempt was there.
      const trail = auditTrail(t.db, t.clock);
      const slowTrail: typeof trail = {
        record: async (...args) => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          return trail.record(...args);
        },
      };
      const app = probeApp(slowTrail, async (_req, res) => { res.status(400).send('refused'); });
      const before = await lastId(t.db);
      const res = await request(app).post(`/probe/${elsa}`);
      assert.deepEqual([res.status, res.text], [400, 'refused']);
      assert.deepEqual((await rowsAfter(t.db, before)).map((r) => [r.action, r.child_id, r.outcome]), [['child.absence.report', elsa, 'attempted']]);
    });
    it('keeps each request its own work while others start and finish around it', async () => {
      const runs: string[] = [];
      const first = new RequestWork(async () => { runs.push('first'); });
      const second = new RequestWork(async () => { runs.push('second'); });
      let finishFirst: () => void = () => undefined;
      const firstDone = withRequestWork(first, () => new Promise<void>((resolve) => { finishFirst = resolve; }));
      await withRequestWork(second, async () => {
        finishFirst();
        await firstDone; // the first handler is over; the second goes on to write
        await insertClosedDay(t.db, '2030-06-01');
      });
      assert.deepEqual(runs, ['second']);
      await insertClosedDay(t.db, '2030-06-02'); // outside any request
      assert.deepEqual(runs, ['second']);
    });

    it('does not count writes once the request is closed', async () => {
      let runs = 0;
      const work = new RequestWork(async () => { runs++; });
      work.close();
      await withRequestWork(work, () => insertClosedDay(t.db, '2030-04-01'));
      assert.equal(runs, 0);
      assert.ok(!work.done);
    });
  });

  // Every route of an audited action, tried as every signed-in actor on the demo's probe records: an actor the route
  // lets in leaves exactly one row naming them, the action and the child; an actor refused leaves none. A new audited
  // route is checked here without new code (an empty form is enough: a refused form is recorded as an attempt).
  describe('every route of an audited action', () => {
    it('has audited routes to check', () => {
      assert.ok(auditedRoutes().length >= 10, auditedRoutes().map((e) => `${e.method} ${e.path}`).join(', '));
    });

    it('records one row for every actor it lets in, and none for those it refuses', async (tt) => {
      for (const entry of auditedRoutes()) {
        await tt.test(`${entry.method} ${entry.path}`, async () => {
          const allowed: string[] = [];
          for (const child of [elsa, oskar]) {
            for (const actor of ACTORS.filter((a) => a !== 'anonymous')) {
              const { path, about } = await fill(entry.path, child);
              const fields = await recordFields(path, child);
              const before = await lastId(t.db);
              const res = entry.method === 'GET' ? await agent(actor).get(Object.keys(fields).length ? `${path}?${new URLSearchParams(fields)}` : path)
                : await postForm(agent(actor), '/', path, fields);
              const label = `${entry.method} ${path} as ${actor}: ${res.status}`;
              // (a page that shows who may not pick the child up, the child's card, leaves a row of its own for that read:
              // one, about the same child, by the same person)
              const all = await rowsAfter(t.db, before);
              const banReads = entry.access === 'child.pickupBans.read' ? [] : all.filter((r) => r.action === 'child.pickupBans.read');
              const rows = all.filter((r) => !banReads.includes(r));
              assert.ok(banReads.length <= 1 && banReads.every((r) => r.account_id === accounts.get(actor)!.id && r.child_id === about && res.status === 200), `${label}: ${JSON.stringify(banReads)}`);
              if (res.status === 404) {
                assert.deepEqual(rows, [], label);
                continue;
              }
              assert.ok(res.status < 500, label);
              assert.deepEqual(rows.map((r) => [r.account_id, r.person_id, r.action, r.child_id, r.method]),
                [[accounts.get(actor)!.id, accounts.get(actor)!.personId, entry.access, aboutOneChild(entry) ? about : null, entry.method]], label);
              allowed.push(actor);
            }
          }
          assert.ok(allowed.length > 0, `nobody got into ${entry.method} ${entry.path}`);
        });
      }
    });

    function auditedRoutes() {
      return t.routes.entries.filter((e) => e.access !== 'public' && actionDefinition(e.access as Action).audited);
    }

    /** Whether the route's record is about one child (a group's page, the admins' export of the trail name none in their row). */
    function aboutOneChild(entry: { access: string }): boolean {
      return ONE_CHILD_KINDS.has(actionDefinition(entry.access as Action).target);
    }

    /**
     * The route's path for the probe child, and the child it is about: the child itself, their first group, a fresh
     * report of theirs for an absence's route, a guardian of theirs for a person's route, an import of their
     * municipality; the register routes, which change a child's placements and guardians, get a child of their own
     * placed in the probe child's first group.
     */
    async function fill(path: string, probeChild: number): Promise<{ path: string; about: number }> {
      let child = probeChild;
      const [firstPlacement] = await t.db.selectFrom('placements').select(['id', 'group_id']).where('child_id', '=', probeChild).orderBy('id').execute();
      let filled = path.replace(':childId', String(child)).replace(':childPortfolioId', String(child));
      if (/:(registeredChildId|placementId|guardianId)/.test(filled)) {
        const own = await placedChildIn(firstPlacement.group_id);
        child = own.childId;
        filled = filled.replace(':registeredChildId', String(own.childId)).replace(':placementId', String(own.placementId))
          .replace(':guardianId', String(own.guardianId));
      }
      if (filled.includes(':personId')) {
        const { guardian_id } = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).orderBy('guardian_id').executeTakeFirstOrThrow();
        filled = filled.replace(':personId', String(guardian_id));
      }
      if (filled.includes(':registryImportId')) {
        const { municipality_id } = await t.db.selectFrom('persons').select('municipality_id').where('id', '=', child).executeTakeFirstOrThrow();
        const id = await storeImportFile(t.db, { municipalityId: municipality_id, fileName: 'register.csv', encoding: 'utf-8', content: toCsv([[...COLUMNS]]),
          by: 1, at: t.clock.now() });
        filled = filled.replace(':registryImportId', String(id));
      }
      if (filled.includes(':groupId')) filled = filled.replace(':groupId', String(firstPlacement.group_id));
      if (filled.includes(':absenceId')) {
        // Routes about an unreported absence (the guardian's answer, the school's undo) are probed on one staff marked.
        const unreported = /\/(answer|unreported\/)/.test(path);
        const { id } = await t.db.insertInto('absences').values({ child_id: child, date: unreported ? '2026-11-23' : '2026-12-10', starts: null,
          ends: null, kind: unreported ? 'unreported' : 'reported', comment: 'Prov', created_by: 1, created_at: t.clock.now().toISOString() })
          .onConflict((oc) => oc.columns(['child_id', 'date']).where('cancelled_at', 'is', null).doUpdateSet({ comment: 'Prov' })) // one in force a day
          .returning('id').executeTakeFirstOrThrow();
        filled = filled.replace(':absenceId', String(id));
      }
      if (/\/guestbook(\/|$)/.test(filled)) { // the child page's guestbook, on at the child's units, and a greeting to remove
        const units = await t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
          .select(['units.id', 'units.municipality_id']).where('placements.child_id', '=', child).execute();
        for (const unit of units) {
          const features = await documentationFeatures(t.db, unit.id);
          if (!features.guestbook) await saveDocumentationFeatures(t.db, unit.id, { ...features, guestbook: true }, { municipalityId: unit.municipality_id, unitId: unit.id, by: 1, at: t.clock.now() });
        }
        if (filled.includes(':entryId')) filled = filled.replace(':entryId', String(await addGuestbookEntry(t.db, child, 'Prov', false, { personId: 1, at: t.clock.now().toISOString() })));
      }
      filled = filled.replace(':childNotesId', String(child));
      if (/:(noteId|publishedPostId|postCommentId|homeObservationId)/.test(filled)) { // a note, a post of the child's group, a comment, an observation
        const group = await t.db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id').select(['groups.id', 'units.id as unit', 'units.municipality_id'])
          .where('groups.id', '=', firstPlacement.group_id).executeTakeFirstOrThrow();
        const { guardian_id: guardian } = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).orderBy('guardian_id').executeTakeFirstOrThrow();
        const at = t.clock.now();
        filled = filled.replace(':noteId', String(await addNote(t.db, { childId: child, unitId: group.unit, body: 'Prov', by: 1, at })));
        filled = filled.replace(':homeObservationId', String(await addObservation(t.db, { childId: child, groupId: group.id, by: guardian, body: 'Prov', at, photo: null })));
        if (/:(publishedPostId|postCommentId)/.test(filled)) {
          const post = await writeDemoPost(t.db, t.dir, { municipalityId: group.municipality_id, unitId: group.unit, groupId: group.id, authorId: 1, kind: 'group',
            title: 'Prov', publishedAt: at.toISOString() });
          filled = filled.replace(':publishedPostId', String(post.id))
            .replace(':postCommentId', String(await addComment(t.db, { postId: post.id, childId: child, by: guardian, body: 'Prov', at })));
        }
      }
      if (filled.includes(':postMediaId')) { // a photo without children in a post of the child's first group
        const group = await t.db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id').select(['groups.id', 'units.id as unit', 'units.municipality_id'])
          .where('groups.id', '=', firstPlacement.group_id).executeTakeFirstOrThrow();
        const post = await writeDemoPost(t.db, t.dir, { municipalityId: group.municipality_id, unitId: group.unit, groupId: group.id, authorId: 1, kind: 'group',
          title: 'Prov', publishedAt: t.clock.now().toISOString(), media: [{ stored: 40, tagged: 'none' }] });
        filled = filled.replace(':postMediaId', String(post.mediaIds[0]));
      }
      if (filled.includes(':postId')) { // a draft of the child's first group with one photo (staff's writing pages)
        const group = await t.db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id').select(['groups.id', 'units.id as unit', 'units.municipality_id'])
          .where('groups.id', '=', firstPlacement.group_id).executeTakeFirstOrThrow();
        const post = await writeDemoPost(t.db, t.dir, { municipalityId: group.municipality_id, unitId: group.unit, groupId: group.id, authorId: 1, kind: 'group',
          title: 'Prov', publishedAt: null, media: [{ stored: 41, tagged: 'none' }] });
        filled = filled.replace(':postId', String(post.id)).replace(':mediaId', String(post.mediaIds[0]));
      }
      // a pupil's school records: the child, their first group (a school class only for a pupil), an adaptation of theirs
      filled = filled.replace(':schoolChildId', String(child)).replace(':schoolClassId', String(firstPlacement.group_id));
      if (filled.includes(':adaptationId')) {
        const day = today(t.clock);
        filled = filled.replace(':adaptationId', String(await addAdaptation(t.db, { childId: child, groupId: firstPlacement.group_id, what: 'Prov',
          decidedBy: 'Prov', decidedOn: day, reviewBy: day }, 1, t.clock.now())));
      }
      // families (issue 26): a note of today's about the child, a person on its pickup list, a ban recorded in the unit of its
      // first group (the head of that unit ends it)
      if (/:(dayNoteId|pickupPersonId|pickupBanId)/.test(filled)) {
        const { guardian_id: guardian } = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).orderBy('guardian_id').executeTakeFirstOrThrow();
        const { unit_id: unit } = await t.db.selectFrom('groups').select('unit_id').where('id', '=', firstPlacement.group_id).executeTakeFirstOrThrow();
        const at = t.clock.now().toISOString();
        if (filled.includes(':dayNoteId')) {
          filled = filled.replace(':dayNoteId', String((await t.db.insertInto('day_notes').values({ child_id: child, date: today(t.clock), kind: 'late', minutes: 20,
            at_time: null, pickup_name: null, pickup_person_id: null, written_by: guardian, created_at: at }).returning('id').executeTakeFirstOrThrow()).id));
        }
        if (filled.includes(':pickupPersonId')) {
          filled = filled.replace(':pickupPersonId', String((await t.db.insertInto('pickup_persons').values({ child_id: child, kind: 'pickup', name: 'Prov Provsson',
            relation: 'Mormor', phone: '070-111 22 33', created_by: guardian, created_at: at, updated_by: guardian, updated_at: at }).returning('id').executeTakeFirstOrThrow()).id));
        }
        if (filled.includes(':pickupBanId')) {
          filled = filled.replace(':pickupBanId', String((await t.db.insertInto('pickup_bans').values({ child_id: child, unit_id: unit, name: 'Prov Förbudsson',
            reason: 'Prov', recorded_by: 1, recorded_at: at }).returning('id').executeTakeFirstOrThrow()).id));
        }
      }
      if (/:[a-zA-Z]+/.test(filled)) throw new Error(`No probe for ${path}`);
      return { path: filled, about: child };
    }

    /**
     * The fields a route needs to find its record at all (it answers 404 without them, after letting the actor in): a
     * subject and term for an assessment's form and a class's publishing, a development talk held for a note.
     */
    async function recordFields(path: string, child: number): Promise<Record<string, string>> {
      if (/\/assessment\/(edit|publish)$/.test(path)) {
        const { municipality_id } = await t.db.selectFrom('persons').select('municipality_id').where('id', '=', child).executeTakeFirstOrThrow();
        const subject = await t.db.selectFrom('assessment_subjects').select('id').where('municipality_id', '=', municipality_id).orderBy('id').executeTakeFirst();
        return { subject: String(subject?.id ?? 0), term: termOf(today(t.clock)) };
      }
      // a conflict is settled on a day (a date that is no date finds no week: not found)
      if (path.endsWith('/schedule/conflicts')) return { date: '2027-01-12', choice: 'mine' };
      if (path.endsWith('/talk-notes')) {
        const held = await t.db.selectFrom('talk_bookings').innerJoin('talk_slots', 'talk_slots.id', 'talk_bookings.slot_id').select('talk_bookings.id')
          .where('talk_bookings.child_id', '=', child).where('talk_slots.date', '<=', today(t.clock)).orderBy('talk_bookings.id').executeTakeFirst();
        return { bookingId: String(held?.id ?? 0), body: 'Prov' };
      }
      return {};
    }

    /** A child of their own, placed in the group for 2026, with a guardian. */
    async function placedChildIn(group: number): Promise<{ childId: number; placementId: number; guardianId: number }> {
      const { municipality_id } = await t.db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id').select('units.municipality_id')
        .where('groups.id', '=', group).executeTakeFirstOrThrow();
      const person = (first: string) => t.db.insertInto('persons').values({ municipality_id, first_name: first, last_name: 'Granskningsprov',
        protected_identity: 0, created_at: '2026-11-01T00:00:00Z' }).returning('id').executeTakeFirstOrThrow();
      const [child, guardian] = [await person('Barn'), await person('Förälder')];
      const placement = await t.db.insertInto('placements').values({ child_id: child.id, group_id: group, start_date: '2026-01-01',
        end_date: '2026-12-31', hour_limit: 'none' }).returning('id').executeTakeFirstOrThrow();
      await t.db.insertInto('guardianships').values({ guardian_id: guardian.id, child_id: child.id, other_household: 0 }).execute();
      return { childId: child.id, placementId: placement.id, guardianId: guardian.id };
    }
  });
});
