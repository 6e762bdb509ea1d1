// Information: Blåbär's teacher publishes to the group, the head to the unit, the administrator to the municipality;
// guardians of children placed there see it (marked by child), get a notification leading straight to it and are
// counted as readers once they open it; staff see "Läst av" and who has not read. Files are checked by content; bad
// input gets a Swedish message at its field and nothing is published. Search, pinned first, expiry.
import { sweepAttachmentFiles } from '../../server/messages/attachments.ts';
import { informationUsesKey } from '../../server/information/queries.ts';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { parseItem, readSummary, webLink } from '../../server/information/rules.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('information', () => {
  let t: TestApp;
  let blabar: number;
  let lingon: number;
  let solrosen: number;
  let demokommun: number;
  let elsa: number;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const accountOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const publishTo = async (who: string, place: string, fields: Record<string, string>) => {
    const res = await postForm(await as(who), `${place}/information/new`, `${place}/information`, fields);
    return res;
  };
  const itemIdOf = (location: string) => Number(location.split('/').pop());

  before(async () => {
    t = await startTestApp();
    blabar = await groupId(t.db, 'Blåbär');
    lingon = await groupId(t.db, 'Lingon');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    demokommun = await municipalityId(t.db, 'Demokommun');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
  });
  after(() => t.close());

  it('offers each publish form only to who may publish there', async () => {
    assert.equal((await (await as('pedagog')).get(`/groups/${blabar}/information/new`)).status, 200);
    assert.equal((await (await as('rektor')).get(`/groups/${blabar}/information/new`)).status, 200);
    for (const name of ['pedagog2', 'pedagog3', 'vardnadshavare', 'rektor2', 'grannadmin']) {
      assert.equal((await (await as(name)).get(`/groups/${blabar}/information/new`)).status, 404, name);
    }
    assert.equal((await (await as('pedagog')).get(`/units/${solrosen}/information/new`)).status, 200, 'the unit’s staff');
    assert.equal((await (await as('pedagog3')).get(`/units/${solrosen}/information/new`)).status, 404, 'another unit’s staff');
    assert.equal((await (await as('admin')).get(`/municipalities/${demokommun}/information/new`)).status, 200);
    for (const name of ['rektor', 'pedagog', 'grannadmin', 'vardnadshavare']) {
      assert.equal((await (await as(name)).get(`/municipalities/${demokommun}/information/new`)).status, 404, name);
    }
  });

  it('refuses bad input with a Swedish message at the field and publishes nothing', async () => {
    const before = (await t.db.selectFrom('information_items').select('id').execute()).length;
    const res = await publishTo('pedagog', `/groups/${blabar}`, { title: '', body: 'Text', link: 'javascript:alert(1)', expiresOn: '2020-01-01' });
    assert.equal(res.status, 400);
    assert.match(res.text, /Skriv en rubrik\./);
    assert.match(res.text, /Skriv en hel webbadress/);
    assert.match(res.text, /Datumet har redan varit\./);
    assert.match(res.text, /value="Text"|>Text</, 'the form is filled in again');
    assert.equal((await t.db.selectFrom('information_items').select('id').execute()).length, before);
  });

  it('publishes to the group: Elsa’s guardians get a notification leading to the item; Lingon’s do not', async () => {
    const res = await publishTo('pedagog', `/groups/${blabar}`, {
      title: 'Utflykt till skogen', body: 'Vi går till skogen på torsdag.\nTa med matsäck.', link: 'https://example.se/utflykt', pinned: '',
    });
    assert.equal(res.status, 303);
    const id = itemIdOf(res.headers.location);
    const notified = await t.db.selectFrom('notifications').select(['account_id', 'url', 'child_id']).where('url', '=', `/information/${id}`).execute();
    const accounts = new Set(notified.map((n) => n.account_id));
    assert.ok(accounts.has(await accountOf('vardnadshavare')));
    assert.ok(accounts.has(await accountOf('vardnadshavare2')));
    assert.ok(!accounts.has(await accountOf('pedagog')), 'not the publisher');
    const mother = await accountOf('vardnadshavare');
    assert.equal(notified.filter((n) => n.account_id === mother).length, 1, 'once per guardian');
    assert.ok(notified.some((n) => n.child_id === elsa));

    const guardian = await as('vardnadshavare');
    const list = await guardian.get('/information');
    assert.equal(list.status, 200);
    assert.match(list.text, /Utflykt till skogen/);
    assert.match(list.text, /Gäller Elsa/, 'marked by child (two children)');
    const page = await guardian.get(`/information/${id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Ta med matsäck/);
    assert.match(page.headers['cache-control'] ?? '', /no-store/);
    assert.doesNotMatch(page.text, /Läst av/, 'a guardian sees no read counts');

    // Lingon's teacher and another unit's guardian do not find it
    assert.equal((await (await as('pedagog3')).get(`/information/${id}`)).status, 404);
    assert.equal((await (await as('grannadmin')).get(`/information/${id}`)).status, 404);
    assert.doesNotMatch((await (await as('pedagog3')).get('/information')).text, /Utflykt till skogen/);
    void lingon;
  });

  it('shows the staff how many have read it, and who has not', async () => {
    const id = (await t.db.selectFrom('information_items').select('id').where('title', '=', 'Utflykt till skogen').executeTakeFirstOrThrow()).id;
    const teacher = await as('pedagog');
    const page = await teacher.get(`/information/${id}`);
    assert.equal(page.status, 200);
    const m = /Läst av (\d+) av (\d+)/.exec(page.text);
    assert.ok(m, 'the read summary');
    assert.equal(Number(m[1]), 1, 'vardnadshavare opened it');
    assert.ok(Number(m[2]) >= 2);
    assert.match(page.text, /Har inte läst/);
    await (await as('vardnadshavare2')).get(`/information/${id}`);
    await (await as('vardnadshavare2')).get(`/information/${id}`); // (twice: counted once)
    const again = /Läst av (\d+) av (\d+)/.exec((await teacher.get(`/information/${id}`)).text);
    assert.equal(Number(again?.[1]), 2);
    assert.equal((await t.db.selectFrom('information_reads').select('account_id').where('item_id', '=', id).execute()).length, 3, 'two guardians and the teacher');
  });

  it('finds last month’s letter by a word of its text, in any case', async () => {
    const guardian = await as('vardnadshavare');
    assert.match((await guardian.get('/information?q=MATSÄCK')).text, /Utflykt till skogen/);
    const none = await guardian.get('/information?q=simhall');
    assert.doesNotMatch(none.text, /Utflykt till skogen/);
    assert.match(none.text, /Ingen information hittades/);
  });

  it('lists pinned items first, and hides an expired item from guardians but not from its staff', async () => {
    const pinned = await publishTo('rektor', `/units/${solrosen}`, { title: 'Viktigt om hämtning', body: 'Nya rutiner.', pinned: '1' });
    assert.equal(pinned.status, 303);
    const list = (await (await as('vardnadshavare')).get('/information')).text;
    assert.ok(list.indexOf('Viktigt om hämtning') < list.indexOf('Utflykt till skogen'), 'pinned first');

    const soon = await publishTo('pedagog', `/groups/${blabar}`, { title: 'Fotografering', body: 'På måndag.', expiresOn: '2026-11-25' });
    assert.equal(soon.status, 303);
    const id = itemIdOf(soon.headers.location);
    assert.match((await (await as('vardnadshavare')).get('/information')).text, /Fotografering/);
    t.clock.set('2026-11-27T09:00:00Z');
    try {
      assert.doesNotMatch((await (await as('vardnadshavare')).get('/information')).text, /Fotografering/);
      assert.equal((await (await as('vardnadshavare')).get(`/information/${id}`)).status, 404);
      const staffList = (await (await as('pedagog')).get('/information')).text;
      assert.match(staffList, /Fotografering/);
      assert.match(staffList, /Utgången/);
    } finally {
      t.clock.set('2026-11-24T09:00:00Z');
    }
  });

  it('publishes to the municipality: every guardian there sees it; a unit head sees it but not who has read it', async () => {
    const res = await publishTo('admin', `/municipalities/${demokommun}`, { title: 'Ny taxa', body: 'Från januari gäller en ny taxa.' });
    assert.equal(res.status, 303);
    const id = itemIdOf(res.headers.location);
    assert.equal((await (await as('vardnadshavare3')).get(`/information/${id}`)).status, 200);
    assert.equal((await (await as('pedagog3')).get(`/information/${id}`)).status, 200);
    const head = await (await as('rektor')).get(`/information/${id}`);
    assert.equal(head.status, 200);
    assert.doesNotMatch(head.text, /Läst av/);
    assert.match((await (await as('admin')).get(`/information/${id}`)).text, /Läst av \d+ av \d+/);
    assert.equal((await (await as('grannadmin')).get(`/information/${id}`)).status, 404);
  });

  it('attaches a PDF that readers download, and refuses a file that is not one of the kinds', async () => {
    const teacher = await as('pedagog');
    const form = await teacher.get(`/groups/${blabar}/information/new`);
    const ok = await teacher.post(`/groups/${blabar}/information`).field('_csrf', csrfFrom(form.text))
      .field('title', 'Brev om hösten').field('body', 'Se brevet.').attach('attachments', PDF, 'Höstbrev.pdf');
    assert.equal(ok.status, 303);
    const id = itemIdOf(ok.headers.location);
    const file = await t.db.selectFrom('information_attachments').select(['id', 'mime']).where('item_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(file.mime, 'application/pdf');
    const download = await (await as('vardnadshavare')).get(`/information/attachments/${file.id}`).buffer(true);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(download.body), PDF);
    assert.equal((await (await as('pedagog3')).get(`/information/attachments/${file.id}`)).status, 404);
    // the hourly sweep of the attachments' folder keeps a file an item names (main.ts hands informationUsesKey in)
    const { media_key } = await t.db.selectFrom('information_attachments').select('media_key').where('id', '=', file.id).executeTakeFirstOrThrow();
    const later = new Date(Date.now() + 48 * 60 * 60_000);
    assert.ok(!(await sweepAttachmentFiles(t.db, t.dir, later, [informationUsesKey])).includes(media_key), 'kept');
    assert.equal((await (await as('vardnadshavare')).get(`/information/attachments/${file.id}`)).status, 200);
    // once the item has expired its file goes with it for the family; its staff still have it
    await t.db.updateTable('information_items').set({ expires_on: '2026-11-23' }).where('id', '=', id).execute();
    assert.equal((await (await as('vardnadshavare')).get(`/information/attachments/${file.id}`)).status, 404);
    assert.equal((await teacher.get(`/information/attachments/${file.id}`)).status, 200);

    const form2 = await teacher.get(`/groups/${blabar}/information/new`);
    const refused = await teacher.post(`/groups/${blabar}/information`).field('_csrf', csrfFrom(form2.text))
      .field('title', 'Skript').field('body', 'x').attach('attachments', Buffer.from('#!/bin/sh\necho hej\n'), 'lapp.pdf');
    assert.equal(refused.status, 400);
    assert.match(refused.text, /field-error/);
    assert.equal((await t.db.selectFrom('information_items').select('id').where('title', '=', 'Skript').execute()).length, 0);
  });

  it('shows the newest items in the start page’s box', async () => {
    const box = await (await as('vardnadshavare')).get(`/children/${elsa}/boxes/information`);
    assert.equal(box.status, 200);
    assert.match(box.text, /Viktigt om hämtning/);
  });
});

describe('information rules', () => {
  it('accepts only whole http(s) links', () => {
    assert.equal(webLink('https://skolan.se/brev'), 'https://skolan.se/brev');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'skolan.se', 'https://a b.se', 'https://user:pw@skolan.se', 'ftp://skolan.se']) {
      assert.equal(webLink(bad), null, bad);
    }
  });
  it('checks title, text and the last day', () => {
    const ok = parseItem({ title: ' Brev ', body: 'Hej', link: '', pinned: '1', expiresOn: '2026-12-01' }, '2026-11-24');
    assert.deepEqual(ok, { ok: true, value: { title: 'Brev', body: 'Hej', linkUrl: null, pinned: true, expiresOn: '2026-12-01' } });
    const bad = parseItem({ title: 'x'.repeat(201), body: ' ', link: '', pinned: '', expiresOn: '2026-13-01' }, '2026-11-24');
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.deepEqual(Object.keys(bad.errors).sort(), ['body', 'expiresOn', 'title']);
    const far = parseItem({ title: 'a', body: 'b', link: '', pinned: '', expiresOn: '2028-01-01' }, '2026-11-24');
    assert.equal(far.ok, false);
  });
  it('counts the readers', () => {
    assert.deepEqual(readSummary([{ name: 'A', read: true }, { name: 'B', read: false }]), { read: 1, total: 2, notRead: ['B'] });
  });
});
