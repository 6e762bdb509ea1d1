// Who is asking: on every request with a session, the signed-in account (a closed account signs out) and what the
// account may do as its person (the actor the policy asks about); for a full page also what the header counts.
import type { Request, RequestHandler } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { AuthLevel } from '../kernel/policy.ts';
import { loadActor } from '../people/relations.ts';
import { findSignedInAccount } from './queries.ts';
import { municipalityOfPerson } from '../people/audit-scope.ts';
import type { LoginSettingsOf } from './sms-login.ts';
import { authLevelOf, DEFAULT_STRONG_IDLE_MINUTES, strongMunicipalities } from './strength.ts';

interface Deps {
  db: Db;
  clock: Clock;
  /** What a full page's header shows for the account (the unread counts), read together with the actor. */
  headerCounts: (accountId: number) => Promise<object>;
  /** What a page's footer names for the person (their municipality and units), read together with the actor. */
  pageFrame?: (personId: number, today: string) => Promise<object>;
  /** The municipality's login settings (its strong login's idle minutes), from app.ts. */
  loginSettings: LoginSettingsOf;
}

export function signedInUser({ db, clock, headerCounts, pageFrame, loginSettings }: Deps): RequestHandler {
  return async (req, res, next) => {
    const accountId = req.session?.accountId;
    if (accountId === undefined) return next();
    const account = await findSignedInAccount(db, accountId);
    if (!account) {
      delete req.session.accountId;
      return next();
    }
    req.account = account;
    // An htmx swap or a form post has no header: nothing to count (the layout's base data shows none).
    const fullPage = req.method === 'GET' && !req.get('HX-Request');
    // A plain form post may answer with its page again (a field to correct): that page has a footer too.
    const framed = pageFrame && !req.get('HX-Request') && (req.method === 'GET' || req.method === 'POST');
    const [level, actor, counts, frame] = await Promise.all([
      authLevel(req, db, clock, account.personId, loginSettings),
      loadActor(db, { id: account.id, person_id: account.personId }, 'password', today(clock)),
      fullPage ? headerCounts(account.id) : undefined,
      framed ? pageFrame(account.personId, today(clock)) : undefined,
    ]);
    // A strong login counts for the municipalities that made it strong (a session marked before they were kept: none).
    const strongIn = new Set(level === 'strong' ? strongMunicipalities(req) : []);
    req.actor = { ...actor, authLevel: strongIn.size > 0 ? 'strong' : 'password', strongIn };
    if (counts) res.locals.unread = counts;
    if (frame) res.locals.frame = frame;
    next();
  };
}

/**
 * How strong the session's login is now (strength.ts; a request the person made keeps it strong, a page's own polling
 * does not: isPoll). Only a session marked strong costs anything: the idle minutes of the account's municipality (E2's
 * login settings), two primary-key reads.
 */
async function authLevel(req: Request, db: Db, clock: Clock, personId: number, loginSettings: LoginSettingsOf): Promise<AuthLevel> {
  if (!req.session.strong) return 'password';
  const municipalityId = await municipalityOfPerson(db, personId);
  const strongIdleMinutes = municipalityId === undefined ? DEFAULT_STRONG_IDLE_MINUTES : (await loginSettings(municipalityId)).strongIdleMinutes;
  return authLevelOf(req, clock.now(), strongIdleMinutes);
}
