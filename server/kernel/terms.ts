import type { TFunction } from 'i18next';

// School terms: the autumn term (HT, August–December) and the spring term (VT, January–July), named as schools write
// them ("HT2026", "VT2027"). A school's records are kept per term (server/assessment/, server/development-plans/).

const TERM = /^(HT|VT)(\d{4})$/;

/** The term a calendar day ('YYYY-MM-DD') is in: August–December "HT<year>", January–July "VT<year>". */
export function termOf(day: string): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month >= 8 ? `HT${year}` : `VT${year}`;
}

/** "HT2026" or "VT2027" (a year 2000–2099). */
export function isTerm(value: string): boolean {
  const m = TERM.exec(value);
  return m !== null && Number(m[2]) >= 2000 && Number(m[2]) <= 2099;
}

/** The term before `term` (VT2027 → HT2026, HT2026 → VT2026). */
export function previousTerm(term: string): string {
  const m = TERM.exec(term);
  if (!m) throw new Error(`not a term: ${term}`);
  const year = Number(m[2]);
  return m[1] === 'HT' ? `VT${year}` : `HT${year - 1}`;
}

/** The term after `term`. */
export function nextTerm(term: string): string {
  const m = TERM.exec(term);
  if (!m) throw new Error(`not a term: ${term}`);
  const year = Number(m[2]);
  return m[1] === 'HT' ? `VT${year + 1}` : `HT${year}`;
}

/** Negative when term `a` comes before `b`, 0 for the same term, positive after (both terms, see isTerm). */
export function compareTerms(a: string, b: string): number {
  const order = (t: string) => Number(t.slice(2)) * 2 + (t.startsWith('HT') ? 1 : 0);
  return order(a) - order(b);
}

/** `term` and the `count - 1` terms before it, newest first. */
export function previousTerms(term: string, count: number): string[] {
  const terms = [term];
  for (let last = term; terms.length < count;) {
    last = previousTerm(last);
    terms.push(last);
  }
  return terms;
}

/** "Hösttermin 2026" / "Vårtermin 2027" from the catalogue (terms.HT / terms.VT); `t` is a request's TFunction. */
export function termLabel(t: TFunction, term: string): string {
  const m = TERM.exec(term);
  if (!m) return term;
  return t(`terms.${m[1]}`, { year: m[2] });
}
