// The real server (server/main.ts in a child process), killed with SIGKILL in the middle of sending mail and started
// again: every queued mail arrives exactly once.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { languageByCode } from '../../server/kernel/i18n.ts';
import { composeMail } from '../../server/mail/compose.ts';
import { queueMail } from '../../server/mail/outbox.ts';
import { TestSmtpServer } from '../support/smtp.ts';
import { newInstallation, type TestInstallation } from '../support/database.ts';
import { freePort } from '../support/system.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LOCK_MS = 1500;
const POLL_MS = 100;

const children = new Set<ChildProcess>();
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface App { child: ChildProcess; output(): string; exited: Promise<number | string> }

/** `node --import tsx server/main.ts` on a real (NODE_ENV=production) installation; resolves once it serves. */
async function startApp(installation: TestInstallation, smtpPort: number): Promise<App> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, NODE_ENV: 'production', PORT: String(await freePort()), ...installation.env,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}?ignoreTLS=true`, MAIL_FROM: 'Vardag <no-reply@vardag.test>',
    JOBS_POLL_MS: String(POLL_MS), JOBS_LOCK_MS: String(LOCK_MS), JOBS_RETRY_MS: '200',
  };
  delete env.SESSION_SECRET;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => {
    children.delete(child);
    resolve(code ?? signal ?? 'unknown');
  }));
  const app = { child, output: () => output, exited };
  await until(() => output.includes('Vardag serves') || child.exitCode !== null, 30_000, () => `the server did not start:\n${output}`);
  assert.match(output, /Vardag serves/, output);
  return app;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, message: () => string): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(message());
    await sleep(20);
  }
}

describe('mail and a server killed with SIGKILL', () => {
  it('sends each queued mail exactly once after the server is killed mid-send and started again', async () => {
    const installation = await newInstallation('crash');
    cleanups.push(() => installation.remove());
    const smtpPort = await freePort();

    // Where the SMTP server will be, first a server that takes the connection and never answers: the app's first
    // mail hangs half-sent, its job claimed and locked, when the app is killed.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => { sockets.add(socket); socket.on('error', () => undefined); });
    await new Promise<void>((resolve) => silent.listen(smtpPort, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => { for (const s of sockets) s.destroy(); silent.close(resolve); }));

    const first = await startApp(installation, smtpPort);
    const connection = installation.open();
    cleanups.push(() => connection.close());
    const db = connection.db;

    // Queued from this process, on the same database: as a request of the app would.
    const recipients = ['anna@example.se', 'bertil@example.se', 'cecilia@example.com'];
    const languages = [languageByCode('sv')!, languageByCode('sv')!, languageByCode('en')!];
    const ids: number[] = [];
    for (const [n, to] of recipients.entries()) {
      const mail = composeMail('test-mail', languages[n], { name: to.split('@')[0], publicUrl: 'https://vardag.test' });
      ids.push(await queueMail(db, { to, ...mail }, new Date()));
    }

    const lockedJob = async () => (await db.selectFrom('jobs').select('id').where('locked_until', 'is not', null).execute()).length > 0;
    await until(async () => sockets.size > 0 && await lockedJob(), 10_000, () => `the app never started sending:\n${first.output()}`);
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, 'SIGKILL');

    const killed = await db.selectFrom('mail_outbox').select(['sent_at', 'text_body']).execute();
    assert.equal(killed.length, 3);
    assert.ok(killed.every((m) => m.sent_at === null && m.text_body !== null), 'nothing was sent, nothing lost');
    const locked = await db.selectFrom('jobs').select(['locked_until', 'done_at']).where('locked_until', 'is not', null).execute();
    assert.equal(locked.length, 1, 'the killed process left one job locked');

    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
    const smtp = await TestSmtpServer.start(smtpPort);
    cleanups.push(() => smtp.close());

    const second = await startApp(installation, smtpPort);
    await smtp.waitFor(3, 15_000);
    // Longer than a lock and several polls more: nothing arrives twice.
    await sleep(LOCK_MS + 10 * POLL_MS);
    assert.deepEqual(smtp.mails.flatMap((m) => m.envelopeTo).sort(), recipients, 'each mail arrived exactly once');
    assert.deepEqual(smtp.mails.map((m) => m.subject).sort(), ['Test e-mail from Vardag', 'Testmejl från Vardag', 'Testmejl från Vardag']);
    const anna = smtp.mails.find((m) => m.envelopeTo.includes('anna@example.se'))!;
    assert.match(anna.text ?? '', /^Hej anna!/);
    assert.match(anna.messageId, new RegExp(`^<${ids[0]}\\.[0-9a-f]{16}@vardag\\.test>$`));

    const outbox = await db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
    for (const mail of outbox) {
      assert.notEqual(mail.sent_at, null);
      assert.deepEqual([mail.text_body, mail.html_body], [null, null], 'delivered bodies are erased');
    }
    const jobs = await db.selectFrom('jobs').select(['done_at', 'failed_at', 'locked_until']).execute();
    assert.ok(jobs.every((j) => j.done_at !== null && j.failed_at === null && j.locked_until === null), JSON.stringify(jobs));

    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0, 'a SIGTERM stops the runner and the server cleanly');
  });
});
