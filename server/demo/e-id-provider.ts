// A local OpenID Connect provider standing in for the municipality's e-ID broker (issue 24 item 8): on a DEMO database
// it is mounted in Vardag itself at /demo-e-id (server/app.ts; a real database never starts it), and the tests start
// the same factory on a loopback port (test/support/oidc.ts). Its own pages list the test identities, one button per
// way to log in ("Anna Andersson — BankID", "— Freja (svag)"), so a click picks who and which acr. Nothing here is a
// real BankID: the page says so. Its pages are plain HTML without inline script or style (Vardag's strict CSP).
import crypto from 'node:crypto';
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import Provider, { type KoaContextLike } from 'oidc-provider';
import type { Db } from '../kernel/db.ts';
import type { StaffLookup } from '../e-id/matching.ts';
import { linkedStaff } from '../e-id/matching.ts';
import { useDemoEIdSettings } from '../e-id/settings.ts';
import { openAccountOfPerson, openAccountsWithLogins, personsWithAccounts } from '../accounts/queries.ts';
import { guardiansWithIdentityNumbers, isStaffPersonOf, municipalityIds, personsWithIdentityNumbers } from '../people/queries.ts';

/** A made-up person who can "log in" at the provider: the subject is the provider's id of them. */
export interface TestIdentity {
  subject: string;
  name: string;
  /** Twelve digits (ÅÅÅÅMMDDNNNN) as the brokers send it; none: an identity without a Swedish personnummer. */
  personnummer?: string;
  email?: string;
  /** Whether the provider says it verified the e-mail (default true); false sends `email_verified: false`. */
  emailVerified?: boolean;
}

/** One way to log in that the provider offers: the `acr` it puts in the ID token and the button's words. */
export interface TestAcr { value: string; label: string; amr: string }

/** The Swedish e-ID framework's levels of assurance: BankID is LoA3 (strong), Freja eID without ID check LoA2. */
export const ACR_BANKID = 'http://id.elegnamnden.se/loa/1.0/loa3';
export const ACR_FREJA_WEAK = 'http://id.elegnamnden.se/loa/1.0/loa2';
export const DEFAULT_ACRS: readonly TestAcr[] = [
  { value: ACR_BANKID, label: 'BankID', amr: 'bankid' },
  { value: ACR_FREJA_WEAK, label: 'Freja (svag)', amr: 'freja' },
];

/** A client of the provider; without a secret, a public client (PKCE only, as the demo's). */
export interface ProviderClient { clientId: string; clientSecret?: string; redirectUris: string[] }

export interface IdentityProviderOptions {
  /** The issuer's URL; its path is where the provider is mounted ('' at a server's root). */
  issuer: string;
  clients: readonly ProviderClient[];
  /** The identities, or a function that reads them when asked (the demo reads its guardians and staff). */
  identities: readonly TestIdentity[] | (() => Promise<readonly TestIdentity[]>);
  acrs?: readonly TestAcr[];
  /** The claim that carries the personnummer (the brokers differ; default 'personal_number'). */
  personnummerClaim?: string;
  /** Signs the provider's cookies. */
  cookieSecret: string;
  /** Behind a TLS-terminating proxy (X-Forwarded-Proto). */
  proxy?: boolean;
}

export interface IdentityProvider { router: Router; provider: Provider }

export function createIdentityProvider(options: IdentityProviderOptions): IdentityProvider {
  const base = new URL(options.issuer).pathname.replace(/\/$/, '');
  const acrs = options.acrs ?? DEFAULT_ACRS;
  const claim = options.personnummerClaim ?? 'personal_number';
  const identities = async (): Promise<readonly TestIdentity[]> =>
    typeof options.identities === 'function' ? options.identities() : options.identities;
  const key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new Provider(options.issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId, redirect_uris: c.redirectUris, grant_types: ['authorization_code'], response_types: ['code'],
      ...(c.clientSecret ? { client_secret: c.clientSecret, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
    })),
    jwks: { keys: [{ ...key, use: 'sig', kid: crypto.randomUUID() }] },
    adapter: MemoryAdapter,
    // Short lives: an interaction for a login, a code for a minute, tokens for ten minutes (nobody keeps them).
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    cookies: { keys: [options.cookieSecret] },
    acrValues: acrs.map((a) => a.value),
    claims: { openid: ['sub', 'acr', 'amr'], profile: ['name', 'given_name', 'family_name', claim], email: ['email', 'email_verified'] },
    scopes: ['openid', 'profile', 'email'],
    // The ID token carries the granted scopes' claims (the personnummer among them), as the brokers' do.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${base}/interaction/${interaction.uid}` },
    // A first-party stand-in: no consent page, every requested scope is granted.
    loadExistingGrant: async (ctx: KoaContextLike) => {
      const oidc = ctx.oidc;
      const clientId = oidc.client?.clientId;
      if (!clientId || !oidc.session?.accountId) return undefined;
      const existing = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(clientId);
      if (existing) return oidc.provider.Grant.find(existing);
      const grant = new oidc.provider.Grant({ clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx: unknown, subject: string) => {
      const identity = (await identities()).find((i) => i.subject === subject);
      if (!identity) return undefined;
      const [given, ...rest] = identity.name.split(' ');
      return {
        accountId: subject,
        claims: async () => ({
          sub: subject, name: identity.name, given_name: given, family_name: rest.join(' '),
          ...(identity.personnummer ? { [claim]: identity.personnummer } : {}),
          ...(identity.email ? { email: identity.email, email_verified: identity.emailVerified ?? true } : {}),
        }),
      };
    },
    renderError: async (ctx: { type: string; body: string; status?: number }, out: { error?: string }) => {
      ctx.type = 'html';
      ctx.body = page('Fel vid inloggningen', `<h1>Fel vid inloggningen</h1><p>Leverantören svarade: ${escapeHtml(String(out.error ?? 'fel'))}</p>`);
    },
  });
  provider.proxy = options.proxy ?? false;

  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '10kb' });
  const safe = (handler: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) => { handler(req, res).catch(next); };

  router.get('/interaction/:uid', safe(async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const list = (await identities()).map((identity) => {
      const buttons = acrs.map((acr) => `<form method="post" action="${base}/interaction/${escapeHtml(details.uid)}/login">
<input type="hidden" name="subject" value="${escapeHtml(identity.subject)}"><input type="hidden" name="acr" value="${escapeHtml(acr.value)}">
<button type="submit">${escapeHtml(`${identity.name} — ${acr.label}`)}</button></form>`).join('\n');
      return `<li>${buttons}</li>`;
    }).join('\n');
    res.set('Cache-Control', 'no-store').type('html').send(page('Testinloggning med e-ID', `<h1>Testinloggning med e-ID</h1>
<p>Det här är en testleverantör för demo och tester. Ingen riktig BankID eller Freja används: välj vem du loggar in som och hur.</p>
<ul class="identities">${list}</ul>
<form method="post" action="${base}/interaction/${escapeHtml(details.uid)}/abort"><button type="submit">Avbryt inloggningen</button></form>`));
  }));

  router.post('/interaction/:uid/login', form, safe(async (req, res) => {
    await provider.interactionDetails(req, res); // (an unknown or expired interaction fails here)
    const subject = typeof req.body?.subject === 'string' ? req.body.subject : '';
    const acr = acrs.find((a) => a.value === req.body?.acr);
    if (!acr || !(await identities()).some((i) => i.subject === subject)) {
      res.status(400).type('html').send(page('Fel vid inloggningen', '<h1>Fel vid inloggningen</h1><p>Okänd identitet.</p>'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: subject, acr: acr.value, amr: [acr.amr] } }, { mergeWithLastSubmission: false });
  }));

  router.post('/interaction/:uid/abort', form, safe(async (req, res) => {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled the login' }, { mergeWithLastSubmission: false });
  }));

  router.use(provider.callback());
  return { router, provider };
}

/**
 * The provider's records (interactions, sessions, codes, grants) in this process's memory, dropped when they expire:
 * the demo and the tests run one process (several VARDAG_WORKERS would each keep their own).
 */
class MemoryAdapter {
  private static readonly stores = new Map<string, Map<string, { payload: Record<string, unknown>; expires: number }>>();
  private readonly store: Map<string, { payload: Record<string, unknown>; expires: number }>;
  constructor(name: string) {
    const existing = MemoryAdapter.stores.get(name);
    this.store = existing ?? new Map();
    if (!existing) MemoryAdapter.stores.set(name, this.store);
  }
  private live(id: string): Record<string, unknown> | undefined {
    const kept = this.store.get(id);
    if (!kept) return undefined;
    if (kept.expires < Date.now()) { this.store.delete(id); return undefined; }
    return kept.payload;
  }
  async upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void> {
    for (const [key, kept] of this.store) if (kept.expires < Date.now()) this.store.delete(key);
    this.store.set(id, { payload, expires: Date.now() + (expiresIn || 3600) * 1000 });
  }
  async find(id: string) { return this.live(id); }
  async findByUid(uid: string) {
    for (const [id, kept] of this.store) if (kept.payload.uid === uid) return this.live(id);
    return undefined;
  }
  async findByUserCode(userCode: string) {
    for (const [id, kept] of this.store) if (kept.payload.userCode === userCode) return this.live(id);
    return undefined;
  }
  async consume(id: string): Promise<void> {
    const kept = this.store.get(id);
    if (kept) kept.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> { this.store.delete(id); }
  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, kept] of this.store) if (kept.payload.grantId === grantId) this.store.delete(id);
  }
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---- The demo: the provider mounted in Vardag itself on a demo database (server/app.ts, server/main.ts) ----

/** Where the demo's provider is mounted, and its client. */
export const DEMO_E_ID_PATH = '/demo-e-id';
export const DEMO_E_ID_CLIENT = 'vardag-demo';

/** The demo provider's subject of a person of the demo: it names the person, so demo staff need no admin's link. */
const demoSubject = (personId: number) => `person-${personId}`;

/**
 * The demo's test identities: everybody with an open account (the logins printed at start), a few guardians who have
 * no account yet (to try "an account by e-ID") and one person without a Swedish personnummer. Read through the people
 * and accounts modules' queries (their tables).
 */
export async function demoIdentities(db: Db): Promise<TestIdentity[]> {
  const accounts = await openAccountsWithLogins(db, 40);
  const persons = new Map((await personsWithIdentityNumbers(db, accounts.map((a) => a.personId))).map((p) => [p.id, p]));
  const guardians = await guardiansWithIdentityNumbers(db, 60);
  const hasAccount = await personsWithAccounts(db, guardians.map((g) => g.id));
  const without = guardians.filter((g) => !hasAccount.has(g.id)).slice(0, 3);
  const digits = (n: string | null) => (n ? n.replace(/\D/g, '') : undefined);
  return [
    ...accounts.flatMap((a) => {
      const p = persons.get(a.personId);
      return p ? [{
        subject: demoSubject(p.id), name: `${p.firstName} ${p.lastName} (${a.username})`, personnummer: digits(p.identityNumber), email: a.email ?? undefined,
      }] : [];
    }),
    ...without.map((p) => ({ subject: demoSubject(p.id), name: `${p.firstName} ${p.lastName} (inget konto)`, personnummer: digits(p.identityNumber) })),
    { subject: 'no-personnummer', name: 'Testperson utan svenskt personnummer' },
  ];
}

/** Demo staff are found by the demo provider's subject (their person), or else by an admin's link as anywhere. */
export function demoStaffLookup(issuer: string): StaffLookup {
  return async (db, municipalityId, identity) => {
    const personId = identity.issuer === issuer ? Number(/^person-(\d+)$/.exec(identity.subject)?.[1]) : Number.NaN;
    if (Number.isSafeInteger(personId) && await isStaffPersonOf(db, municipalityId, personId)) {
      return { personId, accountId: (await openAccountOfPerson(db, personId)) ?? null };
    }
    return linkedStaff(db, municipalityId, identity);
  };
}

/**
 * On a demo database, each municipality without an e-ID configuration of its own gets the demo provider's (BankID
 * strong, Freja weak; staff by subject), so step-up works after `npm start`; the issuer follows PUBLIC_URL. An
 * admin's own configuration is left alone. Never called for a real database (server/main.ts).
 */
export async function useDemoEId(db: Db, issuer: string, at: Date): Promise<void> {
  await useDemoEIdSettings(db, {
    municipalityIds: await municipalityIds(db), issuer, clientId: DEMO_E_ID_CLIENT, strongAcr: ACR_BANKID,
    isDemoIssuer: (stored) => stored.endsWith(DEMO_E_ID_PATH),
  }, at);
}

/** The demo's provider, to mount at DEMO_E_ID_PATH (app.ts); its cookie keys come from the session secret. */
export function demoIdentityProvider(options: { db: Db; publicUrl: string; secret: string; proxy: boolean }): IdentityProvider & { issuer: string } {
  const issuer = `${options.publicUrl}${DEMO_E_ID_PATH}`;
  const made = createIdentityProvider({
    issuer, proxy: options.proxy,
    clients: [{ clientId: DEMO_E_ID_CLIENT, redirectUris: [`${options.publicUrl}/login/e-id/callback`] }],
    identities: () => demoIdentities(options.db),
    cookieSecret: crypto.createHmac('sha256', options.secret).update('demo-e-id').digest('hex'),
  });
  return { ...made, issuer };
}
