import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { idColumn } from '../sql.ts';

// Invitations of guardians by key, and the name an account shows to others.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('display_name', 'text').execute();
  await db.schema.alterTable('municipalities').addColumn('invitation_valid_days', 'integer', (c) => c.notNull().defaultTo(14)).execute();
  await db.schema.createTable('invitations')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('guardian_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('email', 'text')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('sv'))
    .addColumn('send_on', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('used_at', 'text')
    .addColumn('used_by_account', 'integer', (c) => c.references('accounts.id'))
    .execute();
  await db.schema.createIndex('invitations_guardian').on('invitations').column('guardian_id').execute();
  await db.schema.createIndex('invitations_send_on').on('invitations').column('send_on').execute();
  await db.schema.createTable('invitation_children')
    .addColumn('invitation_id', 'integer', (c) => c.notNull().references('invitations.id'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addPrimaryKeyConstraint('invitation_children_pk', ['invitation_id', 'child_id'])
    .execute();
  await db.schema.createIndex('invitation_children_child').on('invitation_children').column('child_id').execute();
  await db.schema.createTable('invitation_keys')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('invitation_id', 'integer', (c) => c.notNull().references('invitations.id'))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('delivery', 'text', (c) => c.notNull().check(oneOf('delivery', ['email', 'paper'])))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text')
    .addColumn('used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('invitation_keys_invitation').on('invitation_keys').column('invitation_id').execute();
}
