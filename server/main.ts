// `npm start`: open and migrate the database, settle demo or real, and serve. With VARDAG_WORKERS=N the primary process
// does the first two once, then starts N processes that serve the one port (server/cluster.ts), each with its own job
// runner (the runners share the jobs table without running a job twice, see kernel/jobs.ts).
import cluster from 'node:cluster';
import crypto from 'node:crypto';
import { createApp, NOTIFICATION_RECIPIENTS, PERSONAL_DATA } from './app.ts';
import { registerRetentionJobs } from './privacy/jobs.ts';
import { registerDocumentationJobs } from './documentation/personal-data.ts';
import { registerChildPageJobs } from './child-page/personal-data.ts';
import { registerMessageJobs } from './messages/write.ts';
import { registerInformationJobs } from './information/write.ts';
import { registerAttachmentSweep } from './messages/attachments.ts';
import { informationUsesKey } from './information/queries.ts';
import { runWorkers } from './cluster.ts';
import { loadConfig, publicUrlWarning } from './config.ts';
import { systemClock, today } from './kernel/clock.ts';
import { databaseName, migrateToLatest, openConfiguredDatabase, readMeta, writeMeta, type Db } from './kernel/db.ts';
import { hashPassword } from './accounts/passwords.ts';
import { isOpenAccountMobile } from './accounts/queries.ts';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './demo/seed.ts';
import { DemoDatabaseInProduction, settleMode } from './demo/mode.ts';
import { DEMO_E_ID_PATH, useDemoEId } from './demo/e-id-provider.ts';
import { JobRunner } from './kernel/jobs.ts';
import { chooseMailTransport, registerMailJobs } from './mail/sender.ts';
import { chooseSmsGateway, registerSmsJobs } from './sms/sender.ts';
import { registerInvitationJobs } from './invitations/jobs.ts';
import { registerNotificationJobs } from './notifications/delivery.ts';
import { registerTalkJobs } from './talks/notices.ts';
import { log } from './kernel/log.ts';
import { registerBackupJobs } from './operations/nightly-backup.ts';
import { pushKeys } from './push/queries.ts';
import { registerPushJobs, vapidSubject } from './push/sender.ts';

/** How long a stopping process waits for the requests under way before it cuts them. */
const STOP_GRACE_MS = 10_000;

const config = loadConfig();
const connection = openConfiguredDatabase(config);
const several = config.workers > 1;
/** In a cluster only the first worker says what every worker would (which transport, no SMTP_URL…). */
const speaks = !cluster.isWorker || cluster.worker?.id === 1;

let mode: 'demo' | 'production';
let sessionSecret: string;
if (cluster.isPrimary) {
  await migrateToLatest(connection.db);
  try {
    const settled = await settleMode(connection.db, config.production, async (trx) => {
      const now = systemClock.now();
      await seedDemo(trx, { passwordHash: await hashPassword(DEMO_PASSWORD), now, today: today(systemClock), dataDir: config.dataDir });
    });
    mode = settled.mode;
  } catch (err) {
    if (!(err instanceof DemoDatabaseInProduction)) throw err;
    log.fatal(err.message);
    process.exit(1);
  }
  sessionSecret = config.sessionSecret ?? (await storedSecret(connection.db));
  // A demo database logs in by e-ID at its own stand-in provider (/demo-e-id); a real database never does.
  if (mode === 'demo') await useDemoEId(connection.db, `${config.publicUrl}${DEMO_E_ID_PATH}`, systemClock.now());
  if (mode === 'demo' && several) log.warn(`The demo's e-ID provider (${DEMO_E_ID_PATH}) keeps its keys and logins in each process: with VARDAG_WORKERS=${config.workers} a demo e-ID login usually fails. Use VARDAG_WORKERS=1 to try e-ID.`);
} else {
  // A worker: the primary has migrated and settled the database, and made the session secret.
  const stored = await readMeta(connection.db, 'mode');
  if (stored !== 'demo' && stored !== 'production') throw new Error('The database was not settled by the primary process');
  mode = stored;
  sessionSecret = config.sessionSecret ?? (await storedSecret(connection.db));
}

// On a real database, links in mails and on paper must reach people: say so once at start if PUBLIC_URL cannot.
const publicUrlProblem = cluster.isPrimary && mode === 'production' ? publicUrlWarning(config) : undefined;
if (publicUrlProblem) log.warn(publicUrlProblem);

if (cluster.isPrimary && several) {
  await connection.close();
  runWorkers({
    count: config.workers,
    onListening: () => {
      log.info(`Vardag serves http://localhost:${config.port} with ${config.workers} processes, primary ${process.pid} `
        + `(${mode === 'demo' ? 'demo database' : 'real database'}: ${databaseName(config)})`);
      if (mode === 'demo') printDemoLogins();
    },
  });
} else {
  await serve();
}

async function serve(): Promise<void> {
  // Background jobs: mail first; each domain that queues jobs registers its handlers here.
  const runner = new JobRunner({
    db: connection.db, clock: systemClock, pollMs: config.jobsPollMs, lockMs: config.jobsLockMs, retryBaseMs: config.jobsRetryMs,
  });
  const { app, close } = createApp({
    db: connection.db, clock: systemClock, config, demo: mode === 'demo', sessionSecret,
    dummyHash: await hashPassword(crypto.randomBytes(16).toString('hex')), jobs: runner,
  });
  const mailTransport = chooseMailTransport(config.smtpUrl, mode === 'demo');
  if (mailTransport) {
    registerMailJobs(runner, { db: connection.db, clock: systemClock, transport: mailTransport, from: config.mailFrom });
    if (mailTransport === 'demo-mailbox' && speaks) log.info(`No SMTP_URL: e-mail goes to the demo mailbox, ${config.publicUrl}/demo/mailbox (for admins).`);
  } else if (speaks) {
    log.warn('Warning: SMTP_URL is not set, so no e-mail is sent. Mail is kept in the outbox and sent once Vardag runs with SMTP_URL.');
  }
  const smsGateway = chooseSmsGateway(config.smsGatewayUrl === undefined ? undefined
    : { url: config.smsGatewayUrl, username: config.smsGatewayUsername, password: config.smsGatewayPassword }, mode === 'demo');
  if (smsGateway) {
    registerSmsJobs(runner, {
      db: connection.db, clock: systemClock, gateway: smsGateway, from: config.smsFrom,
      isOwnNumber: (mobile) => isOpenAccountMobile(connection.db, mobile),
    });
    if (speaks && smsGateway === 'demo-outbox') log.info(`No SMS_GATEWAY_URL: SMS go to the demo SMS outbox, ${config.publicUrl}/demo/sms (for admins).`);
    else if (speaks && mode === 'demo') log.info('SMS_GATEWAY_URL on a demo database: only mobile numbers users entered themselves get SMS; the rest go to /demo/sms.');
  } else if (speaks) {
    log.warn('Warning: SMS_GATEWAY_URL is not set, so no SMS is sent. SMS are kept in the outbox and sent once Vardag runs with SMS_GATEWAY_URL (unless by then older than a day).');
  }
  registerInvitationJobs(runner, { db: connection.db, clock: systemClock, config });
  registerNotificationJobs(runner, { db: connection.db, clock: systemClock, publicUrl: config.publicUrl, recipients: NOTIFICATION_RECIPIENTS });
  registerRetentionJobs(runner, { db: connection.db, clock: systemClock, personalData: PERSONAL_DATA, dataDir: config.dataDir });
  registerDocumentationJobs(runner, { db: connection.db, dataDir: config.dataDir }); // (the files retention's removed media leave)
  registerChildPageJobs(runner, { db: connection.db, dataDir: config.dataDir }); // (...and the children's pictures)
  registerMessageJobs(runner, { db: connection.db }); // (a bulletin's fan-out to its recipients)
  registerInformationJobs(runner, { db: connection.db }); // (a municipality's information item told to every family there)
  registerTalkJobs(runner, { db: connection.db, clock: systemClock }); // (the notification the day before a booked talk)
  registerAttachmentSweep(runner, { db: connection.db, clock: systemClock, dataDir: config.dataDir, keptElsewhere: [informationUsesKey] }); // (attachment files no message or information item names)
  registerBackupJobs(runner, { db: connection.db, clock: systemClock, config });
  await pushKeys(connection.db); // (this installation's VAPID key pair: made at the first start, kept in the database)
  registerPushJobs(runner, { db: connection.db, clock: systemClock, subject: vapidSubject(config) });
  runner.start();

  const server = app.listen(config.port, () => {
    if (cluster.isWorker) {
      log.info(`Process ${process.pid} serves port ${config.port} (worker ${cluster.worker?.id})`);
      return;
    }
    log.info(`Vardag serves http://localhost:${config.port} (${mode === 'demo' ? 'demo database' : 'real database'}: ${databaseName(config)})`);
    if (mode === 'demo') printDemoLogins();
  });

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      server.close(async () => {
        await runner.stop();
        close();
        await connection.close();
        process.exit(0);
      });
      // Requests under way get a while to finish; idle keep-alive connections are closed at once.
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS).unref();
    });
  }
}

/** A session secret made once per database, so restarts keep everyone logged in without configuration. */
async function storedSecret(db: Db): Promise<string> {
  const existing = await readMeta(db, 'session_secret');
  if (existing) return existing;
  const secret = crypto.randomBytes(32).toString('hex');
  await writeMeta(db, 'session_secret', secret);
  return secret;
}

/** The demo's made-up accounts (no real person's): printed for the person at the terminal, as a table, not as a log line. */
function printDemoLogins(): void {
  const lines = DEMO_LOGINS.map((login) => `  ${login.username.padEnd(16)} ${login.who}`);
  process.stdout.write(`\nDemoläge. Logga in med något av dessa konton, lösenord: ${DEMO_PASSWORD}\n${lines.join('\n')}\n`
    + 'Eller med "Logga in med BankID" på inloggningssidan: en testleverantör (/demo-e-id) visar samma personer.\n\n');
}
