// Links in mails and on paper invitations are made from PUBLIC_URL. On a real database, the first request that reaches
// Vardag by another host or protocol than PUBLIC_URL's, or through a proxy while TRUST_PROXY is off, is noted once in
// app_meta (every process reads the same note), and the administrators' start page says what was seen and what to set.
import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import type { Clock } from './clock.ts';
import type { Db } from './db.ts';
import { log } from './log.ts';

export interface PublicUrlMismatch {
  /** The address the request came to, as the app saw it ("http://10.0.0.5:3000"). */
  seen: string;
  /** The request came with a proxy's X-Forwarded-* or Forwarded header while TRUST_PROXY was off. */
  proxy: boolean;
  /** When (ISO time). */
  at: string;
}

type Settings = Pick<Config, 'publicUrl' | 'trustProxy'>;

const PROXY_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'];

/** One note per PUBLIC_URL and TRUST_PROXY: once the operator changes them, the old note no longer applies. */
function noteKey(settings: Settings): string {
  return `public_url_mismatch ${settings.publicUrl} trust_proxy=${String(settings.trustProxy)}`;
}

/**
 * Compares each request's host and protocol with PUBLIC_URL's (a few string comparisons) until this process has noted
 * a mismatch; then it does nothing more. Of several processes, the first note stays (insert if none).
 */
export function watchPublicUrl({ db, clock, config }: { db: Db; clock: Clock; config: Settings }): RequestHandler {
  const expected = new URL(config.publicUrl);
  const host = expected.host.toLowerCase();
  const protocol = expected.protocol.replace(/:$/, '');
  const key = noteKey(config);
  let noted = false;
  return (req, _res, next) => {
    if (noted) return next();
    const proxy = config.trustProxy === false && PROXY_HEADERS.some((name) => req.headers[name] !== undefined);
    const seenHost = (req.host ?? '').toLowerCase();
    if (!proxy && seenHost === host && req.protocol === protocol) return next();
    noted = true;
    const note: PublicUrlMismatch = { seen: `${req.protocol}://${shownHost(seenHost)}`, proxy, at: clock.now().toISOString() };
    db.insertInto('app_meta').values({ key, value: JSON.stringify(note) }).onConflict((oc) => oc.column('key').doNothing()).execute()
      .then(() => next(), (err: unknown) => {
        noted = false; // tried again on a later request
        log.error({ err }, 'Could not note that a request did not match PUBLIC_URL');
        next();
      });
  };
}

/** A Host header is the client's to write: only a plausible host name and port is kept, shortened. */
function shownHost(host: string): string {
  return /^[a-z0-9.\-:[\]]{1,100}$/.test(host) ? host : '?';
}

/** The note of the first request that did not match the current PUBLIC_URL and TRUST_PROXY, if any came. */
export async function publicUrlMismatch(db: Db, settings: Settings): Promise<PublicUrlMismatch | undefined> {
  const row = await db.selectFrom('app_meta').select('value').where('key', '=', noteKey(settings)).executeTakeFirst();
  if (!row) return undefined;
  try {
    const note = JSON.parse(row.value) as PublicUrlMismatch;
    return typeof note.seen === 'string' && typeof note.at === 'string' ? { seen: note.seen, proxy: note.proxy === true, at: note.at } : undefined;
  } catch {
    return undefined;
  }
}
