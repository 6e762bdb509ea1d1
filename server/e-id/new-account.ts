// An account by e-ID (seed 004): a legal guardian without an invitation logs in with e-ID, the callback (callback.ts)
// matches them by personnummer and, finding no account, keeps the match in `req.session.eIdPending`; here they register
// an e-mail address (and choose a username and a language) and have an account, in one transaction, signed in at once.
// The account has no usable password: it is an e-ID login account ("Glömt lösenord" can give it one later).
// The address is not trusted because it was typed: it is stored as an address waiting for its link (settings-queries
// `addEmail`), mailed through the outbox like one added under "Mina inställningar", and no mail goes to it (not a
// password reset link either) until its holder opens the link. Then it is the account's address (mail and reset links
// go to it; "Mina inställningar" can make it the login address too).
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { isUniqueViolation } from '../../db/sql.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, flash, type RouteTable } from '../kernel/http.ts';
import { DEFAULT_LANGUAGE, LANGUAGES, languageByCode } from '../kernel/i18n.ts';
import { render } from '../kernel/views.ts';
import { HashingBusy, hashPassword, type HashingOptions } from '../accounts/passwords.ts';
import { queueVerifyEmailMail } from '../accounts/mails.ts';
import { createAccount, loginTaken, personHasAccount } from '../accounts/queries.ts';
import { addEmail, VERIFY_LINK_HOURS } from '../accounts/settings-queries.ts';
import { startSession } from '../accounts/sessions.ts';
import { markStrong } from '../accounts/strength.ts';
import { termsOfUse } from '../people/municipality-terms.ts';
import { childrenOfGuardian, personForAccount, type PersonForAccount } from '../people/queries.ts';
import { eIdConfigOf } from './settings.ts';
import { freshPending, refusalFor, suggestedUsername, validateNewAccount, type NewAccountValues, type Pending, type Refusal } from './new-account-rules.ts';

interface Deps { db: Db; clock: Clock; publicUrl: string; hashing?: HashingOptions }

export const NEW_ACCOUNT_PATH = '/account/new/e-id';

type Outcome =
  | { ok: true; accountId: number; email: string }
  | { ok: false; refusal: Refusal }
  | { ok: false; errors: FieldErrors; status: 400 | 429; retryAfter?: number };

export function newAccountRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.publicGet(NEW_ACCOUNT_PATH, async (req, res) => {
    const pending = freshPending(req.session?.eIdPending, clock.now());
    if (!pending) return renderProblem(req, res, 'expired', 200);
    const applicant = await applicantFor(db, pending, today(clock));
    if (applicant.refusal) return renderProblem(req, res, applicant.refusal, 200);
    const { person } = applicant;
    await renderForm(req, res, deps, pending, person, {
      email: person.email ?? '', email_confirm: '', username: suggestedUsername(person.firstName, person.lastName),
      language: req.language.code, terms: '',
    });
  });

  routes.publicPost(NEW_ACCOUNT_PATH, async (req, res) => {
    const pending = freshPending(req.session?.eIdPending, clock.now());
    if (!pending) return renderProblem(req, res, 'expired', 400);
    const values = formValues(req);
    const outcome = await createEIdAccount(deps, pending, values);
    if (!outcome.ok && 'refusal' in outcome) return renderProblem(req, res, outcome.refusal, 400);
    if (!outcome.ok) {
      if (outcome.retryAfter !== undefined) res.set('Retry-After', String(outcome.retryAfter));
      const person = await personForAccount(db, pending.personId);
      if (!person) return renderProblem(req, res, 'protected', 400);
      return renderForm(req, res, deps, pending, person, values, outcome.errors, outcome.status);
    }
    // A new session id (startSession regenerates it): the pending login is gone with the old session, used once.
    await startSession(req, db, clock, outcome.accountId);
    const config = await eIdConfigOf(db, pending.municipalityId);
    if (config?.strongAcr.includes(pending.acr)) markStrong(req, clock.now(), pending.acr, pending.municipalityId);
    const language = languageByCode(values.language);
    if (language) req.session.language = language.code;
    // The next page tells where the link went and that the address is used only once confirmed.
    flash(req, { key: 'eIdAccount.createdConfirmEmail', params: { email: outcome.email, hours: VERIFY_LINK_HOURS } });
    res.redirect(303, '/');
  });
}

function formValues(req: Request): NewAccountValues {
  const f = (name: string) => field(req.body, name);
  return { email: f('email'), email_confirm: f('email_confirm'), username: f('username'), language: f('language'), terms: f('terms') };
}

/** The matched person, or why no account is made for them (asked again in the transaction that makes it). */
async function applicantFor(db: Db, pending: Pending, day: string): Promise<{ refusal: Refusal; person?: undefined } | { refusal?: undefined; person: PersonForAccount }> {
  const person = await personForAccount(db, pending.personId);
  const [children, hasAccount] = await Promise.all([
    person ? childrenOfGuardian(db, person.id, day) : [], person ? personHasAccount(db, person.id) : false,
  ]);
  const refusal = refusalFor(person && person.municipalityId === pending.municipalityId ? person : undefined, { guardian: children.length > 0, hasAccount });
  if (refusal || !person) return { refusal: refusal ?? 'protected' };
  return { person };
}

/**
 * Makes the account: the form's rules and the cheap check (a free username) first, then the password
 * hash of a secret nobody knows (so a password login to it is refused like any wrong password, in the same time), then
 * the account in one transaction that asks again whether the person may have one. Two forms at once make one account:
 * the second finds it (a unique key of accounts) and is told the account exists. The address typed is no login and
 * no mail goes to it yet: it waits for its link (mailed in the same transaction), so any address may be typed, as
 * under "Mina inställningar" (two guardians of a household may share one), and the answer tells nothing of other accounts.
 */
async function createEIdAccount({ db, clock, publicUrl, hashing }: Deps, pending: Pending, values: NewAccountValues): Promise<Outcome> {
  const now = clock.now();
  const errors = validateNewAccount(values);
  const applicant = await applicantFor(db, pending, today(clock));
  if (applicant.refusal) return { ok: false, refusal: applicant.refusal };
  if (hasErrors(errors)) return { ok: false, errors, status: 400 };
  const email = values.email.trim();
  const taken = await takenFields(db, values.username);
  if (hasErrors(taken)) return { ok: false, errors: taken, status: 400 };
  let passwordHash: string;
  try {
    passwordHash = await hashPassword(crypto.randomBytes(32).toString('base64url'), hashing);
  } catch (err) {
    if (!(err instanceof HashingBusy)) throw err;
    return { ok: false, errors: { form: { key: 'login.errors.busy' } }, status: 429, retryAfter: err.retryAfter };
  }
  try {
    return await db.transaction().execute(async (trx): Promise<Outcome> => {
      const again = await applicantFor(trx, pending, today(clock));
      if (again.refusal) return { ok: false, refusal: again.refusal };
      const meanwhile = await takenFields(trx, values.username);
      if (hasErrors(meanwhile)) return { ok: false, errors: meanwhile, status: 400 };
      const language = (languageByCode(values.language) ?? DEFAULT_LANGUAGE).code;
      const accountId = await createAccount(trx, {
        personId: pending.personId, username: values.username.trim(), email: null, passwordHash, language,
      }, now);
      const added = await addEmail(trx, { id: accountId, email: null }, email, now);
      if (!added.ok) throw new Error(`a new account ${accountId} already had the address (${added.error})`);
      await queueVerifyEmailMail(trx, publicUrl, email, { firstName: again.person.firstName, language, municipalityId: pending.municipalityId }, added.token, now);
      return { ok: true, accountId, email };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'accounts.person_id')) return { ok: false, refusal: 'has-account' };
    if (isUniqueViolation(err, 'accounts.username_key')) return { ok: false, errors: { username: { key: 'register.errors.usernameTaken' } }, status: 400 };
    throw err;
  }
}

/** A username that is already some account's login (usernames and login addresses are matched alike at login). */
async function takenFields(db: Db, username: string): Promise<FieldErrors> {
  return (await loginTaken(db, username)) ? { username: { key: 'register.errors.usernameTaken' } } : {};
}

async function renderForm(req: Request, res: Response, { db, clock }: Deps, pending: Pending, person: PersonForAccount,
  values: NewAccountValues, errors: FieldErrors = {}, status = 200): Promise<void> {
  const [terms, children] = await Promise.all([termsOfUse(db, pending.municipalityId), childrenOfGuardian(db, person.id, today(clock))]);
  render(req, res, 'e-id/new-account', {
    values, errors, terms, languages: LANGUAGES, name: `${person.firstName} ${person.lastName}`,
    children: [...new Set(children.map((c) => c.firstName))],
  }, status);
}

function renderProblem(req: Request, res: Response, problem: Refusal | 'expired', status: number): void {
  render(req, res, 'e-id/new-account-problem', { problem }, status);
}
