// A NUL character in a form field (no one types one; a fuzzer or a hostile client sends it) is taken out before any
// handler reads the form: PostgreSQL refuses text that holds one, so it answered 500 there where SQLite stored it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';

describe('a NUL character in a form', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  it('is left out: "Glömt lösenord?" answers as for the name without it, signed in or not', async () => {
    const anonymous = request.agent(t.app);
    const sent = await postForm(anonymous, '/password/forgot', '/password/forgot', { name: 'vardnads\u0000havare' });
    assert.equal(sent.status, 200);
    assert.doesNotMatch(sent.text, /class="error-summary"/);
    const emma = await signIn(t.app, 'vardnadshavare3');
    const again = await postForm(emma, '/password/forgot', '/password/forgot', { name: '\u0000' });
    assert.notEqual(again.status, 500);
  });

  it('is left out of a login name: the login works', async () => {
    const agent = request.agent(t.app);
    const res = await postForm(agent, '/login', '/login', { username: 'vardnads\u0000havare', password: DEMO_PASSWORD });
    assert.equal(res.status, 303);
  });
});
