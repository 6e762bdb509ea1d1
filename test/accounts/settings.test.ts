// "Mina inställningar": every change is stored and shown; bad input gets a Swedish message at its field, the form
// keeps what was typed (never a password) and nothing is saved. Sessions really end; closing an account is asked by
// its holder and done by the right unit head only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createAccount } from '../../server/accounts/queries.ts';
import { sessionHandle } from '../../server/accounts/settings-queries.ts';
import { csrfFrom, demoPasswordHash, postForm, signIn, startTestApp, type Agent, type FormFields, type TestApp } from '../support/app.ts';
import { groupId, personId, unitId } from '../support/demo.ts';
import { linkPath, startMailDelivery, type MailDelivery } from '../support/mail.ts';

const SITE = 'https://vardag.test';
const FIREFOX_ANDROID = 'Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0';

describe('my settings', () => {
  let t: TestApp;
  let delivery: MailDelivery;

  before(async () => {
    t = await startTestApp({ env: { PUBLIC_URL: SITE } });
    delivery = await startMailDelivery(t);
  });
  after(async () => {
    await delivery.stop();
    await t.close();
  });

  const accountOf = (username: string) => t.db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirstOrThrow();

  /** Posts a settings form the way the page does: with the CSRF token of the settings page. */
  const post = (agent: Agent, path: string, fields: FormFields) => postForm(agent, '/settings', path, fields);

  async function saved(agent: Agent, res: request.Response, section: string): Promise<string> {
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, `/settings#${section}`);
    const page = await agent.get('/settings');
    assert.equal(page.status, 200);
    return page.text;
  }

  const deliver = (count: number) => delivery.deliver(count);

  it('is linked from the header next to the name, and shows every part', async () => {
    const agent = await signIn(t.app, 'vardnadshavare');
    const start = await agent.get('/');
    assert.match(start.text, /<span class="user-name">Emma Andersson<\/span>\s*<a class="icon-link" href="\/settings">.*Mina inställningar<\/span><\/a>/s);
    const page = await agent.get('/settings');
    assert.equal(page.status, 200);
    assert.match(page.text, /<title>Mina inställningar – Vardag<\/title>/);
    assert.match(page.text, /<a class="icon-link" href="\/settings" aria-current="page">/);
    for (const heading of ['Användarnamn', 'Lösenord', 'E-postadresser', 'Mobilnummer', 'Språk', 'Notiser', 'Inloggade enheter', 'Stäng kontot']) {
      assert.match(page.text, new RegExp(`<h2 id="[a-z]+-title">${heading}</h2>`), heading);
    }
    assert.match(page.text, /id="username" name="username" type="text" value="vardnadshavare"/);
  });

  describe('username', () => {
    it('is changed, shown, and logs in whatever its case', async () => {
      const agent = await signIn(t.app, 'vardnadshavare2');
      const page = await saved(agent, await post(agent, '/settings/username', { username: ' Johan Berg ' }), 'username-section');
      assert.match(page, /Användarnamnet är sparat\./);
      assert.match(page, /name="username" type="text" value="Johan Berg"/);
      const account = await accountOf('Johan Berg');
      assert.equal(account.username_key, 'johan berg');
      assert.ok(await signIn(t.app, 'JOHAN BERG'));
      await post(agent, '/settings/username', { username: 'vardnadshavare2' });
      assert.equal((await accountOf('vardnadshavare2')).id, account.id);
    });

    it("refuses another account's username in another case, keeping what was typed and saving nothing", async () => {
      const agent = await signIn(t.app, 'vardnadshavare3');
      const res = await post(agent, '/settings/username', { username: 'PEDAGOG' });
      assert.equal(res.status, 400);
      assert.match(res.text, /<title>Fel: Mina inställningar/);
      assert.match(res.text, /<a href="#username">Det användarnamnet är upptaget\. Välj ett annat\.<\/a>/);
      assert.match(res.text, /id="username-error"[^>]*>.*Det användarnamnet är upptaget/s);
      assert.match(res.text, /name="username" type="text" value="PEDAGOG"[^>]*aria-describedby="username-hint username-error"/);
      assert.equal((await accountOf('vardnadshavare3')).username_key, 'vardnadshavare3');
    });

    it('refuses a username with characters the rules do not allow', async () => {
      const agent = await signIn(t.app, 'vardnadshavare3');
      const res = await post(agent, '/settings/username', { username: 'karim!' });
      assert.equal(res.status, 400);
      assert.match(res.text, /Användarnamnet får bara innehålla bokstäver, siffror, mellanslag och tecknen \. - &#39; _/);
      assert.match(res.text, /value="karim!"/);
      assert.equal((await accountOf('vardnadshavare3')).username, 'vardnadshavare3');
    });
  });

  describe('password', () => {
    it('needs the current password; a wrong one or a weak new one saves nothing and is never written back', async () => {
      const agent = await signIn(t.app, 'pedagog3');
      const hash = (await accountOf('pedagog3')).password_hash;
      const wrong = await post(agent, '/settings/password', { current_password: 'fel-losenord-123', new_password: 'röd-kanot-dimma-fredag' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.text, /id="current_password-error"[^>]*>.*Det nuvarande lösenordet stämmer inte/s);
      const weak = await post(agent, '/settings/password', { current_password: 'vardag-demo', new_password: 'lösenord123' });
      assert.equal(weak.status, 400);
      assert.match(weak.text, /id="new_password-error"[^>]*>.*Det lösenordet är för vanligt/s);
      for (const res of [wrong, weak]) {
        // (The demo banner names vardag-demo, so the current password is not looked for.)
        for (const typed of ['fel-losenord-123', 'röd-kanot-dimma-fredag', 'lösenord123']) assert.ok(!res.text.includes(typed), `${typed} is not on the page`);
      }
      assert.equal((await accountOf('pedagog3')).password_hash, hash);
    });

    it('is changed with the current one, ending the other sessions but not this one', async () => {
      const other = await signIn(t.app, 'pedagog3');
      const agent = await signIn(t.app, 'pedagog3');
      const page = await saved(agent, await post(agent, '/settings/password', { current_password: 'vardag-demo', new_password: 'grön-spade-snö-onsdag' }), 'password-section');
      assert.match(page, /Lösenordet är bytt\. Du är utloggad på dina andra enheter\./);
      const kicked = await other.get('/');
      assert.equal(kicked.status, 303);
      assert.match(kicked.headers.location, /^\/login/);
      await assert.rejects(signIn(t.app, 'pedagog3'), /failed with 401/);
      assert.ok(await signIn(t.app, 'pedagog3', 'grön-spade-snö-onsdag'));
    });
  });

  describe('e-mail addresses', () => {
    it('adds an address that is verified by the link in the mail, then can be the login address', async () => {
      const agent = await signIn(t.app, 'vardnadshavare');
      let page = await saved(agent, await post(agent, '/settings/emails', { email: ' Emma.Hem@Example.se ' }), 'email-section');
      assert.match(page, /Vi har mejlat en länk till adressen/);
      assert.match(page, /Emma\.Hem@Example\.se <span class="tag">Väntar på bekräftelse<\/span>/);
      assert.doesNotMatch(page, /make-login/, 'an unverified address cannot be the login address');

      const [mail] = await deliver(1);
      assert.deepEqual(mail.envelopeTo.map((to) => to.toLowerCase()), ['emma.hem@example.se']);
      assert.equal(mail.subject, 'Bekräfta din e-postadress i Vardag');
      assert.match(mail.text ?? '', /Du har lagt till Emma\.Hem@Example\.se i ditt konto i Vardag/);
      assert.match(mail.text ?? '', /Länken gäller i 24 timmar/);
      const path = linkPath(mail.text, SITE, /\/email\/verify\/[A-Za-z0-9_-]{43}/);
      assert.ok(path, mail.text);

      // Opening the link (even by a mail scanner, not logged in) only shows a button.
      const stranger = request.agent(t.app);
      const confirm = await stranger.get(path);
      assert.equal(confirm.status, 200);
      assert.match(confirm.text, /Bekräfta att Emma\.Hem@Example\.se är din e-postadress/);
      const row = () => t.db.selectFrom('account_emails').selectAll().where('email_key', '=', 'emma.hem@example.se').executeTakeFirstOrThrow();
      assert.equal((await row()).verified_at, null);
      const done = await stranger.post(path).type('form').send({ _csrf: csrfFrom(confirm.text) });
      assert.equal(done.status, 200);
      assert.match(done.text, /E-postadressen är bekräftad/);
      assert.equal((await row()).verified_at, t.clock.now().toISOString());
      const again = await request(t.app).get(path);
      assert.match(again.text, /Adressen är redan bekräftad/);

      page = (await agent.get('/settings')).text;
      assert.match(page, /Emma\.Hem@Example\.se <span class="tag">Bekräftad<\/span>/);
      const id = (await row()).id;
      page = await saved(agent, await post(agent, `/settings/emails/${id}/make-login`, {}), 'email-section');
      assert.match(page, /Nu loggar du in med den nya e-postadressen\./);
      assert.match(page, /Du loggar in och får mejl på <strong>Emma\.Hem@Example\.se<\/strong>/);
      const account = await accountOf('vardnadshavare');
      assert.equal(account.email_key, 'emma.hem@example.se');
      assert.ok(await signIn(t.app, 'EMMA.HEM@example.se'));
    });

    it('refuses an address that is not one, saving nothing', async () => {
      const agent = await signIn(t.app, 'vardnadshavare3');
      const res = await post(agent, '/settings/emails', { email: 'karim-at-example' });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="email-error"[^>]*>.*Skriv en giltig e-postadress, till exempel namn@exempel\.se/s);
      assert.match(res.text, /name="email" type="email" value="karim-at-example"/);
      assert.equal((await t.db.selectFrom('account_emails').select('id').where('email', '=', 'karim-at-example').execute()).length, 0);
    });

    it('lets a verification link expire after 24 hours', async () => {
      const agent = await signIn(t.app, 'vardnadshavare3');
      await post(agent, '/settings/emails', { email: 'karim@example.se' });
      const [mail] = await deliver(1);
      const path = linkPath(mail.text, SITE, /\/email\/verify\/\S+/)!;
      const start = t.clock.now();
      try {
        t.clock.set(new Date(start.getTime() + 24 * 3_600_000 + 1000).toISOString());
        const res = await request(t.app).get(path);
        assert.equal(res.status, 410);
        assert.match(res.text, /Länken har gått ut/);
      } finally {
        t.clock.set(start.toISOString());
      }
      assert.equal((await request(t.app).get('/email/verify/abc')).status, 404);
    });

    it('removes an address, and an address of someone else is not found', async () => {
      const karim = await signIn(t.app, 'vardnadshavare3');
      const own = await t.db.selectFrom('account_emails').select('id').where('email', '=', 'karim@example.se').executeTakeFirstOrThrow();
      const emma = await accountOf('vardnadshavare');
      const emmas = await t.db.insertInto('account_emails').values({ account_id: emma.id, email: 'emma.jobb@example.se', email_key: 'emma.jobb@example.se',
        created_at: t.clock.now().toISOString(), verified_at: t.clock.now().toISOString(), token_hash: null, token_expires_at: null })
        .returning('id').executeTakeFirstOrThrow();
      assert.equal((await post(karim, `/settings/emails/${emmas.id}/remove`, {})).status, 404);
      assert.equal((await post(karim, `/settings/emails/${emmas.id}/make-login`, {})).status, 404);
      assert.ok(await t.db.selectFrom('account_emails').select('id').where('id', '=', emmas.id).executeTakeFirst(), "Emma's address stays");
      const page = await saved(karim, await post(karim, `/settings/emails/${own.id}/remove`, {}), 'email-section');
      assert.match(page, /E-postadressen är borttagen\./);
      assert.doesNotMatch(page, /karim@example\.se/);
    });
  });

  describe('mobile number', () => {
    /** The code in the newest SMS to `mobile`, as its holder reads it on the phone. */
    const codeSentTo = async (mobile: string) => {
      const sms = await t.db.selectFrom('sms_outbox').select('message').where('recipient', '=', mobile).orderBy('id', 'desc').executeTakeFirstOrThrow();
      return sms.message.match(/\b(\d{6})\b/)![1];
    };
    const waitingNumber = async (username: string) => (await t.db.selectFrom('account_mobile_verifications').select('mobile')
      .where('account_id', '=', (await accountOf(username)).id).executeTakeFirst())?.mobile;

    it('is stored as +46… and shown as a Swede writes it, once verified by the code SMS:ed to it', async () => {
      const agent = await signIn(t.app, 'vardnadshavare3');
      for (const typed of ['070-123 45 67', '+46 (0)70 123 45 67', '0046701234567']) {
        const page = await saved(agent, await post(agent, '/settings/mobile', { mobile: typed }), 'mobile-section');
        assert.equal(await waitingNumber('vardnadshavare3'), '+46701234567', typed);
        assert.match(page.replace(/<[^>]*>/g, ''), /Vi har skickat en kod till 070-123 45 67\./);
      }
      const page = await saved(agent, await post(agent, '/settings/mobile/verify', { code: await codeSentTo('+46701234567') }), 'mobile-section');
      assert.equal((await accountOf('vardnadshavare3')).mobile, '+46701234567');
      assert.match(page, /name="mobile" type="tel" value="070-123 45 67"/);
      await post(agent, '/settings/mobile', { mobile: '' });
      assert.equal((await accountOf('vardnadshavare3')).mobile, null);
      await post(agent, '/settings/mobile', { mobile: '073 987 65 43' });
      await post(agent, '/settings/mobile/verify', { code: await codeSentTo('+46739876543') });
    });

    it('refuses a number that is no Swedish mobile number, keeping what was typed', async () => {
      const agent = await signIn(t.app, 'vardnadshavare3');
      for (const typed of ['08-123 456 78', '070-123 45', '+47 912 34 567']) {
        const res = await post(agent, '/settings/mobile', { mobile: typed });
        assert.equal(res.status, 400, typed);
        assert.match(res.text, /id="mobile-error"[^>]*>.*Skriv ett svenskt mobilnummer, till exempel 070-123 45 67/s);
        assert.ok(res.text.includes(`value="${typed}"`), typed);
      }
      assert.equal((await accountOf('vardnadshavare3')).mobile, '+46739876543');
    });
  });

  describe('language and notifications', () => {
    it('changes the language from the settings page with the existing language form', async () => {
      const agent = await signIn(t.app, 'vardnadshavare3');
      const page = await agent.get('/settings');
      assert.match(page.text, /<input id="language-en" name="language" type="radio" value="en">/);
      const res = await agent.post('/language').type('form').send({ _csrf: csrfFrom(page.text), language: 'en', next: '/settings#language-section' });
      assert.equal(res.headers.location, '/settings#language-section');
      assert.equal((await accountOf('vardnadshavare3')).language, 'en');
      const english = await agent.get('/settings');
      assert.match(english.text, /<h1>My settings<\/h1>/);
      assert.match(english.text, /<input id="language-en" name="language" type="radio" value="en" checked>/);
      await agent.post('/language').type('form').send({ _csrf: csrfFrom(english.text), language: 'sv', next: '/' });
    });

    it('links to the notification choices, which have a page of their own (test/notifications/choices.test.ts)', async () => {
      const agent = await signIn(t.app, 'vardnadshavare3');
      const page = await agent.get('/settings');
      assert.match(page.text, /<a href="\/settings\/notifications">Välj hur du får notiser<\/a>/);
    });
  });

  describe('sessions', () => {
    async function phoneOf(username: string): Promise<Agent> {
      const agent = request.agent(t.app).set('User-Agent', FIREFOX_ANDROID);
      const res = await postForm(agent, '/login', '/login', { username, password: 'vardag-demo' });
      assert.equal(res.status, 303);
      return agent;
    }

    it('lists where the account is logged in, and ending another session really logs that agent out', async () => {
      const phone = await phoneOf('rektor');
      const computer = await signIn(t.app, 'rektor');
      const page = await computer.get('/settings');
      const items = page.text.split('<section id="sessions-section"')[1].split('</section>')[0];
      assert.match(items, /Firefox på Android/);
      assert.equal((items.match(/<span class="tag">Den här enheten<\/span>/g) ?? []).length, 1);
      assert.match(items, /Inloggad .* · senast aktiv .* · loggas ut automatiskt /s);
      const handles = [...items.matchAll(/name="session" value="([0-9a-f]{32})"/g)].map((m) => m[1]);
      assert.equal(handles.length, 1, 'only the other session has a button');

      const res = await post(computer, '/settings/sessions/end', { session: handles[0] });
      assert.match(await saved(computer, res, 'sessions-section'), /Enheten är utloggad\./);
      const out = await phone.get('/');
      assert.equal(out.status, 303);
      assert.match(out.headers.location, /^\/login/);
      assert.equal((await computer.get('/')).status, 200, 'this device stays logged in');
    });

    it("ends all other sessions at once, and cannot end another account's session", async () => {
      const first = await signIn(t.app, 'pedagog2');
      const second = await signIn(t.app, 'pedagog2');
      const me = await signIn(t.app, 'pedagog2');
      const emma = await signIn(t.app, 'vardnadshavare');
      const emmaAccount = await accountOf('vardnadshavare');
      const emmaSids = await t.db.selectFrom('sessions').select('sid').where('account_id', '=', emmaAccount.id).execute();
      const foreign = await post(me, '/settings/sessions/end', { session: sessionHandle(emmaSids[0].sid) });
      assert.match(await saved(me, foreign, 'sessions-section'), /Enheten var redan utloggad\./);
      assert.equal((await emma.get('/')).status, 200, "Emma's session is untouched");

      assert.match(await saved(me, await post(me, '/settings/sessions/end-others', {}), 'sessions-section'), /Alla andra enheter är utloggade\./);
      for (const other of [first, second]) assert.equal((await other.get('/')).status, 303);
      assert.equal((await me.get('/')).status, 200);
      assert.equal((await emma.get('/')).status, 200);
    });
  });

  describe('closing the account', () => {
    let guardian: { id: number; username: string; childName: string };
    let solrosen: number;
    let vitsippan: number;

    before(async () => {
      // A guardian of a Lingon child (Förskolan Solrosen), and the head of Förskolan Vitsippan, each with an account.
      const lingon = await groupId(t.db, 'Lingon');
      const row = await t.db.selectFrom('placements').innerJoin('guardianships', 'guardianships.child_id', 'placements.child_id')
        .innerJoin('persons as child', 'child.id', 'placements.child_id')
        .select(['guardianships.guardian_id', 'child.first_name']).where('placements.group_id', '=', lingon).orderBy('child.id').executeTakeFirstOrThrow();
      const hash = await demoPasswordHash();
      const id = await createAccount(t.db, { personId: row.guardian_id, username: 'lingonforalder', email: null, passwordHash: hash }, t.clock.now());
      guardian = { id, username: 'lingonforalder', childName: row.first_name };
      await createAccount(t.db, { personId: await personId(t.db, 'Ulla', 'Rektorsson'), username: 'ulla', email: null, passwordHash: hash }, t.clock.now());
      solrosen = await unitId(t.db, 'Förskolan Solrosen');
      vitsippan = await unitId(t.db, 'Förskolan Vitsippan');
    });

    const openRequest = () => t.db.selectFrom('account_closure_requests').selectAll()
      .where('account_id', '=', guardian.id).where('handled_at', 'is', null).executeTakeFirst();

    it('needs the box ticked, with the message at the box and nothing saved', async () => {
      const agent = await signIn(t.app, guardian.username);
      const res = await post(agent, '/settings/close', {});
      assert.equal(res.status, 400);
      assert.match(res.text, /id="confirm_close-error"[^>]*>.*Kryssa i att du förstår att du inte kan logga in när kontot är stängt/s);
      assert.equal(await openRequest(), undefined);
    });

    it('is asked for, shown as pending, and can be withdrawn', async () => {
      const agent = await signIn(t.app, guardian.username);
      let page = await saved(agent, await post(agent, '/settings/close', { confirm_close: 'yes' }), 'close-section');
      assert.match(page, /Din begäran är skickad\. Förskolan eller skolan stänger kontot\./);
      assert.match(page, /Du bad om att få kontot stängt/);
      assert.ok(await openRequest());
      page = await saved(agent, await post(agent, '/settings/close/withdraw', {}), 'close-section');
      assert.match(page, /Du har ångrat din begäran\. Kontot finns kvar\./);
      assert.equal(await openRequest(), undefined);
      const rektor = await signIn(t.app, 'rektor');
      assert.doesNotMatch((await rektor.get(`/units/${solrosen}/closure-requests`)).text, /lingonforalder/);
    });

    it("reaches the head of the child's unit, who closes it; another unit's head and the staff get 404", async () => {
      const agent = await signIn(t.app, guardian.username);
      await post(agent, '/settings/close', { confirm_close: 'yes' });
      const request = (await openRequest())!;
      const name = await t.db.selectFrom('persons').innerJoin('accounts', 'accounts.person_id', 'persons.id')
        .select(['persons.first_name', 'persons.last_name']).where('accounts.id', '=', guardian.id).executeTakeFirstOrThrow();
      const fullName = `${name.first_name} ${name.last_name}`;

      const rektor = await signIn(t.app, 'rektor');
      const bell = await rektor.get('/notifications');
      const item = bell.text.match(new RegExp(`<a href="(/notifications/\\d+)" dir="auto">${fullName} har bett om att få sitt konto stängt</a>`));
      assert.ok(item, 'the bell lists the request');
      assert.equal((await rektor.get(item[1])).headers.location, `/units/${solrosen}/closure-requests`, 'and leads to the list');
      assert.match((await rektor.get(`/units/${solrosen}`)).text, new RegExp(`href="/units/${solrosen}/closure-requests"`));
      const list = await rektor.get(`/units/${solrosen}/closure-requests`);
      assert.equal(list.status, 200);
      assert.match(list.text, new RegExp(`<strong>${fullName}</strong> <span class="muted">\\(lingonforalder\\)</span>`));
      assert.match(list.text, new RegExp(`Vårdnadshavare till ${guardian.childName} \\(Lingon, Förskolan Solrosen\\)`));

      const ulla = await signIn(t.app, 'ulla');
      assert.doesNotMatch((await ulla.get(`/units/${vitsippan}/closure-requests`)).text, /lingonforalder/);
      assert.equal((await ulla.get(`/units/${solrosen}/closure-requests`)).status, 404);
      for (const who of [ulla, await signIn(t.app, 'pedagog2'), await signIn(t.app, 'vardnadshavare'), agent]) {
        assert.equal((await post(who, `/closure-requests/${request.id}/close`, { next: '/' })).status, 404);
      }
      assert.equal((await accountOf(guardian.username)).closed_at, null, 'nothing was closed');
      assert.equal((await agent.get('/')).status, 200);

      const closed = await post(rektor, `/closure-requests/${request.id}/close`, { next: `/units/${solrosen}/closure-requests` });
      assert.equal(closed.status, 303);
      assert.equal(closed.headers.location, `/units/${solrosen}/closure-requests`);
      const after = await rektor.get(closed.headers.location);
      assert.match(after.text, /Kontot är stängt\./);
      assert.match(after.text, /Ingen har bett om att få sitt konto stängt\./);

      const account = await accountOf(guardian.username);
      assert.equal(account.closed_at, t.clock.now().toISOString());
      const handled = await t.db.selectFrom('account_closure_requests').selectAll().where('id', '=', request.id).executeTakeFirstOrThrow();
      assert.equal(handled.outcome, 'closed');
      assert.equal(handled.handled_by, (await accountOf('rektor')).id);
      assert.equal((await agent.get('/')).status, 303, 'the closed account is logged out');
      assert.equal((await t.db.selectFrom('sessions').select('sid').where('account_id', '=', guardian.id).execute()).length, 0);
      await assert.rejects(signIn(t.app, guardian.username), /failed with 401/);
      const guardianships = await t.db.selectFrom('guardianships').select('id').where('guardian_id', '=', account.person_id).execute();
      assert.ok(guardianships.length > 0, 'the guardianship stays');
    });

    it("of a staff member goes to the municipality's admin, not to the unit head", async () => {
      const agent = await signIn(t.app, 'pedagog');
      await post(agent, '/settings/close', { confirm_close: 'yes' });
      const pedagog = await accountOf('pedagog');
      const request = await t.db.selectFrom('account_closure_requests').select('id')
        .where('account_id', '=', pedagog.id).where('handled_at', 'is', null).executeTakeFirstOrThrow();
      const rektor = await signIn(t.app, 'rektor');
      assert.doesNotMatch((await rektor.get(`/units/${solrosen}/closure-requests`)).text, /Sara Holm/);
      assert.doesNotMatch((await rektor.get('/notifications')).text, /Sara Holm/);
      assert.equal((await post(rektor, `/closure-requests/${request.id}/close`, { next: '/' })).status, 404);
      assert.equal((await post(await signIn(t.app, 'grannadmin'), `/closure-requests/${request.id}/close`, { next: '/' })).status, 404);

      const admin = await signIn(t.app, 'admin');
      const municipality = (await t.db.selectFrom('municipalities').select('id').where('name', '=', 'Demokommun').executeTakeFirstOrThrow()).id;
      const item = (await admin.get('/notifications')).text.match(/href="(\/notifications\/\d+)" dir="auto">Sara Holm har bett om att få sitt konto stängt/);
      assert.ok(item, 'the bell lists the request');
      assert.equal((await admin.get(item[1])).headers.location, `/municipalities/${municipality}/closure-requests`);
      assert.match((await admin.get(`/municipalities/${municipality}/closure-requests`)).text, /<strong>Sara Holm<\/strong>/);
      // The staff member withdraws: the demo teacher stays.
      await post(agent, '/settings/close/withdraw', {});
      assert.doesNotMatch((await admin.get(`/municipalities/${municipality}/closure-requests`)).text, /Sara Holm/);
    });
  });
});
