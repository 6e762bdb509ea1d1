// Logging in with e-ID in Chromium at 360 px: the login page's "Logga in med BankID", the provider's page (a real
// OpenID Connect provider on a loopback port), back signed in where the user was going; the choice of municipality
// and the failure page. axe finds nothing on our pages in Swedish and Arabic, and none scrolls sideways.
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, chooseLanguage, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { PHONE_WIDTH, sidewaysScroll } from '../support/page-checks.ts';
import { configureEId, identityOf, startTestProvider, type TestProvider } from '../support/oidc.ts';

describe('e-ID login in Chromium', () => {
  let h: BrowserHarness;
  let provider: TestProvider;
  let municipalityId: number;
  // PUBLIC_URL (where the provider sends the browser back) is a relay to the app's port, which is known only later.
  let appPort = 0;
  const relay = net.createServer((socket) => {
    const upstream = net.connect(appPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });

  before(async () => {
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    h = await startBrowserHarness({ env: { PUBLIC_URL: `http://127.0.0.1:${(relay.address() as AddressInfo).port}` } });
    appPort = Number(new URL(h.baseURL).port);
    const guardian = await identityOf(h.t.db, 'vardnadshavare');
    municipalityId = guardian.municipalityId;
    provider = await startTestProvider({
      redirectUri: `${h.t.config.publicUrl}/login/e-id/callback`,
      identities: [
        { subject: 'guardian', name: 'Emma Andersson', personnummer: guardian.personnummer },
        { subject: 'stranger', name: 'Okänd Person', personnummer: '199001012393' },
      ],
    });
    await configureEId(h.t.db, municipalityId, provider.issuer);
  });
  after(async () => {
    await provider.close();
    await h.close();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });

  const noSidewaysScroll = async (page: Page, what: string) => assert.equal(await sidewaysScroll(page), 0, `${what} scrolls sideways`);

  it('logs a guardian in with BankID from the login page and returns to where she was going (axe: nothing)', async () => {
    const { page, problems } = await h.page({ javaScript: true, width: PHONE_WIDTH, touch: true });
    await page.goto('/login?next=/messages');
    const button = page.getByRole('link', { name: 'Logga in med BankID' });
    await button.waitFor();
    await assertAccessible(page, 'the login page with the BankID button');
    await noSidewaysScroll(page, 'the login page');
    await button.click();
    await page.getByRole('heading', { name: 'Testinloggning med e-ID' }).waitFor();
    await assertAccessible(page, 'the provider\'s page');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/messages'),
      page.getByRole('button', { name: 'Emma Andersson — BankID' }).click(),
    ]);
    assert.doesNotMatch(page.url(), /code=|state=/, 'the code is not left in the address bar');
    await page.getByRole('button', { name: 'Logga ut' }).waitFor();
    problems.assertNone();
    await page.context().close();
  });

  for (const language of ['sv', 'ar'] as const) {
    it(`shows the choice of municipality and a failure in ${language === 'sv' ? 'Swedish' : 'Arabic'} (axe: nothing)`, async () => {
      const other = await h.t.db.selectFrom('municipalities').select('id').where('id', '!=', municipalityId).executeTakeFirstOrThrow();
      await configureEId(h.t.db, other.id, provider.issuer);
      const { page, problems } = await h.page({ javaScript: true, width: PHONE_WIDTH, touch: true });
      try {
            await page.goto('/login');
        if (language === 'ar') await chooseLanguage(page, 'ar');
        await page.getByRole('link', { name: language === 'sv' ? 'Logga in med BankID' : 'تسجيل الدخول باستخدام BankID' }).waitFor();
        await assertAccessible(page, 'the login page with the BankID button');
        await noSidewaysScroll(page, 'the login page');
        await page.goto('/login/e-id');
        assert.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr');
        await page.getByRole('heading', { level: 1, name: language === 'sv' ? 'Välj kommun' : 'اختر البلدية' }).waitFor();
        await assertAccessible(page, 'the choice of municipality');
        await noSidewaysScroll(page, 'the choice of municipality');
        await page.locator(`a[href^="/login/e-id?municipality=${municipalityId}"]`).click();
        await page.getByRole('heading', { name: 'Testinloggning med e-ID' }).waitFor();
        await page.getByRole('button', { name: 'Okänd Person — BankID' }).click();
        await page.getByRole('heading', { level: 1, name: language === 'sv' ? 'Inloggningen med e-legitimation gick inte' : 'لم ينجح تسجيل الدخول بالهوية الإلكترونية' }).waitFor();
        await assertAccessible(page, 'the failure page');
        await noSidewaysScroll(page, 'the failure page');
        problems.assertNone();
      } finally {
        await page.context().close();
        await h.t.db.deleteFrom('e_id_settings').where('municipality_id', '=', other.id).execute();
      }
    });
  }
});
