// Elsa lives in two households: a message to one of her guardians is never shown to the other, and the reply of the
// one goes to the staff only. "All guardians" reaches both.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm } from '../support/app.ts';
import { messagesTest } from './support.ts';
import { messagesPersonalData } from '../../server/messages/personal-data.ts';

describe('messages to one household', () => {
  const m = messagesTest();
  const { as, accountOf } = m;
  const send = async (fields: Record<string, string>) => {
    const res = await postForm(await as('pedagog'), `/children/${m.elsa}/messages/new`, `/children/${m.elsa}/messages`, fields);
    assert.equal(res.status, 303);
    return Number(res.headers.location.split('/').pop());
  };

  it('offers staff each guardian with an account, and all of them', async () => {
    const page = await (await as('pedagog')).get(`/children/${m.elsa}/messages/new`);
    assert.match(page.text, /value="guardians"[^>]*>Alla vårdnadshavare/);
    assert.match(page.text, new RegExp(`value="account:${await accountOf('vardnadshavare')}"`));
    assert.match(page.text, new RegExp(`value="account:${await accountOf('vardnadshavare2')}"`));
  });

  it('shows a message to one guardian to that guardian only, and keeps the reply from the other', async () => {
    const threadId = await send({ to: `account:${await accountOf('vardnadshavare2')}`, subject: 'Till pappa', body: 'Elsas stövlar är trasiga.' });
    assert.equal((await (await as('vardnadshavare')).get(`/messages/${threadId}`)).status, 404);
    assert.doesNotMatch((await (await as('vardnadshavare')).get('/messages')).text, /Till pappa/);
    const johan = await as('vardnadshavare2');
    assert.match((await johan.get('/messages')).text, /Till pappa/);
    const res = await postForm(johan, `/messages/${threadId}`, `/messages/${threadId}/replies`, { body: 'Jag köper nya.' });
    assert.equal(res.status, 303);
    const reply = await m.t.db.selectFrom('messages').select('id').where('thread_id', '=', threadId).orderBy('id', 'desc').executeTakeFirstOrThrow();
    const to = await m.t.db.selectFrom('message_recipients').select('account_id').where('message_id', '=', reply.id).execute();
    assert.deepEqual(to.map((r) => r.account_id), [await accountOf('pedagog')]);
    const emma = await accountOf('vardnadshavare');
    assert.equal((await m.t.db.selectFrom('notifications').select('id').where('account_id', '=', emma).where('url', '=', `/messages/${threadId}`).execute()).length, 0);
  });

  it('puts in each guardian’s register extract the messages they sent or received, never the other’s', async () => {
    const extractOf = async (username: string) => {
      const account = await m.t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', username).executeTakeFirstOrThrow();
      const part = await messagesPersonalData.extract!(m.t.db, { personId: account.person_id, municipalityId: 0, accountIds: [account.id], childIds: [] });
      return part.sections[0].rows.map((r) => `${r.by === 'you' ? 'sent' : 'received'} ${r.subject}`);
    };
    const father = await extractOf('vardnadshavare2');
    assert.ok(father.includes('received Vantar'), father.join());
    assert.ok(father.includes('sent Till pappa'), father.join());
    const mother = await extractOf('vardnadshavare');
    assert.ok(mother.includes('sent Hämtning på fredag') && mother.includes('received Hämtning på fredag'), mother.join());
    assert.ok(!mother.some((row) => row.endsWith('Vantar') || row.endsWith('Till pappa')), mother.join());
  });

  it('reaches both households with "all guardians", and a reply then reaches everyone in the thread', async () => {
    const threadId = await send({ to: 'guardians', subject: 'Till båda', body: 'Utvecklingssamtal nästa vecka.' });
    for (const name of ['vardnadshavare', 'vardnadshavare2']) assert.match((await (await as(name)).get(`/messages/${threadId}`)).text, /Utvecklingssamtal/, name);
    await postForm(await as('vardnadshavare'), `/messages/${threadId}`, `/messages/${threadId}/replies`, { body: 'Tisdag passar.' });
    assert.match((await (await as('vardnadshavare2')).get(`/messages/${threadId}`)).text, /Tisdag passar/);
    assert.equal((await (await as('vardnadshavare3')).get(`/messages/${threadId}`)).status, 404);
  });
});
