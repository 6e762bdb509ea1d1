// Swedish phone numbers as people type them and read them: kept as E.164 (+46701234567), shown as 070-123 45 67.

const ARABIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

/**
 * A Swedish phone number as people write it — a mobile (070-123 45 67) or a landline (08-123 456 78, 031-390 06 10),
 * with +46, 0046 or 0 first, Arabic-Indic digits read as 0–9 — in E.164 (+46701234567); not one: `undefined`. A
 * Swedish number is 0 and 7 to 9 digits, a mobile (07x) exactly 9.
 */
export function normalisePhone(raw: string): string | undefined {
  const digits = raw.replace(ARABIC_DIGITS, (d) => String(d.charCodeAt(0) - (d.charCodeAt(0) >= 0x06F0 ? 0x06F0 : 0x0660)));
  const compact = digits.replace(/[\s\-().\u00A0/]/g, '');
  const match = compact.match(/^(?:(?:\+|00)46(?:0)?|0)([1-9]\d{6,8})$/);
  if (!match) return undefined;
  const national = match[1];
  if (national.startsWith('7') && national.length !== 9) return undefined;
  return `+46${national}`;
}

/** +46701234567 as a Swede writes it: 070-123 45 67; Stockholm's 08-123 456 78; other landlines 0 and the digits. */
export function formatPhone(e164: string): string {
  if (!e164.startsWith('+46')) return e164;
  const national = `0${e164.slice(3)}`;
  if (/^07\d{8}$/.test(national)) return national.replace(/^(\d{3})(\d{3})(\d{2})(\d{2})$/, '$1-$2 $3 $4');
  if (/^08\d{7,8}$/.test(national)) return `08-${national.slice(2).replace(/^(\d{3})(\d{2,3})(\d{2})$/, '$1 $2 $3')}`;
  return national;
}
