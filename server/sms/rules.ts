// Which numbers an SMS can go to: a number in E.164, and a Swedish mobile number however a person or a register
// writes it. Pure rules, read by the outbox and by the settings page where a person types their own number.

const E164 = /^\+[1-9]\d{6,14}$/;

/** Whether a number is in E.164: a plus, the country code and the number, no spaces (+46701234567). */
export function isE164(number: string): boolean {
  return E164.test(number);
}

/**
 * A Swedish mobile number as people write it (070-123 45 67, +46 70 123 45 67, 0046701234567) in the form +46701234567;
 * empty means none. Mobile numbers are the 10-digit 07x numbers of the ranges 070, 072, 073, 076 and 079.
 */
export function parseSwedishMobile(raw: string): { ok: true; value: string | null } | { ok: false } {
  const compact = raw.replace(/[\s\-().]/g, '');
  if (!compact) return { ok: true, value: null };
  const match = compact.match(/^(?:(?:\+|00)460?|0)(7[02369]\d{7})$/);
  return match ? { ok: true, value: `+46${match[1]}` } : { ok: false };
}

/**
 * A Swedish mobile number from a register or a person (070-123 45 67) in E.164 (+46701234567); undefined for anything
 * else, a landline included.
 */
export function swedishMobile(raw: string | null | undefined): string | undefined {
  const parsed = parseSwedishMobile(raw ?? '');
  return parsed.ok && parsed.value ? parsed.value : undefined;
}
