// The municipality's statements as saved by its admins: each save a new version, never changed. The current statement
// is the newest version; the list of versions is the page's history (who saved what, and when).
import type { Compliance } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';
import { isUniqueViolation } from '../../db/sql.ts';
import { accountPersonName } from '../accounts/queries.ts';

/** The data protection notice's parts, under the headings a municipality publishes them with. */
export const PRIVACY_FIELDS = ['controller', 'dpo', 'purpose', 'legal_basis', 'recipients', 'retention', 'rights', 'sources', 'categories'] as const;
export type PrivacyField = (typeof PRIVACY_FIELDS)[number];
export type PrivacyNotice = Record<PrivacyField, string | null>;

export interface AccessibilityStatement {
  compliance: Compliance | null; knownProblems: string | null; feedbackEmail: string | null; feedbackPhone: string | null;
  /** The day the municipality last assessed Vardag's accessibility (YYYY-MM-DD). */
  assessedOn: string | null;
}

export interface Statements { version: number; privacy: PrivacyNotice; accessibility: AccessibilityStatement; savedAt: string | null }

export interface StatementVersion extends Statements { savedBy: string | null }

const EMPTY_PRIVACY = Object.fromEntries(PRIVACY_FIELDS.map((f) => [f, null])) as PrivacyNotice;
const EMPTY_ACCESSIBILITY: AccessibilityStatement = { compliance: null, knownProblems: null, feedbackEmail: null, feedbackPhone: null, assessedOn: null };
/** A municipality whose admins have saved nothing yet: version 0, every part empty. */
export const NO_STATEMENTS: Statements = { version: 0, privacy: EMPTY_PRIVACY, accessibility: EMPTY_ACCESSIBILITY, savedAt: null };

const COLUMNS = [...PRIVACY_FIELDS, 'version', 'compliance', 'known_problems', 'feedback_email', 'feedback_phone', 'assessed_on', 'saved_at'] as const;
type Row = { [K in (typeof COLUMNS)[number]]: K extends 'version' ? number : K extends 'compliance' ? Compliance | null : K extends 'saved_at' ? string : string | null };

function toStatements(row: Row): Statements {
  return {
    version: row.version,
    privacy: Object.fromEntries(PRIVACY_FIELDS.map((f) => [f, row[f]])) as PrivacyNotice,
    accessibility: { compliance: row.compliance, knownProblems: row.known_problems, feedbackEmail: row.feedback_email,
      feedbackPhone: row.feedback_phone, assessedOn: row.assessed_on },
    savedAt: row.saved_at,
  };
}

/** The municipality's statements in force: its newest version, or none saved yet. */
export async function currentStatements(db: Db, municipalityId: number): Promise<Statements> {
  const row = await db.selectFrom('municipality_statements').select(COLUMNS).where('municipality_id', '=', municipalityId)
    .orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row ? toStatements(row) : NO_STATEMENTS;
}

/** The newest versions first, with who saved each (the name of the admin's person). */
export async function statementVersions(db: Db, municipalityId: number, limit: number): Promise<StatementVersion[]> {
  const rows = await db.selectFrom('municipality_statements')
    .select([...COLUMNS, (eb) => accountPersonName(eb, 'municipality_statements.saved_by').as('saved_by_name')])
    .where('municipality_id', '=', municipalityId).orderBy('version', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...toStatements(r), savedBy: r.saved_by_name ?? null }));
}

export type SaveOutcome = { ok: true; version: number } | { ok: false; error: 'changed-meanwhile' };

/**
 * Saves the statements as version `basedOn + 1`: the version the admin's form showed, plus one. When another admin
 * saved in between, that version exists and nothing is saved (the unique key decides, not a read before the write).
 */
export async function saveStatements(
  db: Db, municipalityId: number, basedOn: number, s: { privacy: PrivacyNotice; accessibility: AccessibilityStatement }, by: number, at: Date,
): Promise<SaveOutcome> {
  const version = basedOn + 1;
  try {
    await db.insertInto('municipality_statements').values({
      municipality_id: municipalityId, version, ...s.privacy,
      compliance: s.accessibility.compliance, known_problems: s.accessibility.knownProblems, feedback_email: s.accessibility.feedbackEmail,
      feedback_phone: s.accessibility.feedbackPhone, assessed_on: s.accessibility.assessedOn, saved_by: by, saved_at: at.toISOString(),
    }).execute();
  } catch (error) {
    if (isUniqueViolation(error, 'municipality_statements.version')) return { ok: false, error: 'changed-meanwhile' };
    throw error;
  }
  return { ok: true, version };
}
