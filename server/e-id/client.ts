// The OpenID Connect relying party (openid-client 6): the provider's discovery document kept per configuration for a
// while, the authorization request (code flow with PKCE, state and nonce), and the code exchange with every check
// (state, PKCE, the ID token's signature, issuer, audience, nonce and times). Nothing of a code, token or claim is
// logged here.
import * as client from 'openid-client';
import type { EIdConfig } from './settings.ts';

/** How long a discovered provider is kept before its discovery document is fetched again. */
const DISCOVERY_TTL_MS = 60 * 60_000;
/** How long a request to the provider may take. */
const REQUEST_TIMEOUT_S = 10;

/** How long a failed discovery is kept before the provider is asked again. */
const DISCOVERY_RETRY_MS = 60_000;

const discovered = new Map<string, { until: number; configuration: Promise<client.Configuration> }>();

/** Plain http only for a provider on this machine (tests) or the demo's own provider: never for a real broker. */
function insecureAllowed(issuer: URL, demoIssuer: string | undefined): boolean {
  if (issuer.protocol !== 'http:') return false;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname) || (demoIssuer !== undefined && issuer.href.replace(/\/$/, '') === demoIssuer);
}

/**
 * The provider's configuration for this client (discovered once per hour). A failed discovery is kept for a minute
 * too: the logins begun meanwhile fail at once, without each asking an unreachable provider again.
 */
export async function providerOf(config: EIdConfig, demoIssuer?: string): Promise<client.Configuration> {
  const key = JSON.stringify([config.issuer, config.clientId, config.clientSecret ?? '']);
  const kept = discovered.get(key);
  if (kept && Date.now() < kept.until) return kept.configuration;
  const issuer = new URL(config.issuer);
  const auth = config.clientSecret ? client.ClientSecretBasic(config.clientSecret) : client.None();
  const configuration = client.discovery(issuer, config.clientId, undefined, auth, {
    timeout: REQUEST_TIMEOUT_S, ...(insecureAllowed(issuer, demoIssuer) ? { execute: [client.allowInsecureRequests] } : {}),
  });
  const entry = { until: Date.now() + DISCOVERY_TTL_MS, configuration };
  discovered.set(key, entry);
  configuration.catch(() => { entry.until = Math.min(entry.until, Date.now() + DISCOVERY_RETRY_MS); });
  return configuration;
}

/** Forgets every discovered provider (tests that restart a provider on a new port with the same issuer). */
export function forgetProviders(): void { discovered.clear(); }

export interface AuthorizationStart { url: URL; state: string; nonce: string; codeVerifier: string }

/** The URL at the provider where the user logs in, and the secrets the callback checks its answer against. */
export async function authorizationStart(provider: client.Configuration, redirectUri: string, acrValues: readonly string[]): Promise<AuthorizationStart> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const supported = provider.serverMetadata().scopes_supported;
  const scope = ['openid', ...['profile', 'email'].filter((s) => supported?.includes(s))].join(' ');
  const url = client.buildAuthorizationUrl(provider, {
    redirect_uri: redirectUri, scope, state, nonce, response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
    // Always a fresh login at the provider (a step-up must not ride on the provider's earlier session), and the
    // strong levels asked for first.
    prompt: 'login', ...(acrValues.length > 0 ? { acr_values: acrValues.join(' ') } : {}),
  });
  return { url, state, nonce, codeVerifier };
}

export interface VerifiedIdentity {
  issuer: string; subject: string; acr: string | null; amr: string[];
  email: string | null;
  /** Whether the provider says it verified the e-mail (`email_verified: true`); missing counts as not verified. */
  emailVerified: boolean;
  personnummerClaim: unknown;
}

/**
 * Exchanges the callback's code and checks everything openid-client checks; the personnummer claim is read from the
 * ID token, or from userinfo when the provider keeps it there.
 */
export async function finishAuthorization(
  provider: client.Configuration, callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }, personnummerClaim: string,
): Promise<VerifiedIdentity> {
  const tokens = await client.authorizationCodeGrant(provider, callbackUrl, {
    pkceCodeVerifier: expected.codeVerifier, expectedState: expected.state, expectedNonce: expected.nonce, idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('No ID token');
  let personnummer: unknown = claims[personnummerClaim];
  let email: unknown = claims.email;
  let emailVerified: unknown = claims.email_verified;
  if ((personnummer === undefined || email === undefined) && tokens.access_token && provider.serverMetadata().userinfo_endpoint) {
    const info = await client.fetchUserInfo(provider, tokens.access_token, claims.sub);
    personnummer ??= info[personnummerClaim];
    if (email === undefined) {
      // The e-mail and whether it is verified from the same answer.
      email = info.email;
      emailVerified = info.email_verified;
    }
  }
  return {
    issuer: claims.iss, subject: claims.sub, acr: typeof claims.acr === 'string' ? claims.acr : null,
    amr: Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [],
    email: typeof email === 'string' ? email : null, emailVerified: typeof email === 'string' && emailVerified === true, personnummerClaim: personnummer,
  };
}
