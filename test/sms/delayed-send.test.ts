// An SMS may wait (send_after) so that the change that queued it can be undone: it is not sent before its time, even
// by a job that runs early, and the change takes it back only while no sender has taken it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { queueSms, withdrawUnsentSms } from '../../server/sms/outbox.ts';
import { chooseSmsGateway, registerSmsJobs } from '../../server/sms/sender.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('an SMS that waits before it is sent', () => {
  let t: TestApp;
  let runner: JobRunner;
  let oskar: number;
  before(async () => {
    t = await startTestApp();
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerSmsJobs(runner, { db: t.db, clock: t.clock, gateway: chooseSmsGateway(undefined, true)!, from: 'Vardag' });
    oskar = await personId(t.db, 'Oskar', 'Andersson');
  });
  after(async () => {
    await runner.stop();
    await t.close();
  });

  const row = (id: number) => t.db.selectFrom('sms_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  const at = (minutes: number) => new Date(t.clock.now().getTime() + minutes * 60_000);

  it('is sent once its time has come, not before', async () => {
    const id = (await queueSms(t.db, { to: '+46701234567', message: 'Vänta', childId: oskar, day: '2026-11-24', sendAfter: at(5) }, t.clock.now()))!;
    assert.equal(await runner.runDue(), 0);
    assert.equal((await row(id))?.sent_at, null);
    t.clock.set(at(5).toISOString());
    assert.equal(await runner.runDue(), 1);
    assert.notEqual((await row(id))?.sent_at, null);
  });

  it('is not sent by a job that runs early (another process\'s clock ahead): it is tried again later', async () => {
    const id = (await queueSms(t.db, { to: '+46701234567', message: 'Tidigt', childId: oskar, day: '2026-11-25', sendAfter: at(5) }, t.clock.now()))!;
    await t.db.updateTable('jobs').set({ run_at: t.clock.now().toISOString() }).where('payload', 'like', `%"smsId":${id}%`).execute();
    await runner.runDue();
    const early = await row(id);
    assert.deepEqual([early?.sent_at, early?.attempts], [null, 0], 'not sent, not taken');
  });

  it('is taken back while waiting; once a sender has taken it, it counts as gone and stays', async () => {
    const queuedAt = t.clock.now();
    const id = (await queueSms(t.db, { to: '+46701234567', message: 'Ångras', childId: oskar, day: '2026-11-26', sendAfter: at(5) }, queuedAt))!;
    const other = (await queueSms(t.db, { to: '+46709999999', message: 'Tas', childId: oskar, day: '2026-11-26', sendAfter: at(5) }, queuedAt))!;
    await t.db.updateTable('sms_outbox').set({ attempts: 1 }).where('id', '=', other).execute(); // a sender took this one
    assert.deepEqual(await withdrawUnsentSms(t.db, { childId: oskar, day: '2026-11-26', queuedAt }), { withdrawn: 1, gone: 1 });
    assert.equal(await row(id), undefined, 'deleted: a later change of the day may queue one again');
    assert.notEqual(await row(other), undefined);
    t.clock.set(at(10).toISOString());
    await runner.runDue();
    assert.equal(await row(id), undefined, 'its job finds nothing to send');
  });
});
