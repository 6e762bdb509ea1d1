// A browser whose session holds a pending e-ID login, as server/e-id/callback.ts leaves it for a guardian it matched who
// has no account yet (`req.session.eIdPending`): the way to test "an account by e-ID" (server/e-id/new-account.ts)
// without the provider's round trip. The session row is written as the app's session store keeps it, and the cookie
// signed with the test apps' session secret (test/support/app.ts).
import crypto from 'node:crypto';
import request from 'supertest';
import { SESSION_COOKIE } from '../../server/accounts/routes.ts';
import type { Agent, TestApp } from './app.ts';

/** The session cookie (name and signed value) of a new session holding a pending e-ID login, in `language` if given. */
export async function pendingEIdCookie(
  t: TestApp, pending: { municipalityId: number; personId: number; acr: string; minutesAgo?: number; language?: string },
): Promise<{ sid: string; name: string; value: string }> {
  const sid = crypto.randomBytes(24).toString('base64url');
  const at = new Date(t.clock.now().getTime() - (pending.minutesAgo ?? 1) * 60_000).toISOString();
  const expires = Math.max(Date.now(), t.clock.now().getTime()) + 3_600_000;
  const sess = {
    cookie: { originalMaxAge: 3_600_000, expires: new Date(expires).toISOString(), httpOnly: true, path: '/', sameSite: 'lax' },
    eIdPending: { municipalityId: pending.municipalityId, personId: pending.personId, acr: pending.acr, at },
    ...(pending.language ? { language: pending.language } : {}),
  };
  await t.db.insertInto('sessions').values({ sid, sess: JSON.stringify(sess), expires, account_id: null }).execute();
  const signature = crypto.createHmac('sha256', 'test-secret').update(sid).digest('base64').replace(/=+$/, '');
  return { sid, name: SESSION_COOKIE, value: encodeURIComponent(`s:${sid}.${signature}`) };
}

export async function pendingEIdAgent(
  t: TestApp, pending: { municipalityId: number; personId: number; acr: string; minutesAgo?: number },
): Promise<{ agent: Agent; sid: string }> {
  const cookie = await pendingEIdCookie(t, pending);
  const agent = request.agent(t.app);
  agent.jar.setCookie(`${cookie.name}=${cookie.value}; Path=/`, '127.0.0.1', '/');
  return { agent, sid: cookie.sid };
}
