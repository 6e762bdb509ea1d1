// Student accounts (seed 001: "Elever har möjlighet att få konto från årskurs 3"): who may have one. Pure: no database.

/**
 * The calendar year the school year of `today` started in. A Swedish school year starts in August and ends in June; the
 * summer (July) already counts to the coming year, so a letter made for the autumn's new pupils in July is allowed.
 */
export function schoolYearStartedIn(today: string): number {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return month >= 7 ? year : year - 1;
}

/**
 * The school year (årskurs) a pupil born on `birthDate` is in on `today`, by age: Swedish children start school by
 * birth year, not birthday — förskoleklass in the autumn of the calendar year they turn 6 (skollagen 7 kap. 10 §),
 * årskurs 1 in the year they turn 7, and so årskurs 3 is the school year that starts in the calendar year the child
 * turns 9. The register keeps no årskurs, so the birth year stands for it: 0 is förskoleklass, negative not yet at school.
 * A pupil whose school start was put off a year (uppskjuten skolplikt) counts a year ahead: the staff who make the
 * letter know the pupil and may wait.
 */
export function schoolYearOf(birthDate: string, today: string): number {
  return schoolYearStartedIn(today) - Number(birthDate.slice(0, 4)) - 6;
}

/** The first school year whose pupils may have an account of their own (seed 001). */
export const FIRST_STUDENT_YEAR = 3;

/**
 * Whether the pupil may have a student account: from årskurs 3, that is when the child turns 9 in the calendar year the
 * current school year started, or turned 9 in an earlier year. Without a birth date in the register: no (staff ask the
 * register to be corrected first, rather than guess).
 */
export function mayHaveStudentAccount(birthDate: string | null, today: string): boolean {
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return false;
  return schoolYearOf(birthDate, today) >= FIRST_STUDENT_YEAR;
}

/** Where a pupil's student account stands, as the staff's pages show it. */
export type StudentAccountState = 'too-young' | 'has-account' | 'letter-made' | 'none';

export function studentAccountState(facts: { eligible: boolean; hasAccount: boolean; openInvitation: boolean }): StudentAccountState {
  if (facts.hasAccount) return 'has-account';
  if (!facts.eligible) return 'too-young';
  return facts.openInvitation ? 'letter-made' : 'none';
}
