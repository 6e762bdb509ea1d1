import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';

const BUILT_BOXES = ['Frånvaro', 'Information', 'Kalender', 'Kontaktlista', 'Dokumentation', 'Blogg', 'Tidsregistrering'];

describe('the guardian start page', () => {
  let t: TestApp;
  let elsa: number;
  let oskar: number;
  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
  });
  after(() => t.close());

  const boxTitles = (html: string) => [...html.matchAll(/<section class="box" id="box-[a-z]+"[^>]*>\s*<h2[^>]*><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);

  it('renders every enabled box in the first response, without JavaScript', async () => {
    const guardian = await signIn(t.app, 'vardnadshavare');
    const page = await guardian.get(`/children/${elsa}`);
    assert.equal(page.status, 200);
    assert.deepEqual(boxTitles(page.text), [...BUILT_BOXES, 'Utvecklingssamtal'], 'and the talk the demo booked for Elsa (server/talks/demo.ts)');
    assert.doesNotMatch(page.text, /inte byggd än/, 'every box is built: none says it is not');
    assert.match(page.text, /href="\/calendar">Hela kalendern</, 'the calendar box, with a way to the whole calendar');
    assert.match(page.text, /Utvecklingssamtal [^<]*kl\. 08:30/, 'talks are shown while one is booked (or times are bookable)');
  });

  it('serves each box alone at its own URL: the htmx partial is exactly its part of the page', async () => {
    const guardian = await signIn(t.app, 'vardnadshavare');
    const page = await guardian.get(`/children/${elsa}`);
    for (const key of ['absence', 'calendar', 'schedule']) {
      const partial = await guardian.get(`/children/${elsa}/boxes/${key}`).set('HX-Request', 'true');
      assert.equal(partial.status, 200);
      assert.doesNotMatch(partial.text, /<html/);
      assert.ok(page.text.includes(partial.text.trim()), `the ${key} partial is not the same as its box on the page`);
    }
  });

  it('without htmx a box URL is a full page with the box', async () => {
    const guardian = await signIn(t.app, 'vardnadshavare');
    const page = await guardian.get(`/children/${elsa}/boxes/calendar`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="sv"/);
    assert.match(page.text, /id="box-calendar"/);
    assert.match(page.text, /Elsa Andersson/);
  });

  it('switches child with a plain link and remembers the choice', async () => {
    const guardian = await signIn(t.app, 'vardnadshavare');
    const first = await guardian.get('/');
    assert.match(first.text, /<nav class="child-switcher" aria-label="Byt barn">/);
    const oskarPage = await guardian.get(`/children/${oskar}`);
    assert.match(oskarPage.text, /Oskar Andersson\s*<span class="child-place">2B, Björkskolan/);
    assert.match((await guardian.get('/')).text, /<h1 class="child-name">Oskar Andersson/);
    await guardian.get(`/children/${elsa}`);
    assert.match((await guardian.get('/')).text, /<h1 class="child-name">Elsa Andersson/);
  });

  it("a box the unit disables disappears for that unit's guardians only", async () => {
    const rektor = await signIn(t.app, 'rektor');
    const solrosen = await unitId(t.db, 'Förskolan Solrosen');
    const settings = await rektor.get(`/units/${solrosen}/settings`);
    const keep = ['absence', 'information', 'calendar', 'contacts', 'documentation', 'schedule', 'talks'];
    const body = new URLSearchParams([['_csrf', csrfFrom(settings.text)], ...keep.map((b) => ['boxes', b])]);
    const saved = await rektor.post(`/units/${solrosen}/settings/boxes`).type('form').send(body.toString());
    assert.equal(saved.status, 303);

    const guardian = await signIn(t.app, 'vardnadshavare');
    assert.deepEqual(boxTitles((await guardian.get(`/children/${elsa}`)).text), [...BUILT_BOXES.filter((b) => b !== 'Blogg'), 'Utvecklingssamtal']);
    assert.equal((await guardian.get(`/children/${elsa}/boxes/blog`)).status, 404);
    // (and Oskar, a pupil, has the Bedömning box: on this weak session, the way to BankID in its place)
    assert.deepEqual(boxTitles((await guardian.get(`/children/${oskar}`)).text), [...BUILT_BOXES, 'Bedömning'], "Oskar's school keeps its blog");
  });

  it('counts unread notifications and messages in the header from their tables', async () => {
    const guardian = await signIn(t.app, 'vardnadshavare');
    assert.match((await guardian.get('/')).text, /Notiser, 0 olästa/);
    const account = await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
    await t.db.insertInto('notifications').values({
      account_id: account.id, child_id: elsa, kind: 'childAdded', params: JSON.stringify({ child: 'Elsa' }), url: `/children/${elsa}`,
      created_at: t.clock.now().toISOString(), read_at: null,
    }).execute();
    const start = await guardian.get('/');
    assert.match(start.text, /Notiser, 1 oläst/);
    // the demo's threads: one unread message from Blåbär's teacher and one bulletin (server/messages/demo.ts)
    const unreadMessages = await t.db.selectFrom('message_recipients').select('message_id').where('account_id', '=', account.id).where('read_at', 'is', null).execute();
    assert.equal(unreadMessages.length, 2);
    assert.match(start.text, /Meddelanden, 2 olästa/);
    const list = await guardian.get('/notifications');
    assert.match(list.text, /Elsa har lagts till på ditt konto/);
    await guardian.post('/notifications/read').type('form').send({ _csrf: csrfFrom(list.text) });
    assert.match((await guardian.get('/')).text, /Notiser, 0 olästa/);
  });
});

describe('the staff start page', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  it("lists a teacher's groups with links to each group's page", async () => {
    const teacher = await signIn(t.app, 'pedagog');
    const page = await teacher.get('/');
    assert.match(page.text, /Mina grupper/);
    const link = page.text.match(/<a href="(\/groups\/\d+)">Blåbär<\/a>/);
    assert.ok(link, 'a link to Blåbär');
    const group = await teacher.get(link[1]);
    assert.equal(group.status, 200);
    assert.match(group.text, /Elsa Andersson/);
    assert.doesNotMatch(page.text, /class="box"/, 'staff have no child boxes');
  });

  it("lists a unit head's units and an admin's municipality", async () => {
    assert.match((await (await signIn(t.app, 'rektor')).get('/')).text, /<a href="\/units\/\d+">Förskolan Solrosen<\/a>/);
    assert.match((await (await signIn(t.app, 'admin')).get('/')).text, /<a href="\/municipalities\/\d+">Demokommun<\/a>/);
  });
});
