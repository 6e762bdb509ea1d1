// A guardian with a key: /register_invite/<key> creates the account; "Jag har redan ett konto" and
// "Utnyttja inbjudan" in the settings link the key to an account the guardian already has.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, flash, type RouteTable } from '../kernel/http.ts';
import { languageByCode, useLanguage, type Language } from '../kernel/i18n.ts';
import { render } from '../kernel/views.ts';
import type { HashingOptions } from '../accounts/passwords.ts';
import { addressOf, loginLimits } from '../accounts/login-limits.ts';
import { startSession } from '../accounts/sessions.ts';
import { termsOfUse } from '../people/municipality-terms.ts';
import { placementsOfChildren, registeredPerson } from '../people/queries.ts';
import { formatKey, normalizeKey } from './keys.ts';
import { invitationChildren, lookUpKey, markOpened, type KeyLookup } from './queries.ts';
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
    const person = await registeredPerson(db, lookup.guardianId);
    const name = person ? `${person.firstName} ${person.lastName}` : '';
    await renderRegister(req, res, deps, lookup, { key: formatKey(key), email: lookup.email ?? '', email_confirm: lookup.email ?? '', name });
  });

  routes.publicPost('/register_invite', async (req, res) => {
    const values = registrationValues(req);
    // The language chosen in this session, or else (undefined) the invitation's.
    const chosen = languageByCode(req.session.language)?.code;
    const outcome = await registerFromForm(db, values, chosen, { now: clock.now(), hashing: deps.hashing, limits, address: addressOf(req) });
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

async function renderRegister(req: Request, res: Response, { db, clock }: Deps, lookup: Extract<KeyLookup, { ok: true }> | undefined,
  values: Partial<RegistrationValues>, errors: FieldErrors = {}, status?: number): Promise<void> {
  if (lookup) speakInvitationLanguage(req, lookup.language);
  const [terms, children] = lookup
    ? await Promise.all([termsOfUse(db, lookup.municipalityId), invitedChildren(db, lookup.invitationId, today(clock))])
    : [null, []];
  const { password: _password, ...refill } = values;
  render(req, res, 'invitations/register', {
    values: refill, errors, terms, paper: lookup?.delivery === 'paper', keyKnown: lookup !== undefined,
    invitationFor: children.length ? req.t('register.invitationFor', { children: childrenAtUnits(req.t, req.language, children) }) : null,
  }, status ?? (hasErrors(errors) ? 400 : 200));
}

/**
 * The registration speaks the invitation's language (the one staff chose for this guardian), unless the guardian
 * chose another in this session: then theirs. Only for this answer: a public page writes no session (an anonymous
 * flood must not fill the session table), and the form's answer takes the invitation's language again.
 */
function speakInvitationLanguage(req: Request, code: string): void {
  const language = languageByCode(code);
  if (!language || req.account || languageByCode(req.session.language)) return;
  useLanguage(req, language);
}

/** The children the invitation is for, each with the unit of their first current or coming placement. */
async function invitedChildren(db: Db, invitationId: number, day: string): Promise<{ firstName: string; unitName: string }[]> {
  const placements = await placementsOfChildren(db, await invitationChildren(db, invitationId), day);
  const seen = new Set<number>();
  return placements.filter((p) => !seen.has(p.childId) && seen.add(p.childId));
}

/** "Lisa på Förskolan Solrosen", "Lisa och Olle på Förskolan Solrosen", or each unit's children in turn. */
function childrenAtUnits(t: Request['t'], language: Language, children: { firstName: string; unitName: string }[]): string {
  const list = new Intl.ListFormat(language.locale, { type: 'conjunction' });
  const units = [...new Set(children.map((c) => c.unitName))];
  return list.format(units.map((unit) => t('register.childrenAt', {
    names: list.format(children.filter((c) => c.unitName === unit).map((c) => c.firstName)), unit,
  })));
}

function renderLink(req: Request, res: Response, errors: FieldErrors, status = 200, key?: string): void {
  render(req, res, 'invitations/link', {
    values: { key: key ?? field(req.body, 'key'), username: field(req.body, 'username') }, errors, signedIn: req.account !== undefined,
  }, status);
}

function renderUseKey(req: Request, res: Response, errors: FieldErrors, status = 200): void {
  render(req, res, 'invitations/use-key', { values: { key: field(req.body, 'key') }, errors }, status);
}
