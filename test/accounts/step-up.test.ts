// Step-up: a weak session opening what needs a strong login goes through the e-ID login and comes back to the page,
// or to its form with what was typed kept (server/accounts/step-up.ts); no e-ID in the municipality: a page saying so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, csrfOf, startTestApp, type TestApp } from '../support/app.ts';
import { ACR_BANKID, configureEId, eIdLogin, identityOf, startTestProvider, type TestProvider } from '../support/oidc.ts';
import { municipalityId, personId } from '../support/demo.ts';
import { enableEId, markSessionStrong, setDocumentationStrongLogin, signInStrong, signInWithSession, storedSession } from '../support/strong-login.ts';
import { childPage } from '../../server/child-page/queries.ts';
import { KEPT_FORM_MINUTES } from '../../server/accounts/step-up.ts';

const nextOf = (location: unknown): string => new URL(String(location), 'http://x').searchParams.get('next') ?? '';
const advance = (t: TestApp, ms: number) => t.clock.set(new Date(t.clock.now().getTime() + ms).toISOString());

/** The hidden fields of the step-up page's form, in order. */
function hiddenFields(html: string): [string, string][] {
  return [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]);
}

describe('step-up', () => {
  let t: TestApp;
  let elsa: number;
  let demokommun: number;
  let grannkommun: number;

  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    demokommun = await municipalityId(t.db, 'Demokommun');
    grannkommun = await municipalityId(t.db, 'Grannkommun');
    await enableEId(t.db, demokommun);
    await setDocumentationStrongLogin(t.db, demokommun, true);
  });
  after(() => t.close());

  it('sends a page (GET) to the e-ID login and back to it; a strong session opens it', async () => {
    const { agent, sid } = await signInWithSession(t.app, 'vardnadshavare');
    const res = await agent.get(`/children/${elsa}/portfolio?page=1`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/login/e-id?next=${encodeURIComponent(`/children/${elsa}/portfolio?page=1`)}`);
    await markSessionStrong(t.db, sid, t.clock.now()); // (what the e-ID callback does)
    assert.equal((await agent.get(nextOf(res.headers.location))).status, 200);
  });

  it('a login made strong by another municipality\'s e-ID is weak for this one\'s records, its box locked too', async () => {
    const { agent, sid } = await signInWithSession(t.app, 'vardnadshavare');
    await markSessionStrong(t.db, sid, t.clock.now(), undefined, [grannkommun]);
    const res = await agent.get(`/children/${elsa}/portfolio`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/login/e-id?next=${encodeURIComponent(`/children/${elsa}/portfolio`)}`);
    assert.match((await agent.get(`/children/${elsa}`)).text, /Logga in med BankID för att se/);
    await markSessionStrong(t.db, sid, t.clock.now(), undefined, [grannkommun, demokommun]);
    assert.equal((await agent.get(`/children/${elsa}/portfolio`)).status, 200);
    assert.doesNotMatch((await agent.get(`/children/${elsa}`)).text, /Logga in med BankID för att se/);
  });

  it('an htmx request gets HX-Redirect to the e-ID login, back to the whole page it came from', async () => {
    const { agent } = await signInWithSession(t.app, 'vardnadshavare');
    const res = await agent.get(`/children/${elsa}/portfolio`).set('HX-Request', 'true').set('HX-Current-URL', `http://127.0.0.1/children/${elsa}`);
    assert.equal(res.headers['hx-redirect'], `/login/e-id?next=${encodeURIComponent(`/children/${elsa}`)}`);
  });

  it('keeps a posted form (without its token) and shows it once after the strong login, ready to send again', async () => {
    // The page was opened while strong; the strong login lapsed while the guardian wrote.
    const { agent, sid } = await signInStrong(t.app, t.db, 'vardnadshavare', t.clock.now());
    const edit = await agent.get(`/children/${elsa}/page/edit`);
    assert.equal(edit.status, 200);
    const version = edit.text.match(/name="version" value="([^"]*)"/)?.[1] ?? '';
    advance(t, 25 * 60_000);
    const typed = 'Elsa älskar att måla. <b>"Fet"</b> & glad';
    const posted = await agent.post(`/children/${elsa}/page`).type('form')
      .send(new URLSearchParams({ _csrf: csrfFrom(edit.text), version, presentation: typed }).toString());
    assert.equal(posted.status, 303);
    assert.equal(posted.headers.location, `/login/e-id?next=${encodeURIComponent('/login/step-up')}`);
    assert.equal((await childPage(t.db, elsa)).presentation === typed, false, 'nothing saved on the weak session');
    const kept = (await storedSession(t.db, sid))?.stepUp as { path: string; body: Record<string, string> };
    assert.equal(kept.path, `/children/${elsa}/page`);
    assert.deepEqual(kept.body, { version, presentation: typed }, 'kept without _csrf');

    await markSessionStrong(t.db, sid, t.clock.now()); // (the e-ID login)
    const page = await agent.get('/login/step-up');
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`<form method="post" action="/children/${elsa}/page">`));
    assert.match(page.text, /Du är inloggad med BankID/);
    const form = page.text.match(/<form method="post" action="\/children\/\d+\/page">[\s\S]*?<\/form>/)?.[0] ?? '';
    const fields = hiddenFields(form);
    assert.deepEqual(fields.filter(([n]) => n !== '_csrf'), [['version', version], ['presentation', 'Elsa älskar att måla. &lt;b&gt;&quot;Fet&quot;&lt;/b&gt; &amp; glad']]);
    assert.equal((await storedSession(t.db, sid))?.stepUp, undefined, 'forgotten once shown');
    assert.equal((await agent.get('/login/step-up')).headers.location, '/', 'shown once');

    const body = new URLSearchParams({ _csrf: csrfFrom(page.text), version, presentation: typed });
    const sent = await agent.post(`/children/${elsa}/page`).type('form').send(body.toString());
    assert.equal(sent.status, 303);
    assert.equal(sent.headers.location, `/children/${elsa}/page`);
    assert.equal((await childPage(t.db, elsa)).presentation, typed);
  });

  it('an htmx post is kept too, and gets HX-Redirect', async () => {
    const { agent, sid } = await signInStrong(t.app, t.db, 'vardnadshavare', t.clock.now());
    const edit = await agent.get(`/children/${elsa}/page/edit`);
    advance(t, 21 * 60_000);
    const res = await agent.post(`/children/${elsa}/page`).set('HX-Request', 'true').set('x-csrf-token', csrfFrom(edit.text))
      .type('form').send('presentation=Hej&version=1');
    assert.equal(res.headers['hx-redirect'], `/login/e-id?next=${encodeURIComponent('/login/step-up')}`);
    const kept = (await storedSession(t.db, sid))?.stepUp as { body: unknown } | undefined;
    assert.deepEqual(kept?.body, { presentation: 'Hej', version: '1' });
  });

  it('a kept form left too long is not offered again', async () => {
    const { agent, sid } = await signInStrong(t.app, t.db, 'vardnadshavare', t.clock.now());
    const edit = await agent.get(`/children/${elsa}/page/edit`);
    advance(t, 21 * 60_000);
    await agent.post(`/children/${elsa}/page`).type('form').send(new URLSearchParams({ _csrf: csrfFrom(edit.text), presentation: 'Sent', version: '1' }).toString());
    advance(t, (KEPT_FORM_MINUTES + 1) * 60_000);
    await markSessionStrong(t.db, sid, t.clock.now());
    const res = await agent.get('/login/step-up');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
  });

  it('without a kept form the step-up page goes to the start page', async () => {
    const { agent } = await signInWithSession(t.app, 'vardnadshavare');
    const res = await agent.get('/login/step-up');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
  });

  it('where the municipality has no e-ID login: a Swedish page saying so (403), not a redirect loop; nothing kept', async () => {
    await setDocumentationStrongLogin(t.db, grannkommun, true);
    const { agent, sid } = await signInWithSession(t.app, 'grannadmin');
    const group = await t.db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id').select('groups.id')
      .where('units.municipality_id', '=', grannkommun).orderBy('groups.id').executeTakeFirstOrThrow();
    const res = await agent.get(`/groups/${group.id}/blog`);
    assert.equal(res.status, 403);
    assert.match(res.text, /Det här kräver inloggning med BankID/);
    assert.match(res.text, /ingen sådan inloggning i Vardag/);
    const htmx = await agent.get(`/groups/${group.id}/blog`).set('HX-Request', 'true').set('HX-Current-URL', `http://127.0.0.1/groups/${group.id}`);
    assert.equal(htmx.status, 403);
    assert.equal(htmx.headers['hx-redirect'], `/login/strong?next=${encodeURIComponent(`/groups/${group.id}`)}&municipality=${grannkommun}`);
    const start = await agent.get(String(htmx.headers['hx-redirect']));
    assert.equal(start.status, 403);
    assert.match(start.text, /Det här kräver inloggning med BankID/);
    assert.equal((await storedSession(t.db, sid))?.stepUp, undefined);
    await setDocumentationStrongLogin(t.db, grannkommun, false);
  });

  it('/login/strong goes to the e-ID login of a municipality that has one', async () => {
    const { agent } = await signInWithSession(t.app, 'vardnadshavare');
    const res = await agent.get(`/login/strong?next=${encodeURIComponent(`/children/${elsa}`)}&municipality=${demokommun}`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/login/e-id?next=${encodeURIComponent(`/children/${elsa}`)}`);
    const elsewhere = await agent.get('/login/strong?next=https://evil.example/');
    assert.equal(elsewhere.headers.location, `/login/e-id?next=${encodeURIComponent('/')}`, 'only a path of ours');
  });

  it('on a weak session the documentation boxes say "Logga in med BankID för att se" in their place, never their posts', async () => {
    const { agent, sid } = await signInWithSession(t.app, 'vardnadshavare');
    const start = await agent.get(`/children/${elsa}`);
    assert.equal(start.status, 200);
    const box = start.text.match(/<section class="box" id="box-documentation"[\s\S]*?<\/section>/)?.[0] ?? '';
    assert.match(box, /Logga in med BankID för att se/);
    assert.match(box, new RegExp(`href="/login/strong\\?next=%2Fchildren%2F${elsa}&amp;municipality=${demokommun}"`));
    assert.doesNotMatch(box, /href="\/posts\//);
    const blog = start.text.match(/<section class="box" id="box-blog"[\s\S]*?<\/section>/)?.[0] ?? '';
    if (blog) assert.match(blog, /Logga in med BankID för att se/);
    const alone = await agent.get(`/children/${elsa}/boxes/documentation`).set('HX-Request', 'true');
    assert.match(alone.text, /Logga in med BankID för att se/);

    await markSessionStrong(t.db, sid, t.clock.now());
    const strong = await agent.get(`/children/${elsa}`);
    assert.doesNotMatch(strong.text, /Logga in med BankID för att se/);
    await setDocumentationStrongLogin(t.db, demokommun, false);
    try {
      const { agent: weak } = await signInWithSession(t.app, 'vardnadshavare');
      assert.doesNotMatch((await weak.get(`/children/${elsa}`)).text, /Logga in med BankID för att se/, 'not asked: the box as always');
    } finally {
      await setDocumentationStrongLogin(t.db, demokommun, true);
    }
  });

  it('staff are stepped up the same way for a strong action of theirs', async () => {
    const { agent } = await signInWithSession(t.app, 'pedagog');
    const blabar = await t.db.selectFrom('groups').select('id').where('name', '=', 'Blåbär').executeTakeFirstOrThrow();
    const res = await agent.get(`/groups/${blabar.id}/posts`);
    assert.equal(res.status, 303);
    assert.equal(nextOf(res.headers.location), `/groups/${blabar.id}/posts`);
  });
});

describe('step-up through a real OpenID Connect provider', () => {
  let t: TestApp;
  let provider: TestProvider;
  let elsa: number;

  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    const guardian = await identityOf(t.db, 'vardnadshavare');
    provider = await startTestProvider({
      redirectUri: `${t.config.publicUrl}/login/e-id/callback`,
      identities: [{ subject: 'guardian', name: 'Emma Andersson', personnummer: guardian.personnummer }],
    });
    await configureEId(t.db, guardian.municipalityId, provider.issuer);
    await setDocumentationStrongLogin(t.db, guardian.municipalityId, true);
  });
  after(async () => { await provider.close(); await t.close(); });

  it('returns to the page after BankID; lapses after 20 idle minutes to weak, still signed in', async () => {
    const { agent } = await signInWithSession(t.app, 'vardnadshavare');
    const asked = await agent.get(`/children/${elsa}/portfolio`);
    assert.equal(asked.status, 303);
    const next = nextOf(asked.headers.location);
    assert.equal(next, `/children/${elsa}/portfolio`);
    const back = await eIdLogin(agent, { subject: 'guardian', acr: ACR_BANKID }, next);
    assert.equal(back.status, 303);
    assert.equal(back.headers.location, next);
    assert.equal((await agent.get(next)).status, 200, 'strong now');
    advance(t, 21 * 60_000);
    const lapsed = await agent.get(next);
    assert.equal(lapsed.status, 303);
    assert.match(String(lapsed.headers.location), /^\/login\/e-id\?next=/);
    assert.equal((await agent.get('/')).status, 200, 'still signed in');
  });

  it('returns to the form with its input kept after BankID, and sending it saves it', async () => {
    const { agent } = await signInWithSession(t.app, 'vardnadshavare');
    const version = String((await childPage(t.db, elsa)).version);
    const typed = 'Skrivet före BankID, skickat efter';
    const posted = await agent.post(`/children/${elsa}/page`).type('form')
      .send(new URLSearchParams({ _csrf: await csrfOf(agent), version, presentation: typed }).toString());
    assert.equal(posted.status, 303);
    const next = nextOf(posted.headers.location);
    assert.equal(next, '/login/step-up');
    const back = await eIdLogin(agent, { subject: 'guardian', acr: ACR_BANKID }, next);
    assert.equal(back.headers.location, '/login/step-up');
    const page = await agent.get('/login/step-up');
    assert.equal(page.status, 200);
    assert.match(page.text, /Du är inloggad med BankID/);
    assert.match(page.text, new RegExp(`name="presentation" value="${typed}"`));
    const form = page.text.match(/<form method="post" action="\/children\/\d+\/page">[\s\S]*?<\/form>/)?.[0] ?? '';
    const sent = await agent.post(`/children/${elsa}/page`).type('form').send(new URLSearchParams(hiddenFields(form)).toString());
    assert.equal(sent.status, 303);
    assert.equal(sent.headers.location, `/children/${elsa}/page`);
    assert.equal((await childPage(t.db, elsa)).presentation, typed);
  });
});
