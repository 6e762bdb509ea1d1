// What a form's rules say back: an error at each field that was wrong, as a catalogue key with its values. Every form
// of Vardag uses this one shape, and the partials views/partials/error-summary.eta and field-error.eta show it
// (GOV.UK's pattern: a summary at the top linking to each field, the message again above the field).

/** A message key, its values, and dates to be written out in the reader's language ("onsdag 2 december"). */
export interface FieldError { key: string; params?: Record<string, string | number>; dates?: Record<string, string> }

/** Errors by the name of the field they belong to; `form` for an error about the whole form. */
export type FieldErrors = Record<string, FieldError>;

/** A form read by its rules: the value to act on, or what was wrong. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/**
 * Whether a typed phone number looks like one: digits with the spaces, dashes and brackets people write ("031-390 06
 * 10", "+46 (0)70 123 45 67"), 6 to 20 characters, at least 6 of them digits. The one check of every contact form.
 */
export function looksLikePhoneNumber(text: string): boolean {
  return /^\+?[0-9 ()-]{6,20}$/.test(text) && (text.match(/[0-9]/g)?.length ?? 0) >= 6;
}

/**
 * Every field of a posted form (after express.urlencoded) as Vardag keeps text:
 * - without NUL characters: nobody types one, and PostgreSQL refuses text that holds one, so a form with one would
 *   answer 500 there where SQLite stored it;
 * - composed (Unicode NFC): some keyboards and pasted text send "ö" as "o" and a combining diaeresis, which looks
 *   the same but would never be found by a search for "Öberg". Passwords are left as typed: their hash was made so.
 * A body in any other encoding (JSON, plain text) or none is an empty form: Express 5 leaves `req.body` undefined
 * then, and a handler that shows the form again with what was sent must find an object there.
 */
export function cleanedForm(req: { body?: unknown }, _res: unknown, next: () => void): void {
  if (req.body === undefined || req.body === null) req.body = {};
  const body = req.body as Record<string, unknown>;
  if (typeof body === 'object') {
    for (const [name, value] of Object.entries(body)) {
      const clean = (v: unknown) => (typeof v !== 'string' ? v : /password/i.test(name) ? v.replaceAll('\u0000', '') : v.replaceAll('\u0000', '').normalize('NFC'));
      body[name] = Array.isArray(value) ? value.map(clean) : clean(value);
    }
  }
  next();
}
