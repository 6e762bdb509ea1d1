// The municipality's documentation settings (/admin/documentation): its admins set the limits per file and the days a
// portfolio stays downloadable after a child left, each change kept with who and when; strong login cannot be turned
// on while Vardag has no strong login method, and the guard asks it for the documentation actions.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { municipalityId } from '../support/demo.ts';
import {
  DEFAULT_DOCUMENTATION_SETTINGS, documentationSettings, documentationSettingsChanges, saveDocumentationSettings,
} from '../../server/documentation/settings.ts';
import { parseDocumentationSettings } from '../../server/documentation/admin-rules.ts';

const FORM = { image_max_mb: '20', video_max_mb: '300', video_max_seconds: '90', audio_max_mb: '25', audio_max_seconds: '300', export_grace_days: '120' };

describe('the municipality’s documentation settings', () => {
  let t: TestApp;
  let demo: number;
  let grann: number;

  before(async () => {
    t = await startTestApp();
    demo = await municipalityId(t.db, 'Demokommun');
    grann = await municipalityId(t.db, 'Grannkommun');
  });
  beforeEach(async () => {
    await t.db.deleteFrom('documentation_settings_changes').execute();
    await t.db.deleteFrom('documentation_settings').execute();
  });
  after(() => t.close());

  it('shows the defaults and says that strong login cannot be turned on yet', async () => {
    const agent = await signIn(t.app, 'admin');
    const page = await agent.get('/admin/documentation');
    assert.equal(page.status, 200);
    assert.match(page.text, /Inställningar för dokumentation/);
    assert.match(page.text, /name="image_max_mb" type="text" value="25"/);
    assert.match(page.text, /name="export_grace_days" type="text" value="90"/);
    assert.match(page.text, /ingen metod för stark inloggning inställd/);
    assert.match(page.text, /Inställningarna har inte ändrats/);
  });

  it('saves the settings and lists each change with who made it and when', async () => {
    const agent = await signIn(t.app, 'admin');
    const res = await postForm(agent, '/admin/documentation', '/admin/documentation', { ...FORM, municipality: String(demo) });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/admin/documentation?municipality=${demo}`);
    assert.deepEqual(await documentationSettings(t.db, demo), {
      imageMaxMb: 20, videoMaxMb: 300, videoMaxSeconds: 90, audioMaxMb: 25, audioMaxSeconds: 300, exportGraceDays: 120, strongLogin: false,
    });
    assert.deepEqual(await documentationSettings(t.db, grann), DEFAULT_DOCUMENTATION_SETTINGS, 'another municipality’s untouched');
    const changes = await documentationSettingsChanges(t.db, demo);
    assert.deepEqual(changes.map((c) => [c.setting, c.oldValue, c.newValue]).sort(), [
      ['exportGraceDays', null, 120], ['imageMaxMb', null, 20], ['videoMaxMb', null, 300], ['videoMaxSeconds', null, 90],
    ], 'the settings whose value differs from the default, from the default');
    const page = await agent.get(res.headers.location as string);
    assert.match(page.text, /Inställningarna är sparade\./);
    assert.match(page.text, /dagar för nedladdning efter att barnet har slutat från standard till 120/);
    const admin = await t.db.selectFrom('accounts').innerJoin('persons', 'persons.id', 'accounts.person_id').select(['persons.first_name', 'persons.last_name'])
      .where('accounts.username', '=', 'admin').executeTakeFirstOrThrow();
    assert.ok(page.text.includes(`${admin.first_name} ${admin.last_name}`), 'who');
    // Saved again with one value changed: one change more, from what it was.
    await postForm(agent, '/admin/documentation', '/admin/documentation', { ...FORM, export_grace_days: '60', municipality: String(demo) });
    const [latest] = await documentationSettingsChanges(t.db, demo);
    assert.deepEqual([latest.setting, latest.oldValue, latest.newValue], ['exportGraceDays', 120, 60]);
    assert.equal((await documentationSettingsChanges(t.db, demo)).length, 5);
  });

  it('gives the form back with what was typed and a message at each bad field, saving nothing', async () => {
    const agent = await signIn(t.app, 'admin');
    const res = await postForm(agent, '/admin/documentation', '/admin/documentation', {
      ...FORM, image_max_mb: '0', video_max_seconds: 'tio', audio_max_mb: '', export_grace_days: '9999', municipality: String(demo),
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /name="video_max_seconds" type="text" value="tio"/);
    assert.match(res.text, /name="video_max_mb" type="text" value="300"/);
    assert.match(res.text, /id="image_max_mb-error"[\s\S]*Skriv ett heltal från 1 till 50\./);
    assert.match(res.text, /id="audio_max_mb-error"[\s\S]*Fyll i ett värde\./);
    assert.match(res.text, /id="export_grace_days-error"[\s\S]*Skriv ett heltal från 0 till 730\./);
    assert.deepEqual(await documentationSettings(t.db, demo), DEFAULT_DOCUMENTATION_SETTINGS);
    assert.equal((await documentationSettingsChanges(t.db, demo)).length, 0);
  });

  it('refuses to turn strong login on while Vardag has no strong login method, and saves nothing', async () => {
    const agent = await signIn(t.app, 'admin');
    const res = await postForm(agent, '/admin/documentation', '/admin/documentation', { ...FORM, strong_login: 'yes', municipality: String(demo) });
    assert.equal(res.status, 400);
    assert.match(res.text, /Stark inloggning kan inte slås på/);
    assert.match(res.text, /id="strong_login"[^>]*checked/, 'the tick kept as sent');
    assert.deepEqual(await documentationSettings(t.db, demo), DEFAULT_DOCUMENTATION_SETTINGS);
    // With a method, the rule lets it through.
    const parsed = parseDocumentationSettings((name) => ({ ...FORM, strong_login: 'yes' } as Record<string, string>)[name] ?? '', true);
    assert.ok(parsed.ok && parsed.value.strongLogin);
  });

  it('warns on the page when strong login is on without a method (nobody reaches documentation) and lets it be turned off', async () => {
    await saveDocumentationSettings(t.db, demo, { ...DEFAULT_DOCUMENTATION_SETTINGS, strongLogin: true }, 1, new Date());
    const agent = await signIn(t.app, 'admin');
    assert.match((await agent.get('/admin/documentation')).text, /Ingen kommer åt dokumentationen\. Stäng av den och spara\./);
    const res = await postForm(agent, '/admin/documentation', '/admin/documentation', { ...FORM, municipality: String(demo) });
    assert.equal(res.status, 303);
    assert.equal((await documentationSettings(t.db, demo)).strongLogin, false);
    const [change] = (await documentationSettingsChanges(t.db, demo)).filter((c) => c.setting === 'strongLogin');
    assert.deepEqual([change.oldValue, change.newValue], [1, 0]);
  });

  it('is a municipality’s admins’ alone, each for their own municipality', async () => {
    for (const username of ['pedagog', 'rektor', 'vardnadshavare', 'elev']) {
      const agent = await signIn(t.app, username);
      assert.equal((await agent.get('/admin/documentation')).status, 404, username);
    }
    const neighbour = await signIn(t.app, 'grannadmin');
    const page = await neighbour.get('/admin/documentation');
    assert.match(page.text, /Grannkommun/);
    assert.equal((await neighbour.get(`/admin/documentation?municipality=${demo}`)).status, 404);
    const res = await postForm(neighbour, '/admin/documentation', '/admin/documentation', { ...FORM, municipality: String(demo) });
    assert.equal(res.status, 404);
    assert.deepEqual(await documentationSettings(t.db, demo), DEFAULT_DOCUMENTATION_SETTINGS);
  });

  it('keeps both of two saves at once in the history, each from what the other left', async () => {
    await Promise.all([
      saveDocumentationSettings(t.db, demo, { ...DEFAULT_DOCUMENTATION_SETTINGS, exportGraceDays: 30 }, 1, new Date()),
      saveDocumentationSettings(t.db, demo, { ...DEFAULT_DOCUMENTATION_SETTINGS, exportGraceDays: 60 }, 2, new Date()),
    ]);
    const changes = (await documentationSettingsChanges(t.db, demo)).reverse();
    assert.equal(changes.length, 2);
    assert.equal(changes[0].oldValue, null);
    assert.equal(changes[1].oldValue, changes[0].newValue, 'the second from what the first saved');
    assert.equal((await documentationSettings(t.db, demo)).exportGraceDays, changes[1].newValue);
  });
});
