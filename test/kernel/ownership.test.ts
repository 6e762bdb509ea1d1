// Each table has one owner: only the owner's module names it in a query. The map below is written by hand (it is
// the design, not a reading of the code): a new table gets a line here, and a file that reaches into another
// module's table fails this test. Route files hold no SQL at all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../db/schema.ts';

const SERVER_DIR = path.resolve(import.meta.dirname, '../../server');

/** Table → the folder under server/ whose files alone may name it. */
const OWNERS: Record<keyof Database, string> = {
  app_meta: 'kernel',
  sessions: 'kernel',
  jobs: 'kernel',
  municipalities: 'people',
  areas: 'people',
  units: 'people',
  groups: 'people',
  persons: 'people',
  placements: 'people',
  guardianships: 'people',
  staff_assignments: 'people',
  municipality_admins: 'people',
  accounts: 'accounts',
  account_emails: 'accounts',
  password_reset_tokens: 'accounts',
  account_closure_requests: 'accounts',
  unit_opening_hours: 'settings',
  unit_settings: 'settings',
  unit_boxes: 'settings',
  unit_closed_days: 'settings',
  group_settings: 'settings',
  settings_changes: 'settings',
  notifications: 'notifications',
  account_notification_choices: 'notifications',
  message_threads: 'messages',
  messages: 'messages',
  message_recipients: 'messages',
  mail_outbox: 'mail',
  sms_outbox: 'sms',
  invitations: 'invitations',
  invitation_children: 'invitations',
  invitation_keys: 'invitations',
  absences: 'absence',
  attendances: 'attendance',
  care_history: 'history',
  care_times: 'schedule',
  standard_schedules: 'schedule',
  standard_care_times: 'schedule',
};

const QUERY = /\b(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin)\(\s*['"`]([a-z_]+)(?:\s+as\s+[a-z_]+)?['"`]/g;
const ANY_SQL = /\b(selectFrom|insertInto|updateTable|deleteFrom|selectNoFrom)\(|\bsql`/;

function serverFiles(dir = SERVER_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return serverFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The tables a file names in queries, with the line of each. */
export function tablesNamed(source: string): { table: string; line: number }[] {
  return [...source.matchAll(QUERY)].map((m) => ({ table: m[2], line: source.slice(0, m.index).split('\n').length }));
}

describe('who owns which table', () => {
  it('names an owner for every table of the schema, and only folders that exist', () => {
    for (const owner of new Set(Object.values(OWNERS))) {
      assert.ok(fs.existsSync(path.join(SERVER_DIR, owner)), `server/${owner}/ owns tables but does not exist`);
    }
  });

  it('finds table names in the shapes queries are written in (so the check below can fail)', () => {
    const found = tablesNamed(`db.selectFrom('absences').innerJoin('persons as child', 'a', 'b')\n  .leftJoin("accounts", 'x', 'y'); trx.insertInto('notifications')`);
    assert.deepEqual(found.map((f) => f.table), ['absences', 'persons', 'accounts', 'notifications']);
  });

  it('lets only the owner name a table in a query', () => {
    const breaches: string[] = [];
    for (const file of serverFiles()) {
      const module = path.relative(SERVER_DIR, file).split(path.sep)[0];
      for (const { table, line } of tablesNamed(fs.readFileSync(file, 'utf8'))) {
        const owner = OWNERS[table as keyof Database];
        const where = `${path.relative(SERVER_DIR, file)}:${line}`;
        if (owner === undefined) breaches.push(`${where} names ${table}, which is not in the ownership map`);
        else if (owner !== module) breaches.push(`${where} names ${table}, owned by server/${owner}/`);
      }
    }
    assert.deepEqual(breaches, []);
  });

  it('keeps SQL out of route files', () => {
    const withSql = serverFiles()
      .filter((file) => /RouteTable/.test(fs.readFileSync(file, 'utf8')) && !file.endsWith(path.join('kernel', 'http.ts')))
      .filter((file) => ANY_SQL.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(SERVER_DIR, file));
    assert.deepEqual(withSql, []);
  });
});
