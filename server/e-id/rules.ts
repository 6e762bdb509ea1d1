// The e-ID login's pure rules: the personnummer a provider sends, whether an acr is strong, how old a login under way
// may be, and what went wrong, as the words the user reads (a kind of failure, never the provider's own text).
import personnummerModule from 'personnummer';

// The package's types describe an ES module's default export; at run time the CommonJS module is the class itself.
const Personnummer = personnummerModule as unknown as typeof personnummerModule.default;

/** How long a login at the provider may take, from our redirect to its answer (BankID's own limit is a few minutes). */
export const LOGIN_MAX_MINUTES = 10;

/** What can go wrong, each with its own Swedish page (views/e-id/failed.eta, the catalogues' eId.failed.*). */
export type EIdFailure =
  | 'notConfigured' // no e-ID login in this municipality
  | 'unreachable' // the provider did not answer (discovery, token endpoint)
  | 'cancelled' // the user cancelled at the provider (error=access_denied)
  | 'provider' // the provider answered with another error
  | 'expired' // no login under way in this session, or it is too old, or the state does not match
  | 'invalid' // the answer failed a check: a used or unknown code, a wrong nonce, a bad signature
  | 'weak' // a strong login was asked for (step-up) and the acr is not one the municipality counts as strong
  | 'otherPerson' // a signed-in user stepped up as somebody else
  | 'unknown' // nobody of the municipality's guardians or staff has this identity
  | 'protected' // a guardian with protected identity, or no personnummer (seed 004: contact the preschool/school)
  | 'staffNotLinked' // a staff member whose identity no admin has linked
  | 'noAccount' // a linked staff member without an open account
  | 'weakForAccount' // a guardian without an account logged in weakly: an account by e-ID needs a strong one (BankID)
  | 'tooMany'; // too many logins begun from this address

/** The HTTP status of each failure's page. */
export function failureStatus(failure: EIdFailure): number {
  switch (failure) {
    case 'unreachable': return 503;
    case 'provider': return 502;
    case 'notConfigured': return 404;
    case 'otherPerson': case 'weak': case 'unknown': case 'protected': case 'staffNotLinked': case 'noAccount': case 'weakForAccount': return 403;
    case 'tooMany': return 429;
    default: return 400;
  }
}

/**
 * The personnummer (or samordningsnummer) a provider's claim carries, as persons keep it (ÅÅÅÅMMDD-NNNN); null when
 * the claim is missing or not a valid number (a foreign e-ID, a made-up value).
 */
export function personnummerFromClaim(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const raw = String(value).trim();
  // Twelve digits (a hyphen allowed): with ten the package would guess the century, and a guess may be somebody else.
  if (!/^\d{8}-?\d{4}$/.test(raw)) return null;
  if (!Personnummer.valid(raw, { allowCoordinationNumber: true, allowInterimNumber: false })) return null;
  const long = Personnummer.parse(raw, { allowCoordinationNumber: true, allowInterimNumber: false }).format(true);
  return `${long.slice(0, 8)}-${long.slice(8)}`;
}

/** Whether the ID token's acr is one the municipality counts as strong (no acr: weak). */
export function isStrongAcr(acr: unknown, strongAcr: readonly string[]): boolean {
  return typeof acr === 'string' && acr !== '' && strongAcr.includes(acr);
}

/** Whether a login under way, begun at `at`, is still fresh at `now`. */
export function loginFresh(at: string, now: Date): boolean {
  const begun = Date.parse(at);
  return Number.isFinite(begun) && begun <= now.getTime() + 60_000 && now.getTime() - begun < LOGIN_MAX_MINUTES * 60_000;
}

/** An error answer in the callback's query (`error=access_denied`...): the user's cancel or another provider error. */
export function providerErrorOf(query: Record<string, unknown>): EIdFailure | null {
  if (query.error === undefined) return null;
  return query.error === 'access_denied' ? 'cancelled' : 'provider';
}

/** What an error thrown while exchanging the code means for the user. */
export function failureOfError(err: unknown): EIdFailure {
  const e = err as { name?: unknown; code?: unknown; error?: unknown; cause?: unknown };
  // A network failure (refused, reset, timed out): the provider is unreachable.
  if (e?.name === 'TypeError' || e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.code === 'OAUTH_TIMEOUT') return 'unreachable';
  if (typeof e?.code === 'string' && /ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN/.test(e.code)) return 'unreachable';
  // The provider's own error response: invalid_grant (a code used twice, expired) is a failed check; others its error.
  if (e?.name === 'ResponseBodyError') return e.error === 'invalid_grant' ? 'invalid' : 'provider';
  // 401 with a WWW-Authenticate challenge: the broker refused our client (a wrong secret, a client it does not know).
  if (e?.name === 'WWWAuthenticateChallengeError') return 'provider';
  if (e?.name === 'AuthorizationResponseError') return e.error === 'access_denied' ? 'cancelled' : 'provider';
  const status = (e as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 500) return 'unreachable';
  return 'invalid';
}

/** The error's kind and code for the log: never its message (a library may quote the code or a claim in it). */
export function loggable(err: unknown): { type: string; code?: string } {
  const e = err as { name?: unknown; code?: unknown };
  return { type: typeof e?.name === 'string' ? e.name : typeof err, ...(typeof e?.code === 'string' ? { code: e.code } : {}) };
}
