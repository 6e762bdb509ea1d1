// `npm start`: open and migrate the database, settle demo or real, and serve.
import crypto from 'node:crypto';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { systemClock, today } from './kernel/clock.ts';
import { databaseName, migrateToLatest, openConfiguredDatabase, readMeta, writeMeta, type Db } from './kernel/db.ts';
import { hashPassword } from './accounts/passwords.ts';
import { isOpenAccountMobile } from './accounts/queries.ts';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './demo/seed.ts';
import { DemoDatabaseInProduction, settleMode } from './demo/mode.ts';
import { JobRunner } from './kernel/jobs.ts';
import { chooseMailTransport, registerMailJobs } from './mail/sender.ts';
import { chooseSmsGateway, registerSmsJobs } from './sms/sender.ts';
import { registerInvitationJobs } from './invitations/jobs.ts';

const config = loadConfig();
const connection = openConfiguredDatabase(config);
await migrateToLatest(connection.db);

let settled: Awaited<ReturnType<typeof settleMode>>;
try {
  settled = await settleMode(connection.db, config.production, async (trx) => {
    const now = systemClock.now();
    await seedDemo(trx, { passwordHash: await hashPassword(DEMO_PASSWORD), now, today: today(systemClock) });
  });
} catch (err) {
  if (!(err instanceof DemoDatabaseInProduction)) throw err;
  console.error(err.message);
  process.exit(1);
}

const { app, close } = createApp({
  db: connection.db, clock: systemClock, config, demo: settled.mode === 'demo',
  sessionSecret: config.sessionSecret ?? (await storedSecret(connection.db)),
  dummyHash: await hashPassword(crypto.randomBytes(16).toString('hex')),
});

// Background jobs: mail first; each domain that queues jobs registers its handlers here.
const runner = new JobRunner({
  db: connection.db, clock: systemClock, pollMs: config.jobsPollMs, lockMs: config.jobsLockMs, retryBaseMs: config.jobsRetryMs,
});
const mailTransport = chooseMailTransport(config.smtpUrl, settled.mode === 'demo');
if (mailTransport) {
  registerMailJobs(runner, { db: connection.db, clock: systemClock, transport: mailTransport, from: config.mailFrom });
  if (mailTransport === 'demo-mailbox') console.log(`No SMTP_URL: e-mail goes to the demo mailbox, ${config.publicUrl}/demo/mailbox (for admins).`);
} else {
  console.warn('Warning: SMTP_URL is not set, so no e-mail is sent. Mail is kept in the outbox and sent once Vardag runs with SMTP_URL.');
}
const smsGateway = chooseSmsGateway(config.smsGatewayUrl === undefined ? undefined
  : { url: config.smsGatewayUrl, username: config.smsGatewayUsername, password: config.smsGatewayPassword }, settled.mode === 'demo');
if (smsGateway) {
  registerSmsJobs(runner, {
    db: connection.db, clock: systemClock, gateway: smsGateway, from: config.smsFrom,
    isOwnNumber: (mobile) => isOpenAccountMobile(connection.db, mobile),
  });
  if (smsGateway === 'demo-outbox') console.log(`No SMS_GATEWAY_URL: SMS go to the demo SMS outbox, ${config.publicUrl}/demo/sms (for admins).`);
  else if (settled.mode === 'demo') console.log('SMS_GATEWAY_URL on a demo database: only mobile numbers users entered themselves get SMS; the rest go to /demo/sms.');
} else {
  console.warn('Warning: SMS_GATEWAY_URL is not set, so no SMS is sent. SMS are kept in the outbox and sent once Vardag runs with SMS_GATEWAY_URL (unless by then older than a day).');
}
registerInvitationJobs(runner, { db: connection.db, clock: systemClock, config });
runner.start();

const server = app.listen(config.port, () => {
  console.log(`Vardag serves http://localhost:${config.port} (${settled.mode === 'demo' ? 'demo database' : 'real database'}: ${databaseName(config)})`);
  if (settled.mode === 'demo') printDemoLogins();
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(async () => {
      await runner.stop();
      close();
      await connection.close();
      process.exit(0);
    });
    server.closeAllConnections();
  });
}

/** A session secret made once per database, so restarts keep everyone logged in without configuration. */
async function storedSecret(db: Db): Promise<string> {
  const existing = await readMeta(db, 'session_secret');
  if (existing) return existing;
  const secret = crypto.randomBytes(32).toString('hex');
  await writeMeta(db, 'session_secret', secret);
  return secret;
}

function printDemoLogins(): void {
  console.log(`\nDemoläge. Logga in med något av dessa konton, lösenord: ${DEMO_PASSWORD}`);
  for (const login of DEMO_LOGINS) console.log(`  ${login.username.padEnd(16)} ${login.who}`);
  console.log('');
}
