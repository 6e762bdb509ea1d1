// A guardian with a key: /register_invite/<key> (seed 003) creates the account; "Jag har redan ett konto" and
// "Utnyttja inbjudan" in the settings link the key to an account the guardian already has.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { field, flash, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { hashPassword, loginKey, verifyPassword, type HashingOptions } from '../accounts/passwords.ts';
import { isEmail, passwordProblem, usernameProblem } from '../accounts/rules.ts';
import { authenticate, passwordAttemptLimits, startSession } from '../accounts/sessions.ts';
import { termsOfUse } from '../settings/queries.ts';
import { containsIdentityNumber } from '../people/identity-numbers.ts';
import { formatKey, normalizeKey } from './keys.ts';
import { linkKeyToAccount, lookUpKey, markOpened, registerWithKey, type KeyLookup } from './queries.ts';

interface Deps { db: Db; clock: Clock; config: Config; dummyHash: string; hashing?: HashingOptions }
type Errors = Record<string, string>;

const KEY_PROBLEM = {
  unknown: 'register.key.unknown', used: 'register.key.used', expired: 'register.key.expired', revoked: 'register.key.revoked',
} as const;

export function registrationRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;
  const tooMany = (req: Request, res: Response) => renderLink(req, res, { form: 'login.errors.tooMany' }, 429);
  const limits = passwordAttemptLimits(config, tooMany);

  routes.publicGet('/register_invite', (req, res) => {
    const typed = typeof req.query.key === 'string' ? req.query.key : '';
    if (!typed) return render(req, res, 'invitations/enter-key', { values: { key: '' } });
    const key = normalizeKey(typed);
    if (!key) return render(req, res, 'invitations/enter-key', { values: { key: typed }, errors: { key: 'register.errors.keyFormat' } }, 400);
    res.redirect(303, `/register_invite/${key}`);
  });

  routes.publicGet('/register_invite/:key', async (req, res) => {
    const key = normalizeKey(String(req.params.key));
    const lookup = key ? await lookUpKey(db, key, clock.now()) : ({ ok: false, problem: 'unknown' } as const);
    if (!lookup.ok) return render(req, res, 'invitations/key-problem', { problem: KEY_PROBLEM[lookup.problem] });
    await markOpened(db, lookup.keyId, clock.now());
    await renderRegister(req, res, deps, lookup, { key: formatKey(key!), email: lookup.email ?? '', email_confirm: lookup.email ?? '' });
  });

  routes.publicPost('/register_invite', async (req, res) => {
    const values = registrationValues(req);
    const key = normalizeKey(values.key);
    const lookup = key ? await lookUpKey(db, key, clock.now()) : undefined;
    const errors = validateRegistration(values, lookup);
    if (Object.keys(errors).length) return renderRegister(req, res, deps, lookup?.ok ? lookup : undefined, values, errors);

    const passwordHash = await hashPassword(values.password, deps.hashing);
    const result = await registerWithKey(db, {
      key: key!, username: values.username, email: values.email.trim() || null, displayName: values.name.trim(), passwordHash,
      language: req.language.code,
    }, clock.now());
    if (!result.ok) {
      const accountId = result.error === 'used' ? await sameSubmissionAgain(deps, values) : undefined;
      if (accountId === undefined) return renderRegister(req, res, deps, undefined, values, registrationError(result.error));
      return signedInTo(req, res, deps, accountId);
    }
    await signedInTo(req, res, deps, result.accountId, result.sharedEmail ? 'register.sharedEmail' : undefined);
  });

  routes.publicGet('/register_invite/:key/link', async (req, res) => {
    const key = normalizeKey(String(req.params.key));
    renderLink(req, res, {}, 200, key ? formatKey(key) : String(req.params.key));
  });

  routes.publicPost('/register_invite/link', ...limits, async (req, res) => {
    const key = normalizeKey(field(req.body, 'key'));
    if (!key) return renderLink(req, res, { key: 'register.errors.keyFormat' }, 400);
    let account = req.account ? { id: req.account.id, person_id: req.account.personId } : undefined;
    if (!account) {
      account = await authenticate(db, field(req.body, 'username'), field(req.body, 'password'), deps.dummyHash);
      if (!account) return renderLink(req, res, { form: 'login.errors.wrong' }, 401);
    }
    const linked = await linkKeyToAccount(db, key, { id: account.id, personId: account.person_id }, clock.now());
    if (!linked.ok) {
      const error = linked.error === 'not-your-invitation' ? 'register.key.notYours' : KEY_PROBLEM[linked.error];
      return renderLink(req, res, { key: error }, 400);
    }
    if (!req.account) await startSession(req, db, clock, account.id);
    flash(req, 'register.linked');
    res.redirect(303, '/');
  });

  routes.get('/settings/invitation', 'account.invitation.use', (req, res) => renderUseKey(req, res, {}));

  routes.post('/settings/invitation', 'account.invitation.use', async (req, res) => {
    const key = normalizeKey(field(req.body, 'key'));
    if (!key) return renderUseKey(req, res, { key: 'register.errors.keyFormat' }, 400);
    const linked = await linkKeyToAccount(db, key, { id: req.account!.id, personId: req.account!.personId }, clock.now());
    if (!linked.ok) return renderUseKey(req, res, { key: linked.error === 'not-your-invitation' ? 'register.key.notYours' : KEY_PROBLEM[linked.error] }, 400);
    flash(req, 'register.linked');
    res.redirect(303, '/');
  });
}

interface RegistrationValues { key: string; username: string; email: string; email_confirm: string; name: string; password: string; terms: string }

function registrationValues(req: Request): RegistrationValues {
  const f = (name: string) => field(req.body, name);
  return { key: f('key'), username: f('username'), email: f('email'), email_confirm: f('email_confirm'), name: f('name'), password: f('password'), terms: f('terms') };
}

function validateRegistration(v: RegistrationValues, lookup: KeyLookup | undefined): Errors {
  const errors: Errors = {};
  if (!lookup) errors.key = v.key.trim() ? 'register.errors.keyFormat' : 'register.errors.keyMissing';
  else if (!lookup.ok) errors.key = KEY_PROBLEM[lookup.problem];
  const username = usernameProblem(v.username);
  if (username) errors.username = username;
  const email = v.email.trim();
  const emailRequired = lookup?.ok === true && lookup.delivery === 'email';
  if (!email && emailRequired) errors.email = 'register.errors.emailMissing';
  else if (email && !isEmail(email)) errors.email = 'register.errors.emailFormat';
  else if (email && loginKey(email) !== loginKey(v.email_confirm)) errors.email_confirm = 'register.errors.emailMismatch';
  if (!v.name.trim()) errors.name = 'register.errors.nameMissing';
  else if (v.name.trim().length > 100) errors.name = 'register.errors.nameTooLong';
  else if (containsIdentityNumber(v.name)) errors.name = 'register.errors.nameIdentity';
  const password = passwordProblem(v.password);
  if (password) errors.password = password;
  if (v.terms !== 'yes') errors.terms = 'register.errors.terms';
  return errors;
}

function registrationError(error: Exclude<Awaited<ReturnType<typeof registerWithKey>>, { ok: true }>['error']): Errors {
  if (error === 'username-taken') return { username: 'register.errors.usernameTaken' };
  if (error === 'email-taken') return { email: 'register.errors.emailTaken' };
  if (error === 'already-has-account') return { key: 'register.key.alreadyHasAccount' };
  return { key: KEY_PROBLEM[error] };
}

/** A double-submitted form: the first created the account; the second, with the same name and password, signs in too. */
async function sameSubmissionAgain({ db }: Deps, v: RegistrationValues): Promise<number | undefined> {
  const account = await db.selectFrom('accounts').select(['id', 'password_hash']).where('username_key', '=', loginKey(v.username)).executeTakeFirst();
  return account && (await verifyPassword(account.password_hash, v.password)) ? account.id : undefined;
}

async function signedInTo(req: Request, res: Response, { db, clock }: Deps, accountId: number, message?: string): Promise<void> {
  await startSession(req, db, clock, accountId);
  if (message) flash(req, message);
  res.redirect(303, '/');
}

async function renderRegister(req: Request, res: Response, { db }: Deps, lookup: Extract<KeyLookup, { ok: true }> | undefined,
  values: Partial<RegistrationValues>, errors: Errors = {}): Promise<void> {
  const terms = lookup ? await termsOfUse(db, lookup.municipalityId) : null;
  const { password: _password, ...refill } = values;
  render(req, res, 'invitations/register', {
    values: refill, errors, terms, paper: lookup?.delivery === 'paper', keyKnown: lookup !== undefined,
  }, Object.keys(errors).length ? 400 : 200);
}

function renderLink(req: Request, res: Response, errors: Errors, status = 200, key?: string): void {
  render(req, res, 'invitations/link', {
    values: { key: key ?? field(req.body, 'key'), username: field(req.body, 'username') }, errors, signedIn: req.account !== undefined,
  }, status);
}

function renderUseKey(req: Request, res: Response, errors: Errors, status = 200): void {
  render(req, res, 'invitations/use-key', { values: { key: field(req.body, 'key') }, errors }, status);
}

