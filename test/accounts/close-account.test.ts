// Closing an account: its push devices go at once (through push's own queries), with the pushes still queued for them,
// so a phone that was the account's hears nothing more; another account's devices stay.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { askToClose } from '../../server/accounts/close-account.ts';
import { closeAccount } from '../../server/accounts/closure-queries.ts';
import { today } from '../../server/kernel/clock.ts';
import { queuePush } from '../../server/push/outbox.ts';

describe('closing an account', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  const account = (username: string) => t.db.selectFrom('accounts').select(['id', 'person_id', 'display_name']).where('username', '=', username)
    .executeTakeFirstOrThrow();
  const device = (accountId: number, name: string) => t.db.insertInto('push_subscriptions').values({
    account_id: accountId, endpoint: `https://fcm.googleapis.com/fcm/send/${name}`, p256dh: 'x', auth: 'y', label: name, created_at: t.clock.now().toISOString(),
  }).execute();
  const devicesOf = async (accountId: number) =>
    (await t.db.selectFrom('push_subscriptions').select('label').where('account_id', '=', accountId).orderBy('id').execute()).map((r) => r.label);

  it('removes its push devices and their queued pushes at once; another account keeps its own', async () => {
    const emma = await account('vardnadshavare');
    const other = await account('vardnadshavare2');
    await device(emma.id, 'emmas-telefon');
    await device(emma.id, 'emmas-platta');
    await device(other.id, 'annans-telefon');
    const at = t.clock.now();
    const push = { title: 'Vardag', body: 'Elsa har lagts till', url: '/children/1', at };
    assert.equal(await queuePush(t.db, { ...push, accountId: emma.id, deliveryKey: 'before-closing' }), 2);

    await askToClose(t.db, { id: emma.id, personId: emma.person_id, displayName: emma.display_name ?? '' }, today(t.clock), at);
    const request = await t.db.selectFrom('account_closure_requests').select('id').where('account_id', '=', emma.id)
      .where('handled_at', 'is', null).executeTakeFirstOrThrow();
    assert.deepEqual(await devicesOf(emma.id), ['emmas-telefon', 'emmas-platta'], 'asking changes nothing yet');
    const rektor = await account('rektor');
    assert.equal((await closeAccount(t.db, request.id, rektor.id, at)).ok, true);

    assert.deepEqual(await devicesOf(emma.id), [], 'the closed account has no device left');
    assert.deepEqual(await t.db.selectFrom('push_outbox').select('id').where('delivery_key', '=', 'before-closing').execute(), [], 'nor a push waiting');
    assert.equal(await queuePush(t.db, { ...push, accountId: emma.id, deliveryKey: 'after-closing' }), 0, 'nothing can be queued for it');
    assert.deepEqual(await devicesOf(other.id), ['annans-telefon']);
  });
});
