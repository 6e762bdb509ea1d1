// The log: JSON lines, with no personnummer, e-mail address, phone number or name of a person in any of them, even
// when an error's text quotes one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { captureLog, log, scrub } from '../../server/kernel/log.ts';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { refuseInserts } from '../support/database.ts';
import { personId } from '../support/demo.ts';

describe('scrub', () => {
  it('replaces personnummer, samordningsnummer, e-mail addresses and phone numbers', () => {
    for (const [text, expected] of [
      ['child 20121212-1212 failed', 'child [personnummer] failed'],
      ['child 121212-1212 failed', 'child [personnummer] failed'],
      ['child 201212121212 failed', 'child [personnummer] failed'],
      ['born 121212+1212', 'born [personnummer]'],
      ['samordningsnummer 701063-2391', 'samordningsnummer [personnummer]'],
      ['550 5.1.1 <emma.svensson@exempel.se>: unknown', '550 5.1.1 <[e-mail]>: unknown'],
      ['to åsa.öberg@kommun.se', 'to [e-mail]'],
      ['sms to +46701234567 refused', 'sms to [phone] refused'],
      ['sms to 070-123 45 67 refused', 'sms to [phone] refused'],
      ['sms to 0701234567 refused', 'sms to [personnummer] refused'], // ten digits could be either: gone all the same
    ]) assert.equal(scrub(text as string), expected, text);
  });

  it('leaves ids, times and counts as they are', () => {
    for (const text of ['job 12 failed (attempt 3 of 20), next try at 2026-11-24T09:00:00.000Z', 'account 4711', 'took 1234 ms', 'migration 0031_x']) {
      assert.equal(scrub(text), text);
    }
  });
});

describe('the log of a running app', () => {
  let test: TestApp;
  before(async () => { test = await startTestApp(); });
  after(() => test.close());

  it('writes a failed request as a JSON line without the personal data its error quoted', async () => {
    const capture = captureLog('info');
    const allow = await refuseInserts(test.db, 'absences', 'refused for 20121212-1212, emma@example.se, 070-123 45 67');
    try {
      const agent = await signIn(test.app, 'vardnadshavare');
      const elsa = await personId(test.db, 'Elsa', 'Andersson');
      const res = await postForm(agent, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'today' });
      assert.equal(res.status, 500);
    } finally {
      await allow();
      capture.stop();
    }
    const failed = capture.lines.find((l) => l.msg === 'request failed');
    assert.ok(failed, capture.text());
    assert.equal(failed.level, 'error');
    assert.equal(failed.method, 'POST');
    assert.equal(failed.route, '/children/:childId/absences');
    assert.match(JSON.stringify(failed.err), /refused for \[personnummer\], \[e-mail\], \[phone\]/);
    assert.doesNotMatch(capture.text(), /20121212|emma@example|070-123/);
  });

  it('names no person of the database in any line, whatever the requests', async () => {
    const capture = captureLog('trace');
    try {
      log.info('Demoläge. A line that names nobody');
      const agent = await signIn(test.app, 'pedagog');
      await agent.get('/');
      await request(test.app).post('/login').type('form').send({ username: 'okänd', password: 'fel' });
      await request(test.app).get('/nothing-here');
      const allow = await refuseInserts(test.db, 'absences', 'no');
      try {
        const elsa = await personId(test.db, 'Elsa', 'Andersson');
        await postForm(agent, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'today', comment: 'Elsa Andersson är sjuk' });
      } finally {
        await allow();
      }
    } finally {
      capture.stop();
    }
    assert.ok(capture.lines.length >= 2, capture.text());
    const names = await test.db.selectFrom('persons').select(['first_name', 'last_name']).execute();
    const text = capture.text();
    for (const { first_name, last_name } of names) {
      assert.equal(text.includes(`${first_name} ${last_name}`), false, `${first_name} ${last_name} in the log`);
      assert.equal(new RegExp(`\\b${last_name}\\b`).test(text), false, `${last_name} in the log`);
    }
  });
});
