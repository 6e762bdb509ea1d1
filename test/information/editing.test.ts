// Information left-overs: who may publish to an item's place edits it (nobody notified again, who has read it stays
// read, files added and removed) and removes it after a confirmation page (its files, readers and notifications go);
// a municipality's item is told to every family there by a job, once however often the job runs; the start page's
// box asks for the three it shows and a count.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { fanOutInChunks, fanOutItem, INFORMATION_FANOUT_JOB, informationNotification, registerInformationJobs, remove } from '../../server/information/write.ts';
import { deleteItem, listItems } from '../../server/information/queries.ts';
import { notify } from '../../server/notifications/queries.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
import { BOX_ITEMS } from '../../server/information/box.ts';

const PDF = (n: number) => Buffer.from(`%PDF-1.4\n% brev ${n}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

describe('information: editing, removing, the municipality’s fan-out and the box', () => {
  let t: TestApp;
  let blabar: number;
  let demokommun: number;
  let elsa: number;
  let runner: JobRunner;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const accountOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const notificationsOf = async (id: number) => t.db.selectFrom('notifications').select(['id', 'account_id', 'read_at']).where('url', '=', `/information/${id}`).execute();
  const itemIdOf = (location: string) => Number(location.split('/').pop());

  /** Blåbär's teacher publishes a letter with a PDF; both of Elsa's guardians are told. */
  const letter = async (title: string): Promise<{ id: number; fileId: number }> => {
    const teacher = await as('pedagog');
    const form = await teacher.get(`/groups/${blabar}/information/new`);
    const res = await teacher.post(`/groups/${blabar}/information`).field('_csrf', csrfFrom(form.text))
      .field('title', title).field('body', 'Ta med matsäck.').attach('attachments', PDF(1), 'Brev.pdf');
    assert.equal(res.status, 303, res.text);
    const id = itemIdOf(res.headers.location);
    const file = await t.db.selectFrom('information_attachments').select('id').where('item_id', '=', id).executeTakeFirstOrThrow();
    return { id, fileId: file.id };
  };

  before(async () => {
    t = await startTestApp();
    blabar = await groupId(t.db, 'Blåbär');
    demokommun = await municipalityId(t.db, 'Demokommun');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    runner = new JobRunner({ db: t.db, clock: t.clock });
    registerInformationJobs(runner, { db: t.db });
  });
  after(async () => {
    await runner.stop();
    await t.close();
  });

  it('the demo has a pinned letter to Blåbär with a PDF, a news item of Solrosen and one of Demokommun, some read by Elsa’s mother', async () => {
    const mother = await as('vardnadshavare');
    const list = await mother.get('/information');
    for (const title of ['Välkomstbrev till Blåbär', 'Nya hämtningsrutiner på Solrosen', 'Avgifter för förskola och fritids nästa år']) assert.match(list.text, new RegExp(title));
    const letterRow = await t.db.selectFrom('information_items').select(['id', 'pinned', 'group_id']).where('title', '=', 'Välkomstbrev till Blåbär').executeTakeFirstOrThrow();
    assert.deepEqual([letterRow.pinned, letterRow.group_id], [1, blabar]);
    assert.equal((list.text.match(/class="unread"/g) ?? []).length, 1, 'the letter is the one unread');
    const pdf = await t.db.selectFrom('information_attachments').select(['id', 'mime']).where('item_id', '=', letterRow.id).executeTakeFirstOrThrow();
    assert.equal(pdf.mime, 'application/pdf');
    const download = await mother.get(`/information/attachments/${pdf.id}`).buffer(true);
    assert.equal(download.status, 200);
    assert.match(Buffer.from(download.body).subarray(0, 8).toString('latin1'), /^%PDF-1\.4/);
  });

  it('offers editing and removing to who may publish to the item’s place only', async () => {
    const { id } = await letter('Brev om luciafirandet');
    for (const name of ['pedagog', 'rektor', 'admin']) {
      const page = await (await as(name)).get(`/information/${id}`);
      assert.match(page.text, new RegExp(`href="/information/${id}/edit"`), name);
      assert.equal((await (await as(name)).get(`/information/${id}/edit`)).status, 200, name);
      assert.equal((await (await as(name)).get(`/information/${id}/remove`)).status, 200, name);
    }
    // Lingon's teacher reads it (the unit's staff) but may not change it; the family neither; another unit's staff, nothing
    const colleague = await as('pedagog2');
    assert.equal((await colleague.get(`/information/${id}`)).status, 200);
    assert.doesNotMatch((await colleague.get(`/information/${id}`)).text, /\/edit"/);
    for (const name of ['pedagog2', 'vardnadshavare', 'pedagog3', 'rektor2', 'grannadmin']) {
      assert.equal((await (await as(name)).get(`/information/${id}/edit`)).status, 404, name);
      assert.equal((await (await as(name)).get(`/information/${id}/remove`)).status, 404, name);
    }
    const refused = await (await as('pedagog2')).post(`/information/${id}/remove`).type('form')
      .send({ _csrf: csrfFrom((await colleague.get('/information')).text) });
    assert.equal(refused.status, 404);
    assert.ok(await t.db.selectFrom('information_items').select('id').where('id', '=', id).executeTakeFirst(), 'still there');
  });

  it('a municipality’s item is managed by its admins only; a unit’s by every staff member of the unit, a group’s by the group’s', async () => {
    const tax = (await t.db.selectFrom('information_items').select('id').where('title', '=', 'Avgifter för förskola och fritids nästa år').executeTakeFirstOrThrow()).id;
    for (const name of ['rektor', 'pedagog']) {
      const agent = await as(name);
      assert.equal((await agent.get(`/information/${tax}`)).status, 200, `${name} reads it`);
      assert.equal((await agent.get(`/information/${tax}/edit`)).status, 404, name);
      assert.equal((await agent.get(`/information/${tax}/remove`)).status, 404, name);
      const csrf = csrfFrom((await agent.get('/information')).text);
      const edit = await agent.post(`/information/${tax}/edit`).type('form').send({ _csrf: csrf, title: 'Ändrad', body: 'x' });
      assert.equal(edit.status, 404, name);
      assert.equal((await agent.post(`/information/${tax}/remove`).type('form').send({ _csrf: csrf })).status, 404, name);
    }
    const still = await t.db.selectFrom('information_items').select('title').where('id', '=', tax).executeTakeFirst();
    assert.equal(still?.title, 'Avgifter för förskola och fritids nästa år', 'neither changed nor removed');

    // Lingon's teacher: Solrosen's news (the unit's) yes, Blåbär's letter (another group's) no
    const colleague = await as('pedagog2');
    const news = (await t.db.selectFrom('information_items').select(['id', 'title', 'body']).where('title', '=', 'Nya hämtningsrutiner på Solrosen').executeTakeFirstOrThrow());
    assert.equal((await colleague.get(`/information/${news.id}/edit`)).status, 200);
    const saved = await postForm(colleague, `/information/${news.id}/edit`, `/information/${news.id}/edit`, { title: news.title, body: `${news.body} Tack!` });
    assert.equal(saved.status, 303, saved.text);
    assert.match((await t.db.selectFrom('information_items').select('body').where('id', '=', news.id).executeTakeFirstOrThrow()).body, /Tack!$/);
    const { id } = await letter('Brev till Blåbär om pyssel');
    const csrf = csrfFrom((await colleague.get('/information')).text);
    assert.equal((await colleague.post(`/information/${id}/edit`).type('form').send({ _csrf: csrf, title: 'Ändrad', body: 'x' })).status, 404);
    assert.equal((await t.db.selectFrom('information_items').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title, 'Brev till Blåbär om pyssel');
  });

  it('saves an edit without notifying anyone again; who has read it stays read; files are added and removed', async () => {
    const { id, fileId } = await letter('Brev om utflykten');
    const before = await notificationsOf(id);
    assert.ok(before.length >= 2, 'both guardians told at publishing');
    assert.equal((await (await as('vardnadshavare')).get(`/information/${id}`)).status, 200);

    const teacher = await as('pedagog');
    const form = await teacher.get(`/information/${id}/edit`);
    assert.match(form.text, /value="Brev om utflykten"/, 'filled in');
    assert.match(form.text, /Brev\.pdf/, 'its file, to remove');
    const res = await teacher.post(`/information/${id}/edit`).field('_csrf', csrfFrom(form.text))
      .field('title', 'Brev om utflykten (ändrat)').field('body', 'Ta med matsäck och regnkläder.').field('link', 'https://example.se/skogen')
      .field('pinned', '1').field('expiresOn', '2026-12-20').field('removeFiles', String(fileId)).attach('attachments', PDF(2), 'Karta.pdf');
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, `/information/${id}`);

    const item = await t.db.selectFrom('information_items').select(['title', 'body', 'link_url', 'pinned', 'expires_on']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(item, { title: 'Brev om utflykten (ändrat)', body: 'Ta med matsäck och regnkläder.', link_url: 'https://example.se/skogen', pinned: 1, expires_on: '2026-12-20' });
    const files = await t.db.selectFrom('information_attachments').select(['id', 'name']).where('item_id', '=', id).execute();
    assert.deepEqual(files.map((f) => f.name), ['Karta.pdf']);
    assert.deepEqual((await notificationsOf(id)).map((n) => n.id).sort(), before.map((n) => n.id).sort(), 'no new notification');
    assert.equal(await t.db.selectFrom('jobs').select('id').where('kind', '=', INFORMATION_FANOUT_JOB).executeTakeFirst(), undefined);

    const page = await teacher.get(`/information/${id}`);
    assert.match(page.text, /Ändringarna är sparade\./);
    assert.match(page.text, /Läst av 1 av \d+/, 'the mother still counts as a reader');
    assert.match((await (await as('vardnadshavare')).get(`/information/${id}`)).text, /regnkläder/);
    assert.equal((await (await as('vardnadshavare')).get(`/information/attachments/${fileId}`)).status, 404, 'the removed file is gone');
    assert.equal((await (await as('vardnadshavare')).get(`/information/attachments/${files[0].id}`)).status, 200);
  });

  it('refuses a bad edit with a Swedish message at the field and changes nothing; a passed last day may stay as it was', async () => {
    const { id } = await letter('Brev om hösten');
    const head = await as('rektor');
    const bad = await postForm(head, `/information/${id}/edit`, `/information/${id}/edit`, { title: '', body: 'Ny text', link: 'ftp://x.se', expiresOn: '2020-01-01' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Skriv en rubrik\./);
    assert.match(bad.text, /Skriv en hel webbadress/);
    assert.match(bad.text, /Datumet har redan varit\./);
    assert.match(bad.text, />Ny text</, 'the form is filled in again');
    assert.equal((await t.db.selectFrom('information_items').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title, 'Brev om hösten');

    // an item whose last day has passed: its staff correct a typo and leave the day as it is
    await t.db.updateTable('information_items').set({ expires_on: '2026-11-20' }).where('id', '=', id).execute();
    const kept = await postForm(head, `/information/${id}/edit`, `/information/${id}/edit`, { title: 'Brev om hösten', body: 'Rättat.', expiresOn: '2026-11-20' });
    assert.equal(kept.status, 303, kept.text);
    assert.equal((await t.db.selectFrom('information_items').select('body').where('id', '=', id).executeTakeFirstOrThrow()).body, 'Rättat.');

    // more than five files in all: refused at the field, nothing changed (it has one; four more make five)
    const teacher = await as('pedagog');
    let form = await teacher.get(`/information/${id}/edit`);
    let req = teacher.post(`/information/${id}/edit`).field('_csrf', csrfFrom(form.text)).field('title', 'Fem filer').field('body', 'x');
    for (let n = 10; n < 14; n++) req = req.attach('attachments', PDF(n), `f${n}.pdf`);
    assert.equal((await req).status, 303);
    form = await teacher.get(`/information/${id}/edit`);
    const sixth = await teacher.post(`/information/${id}/edit`).field('_csrf', csrfFrom(form.text)).field('title', 'Sex filer').field('body', 'x')
      .attach('attachments', PDF(20), 'f20.pdf');
    assert.equal(sixth.status, 400);
    assert.match(sixth.text, /field-error/);
    assert.equal((await t.db.selectFrom('information_items').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title, 'Fem filer');
    assert.equal((await t.db.selectFrom('information_attachments').select('id').where('item_id', '=', id).execute()).length, 5);
  });

  it('removes an item after the confirmation page, with its files, readers and notifications', async () => {
    const { id, fileId } = await letter('Brev som ska bort');
    await (await as('vardnadshavare')).get(`/information/${id}`);
    assert.ok((await notificationsOf(id)).length >= 2);
    const teacher = await as('pedagog');
    const confirm = await teacher.get(`/information/${id}/remove`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /Ta bort informationen\?/);
    assert.match(confirm.text, /Brev som ska bort/);
    const res = await postForm(teacher, `/information/${id}/remove`, `/information/${id}/remove`, {});
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/information');
    assert.match((await teacher.get('/information')).text, /Informationen är borttagen\./);
    assert.equal(await t.db.selectFrom('information_items').select('id').where('id', '=', id).executeTakeFirst(), undefined);
    assert.equal((await t.db.selectFrom('information_attachments').select('id').where('item_id', '=', id).execute()).length, 0);
    assert.equal((await t.db.selectFrom('information_reads').select('account_id').where('item_id', '=', id).execute()).length, 0);
    assert.deepEqual(await notificationsOf(id), [], 'its notifications taken back');
    assert.equal((await (await as('vardnadshavare')).get(`/information/${id}`)).status, 404);
    assert.equal((await (await as('vardnadshavare')).get(`/information/attachments/${fileId}`)).status, 404);
    assert.equal((await teacher.get(`/information/${id}/remove`)).status, 404, 'gone');
  });

  it('takes back its notifications by their url, also those of a guardian who is no longer one', async () => {
    const { id } = await letter('Brev till en familj som ändrats');
    const father = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'vardnadshavare2').executeTakeFirstOrThrow();
    assert.ok((await notificationsOf(id)).some((n) => n.account_id === father.id), 'told at publishing');
    const custody = await t.db.selectFrom('guardianships').selectAll().where('guardian_id', '=', father.person_id).where('child_id', '=', elsa).executeTakeFirstOrThrow();
    await t.db.deleteFrom('guardianships').where('id', '=', custody.id).execute();
    try {
      assert.equal(await remove(t.db, id, t.clock.now()), true);
    } finally {
      await t.db.insertInto('guardianships').values(custody).execute();
    }
    assert.deepEqual(await notificationsOf(id), [], 'the former guardian’s too');
  });

  it('a removal during a running fan-out waits for it and takes back what it wrote; the job then tells nobody', async () => {
    const res = await postForm(await as('admin'), `/municipalities/${demokommun}/information/new`, `/municipalities/${demokommun}/information`,
      { title: 'Fel brev till alla', body: 'Skickat av misstag.' });
    const id = itemIdOf(res.headers.location);
    let removal: Promise<boolean> | undefined;
    await t.db.transaction().execute(async (trx) => {
      assert.ok((await fanOutItem(trx, id)) > 0, 'the fan-out wrote its notifications, not yet committed');
      removal = remove(t.db, id, t.clock.now());
      await pause(300);
    });
    assert.equal(await removal, true);
    assert.deepEqual(await notificationsOf(id), [], 'none left leading to a removed page');
    assert.equal(await runner.runDue(), 1, 'the queued job runs');
    assert.deepEqual(await notificationsOf(id), [], 'and tells nobody');
  });

  it('opening an item while it is removed answers 404, not an error', async () => {
    const { id } = await letter('Brev som tas bort medan det öppnas');
    const mother = await as('vardnadshavare');
    let opened: Promise<{ status: number }> | undefined;
    await t.db.transaction().execute(async (trx) => {
      assert.equal(await deleteItem(trx, id), true);
      opened = mother.get(`/information/${id}`).then((r) => r);
      await pause(300);
    });
    assert.equal((await opened)?.status, 404);
  });

  it('tells a municipality in chunks, continuing a run stopped halfway without telling anyone twice', async () => {
    const res = await postForm(await as('admin'), `/municipalities/${demokommun}/information/new`, `/municipalities/${demokommun}/information`,
      { title: 'Nya öppettider', body: 'Från februari.' });
    const id = itemIdOf(res.headers.location);
    // a run stopped after its first chunk had told Elsa's mother
    const mother = await accountOf('vardnadshavare');
    const item = await t.db.selectFrom('information_items').select('published_at').where('id', '=', id).executeTakeFirstOrThrow();
    await notify(t.db, { accountIds: [mother], kind: informationNotification, childId: elsa, url: `/information/${id}`, at: new Date(item.published_at), params: { title: 'Nya öppettider' } });
    const told = await fanOutInChunks(t.db, id, 1);
    const all = await notificationsOf(id);
    assert.equal(all.length, told + 1);
    assert.equal(new Set(all.map((n) => n.account_id)).size, all.length, 'one each');
    for (const name of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3']) {
      const account = await accountOf(name);
      assert.ok(all.some((n) => n.account_id === account), name);
    }
    assert.notEqual((await t.db.selectFrom('information_items').select('notified_at').where('id', '=', id).executeTakeFirstOrThrow()).notified_at, null, 'marked told');
    assert.equal(await fanOutInChunks(t.db, id, 1), 0, 'a run after the end tells nobody');
    assert.equal(await runner.runDue(), 1);
    assert.equal((await notificationsOf(id)).length, all.length);
  });

  it('tells every family of the municipality through a job, once, however often it runs', async () => {
    const res = await postForm(await as('admin'), `/municipalities/${demokommun}/information/new`, `/municipalities/${demokommun}/information`,
      { title: 'Ny taxa från januari', body: 'Maxtaxan gäller.' });
    assert.equal(res.status, 303);
    const id = itemIdOf(res.headers.location);
    assert.deepEqual(await notificationsOf(id), [], 'nobody yet: the job tells them');
    const jobs = await t.db.selectFrom('jobs').select('payload').where('kind', '=', INFORMATION_FANOUT_JOB).where('done_at', 'is', null).execute();
    assert.equal(jobs.length, 1);
    assert.deepEqual(JSON.parse(jobs[0].payload), { itemId: id });

    assert.equal(await runner.runDue(), 1);
    const told = await notificationsOf(id);
    const accounts = new Set(told.map((n) => n.account_id));
    assert.equal(accounts.size, told.length, 'one each');
    for (const name of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3']) assert.ok(accounts.has(await accountOf(name)), name);
    assert.ok(!accounts.has(await accountOf('admin')), 'not its author');
    assert.ok(!accounts.has(await accountOf('grannadmin')), 'not another municipality');

    // run again (a crash after the commit), and twice at the same moment: nothing more
    assert.equal(await t.db.transaction().execute((trx) => fanOutItem(trx, id)), 0);
    const both = await Promise.all([0, 1].map(() => t.db.transaction().execute((trx) => fanOutItem(trx, id))));
    assert.deepEqual(both, [0, 0]);
    assert.equal((await notificationsOf(id)).length, told.length);
  });

  it('tells them once when two runs of a fresh fan-out meet', async () => {
    const res = await postForm(await as('admin'), `/municipalities/${demokommun}/information/new`, `/municipalities/${demokommun}/information`,
      { title: 'Stängt i jul', body: 'Förskolorna har julstängt.' });
    const id = itemIdOf(res.headers.location);
    const runs = await Promise.all([0, 1].map(() => t.db.transaction().execute((trx) => fanOutItem(trx, id))));
    assert.equal(runs.filter((n) => n > 0).length, 1, `one run told them: ${runs}`);
    const told = await notificationsOf(id);
    assert.equal(new Set(told.map((n) => n.account_id)).size, told.length);
    assert.equal(told.length, Math.max(...runs));
  });

  it('the box shows three items and how many there are, asking for no more', async () => {
    const sources = { groupIds: [blabar], unitIds: [], municipalityIds: [demokommun] };
    const all = await listItems(t.db, null, sources, { q: '', page: 1 }, '2026-11-24');
    assert.ok(all.total > BOX_ITEMS, `enough items for the test: ${all.total}`);
    const few = await listItems(t.db, null, sources, { q: '', page: 1, pageSize: BOX_ITEMS }, '2026-11-24');
    assert.equal(few.items.length, BOX_ITEMS);
    assert.equal(few.total, all.total);
    assert.deepEqual(few.items.map((i) => i.id), all.items.slice(0, BOX_ITEMS).map((i) => i.id));

    const box = await (await as('vardnadshavare')).get(`/children/${elsa}/boxes/information`);
    assert.equal(box.status, 200);
    assert.equal((box.text.match(/<li><a href="\/information\/\d+"/g) ?? []).length, BOX_ITEMS, box.text);
    const total = /All information \((\d+)\)/.exec(box.text);
    assert.ok(total, box.text);
    assert.ok(Number(total[1]) > BOX_ITEMS);
  });
  it('refuses an edit made on an older item: the form comes back as typed on the new version, nothing of it saved', async () => {
    const { id } = await letter('Brev om utflykten');
    const teacher = await as('pedagog');
    const head = await as('rektor');
    const versionIn = (html: string) => html.match(/name="version" value="([^"]+)"/)?.[1];
    const save = (agent: Agent, form: string, title: string) => agent.post(`/information/${id}/edit`).field('_csrf', csrfFrom(form))
      .field('version', versionIn(form) ?? '').field('title', title).field('body', 'Ta med matsäck.');
    const teachers = (await teacher.get(`/information/${id}/edit`)).text;
    const heads = (await head.get(`/information/${id}/edit`)).text;
    assert.ok(versionIn(teachers));
    assert.equal(versionIn(teachers), versionIn(heads));
    assert.equal((await save(head, heads, 'Brev om utflykten till skogen')).status, 303);
    const late = await save(teacher, teachers, 'Brev om utflykten, ny tid');
    assert.equal(late.status, 409);
    assert.match(late.text, /Någon annan ändrade informationen medan du skrev/);
    assert.match(late.text, /value="Brev om utflykten, ny tid"/, 'what was typed comes back');
    const stored = async () => (await t.db.selectFrom('information_items').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title;
    assert.equal(await stored(), 'Brev om utflykten till skogen', 'the head\'s save stands');
    assert.notEqual(versionIn(late.text), versionIn(teachers), 'the form is on the version saved meanwhile');
    assert.equal((await save(teacher, late.text, 'Brev om utflykten, ny tid')).status, 303, 'saved again on purpose');
    assert.equal(await stored(), 'Brev om utflykten, ny tid');

    // Two saves made on one version at the same moment: exactly one is saved, the other told.
    const [a, b] = [(await teacher.get(`/information/${id}/edit`)).text, (await head.get(`/information/${id}/edit`)).text];
    const answers = (await Promise.all([save(teacher, a, 'Brev A'), save(head, b, 'Brev B')])).map((r) => r.status).sort();
    assert.deepEqual(answers, [303, 409]);
    assert.ok(['Brev A', 'Brev B'].includes(await stored()));
  });
});
