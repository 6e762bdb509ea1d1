import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { loadConfig } from '../../server/config.ts';
import { csrfFrom, startTestApp } from '../support/app.ts';

describe('configuration', () => {
  it('reads TRUST_PROXY as hops, a boolean or addresses', () => {
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy, 'loopback');
    assert.equal(loadConfig({}).trustProxy, false);
  });

  it('behind one proxy with TLS, the session cookie is Secure and each visitor keeps their own address', async () => {
    const t = await startTestApp({ env: { TRUST_PROXY: '1', LOGIN_LIMIT_PER_ADDRESS: '2' } });
    try {
      const login = async (address: string, password = 'vardag-demo') => {
        // The cookie is Secure, so it is passed on by hand: the test talks plain HTTP to the app behind the "proxy".
        const page = await request(t.app).get('/login').set('X-Forwarded-Proto', 'https').set('X-Forwarded-For', address);
        const cookie = String(page.headers['set-cookie']).split(';')[0];
        return request(t.app).post('/login').set('Cookie', cookie).set('X-Forwarded-Proto', 'https').set('X-Forwarded-For', address)
          .type('form').send({ _csrf: csrfFrom(page.text), username: 'pedagog', password });
      };
      const first = await login('203.0.113.1');
      assert.equal(first.status, 303);
      assert.match(String(first.headers['set-cookie']), /Secure/);
      // The limit counts failures only: two wrong passwords from one address, and the next attempt from it is limited.
      assert.equal((await login('203.0.113.1', 'fel')).status, 401);
      assert.equal((await login('203.0.113.1', 'fel')).status, 401);
      assert.equal((await login('203.0.113.1')).status, 429, 'the attempt after two failures from one address is limited');
      assert.equal((await login('203.0.113.2')).status, 303, 'another address behind the same proxy is not');
    } finally {
      await t.close();
    }
  });
});
