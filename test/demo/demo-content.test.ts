// What the demo shows a visitor of the municipality's pages: Demokommun's privacy notice and accessibility statement
// read as a real municipality's would (written by its admin, not the "not written yet" of an empty one), and the
// demo's substitute, whose assignment ends by itself on a date.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { signIn, startTestApp, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { today } from '../../server/kernel/clock.ts';
import { addDays } from '../../server/kernel/dates.ts';
import { loadActor } from '../../server/people/relations.ts';
import { DEMO_PRIVACY } from '../../server/demo/seed.ts';

describe('the demo municipality', () => {
  let t: TestApp;
  let demo: number;

  before(async () => {
    t = await startTestApp();
    demo = await municipalityId(t.db, 'Demokommun');
  });
  after(() => t.close());

  describe('GET /privacy', () => {
    it('names the controller and the data protection officer, with how to reach them', async () => {
      const res = await request(t.app).get(`/privacy?municipality=${demo}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<h2>Kontaktuppgifter till den personuppgiftsansvarige<\/h2>\s*<p dir="auto">Förskole- och grundskolenämnden<br>Demokommun<br>462 80 Demostad<br>E-post: forskola\.grundskola@demokommun\.example<br>Telefon: 031-390 06 00<\/p>/);
      assert.match(res.text, /<h2>Kontaktuppgifter till dataskyddsombudet<\/h2>\s*<p dir="auto">Demokommuns dataskyddsombud nås på:<br>E-post: dataskyddsombud@demokommun\.example<br>Telefon: 031-390 06 01<\/p>/);
      assert.match(res.text, /Senast uppdaterad/);
    });

    it('has every part written, or the general text where the municipality left it to Vardag', async () => {
      const res = await request(t.app).get(`/privacy?municipality=${demo}`);
      assert.doesNotMatch(res.text, /Kommunen har inte skrivit det här ännu/);
      for (const part of ['purpose', 'legal_basis', 'recipients', 'retention', 'sources'] as const) {
        const first = DEMO_PRIVACY[part]?.split('\n')[0] ?? '';
        assert.ok(first && res.text.includes(first), `the notice's ${part} is shown`);
      }
      assert.match(res.text, /Du har rätt att få veta vilka uppgifter/, 'rights: the general text');
    });

    it("is what a guardian of the demo sees as their own municipality's", async () => {
      const res = await (await signIn(t.app, 'vardnadshavare')).get('/privacy');
      assert.match(res.text, /Förskole- och grundskolenämnden/);
      assert.match(res.text, /dataskyddsombud@demokommun\.example/);
    });

    it("is Demokommun's only: Grannkommun has written nothing", async () => {
      const granne = await municipalityId(t.db, 'Grannkommun');
      const res = await request(t.app).get(`/privacy?municipality=${granne}`);
      assert.match(res.text, /<h2>Kontaktuppgifter till den personuppgiftsansvarige<\/h2>\s*<p class="muted">Kommunen har inte skrivit det här ännu/);
      assert.doesNotMatch(res.text, /demokommun\.example/);
    });
  });

  describe('GET /accessibility', () => {
    it("says how well Vardag complies, what is not accessible, whom to tell, and when the municipality assessed it", async () => {
      const res = await request(t.app).get(`/accessibility?municipality=${demo}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /Vardag är delvis förenlig med lagen/);
      assert.match(res.text, /har ännu inte granskats manuellt med skärmläsare/);
      assert.match(res.text, /href="mailto:tillganglighet@demokommun\.example"/);
      assert.match(res.text, /Kommunen bedömde senast Vardags tillgänglighet/);
    });
  });

  describe('the substitute', () => {
    it('works in Lingon from two weeks ago until a last day a month ahead, shown on the unit head\'s staff list', async () => {
      const frida = await personId(t.db, 'Frida', 'Vikström');
      const day = today(t.clock);
      const assignments = await t.db.selectFrom('staff_assignments').select(['group_id', 'role', 'start_date', 'end_date'])
        .where('person_id', '=', frida).execute();
      assert.deepEqual(assignments, [{ group_id: await groupId(t.db, 'Lingon'), role: 'staff', start_date: addDays(day, -14), end_date: addDays(day, 30) }]);
      const list = await (await signIn(t.app, 'rektor')).get(`/units/${await unitId(t.db, 'Förskolan Solrosen')}/staff?q=Vikstr`);
      assert.equal(list.status, 200);
      assert.match(list.text, /Vikström, Frida<\/strong><\/a>[\s\S]*?Personal, Förskolan Solrosen, Lingon · till och med /);
    });

    it('counts as staff of Lingon up to and including the last day, and not the day after', async () => {
      const frida = await personId(t.db, 'Frida', 'Vikström');
      const lingon = await groupId(t.db, 'Lingon');
      const lastDay = addDays(today(t.clock), 30);
      const on = async (day: string) => (await loadActor(t.db, { id: 0, person_id: frida }, 'password', day)).staffGroups.has(lingon);
      assert.equal(await on(today(t.clock)), true);
      assert.equal(await on(lastDay), true);
      assert.equal(await on(addDays(lastDay, 1)), false);
    });
  });
});
