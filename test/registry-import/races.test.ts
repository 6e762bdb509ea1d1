// An import that ends a staff assignment while the staff pages end the same one, on PostgreSQL, where the two
// transactions run side by side: the import read the assignment still open, the staff page's end commits first, and
// the import must not write its last day over it. A third connection plays the staff page, its end written and not
// committed while the import is applied: the import waits for it, then applies nothing and is previewed again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseOf } from '../support/database.ts';
import { whileHeld } from '../support/locks.ts';
import { addMunicipalityAdmin, createGroup, createMunicipality, createUnit } from '../../server/people/commands.ts';
import { applyImport } from '../../server/registry-import/import.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { today } from '../../server/kernel/clock.ts';
import { registryMailer } from '../../server/invitations/registry-invitations.ts';

describe('an import ending an assignment the staff pages end at the same moment (PostgreSQL)', () => {
  let t: TestApp;
  let url = '';
  let municipality: number;
  let by: { personId: number; accountId: number };
  before(async () => {
    const env = await databaseOf('postgres');
    url = env.VARDAG_DATABASE_URL;
    t = await startTestApp({ env });
    const admin = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'admin').executeTakeFirstOrThrow();
    by = { personId: admin.person_id, accountId: admin.id };
    municipality = await t.db.transaction().execute(async (trx) => {
      const id = await createMunicipality(trx, { name: 'Samtidighetskommun' }, t.clock.now());
      const unit = await createUnit(trx, { municipalityId: id, areaId: null, name: 'Förskolan Tallen', kind: 'preschool' });
      await createGroup(trx, unit, 'Kotten');
      await addMunicipalityAdmin(trx, admin.person_id, id);
      return id;
    });
  });
  after(() => t?.close());

  it('waits for the staff page’s end, then applies nothing and keeps that end', async () => {
    const staff = identityNumber('1984-03-03', 230);
    const file = (end: string) => 'typ;personnummer;fornamn;efternamn;barn;enhet;grupp;startdatum;slutdatum;roll\n'
      + `personal;${staff};Stina;Ek;;Förskolan Tallen;Kotten;;${end};personal\n`;
    const apply = (end: string) => applyImport(t.db, {
      municipalityId: municipality, text: file(end), encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), by, source: 'import', mail: registryMailer(t.config),
    });
    assert.ok((await apply('')).ok);
    const { id } = await t.db.selectFrom('staff_assignments').innerJoin('persons', 'persons.id', 'staff_assignments.person_id').select('staff_assignments.id')
      .where('persons.identity_number', '=', staff).executeTakeFirstOrThrow();

    const held = await whileHeld(url, (client) => client.query("update staff_assignments set end_date = '2026-12-31' where id = $1", [id]),
      () => apply('2027-01-31'), { waiters: 1, end: 'commit' });
    assert.equal(held.waited, 1, 'the import waited for the staff page’s end');
    const outcome = held.results;
    assert.equal(outcome.ok ? 'applied' : outcome.error, 'changed-since-preview');
    const after = await t.db.selectFrom('staff_assignments').select('end_date').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(after.end_date, '2026-12-31', 'the staff page’s end stays');
    const history = await t.db.selectFrom('register_changes').select('id').where('entity', '=', 'staff_assignment').where('entity_id', '=', id)
      .where('field', '=', 'end_date').execute();
    assert.equal(history.length, 0, 'no history of an end the import did not write');
  });
});
