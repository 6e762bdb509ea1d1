// The fuzzer: every registered route (the matrix's list, `t.routes.entries`), as every demo actor, with random and
// hostile values in the real field names of each form. Properties of every answer: never a 500 or a stack trace,
// never a row written by a refused or invalid answer, never the name of a child the actor may not see.
// `npm test` runs a few cases per route; `npm run fuzz` (FUZZ_RUNS, FUZZ_SEED) runs the long profile.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { sql } from 'kysely';
import { csrfFrom, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { recordWrites } from '../support/database.ts';
import { ACTORS, assertNamesOnlyVisibleChildren, loadChildren, notOnContactList, type ActorName, type PlacedChild } from '../support/visibility.ts';
import { markSessionStrong, signInWithSession } from '../support/strong-login.ts';
import { actionDefinition } from '../../server/kernel/actions.ts';
import { today } from '../../server/kernel/clock.ts';
import { addDays } from '../../server/kernel/dates.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/**
 * Tables a refused or invalid answer may write: the session (its CSRF token, a flash, a sign-out) and the counters of
 * failed password checks (a wrong password on a refused login or registration counts), the rate limits' hits (a
 * request counts before it is checked), and the audit trail (an allowed user's invalid form of an audited action is
 * recorded as an attempt), and the tries counted on an SMS login code (a wrong code is one more try; a request for a
 * code that names nobody stores a code nobody has, server/accounts/sms-login.ts). Nothing else.
 */
const BOOKKEEPING = new Set(['sessions', 'login_limits', 'rate_limit_hits', 'audit_trail', 'sms_login_codes']);

/** Routes that end the actor's session or account: each case gets a fresh login of its own. */
const ENDS_SESSION = /^\/logout$|^\/settings\/close$|^\/settings\/sessions\/end|^\/password\/reset\//;

/** The table of each kind of route id, to try real records of every municipality; an id not listed gets only made-up values. */
const ID_TABLES: Record<string, string> = {
  childId: 'persons', groupId: 'groups', unitId: 'units', municipalityId: 'municipalities', absenceId: 'absences',
  invitationId: 'invitations', closedDayId: 'unit_closed_days', emailId: 'account_emails',
  closureRequestId: 'account_closure_requests', mailId: 'mail_outbox',
  registeredChildId: 'persons', placementId: 'placements', guardianId: 'persons',
  areaId: 'areas',
  staffMemberId: 'persons', staffAssignmentId: 'staff_assignments', staffDetailsId: 'persons',
  personId: 'persons',
  registryImportId: 'registry_imports',
  unitLogoId: 'units',
  unitMenuId: 'units',
  entryId: 'guestbook_entries',
  publishedPostId: 'posts', postMediaId: 'post_media',
  childPortfolioId: 'persons',
  childNotesId: 'persons', noteId: 'notes', postCommentId: 'post_comments', homeObservationId: 'home_observations',
  postId: 'posts', mediaId: 'post_media',
  messageThreadId: 'message_threads', messageId: 'messages', messageAttachmentId: 'message_attachments',
  pushSubscriptionId: 'push_subscriptions', trustedDeviceId: 'trusted_devices', passkeyId: 'passkeys',
  informationItemId: 'information_items', informationAttachmentId: 'information_attachments',
  calendarEventId: 'calendar_events',
  schoolChildId: 'persons', schoolClassId: 'groups', adaptationId: 'extra_adaptations',
  dayNoteId: 'day_notes', pickupPersonId: 'pickup_persons', pickupBanId: 'pickup_bans',
};

const HOSTILE = [
  '', ' ', '\t\n', 'x'.repeat(5_000), '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '<b>fet</b>', '{{7*7}}<%= 7*7 %>',
  "' OR 1=1 --", "1; DROP TABLE persons; --", '" OR ""="', '%', '_', '\\', '\u0000', '\u202Eevil\u202C', '\u200F\u200Eאבג', 'ﷺ',
  'Ω≈ç√∫˜µ≤', '😀'.repeat(50), 'e\u0301\u0301\u0301', '9999-12-31', '0000-01-01', '275760-09-13', '2026-02-30', '2026-13-01',
  '1900-01-01', '2026-12-02', '2027-W53', '2026-W00', '2026-W48', '25:61', '24:00', '08:00', '-1', '0', '1e309', 'NaN',
  'Infinity', '0x10', '9007199254740993', '1.5', '[object Object]', '__proto__', 'constructor', 'null', 'undefined', 'true',
  'on', 'yes', 'sv', 'en', 'xx', '/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '../../etc/passwd', '%00',
  'admin', 'AAAA-BBBB-CCCC', 'probe@example.com', 'a@b', '070-123 45 67', '+46701234567',
];
const WEIRD_NAMES = ['__proto__', 'constructor', 'a[b]', 'toString', 'hasOwnProperty', '', 'x'.repeat(300)];

/** The names of the fields every handler reads (`field(req.body, 'name')`, `fields(...)`), read from the source. */
function handlerFieldNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        for (const m of fs.readFileSync(full, 'utf8').matchAll(/\bfields?\([^,()]+,\s*['`]([a-z_]+)/g)) names.add(m[1]);
      }
    }
  };
  walk('server');
  return [...names];
}

function routeRegex(routePath: string): RegExp {
  return new RegExp(`^${routePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[a-zA-Z]+/g, '[^/]+')}$`);
}

/** The forms on a page: where each posts (the `action` or `hx-post`) and the names of its fields. */
function formsOf(html: string): { action: string; names: string[] }[] {
  const forms: { action: string; names: string[] }[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = m[1].match(/\b(?:hx-post|action)="([^"]+)"/)?.[1];
    if (!action) continue;
    const names = [...m[2].matchAll(/\bname="([^"]+)"/g)].map((n) => n[1].replace(/&amp;/g, '&')).filter((n) => n !== '_csrf');
    forms.push({ action: action.replace(/&amp;/g, '&').split('?')[0], names });
  }
  return forms;
}

/** A stack trace or a leaked source path in an answer. */
const STACK = /\n\s+at [^\n]+:\d+:\d+|node:internal|node_modules\/|\/server\/[a-z/-]+\.ts|SqliteError|TypeError:|ReferenceError:/;

describe('the fuzzer: every route, every actor, hostile values', () => {
  let t: TestApp;
  const agents = new Map<ActorName, Agent>();
  /**
   * Each actor's strong session (as if by their e-ID, for every municipality), for the routes whose action always needs
   * one: a weak session would only ever reach the step-up there, never the forms.
   */
  const strongAgents = new Map<ActorName, { agent: Agent; sid: string }>();
  let children: PlacedChild[];
  const idPool = new Map<string, string[]>();
  const formNames = new Map<string, Set<string>>();
  let handlerNames: string[] = [];
  let requests = 0;
  /** Elsa and her group, unit and municipality: the records most actors have something to do with. */
  const ownIds: Record<string, string> = {};
  const statuses = new Map<string, number>();

  before(async () => {
    // Every actor signs in from one address and the fuzzer tries many wrong passwords: the limits have tests of their own.
    t = await startTestApp({ env: { LOGIN_LIMIT_PER_ADDRESS: '1000000', LOGIN_LIMIT_PER_ACCOUNT: '1000000' } });
    for (const actor of ACTORS) agents.set(actor, actor === 'anonymous' ? request.agent(t.app) : await signIn(t.app, actor));
    children = await loadChildren(t);
    const elsa = await t.db.selectFrom('persons').select('id').where('first_name', '=', 'Elsa').where('last_name', '=', 'Andersson').executeTakeFirstOrThrow();
    const group = await t.db.selectFrom('groups').select(['id', 'unit_id']).where('name', '=', 'Blåbär').executeTakeFirstOrThrow();
    const unit = await t.db.selectFrom('units').select(['id', 'municipality_id']).where('id', '=', group.unit_id).executeTakeFirstOrThrow();
    Object.assign(ownIds, { childId: String(elsa.id), groupId: String(group.id), unitId: String(unit.id), municipalityId: String(unit.municipality_id) });
    ownIds.registeredChildId = String(elsa.id); // (the children admin's page of Elsa)
    ownIds.childPortfolioId = String(elsa.id); // (Elsa's portfolio to download)
    ownIds.childNotesId = String(elsa.id); // (Elsa's notes)
    // a pupil's school records: Oskar (Emma's, in 2B) and his class
    const oskar = await t.db.selectFrom('persons').select('id').where('first_name', '=', 'Oskar').where('last_name', '=', 'Andersson').executeTakeFirstOrThrow();
    ownIds.schoolChildId = String(oskar.id);
    ownIds.schoolClassId = String((await t.db.selectFrom('groups').select('id').where('name', '=', '2B').executeTakeFirstOrThrow()).id);
    // families (issue 26): a note of Elsa's today, a person on her pickup list (Emma's), a ban recorded in Solrosen, Emma's
    // weekdays and a conflict on days of hers two homes registered differently, so that the guardians' pages show their forms (take
    // back, change, remove, settle) and the head's the form to end a ban; the same for Grannkommun's first child, so that
    // real records of both municipalities are tried
    const emma = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).person_id;
    const at = t.clock.now().toISOString();
    const grannChild = await t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
      .innerJoin('municipalities', 'municipalities.id', 'units.municipality_id').select(['placements.child_id', 'units.id as unit'])
      .where('municipalities.name', '=', 'Grannkommun').orderBy('placements.id').executeTakeFirstOrThrow();
    for (const [child, unitId, own] of [[elsa.id, unit.id, true], [grannChild.child_id, grannChild.unit, false]] as const) {
      const note = await t.db.insertInto('day_notes').values({ child_id: child, date: today(t.clock), kind: 'late', minutes: 20, at_time: null,
        pickup_name: null, pickup_person_id: null, written_by: emma, created_at: at }).returning('id').executeTakeFirstOrThrow();
      const person = await t.db.insertInto('pickup_persons').values({ child_id: child, kind: 'pickup', name: 'Mormor Eva', relation: 'Mormor',
        phone: '070-111 22 33', created_by: emma, created_at: at, updated_by: emma, updated_at: at }).returning('id').executeTakeFirstOrThrow();
      const ban = await t.db.insertInto('pickup_bans').values({ child_id: child, unit_id: unitId, name: 'Okänd Person', reason: 'Beslut av tingsrätten',
        recorded_by: emma, recorded_at: at }).returning('id').executeTakeFirstOrThrow();
      for (const days of [1, 7, 14]) { // (this week's, next week's and the one after: the week page shows its own)
        await t.db.insertInto('care_time_conflicts').values({ child_id: child, date: addDays(today(t.clock), days), starts: '09:00', ends: '15:00', day_off: 0,
          registered_by: emma, created_at: at }).execute();
      }
      // Emma's days of the child (Mondays and Tuesdays), so that the homes page offers her the form that ends them
      await t.db.insertInto('care_home_patterns').values({ child_id: child, guardian_id: emma, kind: 'weekdays', weekdays: '1,2', valid_from: today(t.clock),
        valid_to: null, created_by: emma, created_at: at }).execute();
      if (own) Object.assign(ownIds, { dayNoteId: String(note.id), pickupPersonId: String(person.id), pickupBanId: String(ban.id) });
    }
    // a closed day in every unit, so that deleting one is tried with real records of both municipalities
    for (const unit of await t.db.selectFrom('units').select('id').execute()) {
      await t.db.insertInto('unit_closed_days').values({ unit_id: unit.id, date: '2029-06-01', reason: 'Planeringsdag' }).execute();
    }
    for (const [param, table] of Object.entries(ID_TABLES)) {
      const rows = await sql<{ id: number }>`select id from ${sql.table(table)} order by id`.execute(t.db);
      idPool.set(param, rows.rows.map((r) => String(r.id)));
    }
    handlerNames = handlerFieldNames();
    // The real field names: every form on every page (Elsa's records, else the first of each kind) as each actor sees it.
    const gets = t.routes.entries.filter((e) => e.method === 'GET');
    const posts = t.routes.entries.filter((e) => e.method === 'POST');
    const collect = (html: string) => {
      for (const form of formsOf(html)) {
        const route = posts.find((p) => routeRegex(p.path).test(form.action));
        if (!route) continue;
        const names = formNames.get(route.path) ?? new Set<string>();
        for (const n of form.names) names.add(n);
        formNames.set(route.path, names);
      }
    };
    for (const actor of ACTORS) {
      for (const entry of gets) {
        const res = await (await agentOf(actor, entry.access)).get(fillWith(entry.path, (param) => ownIds[param] ?? idPool.get(param)?.[0] ?? 'x'));
        collect(res.text ?? ''); // (an image or a ZIP has no text)
      }
    }
    // Forms shown only on a page asked with a query: the assessment form of one of Oskar's subjects, and 2B's overview of a
    // subject with a draft (its form to publish them), each as every actor sees it (with a strong session)
    const draft = await t.db.selectFrom('assessments').select(['subject_id', 'term']).where('group_id', '=', Number(ownIds.schoolClassId))
      .where('status', '=', 'draft').orderBy('id').executeTakeFirst();
    const asked = draft ? [`/children/${ownIds.schoolChildId}/assessment/edit?subject=${draft.subject_id}&term=${draft.term}`,
      `/groups/${ownIds.schoolClassId}/assessment?subject=${draft.subject_id}&term=${draft.term}`] : [];
    // walking home is for a child in fritids: Oskar's pickup page and note page (Emma's forms there), as every actor sees them
    asked.push(`/children/${ownIds.schoolChildId}/pickup`, `/children/${ownIds.schoolChildId}/day-notes`);
    for (const actor of ACTORS) {
      for (const page of asked) collect((await (await agentOf(actor, 'child.assessment.write')).get(page)).text ?? '');
    }
    // Triggers record every write to a table but the bookkeeping, so that a refused answer's writes are seen.
    const tables = (await t.db.introspection.getTables()).map((tb) => tb.name)
      .filter((n) => !BOOKKEEPING.has(n) && !n.startsWith('kysely_'));
    await recordWrites(t.db, tables, 'fuzz_writes');
  });
  after(async () => {
    const answers = [...statuses].sort().map(([k, n]) => `${k}: ${n}`).join(', ');
    const formless = t.routes.entries.filter((e) => e.method === 'POST' && !formNames.has(e.path)).map((e) => e.path);
    console.log(`fuzz: POST routes without a form on a page (fuzzed with the names the handlers read): ${formless.join(' ')}`);
    console.log(`fuzz: ${requests} requests, ${RUNS} runs per route${SEED === undefined ? '' : `, seed ${SEED}`}; fuzzed answers ${answers}`);
    await t.close();
  });

  /** Whether the route's action always needs a strong login (its pages and forms are reached with a strong session only). */
  function alwaysStrong(access: string): boolean {
    return access !== 'public' && actionDefinition(access as Parameters<typeof actionDefinition>[0]).strongLogin === true;
  }

  /**
   * The actor's agent for a route: their strong session where the action always needs one (made strong again before each
   * case, whatever the clock did since, and signed in again when an earlier case ended it), else their weak one.
   */
  async function agentOf(actor: ActorName, access: string): Promise<Agent> {
    if (actor === 'anonymous' || !alwaysStrong(access)) return agents.get(actor)!;
    let made = strongAgents.get(actor);
    if (made && !(await t.db.selectFrom('sessions').select('sid').where('sid', '=', made.sid).executeTakeFirst())) made = undefined;
    if (!made) {
      made = await signInWithSession(t.app, actor); // (throws when an earlier case closed or renamed the account)
      strongAgents.set(actor, made);
    }
    await markSessionStrong(t.db, made.sid, t.clock.now());
    return made.agent;
  }

  function fillWith(routePath: string, pick: (param: string) => string): string {
    return routePath.replace(/:([a-zA-Z]+)/g, (_, param: string) => encodeURIComponent(pick(param)));
  }

  const value = (): fc.Arbitrary<string> => fc.oneof(
    { arbitrary: fc.constantFrom(...HOSTILE), weight: 4 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
    { arbitrary: fc.integer().map(String), weight: 1 },
    { arbitrary: fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), weight: 1 },
  );

  function paramValue(param: string): fc.Arbitrary<string> {
    const real = idPool.get(param) ?? [];
    const made = fc.constantFrom('0', '-1', '987654', 'abc', '1e3', '01', '1.0', ' 1', '%2F', '..', '9007199254740993', 'AAAABBBBCCCC');
    if (param in ownIds) return fc.oneof(fc.constant(ownIds[param]), fc.constantFrom(...real), made, value().filter((v) => v.length > 0));
    return real.length ? fc.oneof(fc.constantFrom(...real), made) : fc.oneof(made, value().filter((v) => v.length > 0));
  }

  it('has the routes and forms it drives', () => {
    assert.ok(t.routes.entries.length > 50, `${t.routes.entries.length} routes`);
    assert.ok(formNames.size > 10, `forms found for ${formNames.size} routes`);
  });

  describe('every route', () => {
    // The route list is only known once the app is up, so each route is a subtest made then: a new route is fuzzed too.
    for (const method of ['GET', 'POST'] as const) {
      it(`${method}: no 500, no stack trace, no write when refused, no other child's name`, async (tt) => {
        for (const entry of t.routes.entries.filter((e) => e.method === method)) {
          await tt.test(`${entry.method} ${entry.path}`, () => fuzzRoute(entry.method, entry.path, entry.access));
        }
      });
    }
  });

  async function fuzzRoute(method: 'GET' | 'POST', routePath: string, access: string) {
    const strong = alwaysStrong(access);
    const names = [...new Set([...(formNames.get(routePath) ?? []), ...handlerNames])];
    const own = formNames.get(routePath) ? [...formNames.get(routePath)!] : handlerNames;
    const params = [...routePath.matchAll(/:([a-zA-Z]+)/g)].map((m) => m[1]);
    const nameArb = fc.oneof({ arbitrary: fc.constantFrom(...(own.length ? own : names)), weight: 6 },
      { arbitrary: fc.constantFrom(...names), weight: 2 }, { arbitrary: fc.constantFrom(...WEIRD_NAMES), weight: 1 });
    const caseArb = fc.record({
      actor: fc.constantFrom(...ACTORS),
      ids: fc.tuple(...params.map(paramValue)) as fc.Arbitrary<string[]>,
      // every field of the form once with a hostile value, then a few more pairs (duplicated fields, other forms' names)
      fields: fc.tuple(fc.array(value(), { minLength: own.length, maxLength: own.length }), fc.array(fc.tuple(nameArb, value()), { maxLength: 6 }))
        .map(([values, extra]) => [...own.map((n, i) => [n, values[i]] as [string, string]), ...extra]),
      drop: fc.array(fc.nat(), { maxLength: 3 }),
      htmx: fc.boolean(),
      encoding: fc.constantFrom('form', 'form', 'form', 'form', 'form', 'form', 'form', 'form', 'json', 'huge'),
    });
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const target = params.length ? fillWith(routePath, (p) => c.ids[params.indexOf(p)]) : routePath;
      const fields = c.fields.filter((_, i) => !c.drop.includes(i));
      const label = `${method} ${target} as ${c.actor} (${c.encoding}${c.htmx ? ', htmx' : ''}) ${JSON.stringify(fields).slice(0, 600)}`;
      let agent: Agent;
      try { agent = await agentOf(c.actor, access); } catch { return; } // (a strong session of an account an earlier case closed)
      if (method === 'POST' && ENDS_SESSION.test(routePath) && c.actor !== 'anonymous') {
        try { agent = await signIn(t.app, c.actor); } catch { return; } // the account was closed or renamed by an earlier case
      }
      await sql`delete from fuzz_writes`.execute(t.db);
      let res: request.Response;
      if (method === 'GET') {
        const query = new URLSearchParams(fields).toString();
        res = await agent.get(query ? `${target}?${query}` : target).set(c.htmx ? { 'HX-Request': 'true' } : {});
        requests++;
      } else {
        let page = await agent.get(c.actor === 'anonymous' ? '/login' : '/');
        requests++;
        if (c.actor !== 'anonymous' && !/name="_csrf"/.test(page.text)) {
          // an earlier case ended this session (another session's "end the others", a closed account): sign in again
          if (strong) {
            strongAgents.delete(c.actor);
            try { agent = await agentOf(c.actor, access); } catch { return; }
          } else {
            try { agent = await signIn(t.app, c.actor); } catch { return; }
            agents.set(c.actor, agent);
          }
          page = await agent.get('/');
        }
        const token = csrfFrom(page.text);
        await sql`delete from fuzz_writes`.execute(t.db);
        const headers: Record<string, string> = c.htmx ? { 'HX-Request': 'true', 'x-csrf-token': token } : {};
        if (c.encoding === 'json') {
          res = await agent.post(target).set({ ...headers, 'x-csrf-token': token }).type('json').send(JSON.stringify(Object.fromEntries(fields)));
        } else {
          const body = new URLSearchParams([['_csrf', token], ...fields]);
          if (c.encoding === 'huge') body.append(fields[0]?.[0] ?? 'x', 'y'.repeat(120_000));
          res = await agent.post(target).set(headers).type('form').send(body.toString());
        }
        requests++;
      }
      const kind = `${method} ${res.status}${strong ? ' (strong)' : ''}`;
      statuses.set(kind, (statuses.get(kind) ?? 0) + 1);
      assert.notEqual(res.status, 500, `${label}: 500`);
      assert.ok(res.status < 500, `${label}: ${res.status}`);
      assert.doesNotMatch(res.text ?? '', STACK, `${label}: a stack trace in the answer`);
      assertNamesOnlyVisibleChildren(notOnContactList(children, target, res.text ?? ''), res.text ?? '', c.actor, label);
      assert.doesNotMatch(res.text ?? '', /Hemlig väg|462 99/, `${label}: the protected address`);
      const refused = [400, 401, 403, 404, 413, 429].includes(res.status)
        || (c.actor === 'anonymous' && res.status === 303 && /^\/login/.test(res.headers.location ?? '') && !isPublic(method, routePath));
      if (method === 'POST' && Number((await sql<{ n: number }>`select count(*) as n from fuzz_writes`.execute(t.db)).rows[0].n) > 0) {
        statuses.set('POST that wrote', (statuses.get('POST that wrote') ?? 0) + 1);
      }
      if (refused) {
        const writes = await sql<{ tbl: string; op: string }>`select distinct tbl, op from fuzz_writes`.execute(t.db);
        assert.deepEqual(writes.rows, [], `${label}: answered ${res.status} and wrote ${JSON.stringify(writes.rows)}`);
      }
    }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
  }

  function isPublic(method: string, routePath: string): boolean {
    return t.routes.entries.some((e) => e.method === method && e.path === routePath && e.access === 'public');
  }
});
