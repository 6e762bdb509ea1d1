import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { idColumn } from '../sql.ts';

// School assessment (server/assessment/). A municipality's assessment matrix: its knowledge levels in order ("Arbetar
// mot", "Uppnår", "Fördjupar"), its subjects and each subject's abilities, names unique within their list whatever
// their case (a second "Uppnår" or an "uppnår" is refused at the field): `name_key` is the name folded as the app folds
// it (server/assessment/rules.ts, nameKey: NFC, lower case in Swedish), written with every name, unique in its list, so
// two admins adding "Uppnår" and "uppnår" at once cannot both succeed (SQLite's lower() folds ASCII only, hence the
// column). It may be null only for a row written around the app (a test's fixture), which its list's key then skips. A pupil's assessment of one subject for one term ("HT2026", "VT2027"): the
// teacher's comment and one level per ability (assessment_marks), written in the pupil's class (`group_id`), a draft
// until published (families see published ones only). `version` is the row version: two teachers saving at once
// cannot both win. A level, subject or ability that an assessment uses is not removed (the queries refuse it).
// Every change of the matrix is kept with who and when (assessment_matrix_changes).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('assessment_levels')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assessment_levels_name').unique().on('assessment_levels').columns(['municipality_id', 'name']).execute();
  await db.schema.createIndex('assessment_levels_name_key').unique().on('assessment_levels').columns(['municipality_id', 'name_key']).execute();

  await db.schema.createTable('assessment_subjects')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assessment_subjects_name').unique().on('assessment_subjects').columns(['municipality_id', 'name']).execute();
  await db.schema.createIndex('assessment_subjects_name_key').unique().on('assessment_subjects').columns(['municipality_id', 'name_key']).execute();

  await db.schema.createTable('assessment_abilities')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('assessment_subjects.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assessment_abilities_name').unique().on('assessment_abilities').columns(['subject_id', 'name']).execute();
  await db.schema.createIndex('assessment_abilities_name_key').unique().on('assessment_abilities').columns(['subject_id', 'name_key']).execute();

  await db.schema.createTable('assessment_matrix_changes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('change', 'text', (c) => c.notNull()) // e.g. "level added: Uppnår"
    .addColumn('changed_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assessment_matrix_changes_municipality').on('assessment_matrix_changes').columns(['municipality_id', 'changed_at']).execute();

  await db.schema.createTable('assessments')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('assessment_subjects.id'))
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', ['draft', 'published'])))
    .addColumn('published_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('assessments_child_subject_term').unique().on('assessments').columns(['child_id', 'subject_id', 'term']).execute();
  await db.schema.createIndex('assessments_group_term').on('assessments').columns(['group_id', 'term']).execute();

  await db.schema.createTable('assessment_marks')
    .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessments.id').onDelete('cascade'))
    .addColumn('ability_id', 'integer', (c) => c.notNull().references('assessment_abilities.id'))
    .addColumn('level_id', 'integer', (c) => c.notNull().references('assessment_levels.id'))
    .addPrimaryKeyConstraint('assessment_marks_pk', ['assessment_id', 'ability_id'])
    .execute();
}
