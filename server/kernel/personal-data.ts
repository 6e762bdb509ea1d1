// The one registry of the personal data Vardag keeps. Each domain declares, in its own `personal-data.ts`, its part of
// a person's register extract (registerutdrag: everything Vardag holds about a guardian and their children), what
// it keeps of a child who has left, for how long, and what it keeps for a time whoever it is about (an uploaded
// registry file, a sent mail); app.ts registers the parts. The extract and the retention job read
// only this registry, so a later domain (documentation, portfolios) joins by declaring its part, without new code here.
import type { Db } from './db.ts';

/** Whose extract it is: the person, their accounts, and the children whose records go in (their own children, or themself). */
export interface ExtractSubject {
  personId: number;
  municipalityId: number;
  accountIds: readonly number[];
  /** The children the person is legal guardian of, and the person themself when they are a child with a placement. */
  childIds: readonly number[];
}

export type ExtractValue = string | number | boolean | null;

/**
 * One table of the extract: a heading (a catalogue key), the child it is about (null: the person's own records), the
 * columns (each column's heading is the catalogue key `<title>.<column>`) and the rows. Only the subject's own and
 * their children's records: another person appears as "you" or not by name (see `byWhom`).
 */
export interface ExtractSection {
  title: string;
  childId: number | null;
  columns: readonly string[];
  rows: readonly Record<string, ExtractValue>[];
}

/** A small file of the extract, in memory (a child's picture): its name inside the ZIP, under the child's folder. */
export interface ExtractFile { childId: number | null; name: string; bytes: Uint8Array }

/**
 * A file of the extract kept on the disk (a portfolio's photo, video or sound): `source` is its path, read only while
 * the ZIP is written, a slice at a time, so an extract of many photos never holds them in memory.
 */
export interface ExtractStoredFile { childId: number | null; name: string; source: string }

export interface ExtractPart { sections: ExtractSection[]; files?: ExtractFile[]; stored?: ExtractStoredFile[] }

/** One kind of record a domain keeps of a child after the child's last placement ended, and how it removes them. */
export interface RetentionRule {
  /** The kind's name: the municipality's setting and the catalogue key `personalData.kinds.<kind>`. */
  kind: string;
  /** Months after the last placement ended, unless the municipality set another period. */
  defaultMonths: number;
  /**
   * Removes every record of this kind about the children, in the caller's transaction; returns how many rows went.
   * `at`: the retention run's municipality and day, for a kind that keeps some of the children longer (a portfolio
   * still downloadable).
   */
  remove(trx: Db, childIds: readonly number[], at?: RetentionDay): Promise<number>;
}

/** Where and on which day the retention job runs. */
export interface RetentionDay { municipalityId: number; today: string }

/**
 * One kind of record a domain keeps for a time from an event of its own (a registry file's upload, a mail's sending),
 * whoever it is about: removed, or emptied of what it held about people, that many days later.
 */
export interface TimedRetentionRule {
  /** The kind's name: the municipality's setting and the catalogue key `personalData.kinds.<kind>`. */
  kind: string;
  /** Days from the record's event, unless the municipality set another period. */
  defaultDays: number;
  /**
   * Removes (or empties), in the caller's transaction, the records of the kind of the municipality (null: those about
   * no municipality, kept the default period) whose event came before `before`; returns how many rows went or were
   * emptied. Run again, it removes nothing more.
   */
  remove(trx: Db, municipalityId: number | null, before: Date): Promise<number>;
}

export interface PersonalDataPart {
  /** The domain declaring it (for messages and tests). */
  domain: string;
  /**
   * Its records are read only with a strong login (a pupil's assessment, development plan, extra adaptations): they go
   * into an extract the person takes themself from a session strong for their municipality, never into a weak
   * session's or the admin's (who may not read them at all); such an extract says what it left out and how to get it.
   */
  strongLogin?: true;
  extract?(db: Db, subject: ExtractSubject): Promise<ExtractPart>;
  retention?: readonly RetentionRule[];
  timedRetention?: readonly TimedRetentionRule[];
  /**
   * Records of a child who left that must stay at least this many months whatever the settings (a portfolio the
   * guardians may still download): no retention period may be set shorter.
   */
  keepsAtLeastMonths?: number;
}

/** The register's side of the registry: whose extract, and which children have left (the people module answers). */
export interface PersonRegister {
  /** The person's municipality and children, without their accounts (the accounts module's). */
  subjectOf(db: Db, personId: number): Promise<Omit<ExtractSubject, 'accountIds'> | null>;
  /** Every municipality, for the retention job. */
  municipalities(db: Db): Promise<number[]>;
  /** Children of the municipality with a placement, all of whose placements ended before `day`. */
  childrenWhoLeftBefore(db: Db, municipalityId: number, day: string): Promise<number[]>;
}

export interface DefaultPeriod { length: number; unit: 'months' | 'days' }

/** The fewest months a retention period may be, when no part declares more. */
export const MIN_RETENTION_MONTHS = 1;
/** The most: ten years. */
export const MAX_RETENTION_MONTHS = 120;
/** The fewest days a period of a timed kind may be: a week (a file waiting for approval over a long weekend stays). */
export const MIN_RETENTION_DAYS = 7;
/** The most: ten years. */
export const MAX_RETENTION_DAYS = 3650;

export class PersonalDataRegistry {
  constructor(
    readonly register: PersonRegister,
    /** The person's accounts (the accounts module answers). */
    private readonly accountsOf: (db: Db, personId: number) => Promise<number[]>,
    readonly parts: readonly PersonalDataPart[],
  ) {
    const kinds = [...this.rules(), ...this.timedRules()].map((r) => r.kind);
    const twice = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
    if (twice) throw new Error(`Two domains declare the retention kind "${twice}"`);
  }

  /** Every kind of record kept after a child left, in the order the parts were registered. */
  rules(): RetentionRule[] {
    return this.parts.flatMap((part) => part.retention ?? []);
  }

  rule(kind: string): RetentionRule | undefined {
    return this.rules().find((r) => r.kind === kind);
  }

  /** Every kind of record kept for a time from its own event, in the order the parts were registered. */
  timedRules(): TimedRetentionRule[] {
    return this.parts.flatMap((part) => part.timedRetention ?? []);
  }

  /** Each kind's default period and its unit: months for a kind kept after a child left, days for one kept for a time. */
  defaults(): Map<string, DefaultPeriod> {
    return new Map<string, DefaultPeriod>([
      ...this.rules().map((r): [string, DefaultPeriod] => [r.kind, { length: r.defaultMonths, unit: 'months' }]),
      ...this.timedRules().map((r): [string, DefaultPeriod] => [r.kind, { length: r.defaultDays, unit: 'days' }]),
    ]);
  }

  /** The shortest retention period allowed: no record goes before every part's own minimum has passed. */
  minimumMonths(): number {
    return Math.max(MIN_RETENTION_MONTHS, ...this.parts.map((part) => part.keepsAtLeastMonths ?? 0));
  }

  /** Whose extract it is, or null when there is no such person. */
  async subjectOf(db: Db, personId: number): Promise<ExtractSubject | null> {
    const subject = await this.register.subjectOf(db, personId);
    return subject && { ...subject, accountIds: await this.accountsOf(db, personId) };
  }

  /**
   * Every part's sections and files of the subject's extract, in the order the parts were registered; the parts that
   * need a strong login only when `strong` (the person themself, strong for their municipality), else `withheld`
   * (said only to someone with children, whose records they would be).
   */
  async extract(db: Db, subject: ExtractSubject, { strong }: { strong: boolean } = { strong: false }): Promise<ExtractPart & { withheld: boolean }> {
    const none: ExtractPart = { sections: [] };
    const included = this.parts.filter((part) => strong || !part.strongLogin);
    const parts = await Promise.all(included.map((part) => part.extract?.(db, subject) ?? none));
    return {
      sections: parts.flatMap((p) => p.sections), files: parts.flatMap((p) => p.files ?? []), stored: parts.flatMap((p) => p.stored ?? []),
      withheld: subject.childIds.length > 0 && included.length < this.parts.length, // (only children's records need it)
    };
  }
}

/** Who did something, as the extract says it: the subject themself, or someone else, never by name. */
export function byWhom(accountIds: readonly number[], accountId: number | null): 'you' | 'other' | null {
  if (accountId === null) return null;
  return accountIds.includes(accountId) ? 'you' : 'other';
}

/** Splits ids into slices a statement can take as parameters. */
export function slices<T>(list: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
