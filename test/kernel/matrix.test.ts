// The permission matrix: every registered route, tried as every kind of user. The expected outcomes are written
// here by hand, not derived from the action table they check.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { demoPasswordHash, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint, groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { ACTORS, assertNamesOnlyVisibleChildren, loadChildren, type ActorName, type PlacedChild } from '../support/visibility.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { DEFAULT_LANGUAGE } from '../../server/kernel/i18n.ts';
import { composeMail } from '../../server/mail/compose.ts';
import { queueMail } from '../../server/mail/outbox.ts';
import { registerMailJobs } from '../../server/mail/sender.ts';
import { queueSms } from '../../server/sms/outbox.ts';
import { registerSmsJobs } from '../../server/sms/sender.ts';
import { createAccount } from '../../server/accounts/queries.ts';
import { requestClosure } from '../../server/accounts/closure-queries.ts';
import { createResetToken } from '../../server/accounts/reset-queries.ts';
import { addEmail } from '../../server/accounts/settings-queries.ts';

/** 200 ok · 400 form refused · 404 not found · 401 refused login · 'login' redirect to the login page · 'back' a redirect elsewhere */
type Outcome = 200 | 400 | 401 | 404 | 'login' | 'back';
type Row = Record<ActorName, Outcome>;

const signedIn = (outcome: Outcome): Row => ({ ...everyone(outcome), anonymous: 'login' });
function everyone(outcome: Outcome): Row {
  return Object.fromEntries(ACTORS.map((a) => [a, outcome])) as Row;
}

// The probe records: Elsa (Blåbär, Förskolan Solrosen, Demokommun) and her group, unit and municipality.
// Emma (vardnadshavare) and Johan (vardnadshavare2, other household) are Elsa's guardians; Karim (vardnadshavare3)
// is Nora's, who is also in Blåbär. pedagog is staff of Blåbär, pedagog2 of Lingon (same unit), pedagog3 of another
// unit; rektor heads Solrosen. larare2b teaches Oskar's class 2B at Björkskolan, fritids is staff of Oskar's fritids
// group Lärkan, rektor2 heads Vitsippan (another unit of Demokommun), elev is a pupil of 4A with a student account:
// none of them is anything to Elsa.
const CHILD_PAGE: Row = {
  anonymous: 'login', admin: 404, rektor: 404, pedagog: 404, pedagog2: 404, pedagog3: 404,
  vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 404, grannadmin: 404,
  larare2b: 404, fritids: 404, rektor2: 404, elev: 404,
};
const UNIT_SETTINGS = (ok: Outcome): Row => ({ ...signedIn(404), admin: ok, rektor: ok });
const STAFF_OF_ELSA = (ok: Outcome): Row => ({ ...signedIn(404), admin: ok, rektor: ok, pedagog: ok });
const ELSA_REPORTERS = (ok: Outcome): Row => ({ ...STAFF_OF_ELSA(ok), vardnadshavare: ok, vardnadshavare2: ok });

/** Routes whose records belong to no municipality, so there is no "record of the other municipality" to try. */
const DATABASE_WIDE = new Set(['GET /demo/mailbox/:mailId']);

const MATRIX: Record<string, Row> = {
  'GET /login': { ...everyone('back'), anonymous: 200 },
  'POST /login': everyone(401), // with a wrong password
  'POST /language': everyone('back'),
  'GET /': signedIn(200),
  'POST /logout': signedIn('login'),
  'GET /notifications': signedIn(200),
  'POST /notifications/read': signedIn('back'),
  'GET /messages': signedIn(200),
  'GET /children/:childId': CHILD_PAGE,
  'GET /children/:childId/boxes/absence': CHILD_PAGE,
  'GET /children/:childId/boxes/information': CHILD_PAGE,
  'GET /children/:childId/boxes/calendar': CHILD_PAGE,
  'GET /children/:childId/boxes/contacts': CHILD_PAGE,
  'GET /children/:childId/boxes/documentation': CHILD_PAGE,
  'GET /children/:childId/boxes/blog': CHILD_PAGE,
  'GET /children/:childId/boxes/schedule': CHILD_PAGE,
  'GET /children/:childId/boxes/talks': signedIn(404), // no talk times are bookable, so the box is not there
  'GET /children/:childId/info': {
    anonymous: 'login', admin: 200, rektor: 200, pedagog: 200, pedagog2: 404, pedagog3: 404,
    vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 404, grannadmin: 404,
    larare2b: 404, fritids: 404, rektor2: 404, elev: 404,
  },
  'GET /groups/:groupId': {
    anonymous: 'login', admin: 200, rektor: 200, pedagog: 200, pedagog2: 200, pedagog3: 404,
    vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200, grannadmin: 404,
    larare2b: 404, fritids: 404, rektor2: 404, elev: 404,
  },
  'GET /units/:unitId': {
    anonymous: 'login', admin: 200, rektor: 200, pedagog: 200, pedagog2: 200, pedagog3: 404,
    vardnadshavare: 404, vardnadshavare2: 404, vardnadshavare3: 404, grannadmin: 404,
    larare2b: 404, fritids: 404, rektor2: 404, elev: 404,
  },
  'GET /units/:unitId/settings': UNIT_SETTINGS(200),
  'POST /units/:unitId/settings/boxes': UNIT_SETTINGS('back'),
  'POST /units/:unitId/settings/opening-hours': UNIT_SETTINGS('back'),
  'POST /units/:unitId/settings/care-times': UNIT_SETTINGS('back'),
  'POST /units/:unitId/closed-days': UNIT_SETTINGS('back'),
  'POST /units/:unitId/closed-days/:closedDayId/delete': UNIT_SETTINGS('back'),
  'GET /municipalities/:municipalityId': { ...signedIn(404), admin: 200 },
  // absence and the day: Elsa's guardians (both households) and the staff of her group report; staff see Today
  'GET /children/:childId/absence': ELSA_REPORTERS(200),
  'POST /children/:childId/absences': ELSA_REPORTERS('back'),
  'POST /absences/:absenceId/cancel': ELSA_REPORTERS('back'),
  'GET /groups/:groupId/today': STAFF_OF_ELSA(200),
  'POST /children/:childId/attendance': STAFF_OF_ELSA('back'),
  // care times: Elsa's guardians (both households) and the staff of her group register; only staff comment a day and see her history
  'GET /children/:childId/schedule': ELSA_REPORTERS(200),
  'POST /children/:childId/schedule': ELSA_REPORTERS('back'),
  'GET /children/:childId/schedule/standard': ELSA_REPORTERS(200),
  'POST /children/:childId/schedule/standard': ELSA_REPORTERS('back'),
  'POST /children/:childId/schedule/comment': STAFF_OF_ELSA('back'),
  'GET /children/:childId/history': STAFF_OF_ELSA(200),
  // invitations: staff of Elsa's group (pedagog), the head of Solrosen and the admin; never guardians
  'GET /children/:childId/invitations/new': STAFF_OF_ELSA(200),
  'POST /children/:childId/invitations': STAFF_OF_ELSA(200), // without confirm=yes: the review page
  'GET /groups/:groupId/invitations': STAFF_OF_ELSA(200),
  'POST /invitations/:invitationId/resend': STAFF_OF_ELSA('back'),
  'POST /invitations/:invitationId/revoke': STAFF_OF_ELSA('back'),
  'POST /invitations/:invitationId/print': STAFF_OF_ELSA(200),
  // a guardian with a key: public; an unknown key is said to be unknown, to anyone
  'GET /register_invite': everyone(200),
  'GET /register_invite/:key': everyone(200),
  'POST /register_invite': everyone(400),
  'GET /register_invite/:key/link': everyone(200),
  'POST /register_invite/link': { ...everyone(400), anonymous: 401 }, // anonymous with a wrong password; others: unknown key
  'GET /settings/invitation': signedIn(200),
  'POST /settings/invitation': signedIn(400), // an unknown key
  'GET /municipalities/:municipalityId/terms': { ...signedIn(404), admin: 200 },
  'POST /municipalities/:municipalityId/terms': { ...signedIn(404), admin: 'back' },
  // marking an unreported absence, probed with Oskar (Björkskolan 2B; a preschool child has none): of these actors only the
  // admin and larare2b (his class's teacher) are staff of his; fritids staff is not (Lärkan is not a school group)
  'POST /children/:childId/absences/unreported': { ...signedIn(404), admin: 'back', larare2b: 'back' },
  // the demo mailbox (the matrix runs on a demo database) holds the whole database's mail: both admins read it
  'GET /demo/mailbox': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'GET /demo/mailbox/:mailId': { ...signedIn(404), admin: 200, grannadmin: 200 },
  // the demo SMS outbox: each admin reads the SMS about their own municipality's children (grannadmin none of Oskar's)
  'GET /demo/sms': { ...signedIn(404), admin: 200, grannadmin: 200 },
  // a forgotten password: public, the same answer for everyone; a valid link sets the password and sends to the login
  'GET /password/forgot': everyone(200),
  'POST /password/forgot': everyone(200),
  'GET /password/reset/:token': everyone(200),
  'POST /password/reset/:token': everyone('login'),
  'GET /email/verify/:token': everyone(200),
  'POST /email/verify/:token': everyone(200),
  // "Mina inställningar": each signed-in user, about their own account only
  'GET /settings': signedIn(200),
  'POST /settings/username': signedIn('back'), // the user's own username again
  'POST /settings/password': signedIn(400), // a wrong current password
  'POST /settings/emails': signedIn('back'),
  'POST /settings/emails/:emailId/remove': { ...signedIn(404), vardnadshavare: 'back' }, // an address of Emma's
  'POST /settings/emails/:emailId/make-login': { ...signedIn(404), vardnadshavare: 'back' },
  'POST /settings/mobile': signedIn('back'),
  'POST /settings/notifications': signedIn('back'),
  'POST /settings/sessions/end': signedIn('back'),
  'POST /settings/sessions/end-others': signedIn('back'),
  'POST /settings/close': signedIn('back'),
  'POST /settings/close/withdraw': signedIn('back'),
  // closing the account of a guardian of a Solrosen child: its head and the admin; nobody else, not even the guardian
  'GET /units/:unitId/closure-requests': UNIT_SETTINGS(200),
  'GET /municipalities/:municipalityId/closure-requests': { ...signedIn(404), admin: 200 },
  'POST /closure-requests/:closureRequestId/close': UNIT_SETTINGS('back'),
};

// Details beside a child on its info page (GET /children/:childId/info): whose address and contact details (e-mail,
// phone) each actor sees, written out by hand from person.address.read and person.contact.read. Elsa lives with Emma;
// Johan is her guardian in another household. Nora and her guardian Leila have protected identity: their addresses
// are shown to nobody, Leila's contact details to staff only; Karim, Nora's other guardian, has none. An actor not
// listed gets 404 and none of the details.
type Detail = `${string} ${'address' | 'contact'}`;
const ELSA_FAMILY = ['Elsa Andersson', 'Emma Andersson', 'Johan Berg'];
const NORA_FAMILY = ['Nora Haddad', 'Leila Haddad', 'Karim Haddad'];
const ALL_OF_ELSAS: Detail[] = ['Elsa address', 'Emma address', 'Emma contact', 'Johan address', 'Johan contact'];
const STAFF_SEE_OF_NORAS: Detail[] = ['Leila contact', 'Karim address', 'Karim contact'];
const DETAILS: Record<'Elsa' | 'Nora', { family: string[]; seen: Partial<Record<ActorName, Detail[]>> }> = {
  Elsa: { family: ELSA_FAMILY, seen: {
    admin: ALL_OF_ELSAS, rektor: ALL_OF_ELSAS, pedagog: ALL_OF_ELSAS,
    vardnadshavare: ['Elsa address', 'Emma address', 'Emma contact'], // her own household, not Johan's
    vardnadshavare2: ['Johan address', 'Johan contact'], // his own, nothing of the household Elsa is registered in
  } },
  Nora: { family: NORA_FAMILY, seen: {
    admin: STAFF_SEE_OF_NORAS, rektor: STAFF_SEE_OF_NORAS, pedagog: STAFF_SEE_OF_NORAS,
    vardnadshavare3: ['Karim address', 'Karim contact'], // his own only: Leila's are protected even from him
  } },
};

describe('the permission matrix', () => {
  let t: TestApp;
  const agents = new Map<ActorName, Agent>();
  let ids: Record<'own' | 'foreign', Record<string, number>>;
  let closedDaysMade = 0;
  let demoMailId = 0;
  let oskarId = 0;
  let probeAddresses = 0;
  let elsaGuardian = 0;
  let allChildren: PlacedChild[];

  before(async () => {
    // Every actor signs in from the one test address, and all of them try the same unknown key and wrong passwords:
    // the login limits (per address, per account and per key) are raised here, as they have tests of their own.
    t = await startTestApp({ env: { LOGIN_LIMIT_PER_ADDRESS: '1000', LOGIN_LIMIT_PER_ACCOUNT: '1000' } });
    for (const actor of ACTORS) agents.set(actor, actor === 'anonymous' ? request.agent(t.app) : await signIn(t.app, actor));
    const demo = { childId: await personId(t.db, 'Elsa', 'Andersson'), groupId: await groupId(t.db, 'Blåbär'),
      unitId: await unitId(t.db, 'Förskolan Solrosen'), municipalityId: await municipalityId(t.db, 'Demokommun') };
    const granne = { childId: (await childrenOf(t, 'Ekollon'))[0].id, groupId: await groupId(t.db, 'Ekollon'),
      unitId: await unitId(t.db, 'Förskolan Ekorren'), municipalityId: await municipalityId(t.db, 'Grannkommun') };
    ids = { own: demo, foreign: granne };
    demoMailId = await deliveredDemoMail(t);
    oskarId = await personId(t.db, 'Oskar', 'Andersson');
    await deliveredDemoSms(t, oskarId);
    elsaGuardian = (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', demo.childId).executeTakeFirstOrThrow()).guardian_id;
    allChildren = await loadChildren(t); // (and the student's own name among what they may see)
  });
  after(() => t.close());

  it('covers every registered route, and only those', () => {
    const registered = t.routes.entries.map((e) => `${e.method} ${e.path}`).sort();
    assert.deepEqual(registered, Object.keys(MATRIX).sort());
  });

  for (const [route, row] of Object.entries(MATRIX)) {
    const [method, path] = route.split(' ');
    describe(route, () => {
      for (const actor of ACTORS) {
        it(`as ${actor}: ${row[actor]}`, async () => {
          const agent = await agentFor(actor, method, path);
          const target = fill(path, await probe('own', path));
          const before = method === 'POST' ? await fingerprint(t.db) : '';
          const res = await call(agent, method, target, actor);
          assertOutcome(res, row[actor], `${route} as ${actor}`);
          if (res.status === 200) assertNamesOnlyVisibleChildren(allChildren, res.text, actor, route);
          assert.doesNotMatch(res.text, /Hemlig väg|462 99/, `${route} as ${actor} shows the protected address`);
          // (A public route that sends to the login page did its work: setting a password with a link does.)
          const refused = res.status === 404 || res.status === 401 || (row[actor] === 'login' && !isPublic(method, path));
          if (method === 'POST' && refused) {
            assert.equal(await fingerprint(t.db), before, `refused ${route} as ${actor} changed a row`);
          }
        });

        if (/:[a-zA-Z]+Id\b/.test(path)) {
          if (!DATABASE_WIDE.has(route)) it(`as ${actor}: a record of the other municipality is not found`, async () => {
            const other = fill(path, await probe(actor === 'grannadmin' ? 'own' : 'foreign', path));
            const agent = await agentFor(actor, method, path);
            const before = await fingerprint(t.db);
            const res = await call(agent, method, other, actor);
            assertOutcome(res, actor === 'anonymous' ? 'login' : 404, `${route} as ${actor}, other municipality`);
            if (method === 'POST') assert.equal(await fingerprint(t.db), before, `${route} as ${actor} changed a row`);
          });
          it(`as ${actor}: an id that does not exist and one that is not a number are not found`, async () => {
            const agent = await agentFor(actor, method, path);
            for (const bad of ['987654', 'abc', '0', '1e3']) {
              const target = path.replace(/:[a-zA-Z]+/g, bad);
              assertOutcome(await call(agent, method, target, actor), actor === 'anonymous' ? 'login' : 404, `${target} as ${actor}`);
            }
          });
        }
      }
    });
  }

  for (const [child, { family, seen }] of Object.entries(DETAILS)) {
    describe(`GET /children/:childId/info of ${child}: addresses and contact details`, () => {
      for (const actor of ACTORS) {
        const expected = seen[actor];
        it(`as ${actor}: ${expected ? (expected.join(', ') || 'the page, none of the details') : 'not found, none of the details'}`, async () => {
          const people = await Promise.all(family.map((name) => t.db.selectFrom('persons')
            .select(['id', 'first_name', 'street_address', 'postal_code', 'email', 'phone'])
            .where('first_name', '=', name.split(' ')[0]).where('last_name', '=', name.split(' ')[1]).executeTakeFirstOrThrow()));
          const id = people[0].id;
          const res = await agents.get(actor)!.get(`/children/${id}/info`);
          if (!expected) assertOutcome(res, actor === 'anonymous' ? 'login' : 404, `${child}'s info as ${actor}`);
          else assert.equal(res.status, 200, `${child}'s info as ${actor}`);
          const shown: Detail[] = [];
          for (const p of people) {
            if (p.street_address && res.text.includes(`${p.street_address}, ${p.postal_code}`)) shown.push(`${p.first_name} address`);
            if ((p.email && res.text.includes(p.email)) || (p.phone && res.text.includes(p.phone))) shown.push(`${p.first_name} contact`);
          }
          assert.deepEqual(shown.sort(), [...(expected ?? [])].sort(), `${child}'s info as ${actor}`);
          if (expected) for (const p of people.filter((q) => q.email && q.phone)) {
            assert.equal(res.text.includes(p.email!), res.text.includes(p.phone!), `${p.first_name}: e-mail and phone go together`);
          }
        });
      }
    });
  }

  /** The probe ids of one municipality; a route that deletes a closed day gets a fresh one, since it uses it up. */
  async function probe(side: 'own' | 'foreign', path: string): Promise<Record<string, number | string>> {
    if (path.endsWith('/absences/unreported')) return { ...ids[side], childId: side === 'own' ? oskarId : ids[side].childId };
    if (path.includes(':invitationId')) return { ...ids[side], invitationId: await freshInvitation(side) };
    if (path.includes(':absenceId')) return { ...ids[side], absenceId: await freshAbsence(side) };
    if (path.includes(':key')) return { ...ids[side], key: 'AAAABBBBCCCC' };
    if (path.includes(':mailId')) return { ...ids[side], mailId: demoMailId };
    if (path.includes(':token')) return { ...ids[side], token: await freshToken(path) };
    if (path.includes(':emailId')) return { ...ids[side], emailId: await freshEmail(side) };
    if (path.includes(':closureRequestId')) return { ...ids[side], closureRequestId: await freshClosureRequest(side) };
    if (!path.includes(':closedDayId')) return ids[side];
    // (in 2029, so that the probes' closed days that stay never fall on a week the schedule probes save in 2027)
    const date = new Date(Date.UTC(2029, 0, 1 + closedDaysMade++)).toISOString().slice(0, 10);
    const day = await t.db.insertInto('unit_closed_days').values({ unit_id: ids[side].unitId, date, reason: 'Planeringsdag' })
      .returning('id').executeTakeFirstOrThrow();
    return { ...ids[side], closedDayId: day.id };
  }

  /** An open invitation with a key for a guardian of the side's probe child; each call gets its own, as revoking uses it up. */
  async function freshInvitation(side: 'own' | 'foreign'): Promise<number> {
    const child = ids[side].childId;
    const guardian = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).executeTakeFirstOrThrow();
    const municipality = ids[side].municipalityId;
    const now = new Date().toISOString();
    const { id } = await t.db.insertInto('invitations').values({ municipality_id: municipality, guardian_id: guardian.guardian_id,
      email: 'probe@example.com', language: 'sv', send_on: '2026-11-24', created_by: 1, created_at: now }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('invitation_children').values({ invitation_id: id, child_id: child }).execute();
    await t.db.insertInto('invitation_keys').values({ invitation_id: id, key_hash: `probe-${id}`, delivery: 'email', created_at: now,
      expires_at: '2099-01-01T00:00:00Z' }).execute();
    return id;
  }

  /** A guardian in the side's probe group with an account of its own (not a demo login, since probes change it). */
  async function probeAccount(side: 'own' | 'foreign'): Promise<number> {
    const username = `probe-${side}`;
    const existing = await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirst();
    if (existing) return existing.id;
    const guardian = await t.db.selectFrom('guardianships').leftJoin('accounts', 'accounts.person_id', 'guardianships.guardian_id')
      .innerJoin('placements', 'placements.child_id', 'guardianships.child_id')
      .select('guardianships.guardian_id').where('placements.group_id', '=', ids[side].groupId)
      .where('accounts.id', 'is', null).orderBy('guardianships.guardian_id').executeTakeFirstOrThrow();
    return createAccount(t.db, { personId: guardian.guardian_id, username, email: null, passwordHash: await demoPasswordHash() }, t.clock.now());
  }

  /** A fresh link of the probe account: a "Glömt lösenord?" link or a link to verify an added address. */
  async function freshToken(path: string): Promise<string> {
    const account = await probeAccount('own');
    if (path.startsWith('/password/reset/')) return createResetToken(t.db, account, t.clock.now());
    const added = await addEmail(t.db, { id: account, email: null }, `probe-${probeAddresses++}@example.com`, t.clock.now());
    if (!added.ok) throw new Error(added.error);
    return added.token;
  }

  /** A verified extra address of Emma's (vardnadshavare) or, for the other side, of the Grannkommun probe account. */
  async function freshEmail(side: 'own' | 'foreign'): Promise<number> {
    const owner = side === 'own'
      ? (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id
      : await probeAccount('foreign');
    const email = `probe-${probeAddresses++}@example.com`;
    const { id } = await t.db.insertInto('account_emails').values({ account_id: owner, email, email_key: email,
      created_at: t.clock.now().toISOString(), verified_at: t.clock.now().toISOString(), token_hash: null, token_expires_at: null })
      .returning('id').executeTakeFirstOrThrow();
    return id;
  }

  /** An open request to close the side's probe account (reopened first, as an earlier probe may have closed it). */
  async function freshClosureRequest(side: 'own' | 'foreign'): Promise<number> {
    const account = await probeAccount(side);
    await t.db.updateTable('accounts').set({ closed_at: null }).where('id', '=', account).execute();
    return (await requestClosure(t.db, account, t.clock.now())).id;
  }

  function isPublic(method: string, path: string): boolean {
    return t.routes.entries.some((e) => e.method === method && e.path === path && e.access === 'public');
  }

  /** A report for the side's probe child on a day ahead; each call gets its own, as cancelling uses it up. */
  async function freshAbsence(side: 'own' | 'foreign'): Promise<number> {
    const { id } = await t.db.insertInto('absences').values({ child_id: ids[side].childId, date: '2026-12-03', starts: null, ends: null,
      kind: 'reported', comment: null, created_by: 1, created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  async function agentFor(actor: ActorName, method: string, path: string): Promise<Agent> {
    // Setting a password with a link starts this browser afresh, so that probe gets a fresh login too.
    if (method === 'POST' && path.startsWith('/password/reset/') && actor !== 'anonymous') return signIn(t.app, actor);
    // Logging out ends the session, so that probe gets a fresh login of its own.
    if (method === 'POST' && path === '/logout' && actor !== 'anonymous') return signIn(t.app, actor);
    return agents.get(actor)!;
  }

  let newClosedDays = 0;
  async function call(agent: Agent, method: string, path: string, actor: ActorName) {
    if (method === 'GET') return agent.get(path);
    return postForm(agent, actor === 'anonymous' ? '/login' : '/', path, validForm(path, actor));
  }

  /** A valid form for each POST route, so that a refusal can only come from the policy. */
  function validForm(path: string, actor: ActorName): [string, string][] {
    if (path === '/login') return [['username', actor === 'anonymous' ? 'admin' : actor], ['password', 'fel-losenord']];
    if (path.endsWith('/absences/unreported')) return [['from', '08:00'], ['to', '09:00']]; // today's first lesson
    if (path === '/language') return [['language', 'sv'], ['next', '/']];
    if (path.endsWith('/settings/boxes')) return ['absence', 'information', 'calendar', 'contacts', 'documentation', 'blog', 'schedule', 'talks'].map((b) => ['boxes', b]);
    if (path.endsWith('/settings/opening-hours')) return [1, 2, 3, 4, 5].flatMap((d) => [[`opens_${d}`, '06:30'], [`closes_${d}`, '18:00']] as [string, string][]);
    if (path.endsWith('/settings/care-times')) return [['lock_days', '0'], ['plan_ahead_months', '12'], ['invite_days_before', '14']];
    if (path.endsWith('/closed-days')) return [['date', new Date(Date.UTC(2028, 0, 1 + newClosedDays++)).toISOString().slice(0, 10)], ['reason', 'Studiedag']];
    if (path.endsWith('/terms')) return [['terms', 'Bilder får bara laddas ner för privat bruk.']];
    if (path.endsWith('/absences')) return [['when', 'range'], ['from', '2026-12-02']];
    if (path.endsWith('/attendance')) return [['event', 'arrive'], ['group', String(ids.own.groupId)]];
    if (path.endsWith('/schedule')) { // each actor its own week of 2027, so that no save meets another's (a conflict)
      const n = ACTORS.indexOf(actor);
      const monday = new Date(Date.UTC(2027, 0, 11 + 7 * n)).toISOString().slice(0, 10);
      return [['week', `2027-W${String(2 + n).padStart(2, '0')}`], [`starts_${monday}`, '08:00'], [`ends_${monday}`, '15:00']];
    }
    if (path.endsWith('/schedule/standard')) return [['starts_1', '08:00'], ['ends_1', '15:00']];
    if (path.endsWith('/schedule/comment')) return [['date', '2026-12-01'], ['staff_comment', 'Utflykt']];
    if (path.endsWith('/invitations')) return [['invite', String(elsaGuardian)], [`email_${elsaGuardian}`, 'probe@example.com'], [`language_${elsaGuardian}`, 'sv']];
    if (path === '/register_invite') return [['key', 'AAAA-BBBB-CCCC'], ['username', 'ny förälder'], ['email', 'ny@example.com'],
      ['email_confirm', 'ny@example.com'], ['name', 'Ny Förälder'], ['password', 'blå cykel i regnet'], ['terms', 'yes']];
    if (path === '/register_invite/link') return [['key', 'AAAA-BBBB-CCCC'], ['username', actor === 'anonymous' ? 'admin' : actor], ['password', 'fel-losenord']];
    if (path === '/settings/invitation') return [['key', 'AAAA-BBBB-CCCC']];
    if (path === '/password/forgot') return [['name', actor === 'anonymous' ? 'admin' : actor]];
    if (path.startsWith('/password/reset/')) return [['password', 'blå-cykel-regn-tisdag']];
    if (path === '/settings/username') return [['username', actor]];
    if (path === '/settings/password') return [['current_password', 'fel-losenord'], ['new_password', 'blå-cykel-regn-tisdag']];
    if (path === '/settings/emails') return [['email', `${actor}-extra@example.com`]];
    if (path === '/settings/mobile') return [['mobile', '070-123 45 67']];
    if (path === '/settings/notifications') return ['messages', 'absence', 'information', 'calendar', 'documentation', 'blog'].map((k) => [`notify_${k}`, 'email']);
    if (path === '/settings/sessions/end') return [['session', 'no-such-session']];
    if (path === '/settings/close') return [['confirm_close', 'yes']];
    if (path.endsWith('/close')) return [['next', '/']];
    return [];
  }
});

function fill(path: string, ids: Record<string, number | string>): string {
  return path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`No probe id for :${name}`);
    return String(ids[name]);
  });
}

function assertOutcome(res: request.Response, expected: Outcome, label: string) {
  if (expected === 'login') {
    assert.equal(res.status, 303, `${label}: ${res.status}`);
    assert.match(res.headers.location, /^\/login/, label);
  } else if (expected === 'back') {
    assert.equal(res.status, 303, `${label}: ${res.status}`);
    assert.doesNotMatch(res.headers.location, /^\/login/, label);
  } else {
    assert.equal(res.status, expected, `${label}: ${res.status}`);
  }
}

async function childrenOf(t: TestApp, group: string) {
  return t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
    .select('placements.child_id as id').where('groups.name', '=', group).execute();
}


/** A mail delivered to the demo mailbox, the way a demo database without SMTP_URL delivers every mail. */
async function deliveredDemoMail(t: TestApp): Promise<number> {
  const mail = composeMail('test-mail', DEFAULT_LANGUAGE, { publicUrl: 'http://localhost:3000' });
  const id = await queueMail(t.db, { to: 'probe@example.com', ...mail }, t.clock.now());
  const runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
  registerMailJobs(runner, { db: t.db, clock: t.clock, transport: 'demo-mailbox', from: 'Vardag <no-reply@localhost>' });
  await runner.runDue();
  await runner.stop();
  return id;
}

/** An SMS about Oskar delivered to the demo SMS outbox, the way a demo database without SMS_GATEWAY_URL delivers every SMS. */
async function deliveredDemoSms(t: TestApp, oskar: number): Promise<void> {
  await queueSms(t.db, { to: '+46701234567', message: 'Vardag: Oskar har ogiltig frånvaro i dag.', childId: oskar, day: '2026-11-23' }, t.clock.now());
  const runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
  registerSmsJobs(runner, { db: t.db, clock: t.clock, gateway: 'demo-outbox', from: 'Vardag' });
  await runner.runDue();
  await runner.stop();
}
