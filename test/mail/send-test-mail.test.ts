// `npm run admin -- send-test-mail`: an operator checks the mail settings; the mail goes through the outbox like
// every other and arrives at a real SMTP server, or the command says why not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { migrateToLatest, type Connection } from '../../server/kernel/db.ts';
import { settleMode } from '../../server/demo/mode.ts';
import { TestSmtpServer } from '../support/smtp.ts';
import { newInstallation, type TestInstallation } from '../support/database.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function admin(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', ...env };
  if (!env.SMTP_URL) delete childEnv.SMTP_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run admin -- send-test-mail', { concurrency: true }, () => {
  let installation: TestInstallation;
  let connection: Connection;
  let smtp: TestSmtpServer;

  before(async () => {
    installation = await newInstallation('testmail');
    connection = installation.open();
    await migrateToLatest(connection.db);
    await settleMode(connection.db, true, async () => undefined);
    smtp = await TestSmtpServer.start();
  });
  after(async () => {
    await smtp.close();
    await connection.close();
    await installation.remove();
  });

  it('sends a test mail through SMTP_URL at once, in the language asked for', async () => {
    const run = await admin(['send-test-mail', '--to', 'drift@example.se', '--language', 'en'],
      { ...installation.env, SMTP_URL: smtp.url, MAIL_FROM: 'Vardag <vardag@kommun.example>', PUBLIC_URL: 'https://vardag.kommun.example/' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Sent a test mail to drift@example\.se/);
    const [mail] = await smtp.waitFor(1);
    assert.deepEqual(mail.envelopeTo, ['drift@example.se']);
    assert.equal(mail.subject, 'Test e-mail from Vardag');
    assert.match(mail.headers.get('from') ?? '', /vardag@kommun\.example/);
    assert.match(mail.text ?? '', /This is a test e-mail from Vardag at https:\/\/vardag\.kommun\.example\./);
    const row = await connection.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', 'drift@example.se').executeTakeFirstOrThrow();
    assert.notEqual(row.sent_at, null);
    assert.deepEqual([row.text_body, row.html_body], [null, null]);
  });

  it('says that SMTP_URL is missing on a real database, and queues nothing', async () => {
    const run = await admin(['send-test-mail', '--to', 'drift2@example.se'], installation.env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /SMTP_URL is not set/);
    const rows = await connection.db.selectFrom('mail_outbox').select('id').where('recipient', '=', 'drift2@example.se').execute();
    assert.equal(rows.length, 0);
  });
});
