// The statements' forms read and checked: each part trimmed (empty is "not written"), none too long, the contact for
// accessibility problems an e-mail address and a phone number that look like one, the assessment day not ahead.
import type { Compliance } from '../../db/schema.ts';
import { isDate } from '../kernel/dates.ts';
import { hasErrors, looksLikePhoneNumber, type FieldErrors, type Parsed } from '../kernel/forms.ts';
import { PRIVACY_FIELDS, type AccessibilityStatement, type PrivacyNotice } from './queries.ts';

/** The longest text of one part (a page of text: the seed municipality's longest part is under 1,000 characters). */
export const MAX_TEXT = 5000;
export const COMPLIANCE: readonly Compliance[] = ['full', 'partial', 'none'];

type Form = (name: string) => string;

function text(form: Form, name: string, errors: FieldErrors): string | null {
  const value = form(name).replace(/\r\n?/g, '\n').trim();
  if (value.length > MAX_TEXT) errors[name] = { key: 'about.errors.tooLong', params: { max: MAX_TEXT } };
  return value || null;
}

export function parsePrivacy(form: Form): Parsed<PrivacyNotice> {
  const errors: FieldErrors = {};
  const value = Object.fromEntries(PRIVACY_FIELDS.map((f) => [f, text(form, f, errors)])) as PrivacyNotice;
  return hasErrors(errors) ? { ok: false, errors } : { ok: true, value };
}

export function parseAccessibility(form: Form, today: string): Parsed<AccessibilityStatement> {
  const errors: FieldErrors = {};
  const compliance = form('compliance').trim();
  if (compliance && !COMPLIANCE.includes(compliance as Compliance)) errors.compliance = { key: 'about.errors.compliance' };
  const knownProblems = text(form, 'known_problems', errors);
  const email = form('feedback_email').trim();
  if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) errors.feedback_email = { key: 'about.errors.email' };
  const phone = form('feedback_phone').trim();
  if (phone && !looksLikePhoneNumber(phone)) errors.feedback_phone = { key: 'about.errors.phone' };
  const assessedOn = form('assessed_on').trim();
  if (assessedOn && !isDate(assessedOn)) errors.assessed_on = { key: 'about.errors.date' };
  else if (assessedOn > today) errors.assessed_on = { key: 'about.errors.dateAhead' };
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, value: {
    compliance: (compliance || null) as Compliance | null, knownProblems, feedbackEmail: email || null, feedbackPhone: phone || null,
    assessedOn: assessedOn || null,
  } };
}

/**
 * The version the form was filled from (its hidden `version`): a whole number, or undefined when the form sent none
 * (then the save is based on the version now in force).
 */
export function parseVersion(raw: string): number | undefined {
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

/** Text written as paragraphs (an empty line between them), each with its own lines, for the public pages. */
export function paragraphs(value: string): string[][] {
  return value.split(/\n\s*\n/).map((p) => p.split('\n').map((line) => line.trim()).filter(Boolean)).filter((p) => p.length > 0);
}
