// A browser follows a redirect as soon as its headers arrive. What the redirecting request put in the session (a
// login, a flash message) must be stored by then, or the next page does not see it. Here the store takes 300 ms for
// each write (PostgreSQL under load took long enough to lose a login and a flash in the browser tests), and the next
// request goes out the moment the 303's headers are in.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DatabaseSessionStore } from '../../server/kernel/session-store.ts';
import { csrfFrom, startTestApp, type TestApp } from '../support/app.ts';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';

/** Sends a form and resolves with the answer's status, Location and cookie as soon as its headers arrive. */
function headersOf(port: number, path: string, cookie: string, form: Record<string, string>): Promise<{ status: number; location: string; cookie: string }> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: {
      cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body),
    } }, (res) => {
      resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? '', cookie: String(res.headers['set-cookie'] ?? cookie).split(';')[0] });
      res.resume();
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a redirect and the session it follows', () => {
  let t: TestApp;
  let server: http.Server;
  const set = DatabaseSessionStore.prototype.set;

  before(async () => {
    t = await startTestApp();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    DatabaseSessionStore.prototype.set = function slowSet(this: DatabaseSessionStore, ...args: Parameters<typeof set>) {
      setTimeout(() => set.apply(this, args), 300);
    };
  });
  after(async () => {
    DatabaseSessionStore.prototype.set = set;
    server.close();
    await t.close();
  });

  it('stores a login before the redirect goes out: the page asked for next is the start page, not the login page', async () => {
    const { port } = server.address() as AddressInfo;
    const page = await request(server).get('/login');
    const anonymous = String(page.headers['set-cookie'] ?? '').split(';')[0];
    const login = await headersOf(port, '/login', anonymous, { _csrf: csrfFrom(page.text), username: 'vardnadshavare', password: DEMO_PASSWORD });
    assert.equal(login.status, 303);
    const next = await request(server).get(login.location).set('Cookie', login.cookie);
    assert.equal(next.status, 200, `the next page answered ${next.status} ${next.headers.location ?? ''}`);
    assert.match(next.text, /Logga ut/);
  });
});
