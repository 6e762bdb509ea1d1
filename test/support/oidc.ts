// A real OpenID Connect provider for the tests: the demo's own factory (server/demo/e-id-provider.ts) on a loopback
// port, a municipality's e-ID configuration pointing at it, and a user's walk through it (our /login/e-id → the
// provider's page → a click on an identity and a way to log in → our callback), as a browser without JS would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import type { Db } from '../../server/kernel/db.ts';
import { ACR_BANKID, ACR_FREJA_WEAK, createIdentityProvider, type TestIdentity } from '../../server/demo/e-id-provider.ts';
import { forgetProviders } from '../../server/e-id/client.ts';
import type { Agent } from './app.ts';

export { ACR_BANKID, ACR_FREJA_WEAK };
export const TEST_CLIENT_ID = 'vardag-test';

export interface TestProvider { issuer: string; close(): Promise<void> }

/** Starts the provider on 127.0.0.1 (port 0) for `redirectUri`; a public client unless a secret is given. */
export async function startTestProvider(options: { redirectUri: string; identities: TestIdentity[]; clientSecret?: string }): Promise<TestProvider> {
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { router } = createIdentityProvider({
    issuer, identities: options.identities, cookieSecret: 'test-provider-cookies',
    clients: [{ clientId: TEST_CLIENT_ID, clientSecret: options.clientSecret, redirectUris: [options.redirectUri] }],
  });
  app.get('/favicon.ico', (_req, res) => { res.status(204).end(); }); // (Chromium asks; a 404 is a console error)
  app.use(router);
  return {
    issuer,
    close: async () => {
      forgetProviders();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Gives the municipality an e-ID login at `issuer` (what an admin saves at /admin/login). */
export async function configureEId(db: Db, municipalityId: number, issuer: string, options: { strongAcr?: string[]; staffMatch?: 'subject' | 'email' } = {}): Promise<void> {
  const values = {
    enabled: 1, issuer, client_id: TEST_CLIENT_ID, personnummer_claim: 'personal_number',
    strong_acr: (options.strongAcr ?? [ACR_BANKID]).join('\n'), staff_match: options.staffMatch ?? 'subject', changed_by: 0, changed_at: new Date().toISOString(),
  } as const;
  await db.insertInto('e_id_settings').values({ municipality_id: municipalityId, ...values })
    .onConflict((oc) => oc.column('municipality_id').doUpdateSet(values)).execute();
}

/** The municipality an account's person is registered in, and the person's personnummer as a provider sends it. */
export async function identityOf(db: Db, username: string): Promise<{ municipalityId: number; personId: number; personnummer: string | undefined }> {
  const row = await db.selectFrom('accounts').innerJoin('persons', 'persons.id', 'accounts.person_id')
    .select(['persons.municipality_id', 'persons.id', 'persons.identity_number']).where('accounts.username', '=', username).executeTakeFirstOrThrow();
  return { municipalityId: row.municipality_id, personId: row.id, personnummer: row.identity_number?.replace(/\D/g, '') };
}

export interface ProviderChoice {
  subject: string; acr?: string;
  /** Cancels at the provider instead (error=access_denied). */
  cancel?: boolean;
  /** Changes the authorization request before the provider sees it (a test of a wrong nonce...). */
  tamper?: (url: URL) => void;
}

/** Walks the provider's pages from the authorization URL; returns our callback's path and query. */
export async function loginAtProvider(authorizationUrl: string, choice: ProviderChoice): Promise<string> {
  const url = new URL(authorizationUrl);
  choice.tamper?.(url);
  const provider = request.agent(url.origin);
  const auth = await provider.get(url.pathname + url.search);
  if (auth.status !== 303 && auth.status !== 302) throw new Error(`The provider answered ${auth.status}: ${auth.text.slice(0, 300)}`);
  const interaction = String(auth.headers.location);
  const page = await provider.get(new URL(interaction, url.origin).pathname);
  if (page.status !== 200) throw new Error(`The provider's page answered ${page.status}`);
  const interactionPath = /action="([^"]*\/interaction\/[^/"]+)\/login"/.exec(page.text)?.[1];
  if (!interactionPath) throw new Error('No interaction on the provider\'s page');
  const finished = choice.cancel
    ? await provider.post(`${interactionPath}/abort`).type('form').send({})
    : await provider.post(`${interactionPath}/login`).type('form').send({ subject: choice.subject, acr: choice.acr ?? ACR_BANKID });
  if (finished.status !== 303) throw new Error(`The provider's login answered ${finished.status}: ${finished.text.slice(0, 2000)}`);
  const resumed = await provider.get(new URL(String(finished.headers.location), url.origin).pathname);
  if (resumed.status !== 303 && resumed.status !== 302) throw new Error(`The provider's resume answered ${resumed.status}: ${resumed.text.slice(0, 300)}`);
  const back = new URL(String(resumed.headers.location));
  return back.pathname + back.search;
}

/** Our /login/e-id for `next` (at `municipalityId`'s provider, if given), the provider's pages, and our callback: the callback's answer. */
export async function eIdLogin(agent: Agent, choice: ProviderChoice, next?: string, municipalityId?: number) {
  const query = new URLSearchParams({ ...(next ? { next } : {}), ...(municipalityId === undefined ? {} : { municipality: String(municipalityId) }) });
  const begun = await agent.get(`/login/e-id${query.size > 0 ? `?${query}` : ''}`);
  if (begun.status !== 303) throw new Error(`/login/e-id answered ${begun.status}: ${begun.text.slice(0, 300)}`);
  const callback = await loginAtProvider(String(begun.headers.location), choice);
  return Object.assign(await agent.get(callback), { callback });
}
