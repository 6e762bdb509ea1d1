// Web push end to end: a browser's subscription posted to /settings/devices, a push queued with queuePush, the
// `push.send` job run, and a local HTTP server standing in for the push service that receives it; the test decrypts
// the payload with the subscription's own keys (RFC 8291, aes128gcm) and checks the VAPID signature.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { queuePush } from '../../server/push/outbox.ts';
import { prunePushes, pushKeys } from '../../server/push/queries.ts';
import { registerPushJobs } from '../../server/push/sender.ts';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { csrfOf, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';

const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(buffer: Buffer, params: { version: string; privateKey: crypto.ECDH; authSecret: Buffer }): Buffer;
};

interface Received { path: string; headers: http.IncomingHttpHeaders; body: Buffer }

/** A push service on a loopback port: it keeps what it receives and answers each path's status (201 unless told). */
class FakePushService {
  readonly received: Received[] = [];
  readonly statusOf = new Map<string, number>();
  private constructor(private readonly server: http.Server) {}
  static async start(): Promise<FakePushService> {
    let service: FakePushService | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        service?.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = service?.statusOf.get(req.url ?? '') ?? 201;
        res.end();
      });
    });
    service = new FakePushService(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return service;
  }
  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A browser's side of a subscription: its P-256 key pair and auth secret. */
function browserKeys() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString('base64url'), authText: auth.toString('base64url') };
}

async function subscribe(agent: Agent, endpoint: string, keys = browserKeys()) {
  const token = await csrfOf(agent);
  const res = await agent.post('/settings/devices').set('x-csrf-token', token).set('accept', 'application/json')
    .set('user-agent', 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36')
    .type('form').send({ endpoint, p256dh: keys.p256dh, auth: keys.authText });
  return { res, keys };
}

describe('web push', () => {
  let t: TestApp;
  let service: FakePushService;
  let runner: JobRunner;
  let guardian: Agent;
  let guardianAccount: number;

  before(async () => {
    t = await startTestApp();
    service = await FakePushService.start();
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerPushJobs(runner, { db: t.db, clock: t.clock, subject: 'mailto:drift@vardag.test', loopbackHttp: true });
    guardian = await signIn(t.app, 'vardnadshavare');
    guardianAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
  });
  after(async () => {
    await runner.stop();
    await service.close();
    await t.close();
  });
  beforeEach(async () => {
    service.received.length = 0;
    service.statusOf.clear();
    await t.db.deleteFrom('push_subscriptions').execute();
  });

  it('takes a subscription from the page, lists the device and delivers an encrypted push the device can read', async () => {
    const { res, keys } = await subscribe(guardian, service.url('/push/emma-phone'));
    assert.equal(res.status, 201, res.text);
    const page = await guardian.get('/settings/devices');
    assert.equal(page.status, 200);
    assert.match(page.text, /Chrome · Android/);
    assert.match(page.text, /Enheten får nu notiser/);
    assert.match(String(page.headers['cache-control']), /no-store/);

    const at = t.clock.now();
    const push = { accountId: guardianAccount, title: 'Nytt meddelande', body: 'Från Förskolan Solrosen', url: '/messages/12', deliveryKey: 'message:12:account:3', at };
    assert.equal(await queuePush(t.db, push), 1);
    assert.equal(await queuePush(t.db, push), 0, 'the same delivery queued again queues nothing');
    assert.equal(await runner.runDue(), 1);

    assert.equal(service.received.length, 1);
    const got = service.received[0];
    assert.equal(got.path, '/push/emma-phone');
    assert.equal(got.headers['content-encoding'], 'aes128gcm');
    assert.equal(got.headers.ttl, '86400');
    assert.match(String(got.headers.topic), /^[A-Za-z0-9_-]{32}$/);
    const payload = JSON.parse(ece.decrypt(got.body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth }).toString('utf8'));
    assert.deepEqual(payload, { title: 'Nytt meddelande', body: 'Från Förskolan Solrosen', url: '/messages/12', tag: 'message:12:account:3' });

    // The VAPID signature: this installation's key, the push service's origin as the audience.
    const vapid = /^vapid t=([^,]+), k=(.+)$/.exec(String(got.headers.authorization));
    assert.ok(vapid, String(got.headers.authorization));
    const { publicKey } = await pushKeys(t.db);
    assert.equal(vapid[2], publicKey);
    const [head, claims, signature] = vapid[1].split('.');
    const point = Buffer.from(publicKey, 'base64url');
    const key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
    assert.ok(crypto.verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url')));
    const claim = JSON.parse(Buffer.from(claims, 'base64url').toString());
    assert.equal(claim.aud, new URL(service.url('/')).origin);
    assert.equal(claim.sub, 'mailto:drift@vardag.test');

    const row = await t.db.selectFrom('push_outbox').selectAll().executeTakeFirstOrThrow();
    assert.ok(row.sent_at);
    assert.equal(row.payload, '', 'the text of a sent push leaves the database');
    assert.equal(await runner.runDue(), 0);
    assert.equal(service.received.length, 1, 'a delivered push is not sent again');
    const device = await t.db.selectFrom('push_subscriptions').select('last_used_at').executeTakeFirstOrThrow();
    assert.equal(device.last_used_at, at.toISOString());
  });

  it('deletes pushes sent or given up a week ago, not those waiting', async () => {
    await subscribe(guardian, service.url('/push/prune'));
    await queuePush(t.db, { accountId: guardianAccount, title: 'T', body: 'B', url: '/', deliveryKey: 'sent', at: t.clock.now() });
    await runner.runDue();
    await queuePush(t.db, { accountId: guardianAccount, title: 'T', body: 'B', url: '/', deliveryKey: 'waiting', at: t.clock.now() });
    await prunePushes(t.db, new Date(t.clock.now().getTime() - 1000));
    assert.equal((await t.db.selectFrom('push_outbox').select('id').execute()).length, 2, 'sent just now: kept');
    await prunePushes(t.db, new Date(t.clock.now().getTime() + 1000));
    assert.deepEqual((await t.db.selectFrom('push_outbox').select('delivery_key').execute()).map((r) => r.delivery_key), ['waiting']);
  });

  it('sends one push to each of the account\'s devices, and to nobody else\'s', async () => {
    await subscribe(guardian, service.url('/push/phone'));
    await subscribe(guardian, service.url('/push/laptop'));
    const other = await signIn(t.app, 'vardnadshavare2');
    await subscribe(other, service.url('/push/johan'));
    assert.equal(await queuePush(t.db, { accountId: guardianAccount, title: 'T', body: 'B', url: '/', deliveryKey: 'k1', at: t.clock.now() }), 2);
    await runner.runDue();
    assert.deepEqual(service.received.map((r) => r.path).sort(), ['/push/laptop', '/push/phone']);
  });

  it('queues one push per device however many times a delivery is queued at once, and marks an urgent one', async () => {
    const { keys } = await subscribe(guardian, service.url('/push/urgent'));
    const push = { accountId: guardianAccount, title: 'Brådskande', body: 'Hämta idag', url: '/messages/3', deliveryKey: 'urgent:3', at: t.clock.now(), urgent: true };
    const queued = await Promise.all(Array.from({ length: 6 }, () => queuePush(t.db, push)));
    assert.equal(queued.reduce((a, b) => a + b, 0), 1, `queued ${queued.join(', ')}`);
    assert.equal(await runner.runDue(), 1);
    assert.equal(service.received.length, 1);
    assert.equal(service.received[0].headers.urgency, 'high');
    const payload = JSON.parse(ece.decrypt(service.received[0].body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth }).toString('utf8'));
    assert.equal(payload.urgent, true);
  });

  it('opens only a page of this site from a push', async () => {
    await subscribe(guardian, service.url('/push/url'));
    for (const url of ['https://evil.example/x', '//evil.example/x', '/\\evil.example']) {
      await queuePush(t.db, { accountId: guardianAccount, title: 'T', body: 'B', url, deliveryKey: `url:${url}`, at: t.clock.now() });
    }
    const payloads = await t.db.selectFrom('push_outbox').select('payload').execute();
    assert.deepEqual(payloads.map((p) => JSON.parse(p.payload).url), ['/', '/', '/']);
  });

  it('removes a subscription the push service reports gone (410, 404)', async () => {
    await subscribe(guardian, service.url('/push/gone'));
    await subscribe(guardian, service.url('/push/unknown'));
    service.statusOf.set('/push/gone', 410);
    service.statusOf.set('/push/unknown', 404);
    await queuePush(t.db, { accountId: guardianAccount, title: 'T', body: 'B', url: '/', deliveryKey: 'k-gone', at: t.clock.now() });
    await runner.runDue();
    assert.equal(service.received.length, 2);
    assert.deepEqual(await t.db.selectFrom('push_subscriptions').select('id').execute(), []);
    assert.deepEqual(await t.db.selectFrom('push_outbox').select('id').execute(), [], 'its pushes go with it');
  });

  it('tries a busy push service again later, with the same Topic, and delivers once', async () => {
    await subscribe(guardian, service.url('/push/busy'));
    service.statusOf.set('/push/busy', 503);
    await queuePush(t.db, { accountId: guardianAccount, title: 'T', body: 'B', url: '/', deliveryKey: 'k-busy', at: t.clock.now() });
    await runner.runDue();
    const job = await t.db.selectFrom('jobs').selectAll().where('kind', '=', 'push.send').where('done_at', 'is', null).executeTakeFirstOrThrow();
    assert.equal(job.attempts, 1);
    assert.equal((await t.db.selectFrom('push_outbox').select('sent_at').executeTakeFirstOrThrow()).sent_at, null);
    service.statusOf.delete('/push/busy');
    t.clock.set(new Date(t.clock.now().getTime() + 60 * 60_000).toISOString());
    await runner.runDue();
    assert.equal(service.received.length, 2);
    assert.equal(service.received[0].headers.topic, service.received[1].headers.topic);
    assert.ok((await t.db.selectFrom('push_outbox').select('sent_at').executeTakeFirstOrThrow()).sent_at);
  });

  it('refuses an endpoint that is not https with a Swedish message, and stores nothing', async () => {
    for (const endpoint of ['ftp://push.example.se/abc', 'http://push.example.se/abc', 'javascript:alert(1)', 'https://user:pw@fcm.googleapis.com/x',
      // anything but a browser's push service: the server would post inside the municipality's network for anyone
      'https://push.example.se/abc', 'https://10.0.0.5/admin', 'https://127.0.0.1:6379/', 'https://169.254.169.254/latest', 'https://fcm.googleapis.com:8443/x',
      'https://fcm.googleapis.com.evil.example/x', 'https://intranet.kommun.local/x']) {
      const { res } = await subscribe(guardian, endpoint);
      assert.equal(res.status, 400, endpoint);
      assert.match(res.body.error, /säker \(https\) pushtjänst|kunde inte läggas till/, endpoint);
    }
    const { res } = await subscribe(guardian, 'ftp://push.example.se/abc');
    assert.equal(res.body.error, 'Notiser kan bara skickas via en säker (https) pushtjänst. Den här adressen går inte att använda.');
    const bad = browserKeys();
    const wrongKey = await guardian.post('/settings/devices').set('x-csrf-token', await csrfOf(guardian)).type('form')
      .send({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc', p256dh: bad.p256dh.slice(0, 20), auth: bad.authText });
    assert.equal(wrongKey.status, 400);
    assert.deepEqual(await t.db.selectFrom('push_subscriptions').select('id').execute(), []);
  });

  it('answers a plain form as every form: the page again with the message, or back to the list', async () => {
    const refused = await postForm(guardian, '/settings/devices', '/settings/devices', { endpoint: 'ftp://push.example.se/abc', p256dh: 'x', auth: 'y' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /<title>Fel: Notiser på dina enheter/);
    assert.match(refused.text, /Notiser kan bara skickas via en säker \(https\) pushtjänst/);
    const keys = browserKeys();
    const added = await postForm(guardian, '/settings/devices', '/settings/devices', { endpoint: 'https://updates.push.services.mozilla.com/wpush/v2/abc', p256dh: keys.p256dh, auth: keys.authText });
    assert.equal(added.status, 303);
    assert.equal(added.headers.location, '/settings/devices');
  });

  it('takes an https push service and never sends to plain http outside tests', async () => {
    const { res } = await subscribe(guardian, 'https://fcm.googleapis.com/fcm/send/abc');
    assert.equal(res.status, 201);
    const strict = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerPushJobs(strict, { db: t.db, clock: t.clock, subject: 'mailto:drift@vardag.test', loopbackHttp: false });
    await subscribe(guardian, service.url('/push/loopback'));
    await queuePush(t.db, { accountId: guardianAccount, title: 'T', body: 'B', url: '/', deliveryKey: 'k-strict', at: t.clock.now() });
    await t.db.deleteFrom('push_subscriptions').where('endpoint', 'like', 'https://%').execute();
    await strict.runDue();
    await strict.stop();
    assert.equal(service.received.length, 0);
    assert.ok((await t.db.selectFrom('push_outbox').select('failed_at').executeTakeFirstOrThrow()).failed_at);
  });

  it('gives a browser that another account subscribes to that account, dropping what was queued for the first', async () => {
    const endpoint = service.url('/push/shared-tablet');
    await subscribe(guardian, endpoint);
    await queuePush(t.db, { accountId: guardianAccount, title: 'Emmas', body: 'B', url: '/', deliveryKey: 'k-emma', at: t.clock.now() });
    const other = await signIn(t.app, 'vardnadshavare2');
    assert.equal((await subscribe(other, endpoint)).res.status, 201);
    await runner.runDue();
    assert.equal(service.received.length, 0, 'nothing of the first account reaches the second');
    assert.equal((await guardian.get('/settings/devices')).text.includes('Chrome · Android'), false);
  });

  it('removes a device with a plain form, only the account\'s own (another\'s is not found)', async () => {
    await subscribe(guardian, service.url('/push/mine'));
    const mine = await t.db.selectFrom('push_subscriptions').select('id').executeTakeFirstOrThrow();
    const other = await signIn(t.app, 'vardnadshavare2');
    const refused = await postForm(other, '/settings/devices', `/settings/devices/${mine.id}/remove`);
    assert.equal(refused.status, 404);
    const removed = await postForm(guardian, '/settings/devices', `/settings/devices/${mine.id}/remove`);
    assert.equal(removed.status, 303);
    assert.equal(removed.headers.location, '/settings/devices');
    assert.deepEqual(await t.db.selectFrom('push_subscriptions').select('id').execute(), []);
    assert.match((await guardian.get('/settings/devices')).text, /Enheten får inte längre notiser/);
    assert.equal((await postForm(guardian, '/settings/devices', `/settings/devices/${mine.id}/remove`)).status, 404);
  });

  it('sends a test push to the account\'s devices from a plain form', async () => {
    const empty = await postForm(guardian, '/settings/devices', '/settings/devices/test');
    assert.equal(empty.status, 303);
    assert.match((await guardian.get('/settings/devices')).text, /<p class="flash" role="status">Inga enheter får notiser ännu\.<\/p>/);
    await subscribe(guardian, service.url('/push/test'));
    const sent = await postForm(guardian, '/settings/devices', '/settings/devices/test');
    assert.equal(sent.status, 303);
    assert.match((await guardian.get('/settings/devices')).text, /En testnotis skickades till 1 enhet\./);
    await runner.runDue();
    assert.equal(service.received.length, 1);
  });

  it('lists the person\'s devices in their register extract, never the push service\'s address or keys', async () => {
    const { keys } = await subscribe(guardian, service.url('/push/extract-phone'));
    const person = (await t.db.selectFrom('accounts').select('person_id').where('id', '=', guardianAccount).executeTakeFirstOrThrow()).person_id;
    const subject = await PERSONAL_DATA.subjectOf(t.db, person);
    assert.ok(subject);
    const extract = await PERSONAL_DATA.extract(t.db, subject);
    const section = extract.sections.find((x) => x.title === 'personalData.sections.pushDevices');
    assert.deepEqual(section?.rows, [{ device: 'Chrome · Android', created_at: t.clock.now().toISOString(), last_used_at: null }]);
    const text = JSON.stringify(extract.sections);
    assert.equal(text.includes('extract-phone') || text.includes(keys.p256dh), false);
  });

  it('says on the devices page, without JavaScript, that turning push on needs it', async () => {
    const page = await guardian.get('/settings/devices');
    assert.match(page.text, /<noscript><p class="notice">För att slå på notiser på den här enheten behövs JavaScript/);
    assert.match(page.text, /<form method="post" action="\/settings\/devices" id="push-subscribe" data-key="[A-Za-z0-9_-]{87}"[^>]* hidden>/);
  });
});

describe('the installable app', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t.close());

  it('serves a manifest in the page\'s language with icons, start_url and display standalone', async () => {
    const { default: request } = await import('supertest');
    const res = await request(t.app).get('/manifest.webmanifest?lang=ar');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /application\/manifest\+json/);
    const manifest = JSON.parse(res.text);
    assert.equal(manifest.name, 'Vardag');
    assert.equal(manifest.lang, 'ar');
    assert.equal(manifest.dir, 'rtl');
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, '/');
    assert.deepEqual(manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`), ['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of manifest.icons) {
      const file = await request(t.app).get(icon.src);
      assert.equal(file.status, 200, icon.src);
      assert.equal(file.headers['content-type'], 'image/png');
    }
    assert.equal(JSON.parse((await request(t.app).get('/manifest.webmanifest?lang=xx')).text).lang, 'sv');
  });

  it('serves the service worker at /sw.js for the whole site, checked for updates on every visit', async () => {
    const { default: request } = await import('supertest');
    const res = await request(t.app).get('/sw.js');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(res.text, /addEventListener\('notificationclick'/);
    assert.doesNotMatch(res.text, /__ICON__/);
    assert.equal(res.headers['set-cookie'], undefined, 'no session for the worker');
  });

  it('lets pages be kept offline only on a remembered session, and clears the cache on logout', async () => {
    const { default: request } = await import('supertest');
    const plain = await signIn(t.app, 'vardnadshavare');
    assert.equal((await plain.get('/')).headers['vardag-offline'], undefined);
    const remembered = request.agent(t.app);
    const login = await postForm(remembered, '/login', '/login', { username: 'vardnadshavare', password: DEMO_PASSWORD, remember: 'yes' });
    assert.equal(login.status, 303);
    const page = await remembered.get('/');
    const mark = decodeURIComponent(String(page.headers['vardag-offline']));
    assert.match(mark, /^Du är offline\. Sidan visas som den var .+\.$/);
    assert.equal((await request(t.app).get('/login')).headers['vardag-offline'], undefined, 'nothing for a visitor');
    assert.match(page.text, /<link rel="manifest" href="\/manifest\.webmanifest\?lang=sv">/);
    assert.match(page.text, /<script src="\/static\/[0-9a-f]{10}\/js\/app\.js" defer><\/script>/);
    const logout = await postForm(remembered, '/', '/logout');
    assert.equal(logout.status, 303);
    assert.equal(logout.headers['clear-site-data'], '"cache", "storage"', 'the offline pages and the push subscription go with the session');
  });
});
