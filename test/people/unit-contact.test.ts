// A unit's public contact details, set from the server's shell until the administration pages come:
// `npm run admin -- set-unit-contact` run for real (a child process on a demo installation).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { migrateToLatest } from '../../server/kernel/db.ts';
import { settleMode } from '../../server/demo/mode.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { unitContactsNamed } from '../../server/people/queries.ts';
import { demoPasswordHash } from '../support/app.ts';
import { newInstallation, type TestInstallation } from '../support/database.ts';
import { removeTempDirs } from '../support/system.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function runAdmin(installation: TestInstallation, args: string[]): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...installation.env };
  delete env.NODE_ENV;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'set-unit-contact', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('npm run admin -- set-unit-contact', () => {
  let installation: TestInstallation;
  before(async () => {
    installation = await newInstallation('unit-contact');
    const connection = installation.open();
    await migrateToLatest(connection.db);
    const passwordHash = await demoPasswordHash();
    await settleMode(connection.db, false, (trx) => seedDemo(trx, { passwordHash, now: new Date('2026-11-24T09:00:00Z'), today: '2026-11-24', careTimes: false }));
    await connection.close();
  });
  after(async () => {
    await installation.remove();
    removeTempDirs();
  });

  async function solrosen() {
    const connection = installation.open();
    try {
      return (await unitContactsNamed(connection.db, 'Förskolan Solrosen'))[0];
    } finally {
      await connection.close();
    }
  }

  it('changes the details given, keeps the others, and removes one given as empty', async () => {
    const run = await runAdmin(installation, ['--unit', 'Förskolan Solrosen', '--phone', '031-390 06 99', '--email', '']);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /Förskolan Solrosen \(Demokommun\): Solrosvägen 4, 462 30 Demostad, 031-390 06 99\./);
    const unit = await solrosen();
    assert.equal(unit.phone, '031-390 06 99');
    assert.equal(unit.email, null);
    assert.equal(unit.streetAddress, 'Solrosvägen 4');
  });

  it('refuses an e-mail address that is none, and a unit that does not exist, changing nothing', async () => {
    const before = await solrosen();
    const bad = await runAdmin(installation, ['--unit', 'Förskolan Solrosen', '--email', 'inte en adress']);
    assert.equal(bad.code, 2);
    assert.match(bad.output, /is not an e-mail address/);
    const missing = await runAdmin(installation, ['--unit', 'Förskolan Okänd', '--phone', '1']);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /No unit is named "Förskolan Okänd"/);
    assert.deepEqual(await solrosen(), before);
  });
});
