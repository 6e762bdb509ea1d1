// Personal pages are never kept by a shared cache nor shown again by the back button after logout on a shared
// computer: every page, partial, redirect and error page says `Cache-Control: private, no-store`, walked over every
// GET route of the RouteTable (a new route is covered without new code); a picture itself is the browser's alone
// (`private`); static assets keep their year-long cache.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import type { Assets } from '../../server/kernel/views.ts';
import { DEFAULT_LANGUAGE } from '../../server/kernel/i18n.ts';
import { composeMail } from '../../server/mail/compose.ts';
import { queueMail } from '../../server/mail/outbox.ts';
import { registerMailJobs } from '../../server/mail/sender.ts';
import { createInvitation, issueKey } from '../../server/invitations/queries.ts';
import { createResetToken } from '../../server/accounts/reset-queries.ts';
import { addEmail } from '../../server/accounts/settings-queries.ts';

const NO_STORE = 'private, no-store';
const ACTORS = ['vardnadshavare', 'pedagog', 'admin'] as const; // a guardian, staff, and the admin (the demo mailbox)

describe('Cache-Control', () => {
  let t: TestApp;
  const agents = new Map<string, Agent>();
  let ids: Record<string, string>;
  let emmaAccount: number;
  let key: string;

  before(async () => {
    t = await startTestApp();
    for (const actor of ACTORS) agents.set(actor, await signIn(t.app, actor));
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const emma = await personId(t.db, 'Emma', 'Andersson');
    const demokommun = await municipalityId(t.db, 'Demokommun');
    emmaAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
    const now = t.clock.now();
    const invitationId = await createInvitation(t.db, {
      guardianId: emma, email: 'emma.ny@example.com', language: 'sv', sendOn: '2026-11-24', childId: elsa, municipalityId: demokommun,
      by: emmaAccount, now,
    });
    key = await issueKey(t.db, invitationId, 'paper', now);
    ids = {
      childId: String(elsa), groupId: String(await groupId(t.db, 'Blåbär')), unitId: String(await unitId(t.db, 'Förskolan Solrosen')),
      municipalityId: String(demokommun), invitationId: String(invitationId), key, mailId: String(await deliveredMail(t)),
    };
  });
  after(() => t.close());

  /** A route's path with real demo records (a token is made fresh, as some pages use it up). */
  async function fill(path: string): Promise<string> {
    let token = '';
    if (path.startsWith('/password/reset/')) token = await createResetToken(t.db, emmaAccount, t.clock.now());
    if (path.startsWith('/email/verify/')) {
      const added = await addEmail(t.db, { id: emmaAccount, email: null }, `cache-${Date.now()}-${Math.random()}@example.com`, t.clock.now());
      if (!added.ok) throw new Error(added.error);
      token = added.token;
    }
    return path.replace(/:([a-zA-Z]+)/g, (_, name: string) => (name === 'token' ? token : ids[name] ?? '1'));
  }

  it('walks a real list of GET routes', () => {
    const gets = t.routes.entries.filter((e) => e.method === 'GET');
    assert.ok(gets.length > 30, `${gets.length} GET routes`);
    assert.ok(gets.some((e) => e.path === '/demo/mailbox/:mailId'));
  });

  for (const actor of ACTORS) {
    it(`sends "${NO_STORE}" on every GET route to a signed-in ${actor}, whatever the answer`, async () => {
      const agent = agents.get(actor)!;
      const statuses: string[] = [];
      for (const route of t.routes.entries.filter((e) => e.method === 'GET')) {
        const res = await agent.get(await fill(route.path));
        statuses.push(`${route.path} ${res.status}`);
        // A picture, photo or film itself (no page: a child's picture, a post's photo) may be kept by the browser alone,
        // revalidated by its ETag or kept for good at an address that changes with it; never by a shared cache.
        if (res.status === 200 && /^(image|video|audio)\//.test(res.headers['content-type'] ?? '')) {
          assert.match(res.headers['cache-control'], /^private(,|$)/, `GET ${route.path} as ${actor}: a file for the browser alone`);
          continue;
        }
        assert.equal(res.headers['cache-control'], NO_STORE, `GET ${route.path} as ${actor} (${res.status})`);
      }
      assert.ok(statuses.some((s) => s.endsWith(' 200')), 'some pages were shown');
    });
  }

  it('sends it on htmx partials, redirects after a POST and error pages for a signed-in user', async () => {
    const guardian = agents.get('vardnadshavare')!;
    const box = await guardian.get(`/children/${ids.childId}/boxes/absence`).set('HX-Request', 'true');
    assert.equal(box.status, 200);
    assert.equal(box.headers['cache-control'], NO_STORE, 'an htmx partial');
    const posted = await postForm(guardian, '/', '/notifications/read', {});
    assert.equal(posted.status, 303);
    assert.equal(posted.headers['cache-control'], NO_STORE, 'a redirect after a POST');
    const missing = await guardian.get('/no-such-page');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['cache-control'], NO_STORE, 'the 404 page');
    const forbidden = await guardian.post('/notifications/read').type('form').send('_csrf=wrong');
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers['cache-control'], NO_STORE, 'the CSRF error page');
  });

  it('sends it on the anonymous pages with a form and its CSRF token: login, a key to register with, a reset link', async () => {
    const anonymous = request.agent(t.app);
    for (const path of ['/login', `/register_invite/${key}`, `/register_invite/${key}/link`, await fill('/password/reset/:token')]) {
      const res = await anonymous.get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.text, /name="_csrf"/, `${path} carries a CSRF token`);
      assert.equal(res.headers['cache-control'], NO_STORE, path);
    }
  });

  it('keeps the year-long cache of static assets', async () => {
    const assets = t.app.locals.assets as Assets;
    for (const file of ['css/vardag.css', 'vendor/htmx.min.js']) {
      const res = await request(t.app).get(assets.url(file));
      assert.equal(res.status, 200, file);
      assert.match(String(res.headers['cache-control']), /^public, max-age=31536000, immutable$/, file);
    }
    const signedIn = await agents.get('vardnadshavare')!.get(assets.url('css/vardag.css'));
    assert.match(String(signedIn.headers['cache-control']), /max-age=31536000/, 'signed in too');
  });
});

/** A test mail delivered to the demo mailbox, so its page has a mail to show. */
async function deliveredMail(t: TestApp): Promise<number> {
  const runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
  registerMailJobs(runner, { db: t.db, clock: t.clock, transport: 'demo-mailbox', from: 'Vardag <no-reply@localhost>' });
  const mail = composeMail('test-mail', DEFAULT_LANGUAGE, { publicUrl: 'https://vardag.test' });
  const id = await queueMail(t.db, { to: 'cache@example.com', ...mail }, t.clock.now());
  await runner.runDue();
  await runner.stop();
  return id;
}
