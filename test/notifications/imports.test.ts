// House rule: no import cycle between domains. Accounts imports notifications (everyone calls the one writer,
// notify()), so nothing under server/notifications imports accounts: what it needs of accounts it declares
// (server/notifications/recipients.ts) and server/app.ts hands accounts' implementation in.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const FOLDER = path.join(import.meta.dirname, '../../server/notifications');

describe('server/notifications', () => {
  it('imports nothing of server/accounts', () => {
    const found: string[] = [];
    for (const file of fs.readdirSync(FOLDER).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(FOLDER, file), 'utf8');
      for (const m of text.matchAll(/(?:import|export)[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
        const target = path.resolve(FOLDER, m[1] ?? m[2]);
        if (target.includes(`${path.sep}server${path.sep}accounts${path.sep}`)) found.push(`${file}: ${m[1] ?? m[2]}`);
      }
    }
    assert.deepEqual(found, []);
  });
});
