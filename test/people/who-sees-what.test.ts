// Protected identity and two households on the child's page (README "Who may see and do what").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe("a child's guardians and their details", () => {
  let t: TestApp;
  let nora: number;
  let elsa: number;
  let leila: { phone: string; email: string };
  let emma: { phone: string; email: string; street: string };
  let johan: { phone: string; email: string; street: string };

  before(async () => {
    t = await startTestApp();
    nora = await personId(t.db, 'Nora', 'Haddad');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    const details = async (first: string, last: string) => {
      const p = await t.db.selectFrom('persons').select(['phone', 'email', 'street_address']).where('first_name', '=', first)
        .where('last_name', '=', last).executeTakeFirstOrThrow();
      return { phone: p.phone!, email: p.email!, street: p.street_address! };
    };
    leila = await details('Leila', 'Haddad');
    emma = await details('Emma', 'Andersson');
    johan = await details('Johan', 'Berg');
  });
  after(() => t.close());

  const page = async (username: string, childId: number) => {
    const res = await (await signIn(t.app, username)).get(`/children/${childId}/info`);
    assert.equal(res.status, 200);
    return res.text;
  };

  it('shows staff of the group the contact details of a guardian with protected identity, never the address', async () => {
    const html = await page('pedagog', nora);
    assert.ok(html.includes(leila.phone) && html.includes(leila.email));
    assert.ok(!html.includes('Hemlig väg'), 'a protected address is shown to nobody');
    assert.match(html, /Skyddade personuppgifter/);
  });

  it("never shows the protected guardian's phone or e-mail to the child's other guardian", async () => {
    const html = await page('vardnadshavare3', nora);
    assert.match(html, /Leila Haddad/);
    assert.ok(!html.includes(leila.phone) && !html.includes(leila.email));
    assert.ok(!html.includes('Hemlig väg'));
  });

  it("never shows the first household's address or contact details to a guardian in another household", async () => {
    const html = await page('vardnadshavare2', elsa);
    assert.match(html, /Elsa Andersson/);
    assert.ok(!html.includes(emma.phone) && !html.includes(emma.email) && !html.includes(emma.street));
    assert.ok(!html.includes('Storgatan 12'), "the child's registered address is the first household's");
    assert.ok(html.includes(johan.phone), 'a guardian sees their own details');
  });

  it('shows the first household its own address, but not the other household', async () => {
    const html = await page('vardnadshavare', elsa);
    assert.ok(html.includes('Storgatan 12') && html.includes(emma.phone));
    assert.ok(!html.includes(johan.phone) && !html.includes(johan.street));
  });

  it('shows the admin and unit head every unprotected detail', async () => {
    for (const user of ['admin', 'rektor']) {
      const html = await page(user, elsa);
      assert.ok(html.includes(emma.phone) && html.includes(johan.phone) && html.includes(johan.street), user);
    }
  });
});
