// Strong sessions for tests without an e-ID provider: a session is made strong in the session store itself, the way the
// e-ID callback's markStrong leaves it (server/accounts/strength.ts). No route of a real server does this.
import request from 'supertest';
import type express from 'express';
import type { Db } from '../../server/kernel/db.ts';
import { SESSION_COOKIE } from '../../server/accounts/routes.ts';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { postForm, type Agent } from './app.ts';

/** The acr a strong e-ID login carries in the tests' municipality settings. */
export const STRONG_ACR = 'urn:se:bankid:strong';

/** The session id in a response's Set-Cookie header (the signed cookie `s:<sid>.<signature>`). */
export function sessionIdOf(setCookie: unknown): string {
  const cookies = Array.isArray(setCookie) ? setCookie.map(String) : [String(setCookie ?? '')];
  const value = cookies.map((c) => c.split(';')[0]).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
  const sid = value && decodeURIComponent(value).match(/^s:([^.]+)\./)?.[1];
  if (!sid) throw new Error('No session cookie in the answer');
  return sid;
}

/** An agent logged in with a password (a weak session), and its session id. */
export async function signInWithSession(app: express.Express, username: string): Promise<{ agent: Agent; sid: string }> {
  const agent = request.agent(app);
  const res = await postForm(agent, '/login', '/login', { username, password: DEMO_PASSWORD });
  if (res.status !== 303) throw new Error(`Login as ${username} failed with ${res.status}`);
  return { agent, sid: sessionIdOf(res.headers['set-cookie']) };
}

/**
 * Marks the stored session strong as of `at` (what the e-ID callback does after checking the acr), for the records of
 * `municipalityIds` (default: every municipality, as if each one's e-ID had been used).
 */
export async function markSessionStrong(db: Db, sid: string, at: Date, acr = STRONG_ACR, municipalityIds?: number[]): Promise<void> {
  const row = await db.selectFrom('sessions').select('sess').where('sid', '=', sid).executeTakeFirstOrThrow();
  const sess = JSON.parse(row.sess) as Record<string, unknown>;
  const everywhere = municipalityIds ?? (await db.selectFrom('municipalities').select('id').execute()).map((m) => m.id);
  sess.strong = { at: at.toISOString(), seenAt: at.toISOString(), acr, municipalityIds: everywhere };
  await db.updateTable('sessions').set({ sess: JSON.stringify(sess) }).where('sid', '=', sid).execute();
}

/** The stored session's fields (to see what a request left in it). */
export async function storedSession(db: Db, sid: string): Promise<Record<string, unknown> | undefined> {
  const row = await db.selectFrom('sessions').select('sess').where('sid', '=', sid).executeTakeFirst();
  return row && (JSON.parse(row.sess) as Record<string, unknown>);
}

/** An agent with a strong session (signed in with a password, then made strong). */
export async function signInStrong(app: express.Express, db: Db, username: string, at: Date): Promise<{ agent: Agent; sid: string }> {
  const signedIn = await signInWithSession(app, username);
  await markSessionStrong(db, signedIn.sid, at);
  return signedIn;
}

/** Turns on the municipality's e-ID login (E2's e_id_settings), pointing at `issuer`. */
export async function enableEId(db: Db, municipalityId: number, issuer = 'https://e-id.example.test', at = new Date()): Promise<void> {
  const by = await db.selectFrom('persons').select('id').where('municipality_id', '=', municipalityId).orderBy('id').executeTakeFirstOrThrow();
  await db.deleteFrom('e_id_settings').where('municipality_id', '=', municipalityId).execute();
  await db.insertInto('e_id_settings').values({
    municipality_id: municipalityId, enabled: 1, issuer, client_id: 'vardag', strong_acr: STRONG_ACR, changed_by: by.id, changed_at: at.toISOString(),
  }).execute();
}

/** Turns the municipality's "documentation needs a strong login" on or off (its documentation settings). */
export async function setDocumentationStrongLogin(db: Db, municipalityId: number, on: boolean): Promise<void> {
  const existing = await db.selectFrom('documentation_settings').select('municipality_id').where('municipality_id', '=', municipalityId).executeTakeFirst();
  if (existing) {
    await db.updateTable('documentation_settings').set({ strong_login: on ? 1 : 0 }).where('municipality_id', '=', municipalityId).execute();
  } else {
    await db.insertInto('documentation_settings').values({
      municipality_id: municipalityId, image_max_mb: 25, video_max_mb: 200, video_max_seconds: 120, audio_max_mb: 25, audio_max_seconds: 300,
      export_grace_days: 90, strong_login: on ? 1 : 0,
    }).execute();
  }
}
