// The statements' pages: which municipality's statements a public page shows, the parts as the reader sees them, the
// admin's page with its two forms and the history of versions, and saving one part as a new version.
import type { Request } from 'express';
import type { Db } from '../kernel/db.ts';
import type { PersonalDataRegistry } from '../kernel/personal-data.ts';
import { retentionPeriods } from '../privacy/queries.ts';
import { effectiveDays, effectiveMonths } from '../privacy/retention.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { parseId } from '../kernel/http.ts';
import { allMunicipalities, municipalityOfPerson, type AdministeredMunicipality, type MunicipalityName } from '../people/audit-scope.ts';
import {
  currentStatements, PRIVACY_FIELDS, saveStatements, statementVersions, type AccessibilityStatement, type PrivacyNotice, type Statements,
  type StatementVersion,
} from './queries.ts';
import { COMPLIANCE, paragraphs } from './rules.ts';
import { readTestResults } from './test-results.ts';

/** The project's own accessibility test results, read once: they change with a new version of Vardag, not while it runs. */
const TEST_RESULTS = readTestResults();

/**
 * Whose statements a public page shows: the one asked for (`?municipality=`), else the signed-in user's, else the
 * database's only municipality; with several and none of these, the reader chooses. An unknown one is not found.
 */
export async function publicMunicipality(db: Db, req: Request): Promise<{ chosen: MunicipalityName | null; all: MunicipalityName[] } | undefined> {
  const all = await allMunicipalities(db);
  const asked = req.query.municipality;
  if (asked !== undefined) {
    const id = parseId(asked);
    const found = all.find((m) => m.id === id);
    return found ? { chosen: found, all } : undefined;
  }
  const own = req.account ? await municipalityOfPerson(db, req.account.personId) : undefined;
  const chosen = all.find((m) => m.id === own) ?? (all.length === 1 ? all[0] : null);
  return { chosen, all };
}

/** The notice's parts in order, each as paragraphs of lines, or null when the municipality has not written it. */
export function privacyParts(privacy: PrivacyNotice): { field: string; paragraphs: string[][] | null }[] {
  return PRIVACY_FIELDS.map((field) => ({ field, paragraphs: privacy[field] ? paragraphs(privacy[field]) : null }));
}

/**
 * How long Vardag itself keeps each kind of record of a child who left, in the municipality: its own period, or the
 * kind's default (the retention jobs remove them then).
 */
export async function retentionSchedule(db: Db, registry: PersonalDataRegistry, municipalityId: number): Promise<{ kind: string; months: number }[]> {
  const periods = await retentionPeriods(db, municipalityId);
  return registry.rules().map((rule) => ({ kind: rule.kind, months: effectiveMonths(registry, rule, periods) }));
}

/** How long Vardag keeps each kind of record kept for a time (registry files, mail), in days after it was made or sent. */
export async function timedRetentionSchedule(db: Db, registry: PersonalDataRegistry, municipalityId: number): Promise<{ kind: string; days: number }[]> {
  const periods = await retentionPeriods(db, municipalityId, 'days');
  return registry.timedRules().map((rule) => ({ kind: rule.kind, days: effectiveDays(rule, periods) }));
}

export async function publicPage(db: Db, registry: PersonalDataRegistry, municipality: MunicipalityName | null) {
  const statements = municipality ? await currentStatements(db, municipality.id) : undefined;
  const retention = municipality ? await retentionSchedule(db, registry, municipality.id) : [];
  const timedRetention = municipality ? await timedRetentionSchedule(db, registry, municipality.id) : [];
  return { municipality, statements, retention, timedRetention, parts: statements ? privacyParts(statements.privacy) : [], tests: TEST_RESULTS,
    knownProblems: statements?.accessibility.knownProblems ? paragraphs(statements.accessibility.knownProblems) : null };
}

const ACCESSIBILITY_FIELDS = ['compliance', 'knownProblems', 'feedbackEmail', 'feedbackPhone', 'assessedOn'] as const;
const FORM_NAMES: Record<(typeof ACCESSIBILITY_FIELDS)[number], string> = {
  compliance: 'compliance', knownProblems: 'known_problems', feedbackEmail: 'feedback_email', feedbackPhone: 'feedback_phone', assessedOn: 'assessed_on',
};

/** The form fields' values of saved statements. */
export function formValues(s: Statements): Record<string, string> {
  return {
    ...Object.fromEntries(PRIVACY_FIELDS.map((f) => [f, s.privacy[f] ?? ''])),
    ...Object.fromEntries(ACCESSIBILITY_FIELDS.map((f) => [FORM_NAMES[f], s.accessibility[f] ?? ''])),
  };
}

/** Each version with the parts it changed from the one before (form field names), newest first. */
export function history(versions: StatementVersion[]): { version: number; savedAt: string | null; savedBy: string | null; changed: string[] }[] {
  return versions.map((v, i) => {
    const before = formValues(versions[i + 1] ?? { version: 0, privacy: {} as PrivacyNotice, accessibility: {} as AccessibilityStatement, savedAt: null });
    const now = formValues(v);
    return { version: v.version, savedAt: v.savedAt, savedBy: v.savedBy, changed: Object.keys(now).filter((k) => now[k] !== before[k]) };
  }).filter((v, i) => i < versions.length - 1 || v.version === 1);
}

/** The admin's page: the statements in force (or what was typed), the municipality's versions. */
export async function adminPage(db: Db, municipality: AdministeredMunicipality, typed: Record<string, string> = {}, errors: FieldErrors = {}) {
  const [current, versions] = await Promise.all([currentStatements(db, municipality.chosen.id), statementVersions(db, municipality.chosen.id, 21)]);
  return { ...municipality, version: current.version, savedAt: current.savedAt, values: { ...formValues(current), ...typed }, errors,
    compliance: COMPLIANCE, privacyFields: PRIVACY_FIELDS, history: history(versions) };
}

export type SavePart = { part: 'privacy'; value: PrivacyNotice } | { part: 'accessibility'; value: AccessibilityStatement };

/**
 * Saves one part as a new version, keeping the other part as it is in force. The form's version must be the one in
 * force: if another admin saved since the form was shown, nothing is saved and the admin sees what changed.
 */
export async function savePart(db: Db, municipalityId: number, basedOn: number | undefined, save: SavePart, by: number, at: Date) {
  const current = await currentStatements(db, municipalityId);
  if (basedOn !== undefined && basedOn !== current.version) return { ok: false as const, error: 'changed-meanwhile' as const };
  const next = { privacy: current.privacy, accessibility: current.accessibility, [save.part]: save.value };
  return saveStatements(db, municipalityId, current.version, next, by, at);
}
