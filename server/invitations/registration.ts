// A guardian with a key: /register_invite/<key> creates the account; "Jag har redan ett konto" and
// "Utnyttja inbjudan" in the settings link the key to an account the guardian already has.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, flash, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import type { HashingOptions } from '../accounts/passwords.ts';
import { addressOf, loginLimits } from '../accounts/login-limits.ts';
import { startSession } from '../accounts/sessions.ts';
import { termsOfUse } from '../people/municipality-terms.ts';
import { formatKey, normalizeKey } from './keys.ts';
import { lookUpKey, markOpened, type KeyLookup } from './queries.ts';
import { KEY_PROBLEM_MESSAGES, type RegistrationValues } from './rules.ts';
import { linkFromForm, registerFromForm, type FormOutcome } from './use-key.ts';

interface Deps { db: Db; clock: Clock; config: Config; dummyHash: string; hashing?: HashingOptions }

export function registrationRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;
  const limits = loginLimits(db, clock, config);

  routes.publicGet('/register_invite', (req, res) => {
    const typed = typeof req.query.key === 'string' ? req.query.key : '';
    if (!typed) return render(req, res, 'invitations/enter-key', { values: { key: '' } });
    const key = normalizeKey(typed);
    if (!key) return render(req, res, 'invitations/enter-key', { values: { key: typed }, errors: { key: { key: 'register.errors.keyFormat' } } }, 400);
    res.redirect(303, `/register_invite/${key}`);
  });

  routes.publicGet('/register_invite/:key', async (req, res) => {
    const key = normalizeKey(String(req.params.key)) ?? '';
    const lookup = key ? await lookUpKey(db, key, clock.now()) : ({ ok: false, problem: 'unknown' } as const);
    if (!lookup.ok) return render(req, res, 'invitations/key-problem', { problem: KEY_PROBLEM_MESSAGES[lookup.problem] });
    await markOpened(db, lookup.keyId, clock.now());
    await renderRegister(req, res, deps, lookup, { key: formatKey(key), email: lookup.email ?? '', email_confirm: lookup.email ?? '' });
  });

  routes.publicPost('/register_invite', async (req, res) => {
    const values = registrationValues(req);
    const outcome = await registerFromForm(db, values, req.language.code, { now: clock.now(), hashing: deps.hashing, limits, address: addressOf(req) });
    if (!outcome.ok) return renderRegister(req, res, deps, outcome.lookup, values, outcome.errors, retryLater(res, outcome));
    await signedInTo(req, res, deps, outcome);
  });

  routes.publicGet('/register_invite/:key/link', async (req, res) => {
    const key = normalizeKey(String(req.params.key));
    renderLink(req, res, {}, 200, key ? formatKey(key) : String(req.params.key));
  });

  routes.publicPost('/register_invite/link', async (req, res) => {
    const holder = req.account
      ? { id: req.account.id, personId: req.account.personId }
      : { username: field(req.body, 'username'), password: field(req.body, 'password'), dummyHash: deps.dummyHash, limits, address: addressOf(req) };
    const outcome = await linkFromForm(db, field(req.body, 'key'), holder, clock.now());
    if (!outcome.ok) return renderLink(req, res, outcome.errors, retryLater(res, outcome));
    if (req.account) return toStartPage(req, res, outcome);
    await signedInTo(req, res, deps, outcome);
  });

  routes.get('/settings/invitation', 'account.invitation.use', (req, res) => renderUseKey(req, res, {}));

  routes.post('/settings/invitation', 'account.invitation.use', async (req, res, { account }) => {
    const outcome = await linkFromForm(db, field(req.body, 'key'), account, clock.now());
    if (!outcome.ok) return renderUseKey(req, res, outcome.errors, outcome.status);
    toStartPage(req, res, outcome);
  });
}

/** The status of a refused form; a limited one says when to try again. */
function retryLater(res: Response, outcome: Extract<FormOutcome, { ok: false }>): number {
  if (outcome.retryAfter !== undefined) res.set('Retry-After', String(outcome.retryAfter));
  return outcome.status;
}

function registrationValues(req: Request): RegistrationValues {
  const f = (name: string) => field(req.body, name);
  return { key: f('key'), username: f('username'), email: f('email'), email_confirm: f('email_confirm'), name: f('name'), password: f('password'), terms: f('terms') };
}

async function signedInTo(req: Request, res: Response, { db, clock }: Deps, outcome: Extract<FormOutcome, { ok: true }>): Promise<void> {
  await startSession(req, db, clock, outcome.accountId);
  toStartPage(req, res, outcome);
}

function toStartPage(req: Request, res: Response, outcome: Extract<FormOutcome, { ok: true }>): void {
  if (outcome.message) flash(req, outcome.message);
  res.redirect(303, '/');
}

async function renderRegister(req: Request, res: Response, { db }: Deps, lookup: Extract<KeyLookup, { ok: true }> | undefined,
  values: Partial<RegistrationValues>, errors: FieldErrors = {}, status?: number): Promise<void> {
  const terms = lookup ? await termsOfUse(db, lookup.municipalityId) : null;
  const { password: _password, ...refill } = values;
  render(req, res, 'invitations/register', {
    values: refill, errors, terms, paper: lookup?.delivery === 'paper', keyKnown: lookup !== undefined,
  }, status ?? (hasErrors(errors) ? 400 : 200));
}

function renderLink(req: Request, res: Response, errors: FieldErrors, status = 200, key?: string): void {
  render(req, res, 'invitations/link', {
    values: { key: key ?? field(req.body, 'key'), username: field(req.body, 'username') }, errors, signedIn: req.account !== undefined,
  }, status);
}

function renderUseKey(req: Request, res: Response, errors: FieldErrors, status = 200): void {
  render(req, res, 'invitations/use-key', { values: { key: field(req.body, 'key') }, errors }, status);
}
