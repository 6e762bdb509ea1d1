import session from 'express-session';
import type { NextFunction, Request, Response } from 'express';
import { prepared, type Db } from './db.ts';

type Callback<T> = (err?: unknown, value?: T) => void;
export interface SessionWithAccount extends session.SessionData { accountId?: number }

const MINUTE = 60_000;

const writeSession = prepared((db: Db, sid: string, sess: string, expires: number, accountId: number | null) => db.insertInto('sessions')
  .values({ sid, sess, expires, account_id: accountId })
  .onConflict((oc) => oc.column('sid').doUpdateSet({ sess, expires, account_id: accountId })));

const readSession = prepared((db: Db, sid: string, now: number) =>
  db.selectFrom('sessions').select(['sess', 'expires']).where('sid', '=', sid).where('expires', '>', now));

/**
 * express-session's store on our own database. Each row carries the account id, so a user's other sessions can be
 * listed and ended. Few sessions are anonymous (a public form's CSRF token needs none: see csrf.ts; a language chosen
 * before login, a one-time message after a password reset), and they are capped in number, so a flood of visitors
 * cannot fill the disk: past the cap the oldest anonymous rows go first.
 */
export class DatabaseSessionStore extends session.Store {
  private readonly timer: NodeJS.Timeout;
  /** The expiry each session had when last read, so a touch that would change nothing writes nothing. */
  private readonly knownExpiry = new Map<string, number>();

  constructor(private readonly db: Db, private readonly options: { maxAnonymous: number; now: () => number }) {
    super();
    this.timer = setInterval(() => void this.prune(), 10 * MINUTE);
    this.timer.unref();
  }

  async prune(): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires', '<=', this.options.now()).execute();
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    this.settle(callback, async () => {
      const [row] = await readSession(this.db, sid, this.options.now());
      if (!row) return null;
      this.remember(sid, Number(row.expires));
      return JSON.parse(row.sess) as session.SessionData;
    });
  }

  override set(sid: string, data: session.SessionData, callback?: Callback<void>): void {
    this.settle(callback, async () => {
      const row = { sid, sess: JSON.stringify(data), expires: this.expiry(data), account_id: (data as SessionWithAccount).accountId ?? null };
      await writeSession(this.db, row.sid, row.sess, row.expires, row.account_id);
      if (row.account_id === null) await this.capAnonymous();
    });
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    // Rolling sessions touch on every request; write only when the expiry moved by more than a minute.
    const expires = this.expiry(data);
    const known = this.knownExpiry.get(sid);
    if (known !== undefined && known >= expires - MINUTE) {
      callback?.();
      return;
    }
    this.settle(callback, async () => {
      await this.db.updateTable('sessions').set({ expires })
        .where('sid', '=', sid).where('expires', '<', expires - MINUTE).execute();
      this.remember(sid, expires);
    });
  }

  override destroy(sid: string, callback?: Callback<void>): void {
    this.knownExpiry.delete(sid);
    this.settle(callback, async () => {
      await this.db.deleteFrom('sessions').where('sid', '=', sid).execute();
    });
  }

  close(): void {
    clearInterval(this.timer);
  }

  private remember(sid: string, expires: number): void {
    if (this.knownExpiry.size >= 10_000) this.knownExpiry.clear();
    this.knownExpiry.set(sid, expires);
  }

  private expiry(data: session.SessionData): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : this.options.now() + 120 * MINUTE;
  }

  private async capAnonymous(): Promise<void> {
    const { n } = await this.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', 'is', null).executeTakeFirstOrThrow();
    const excess = Number(n) - this.options.maxAnonymous;
    if (excess <= 0) return;
    const oldest = this.db.selectFrom('sessions').select('sid').where('account_id', 'is', null).orderBy('expires').limit(excess);
    await this.db.deleteFrom('sessions').where('sid', 'in', oldest).execute();
  }

  private settle<T>(callback: Callback<T> | undefined, work: () => Promise<T>): void {
    work().then((value) => callback?.(undefined, value), (err: unknown) => callback?.(err));
  }
}

/** Ends every session of an account but the one given (password reset, "log out my other devices"). */
export async function endOtherSessions(db: Db, accountId: number, keepSid?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (keepSid) query = query.where('sid', '!=', keepSid);
  await query.execute();
}

export interface StoredSessionRow { sid: string; sess: string; expires: number }

/** The account's sessions that have not expired by `now` (without it, all of them), the one that lasts longest first. */
export async function sessionsOfAccount(db: Db, accountId: number, now?: Date): Promise<StoredSessionRow[]> {
  let query = db.selectFrom('sessions').select(['sid', 'sess', 'expires']).where('account_id', '=', accountId);
  if (now) query = query.where('expires', '>', now.getTime());
  return query.orderBy('expires', 'desc').execute();
}

/** Ends one session, if it is the account's. */
export async function endSessionOfAccount(db: Db, accountId: number, sid: string): Promise<void> {
  await db.deleteFrom('sessions').where('sid', '=', sid).where('account_id', '=', accountId).execute();
}

/**
 * Makes a redirect wait until the session is stored. A browser follows a 303 as soon as its headers arrive, and
 * express-session stores the session while the response ends, after the headers have gone: the page asked for next
 * could read the session from before this request and miss what it put there (a login, a flash message). Seen on
 * PostgreSQL, whose writes take longer: "logged in" and sent back to the login page, "Ta tillbaka" without its message.
 * A session with nothing in it (an anonymous visitor) is not stored, as before.
 */
export function storeSessionBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const holdsSomething = req.session && Object.keys(req.session).some((key) => key !== 'cookie');
    if (!holdsSomething) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
}
