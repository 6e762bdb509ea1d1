// The bench data set: one municipality with three areas, preschools and schools (with fritids) of about 50–100
// children, groups of about 15–22, families of one to three children with one or two guardians (some in two
// households), staff, and an account for every adult; and a year of history up to the day it is built: every
// child's care times (weekdays, with days off and summer weeks), absences (about 6 %), arrivals and departures,
// each with its care-history rows, standard schedules for most preschool and fritids children, and a few closed
// days per unit. Deterministic: the same N built on the same day gives the same rows.
//
// The data set is cached in `.bench/data-<N>-<hash>/vardag.sqlite`, or on PostgreSQL in the database
// `bench_<N>_<hash>` (its summary in `.bench/pg-data-<N>-<hash>/`); the hash covers the migration file names and
// this file, so changing either builds a new one (the history then ends the day before; an older cached set keeps
// its own year, which is as good for the bench). Everything is written in one transaction: the organisation with
// multi-row inserts, the history (millions of rows) with prepared single-row inserts on SQLite and inserts of 5000
// rows at a time on PostgreSQL (one array parameter per column, unnested). A shorter history (`historyMonths`) keeps
// a 50,000-child set to minutes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Insertable } from 'kysely';
import type { Database, HourLimit, UnitKind } from '../../db/schema.ts';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, openPostgres, type Connection, type Db } from '../../server/kernel/db.ts';
import type { BenchPostgres } from './postgres.ts';
import { hashPassword, loginKey } from '../../server/accounts/passwords.ts';
import { checkDigit } from '../../server/people/identity-numbers.ts';

export const BENCH_PASSWORD = 'vardag-bench';
const ROOT = path.resolve(import.meta.dirname, '../..');
export const BENCH_DIR = path.join(ROOT, '.bench');

/** Fixed dates, so the cached data set does not depend on the day it was built. */
const CREATED_AT = '2025-06-01T08:00:00.000Z';
const TERM_START = '2025-08-18';
const REFERENCE_YEAR = 2025;

export interface DatasetSummary {
  children: number; families: number; guardians: number; staff: number; admins: number; accounts: number;
  areas: number; units: Record<UnitKind, number>; groups: number; placements: number; guardianships: number;
  notifications: number; messageRecipients: number; buildSeconds: number; builtAt: string; hash: string;
  /** The year of history (absent in data sets built before it existed). */
  history?: HistorySummary;
}

export interface HistorySummary {
  from: string; to: string; careTimes: number; absences: number; attendances: number; careHistory: number;
  standardSchedules: number; closedDays: number;
}

export interface Dataset {
  dir: string;
  /** The SQLite file, or on PostgreSQL the database's URL. */
  databaseFile?: string;
  databaseUrl?: string;
  summary: DatasetSummary;
  cached: boolean;
  /** A new connection to the data set (close it after use). */
  open(): Connection;
}

export interface DatasetOptions {
  /** Where to build it (default: the SQLite file). */
  postgres?: BenchPostgres;
  /** Months of history up to the build day (default 12). */
  historyMonths?: number;
}

/** The cache key: the migration files and this file's source. */
export function datasetHash(): string {
  const hash = crypto.createHash('sha256');
  // Names and contents: a migration changed while it is being written builds a new set.
  for (const name of fs.readdirSync(path.join(ROOT, 'db/migrations')).sort()) {
    hash.update(`${name}\n`);
    hash.update(fs.readFileSync(path.join(ROOT, 'db/migrations', name)));
  }
  hash.update(fs.readFileSync(import.meta.filename));
  return hash.digest('hex').slice(0, 12);
}

/** Returns the cached data set for `children`, building it first when there is none. */
export async function ensureDataset(children: number, log: (line: string) => void, options: DatasetOptions = {}): Promise<Dataset> {
  const hash = datasetHash();
  const months = options.historyMonths ?? 12;
  const size = months === 12 ? `${children}` : `${children}-${months}m`;
  const pg = options.postgres;
  const name = `${pg ? 'pg-' : ''}data-${size}-${hash}`;
  const database = `bench_${size.replace('-', '_')}_${hash}`;
  const dir = path.join(BENCH_DIR, name);
  const databaseFile = pg ? undefined : path.join(dir, 'vardag.sqlite');
  const databaseUrl = pg?.urlOf(database);
  const open = (): Connection => (databaseUrl ? openPostgres(databaseUrl, 4) : openDatabase(databaseFile!));
  const summaryFile = path.join(dir, 'dataset.json');
  if (fs.existsSync(summaryFile) && (pg ? await pg.exists(database) : fs.existsSync(databaseFile!))) {
    return { dir, databaseFile, databaseUrl, summary: JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as DatasetSummary, cached: true, open };
  }

  // Data sets of the same size but an older hash are stale: remove them.
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  for (const entry of fs.readdirSync(BENCH_DIR)) {
    if (entry.startsWith(`${pg ? 'pg-' : ''}data-${size}-`) && entry !== name) {
      log(`removing stale data set .bench/${entry}`);
      fs.rmSync(path.join(BENCH_DIR, entry), { recursive: true, force: true });
    }
  }
  if (pg) {
    for (const stale of await pg.list(`bench_${size.replace('-', '_')}_`)) {
      log(`dropping stale data set database ${stale}`);
      await pg.drop(stale);
    }
  }

  const started = performance.now();
  const buildDir = path.join(BENCH_DIR, `${name}.building-${process.pid}`);
  fs.rmSync(buildDir, { recursive: true, force: true });
  fs.mkdirSync(buildDir, { recursive: true });
  if (pg) await pg.create(database);
  const connection = pg ? openPostgres(databaseUrl!, 2) : openDatabase(path.join(buildDir, 'vardag.sqlite'));
  try {
    await migrateToLatest(connection.db);
    log('hashing the bench password (argon2, once)');
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    log(`generating ${children} children with families, staff and units`);
    const rows = generate(children, passwordHash);
    log(`writing ${countRows(rows)} rows, then ${months} months of history${pg ? ' (PostgreSQL)' : ''}`);
    const history = await write(connection, rows, new Date().toISOString().slice(0, 10), months);
    log(`history ${history.from} – ${history.to}: ${history.careTimes} care times, ${history.absences} absences, `
      + `${history.attendances} attendances, ${history.careHistory} care-history rows`);
    if (connection.dialect === 'postgres') {
      log('vacuum analyze (the planner\'s statistics)');
      await sql`vacuum analyze`.execute(connection.db);
    }
    const summary: DatasetSummary = {
      ...rows.summary, history, buildSeconds: Math.round((performance.now() - started) / 100) / 10, builtAt: new Date().toISOString(), hash,
    };
    fs.writeFileSync(path.join(buildDir, 'dataset.json'), `${JSON.stringify(summary, null, 2)}\n`);
    await connection.close();
    fs.renameSync(buildDir, dir);
    return { dir, databaseFile, databaseUrl, summary, cached: false, open };
  } catch (err) {
    await connection.close().catch(() => undefined);
    fs.rmSync(buildDir, { recursive: true, force: true });
    if (pg) await pg.drop(database).catch(() => undefined);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Generation: plain objects with explicit ids (the database is new, so the ids are ours to choose).

interface Rows {
  municipalities: Insertable<Database['municipalities']>[];
  areas: Insertable<Database['areas']>[];
  units: Insertable<Database['units']>[];
  unit_opening_hours: Insertable<Database['unit_opening_hours']>[];
  unit_settings: Insertable<Database['unit_settings']>[];
  unit_boxes: Insertable<Database['unit_boxes']>[];
  groups: Insertable<Database['groups']>[];
  persons: Insertable<Database['persons']>[];
  placements: Insertable<Database['placements']>[];
  guardianships: Insertable<Database['guardianships']>[];
  staff_assignments: Insertable<Database['staff_assignments']>[];
  municipality_admins: Insertable<Database['municipality_admins']>[];
  accounts: Insertable<Database['accounts']>[];
  notifications: Insertable<Database['notifications']>[];
  message_threads: Insertable<Database['message_threads']>[];
  message_participants: Insertable<Database['message_participants']>[];
  messages: Insertable<Database['messages']>[];
  message_recipients: Insertable<Database['message_recipients']>[];
  summary: Omit<DatasetSummary, 'buildSeconds' | 'builtAt' | 'hash'>;
}

/** Insertion order: every table after the tables it references. */
const TABLES = [
  'municipalities', 'areas', 'units', 'unit_opening_hours', 'unit_settings', 'unit_boxes', 'groups', 'persons',
  'placements', 'guardianships', 'staff_assignments', 'municipality_admins', 'accounts', 'notifications',
  'message_threads', 'message_participants', 'messages', 'message_recipients',
] as const satisfies readonly (keyof Database)[];

function countRows(rows: Rows): number {
  return TABLES.reduce((n, table) => n + rows[table].length, 0);
}

const GIRLS = ['Alice', 'Maja', 'Vera', 'Ella', 'Wilma', 'Alma', 'Selma', 'Ebba', 'Lilly', 'Astrid', 'Freja', 'Signe', 'Olivia', 'Ines', 'Saga', 'Agnes', 'Stella', 'Juni', 'Tyra', 'Molly', 'Leah', 'Hedda', 'Siri', 'Amira', 'Hanna', 'Ellen', 'Nova', 'Elvira', 'Lova', 'Idun'];
const BOYS = ['Noah', 'William', 'Hugo', 'Liam', 'Lucas', 'Oliver', 'Elias', 'Adam', 'Alexander', 'Matteo', 'Ludvig', 'Leo', 'Charlie', 'Theo', 'Vincent', 'Nils', 'Harry', 'Melvin', 'Sam', 'Omar', 'Isak', 'Malte', 'Milo', 'Viggo', 'Yusuf', 'Otto', 'Sixten', 'Albin', 'Loke', 'Edvin'];
const ADULTS = ['Anna', 'Erik', 'Sofia', 'Johan', 'Lina', 'Mikael', 'Sara', 'Daniel', 'Maria', 'Fredrik', 'Elin', 'Andreas', 'Jenny', 'Peter', 'Fatima', 'Ahmed', 'Linnea', 'Jonas', 'Camilla', 'Mattias', 'Hiba', 'Markus', 'Emelie', 'Tobias', 'Nadia', 'Patrik', 'Karolina', 'Henrik', 'Ida', 'David', 'Zeynep', 'Mehmet', 'Aisha', 'Hassan', 'Emma', 'Martin'];
const SURNAMES = ['Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Lindberg', 'Jakobsson', 'Magnusson', 'Lindström', 'Olofsson', 'Lindqvist', 'Axelsson', 'Berglund', 'Mohammed', 'Lundgren', 'Sandberg', 'Ali', 'Forsberg', 'Sjöberg', 'Wallin', 'Engström', 'Hussein', 'Danielsson', 'Håkansson', 'Lund', 'Åberg', 'Öberg'];
const STREETS = ['Storgatan', 'Kyrkogatan', 'Skolvägen', 'Björkvägen', 'Ekvägen', 'Ängsvägen', 'Parkgatan', 'Tallstigen', 'Hamngatan', 'Sjövägen', 'Lärkvägen', 'Granvägen'];
const AREAS = ['Norra området', 'Södra området', 'Centrala området'];
const UNIT_NAMES = ['Solrosen', 'Vitsippan', 'Blåklinten', 'Prästkragen', 'Linnean', 'Smultronet', 'Ekorren', 'Myrstacken', 'Trollskogen', 'Regnbågen', 'Kastanjen', 'Lönnen', 'Björken', 'Hasseln', 'Stjärnan', 'Månen', 'Äppelgården', 'Vindsnurran', 'Ugglan', 'Humlan'];
const GROUP_NAMES = ['Blåbär', 'Lingon', 'Hallon', 'Jordgubben', 'Krusbär', 'Vinbär', 'Nypon', 'Hjortron', 'Björnbär', 'Körsbär'];
const BOXES_SOMETIMES_OFF = ['blog', 'documentation', 'schedule'];

/** mulberry32: a small seeded generator, so the data set (and the peak day's arrivals) are the same every time. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}


function ascii(name: string): string {
  return name.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '');
}

interface Child { personId: number; familyId: number; kind: 'preschool' | 'school'; fritids: boolean }
interface Family { id: number; area: number; guardianIds: number[]; otherHousehold: boolean }

function generate(childCount: number, passwordHash: string): Rows {
  const rand = random(20_250_818);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const int = (min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));

  const rows: Rows = {
    municipalities: [], areas: [], units: [], unit_opening_hours: [], unit_settings: [], unit_boxes: [], groups: [],
    persons: [], placements: [], guardianships: [], staff_assignments: [], municipality_admins: [], accounts: [],
    notifications: [], message_threads: [], message_participants: [], messages: [], message_recipients: [],
    summary: {
      children: childCount, families: 0, guardians: 0, staff: 0, admins: 1, accounts: 0, areas: AREAS.length,
      units: { preschool: 0, school: 0, fritids: 0 }, groups: 0, placements: 0, guardianships: 0, notifications: 0, messageRecipients: 0,
    },
  };
  const municipalityId = 1;
  rows.municipalities.push({ id: municipalityId, name: 'Benchkommun', created_at: CREATED_AT, terms_of_use: null });
  for (const [i, name] of AREAS.entries()) rows.areas.push({ id: i + 1, municipality_id: municipalityId, name });

  // Persons. Identity numbers are unique per birth date by a serial.
  const serials = new Map<string, number>();
  const accountOfPerson = new Map<number, number>();
  const person = (p: {
    first: string; last: string; birthDate: string; protectedIdentity?: boolean; adult: boolean; street?: string; postalCode?: string;
  }): number => {
    const id = rows.persons.length + 1;
    const serial = serials.get(p.birthDate) ?? 0;
    serials.set(p.birthDate, serial + 1);
    const [y, m, d] = p.birthDate.split('-');
    const body = `${y.slice(2)}${m}${d}${String(serial % 1000).padStart(3, '0')}`;
    const identity = serial < 1000 ? `${y}${m}${d}-${body.slice(6)}${checkDigit(body)}` : null;
    rows.persons.push({
      id, municipality_id: municipalityId, first_name: p.first, last_name: p.last,
      identity_number: identity, identity_kind: identity ? 'personnummer' : null, birth_date: p.birthDate,
      protected_identity: p.protectedIdentity ? 1 : 0,
      street_address: p.street ?? null, postal_code: p.postalCode ?? null, city: p.street ? 'Benchstad' : null,
      email: p.adult ? `${ascii(p.first)}.${ascii(p.last)}.${id}@example.com` : null,
      phone: p.adult ? `070-${String(1_000_000 + ((id * 7919) % 9_000_000)).slice(-7).replace(/(\d{3})(\d{2})(\d{2})/, '$1 $2 $3')}` : null,
      created_at: CREATED_AT,
    });
    return id;
  };
  const account = (personId: number, username: string): number => {
    const id = rows.accounts.length + 1;
    const email = rows.persons[personId - 1].email ?? null;
    rows.accounts.push({
      id, person_id: personId, username, username_key: loginKey(username), email, email_key: email ? loginKey(email) : null,
      password_hash: passwordHash, language: rand() < 0.06 ? pick(['en', 'ar']) : 'sv', created_at: CREATED_AT,
      last_login_at: null, closed_at: null,
    });
    accountOfPerson.set(personId, id);
    return id;
  };
  const birthDate = (ageFrom: number, ageTo: number): string =>
    `${REFERENCE_YEAR - int(ageFrom, ageTo)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;

  // Families: one to three children, one or two guardians; some guardians live in two households.
  const families: Family[] = [];
  const children: Child[] = [];
  while (children.length < childCount) {
    const familyId = families.length + 1;
    const last = pick(SURNAMES);
    const street = `${pick(STREETS)} ${int(1, 80)}`;
    const postalCode = `46${int(1, 9)} ${int(10, 99)}`;
    const protectedIdentity = rand() < 0.004;
    const twoGuardians = rand() < 0.8;
    const otherHousehold = twoGuardians && rand() < 0.12;
    const guardianIds = [person({ first: pick(ADULTS), last, birthDate: birthDate(26, 48), adult: true, street, postalCode, protectedIdentity })];
    if (twoGuardians) {
      const secondLast = otherHousehold || rand() < 0.25 ? pick(SURNAMES) : last;
      guardianIds.push(person({
        first: pick(ADULTS), last: secondLast, birthDate: birthDate(26, 50), adult: true, protectedIdentity,
        street: otherHousehold ? `${pick(STREETS)} ${int(1, 80)}` : street, postalCode,
      }));
    }
    families.push({ id: familyId, area: int(0, AREAS.length - 1), guardianIds, otherHousehold });
    const size = Math.min(childCount - children.length, rand() < 0.55 ? 1 : rand() < 0.78 ? 2 : 3);
    for (let i = 0; i < size; i++) {
      const school = rand() < 0.25;
      const childId = person({
        first: pick(rand() < 0.5 ? GIRLS : BOYS), last, birthDate: school ? birthDate(6, 9) : birthDate(1, 5), adult: false,
        street, postalCode, protectedIdentity,
      });
      children.push({ personId: childId, familyId, kind: school ? 'school' : 'preschool', fritids: school && rand() < 0.8 });
      guardianIds.forEach((guardianId, g) => {
        rows.guardianships.push({ id: rows.guardianships.length + 1, guardian_id: guardianId, child_id: childId, other_household: g === 1 && otherHousehold ? 1 : 0 });
      });
    }
  }
  rows.summary.families = families.length;
  rows.summary.guardians = families.reduce((n, f) => n + f.guardianIds.length, 0);
  for (const family of families) for (const g of family.guardianIds) account(g, `vh${g}`);

  // Units and groups, per area and kind; a family's children are next to each other, so siblings mostly share a unit.
  const staffMember = (unitId: number, groupId: number | null, role: 'unit_head' | 'staff'): number => {
    const id = person({ first: pick(ADULTS), last: pick(SURNAMES), birthDate: birthDate(22, 64), adult: true });
    rows.staff_assignments.push({ id: rows.staff_assignments.length + 1, person_id: id, unit_id: unitId, group_id: groupId, role });
    account(id, `personal${id}`);
    rows.summary.staff++;
    return id;
  };
  const addUnit = (areaIndex: number, kind: UnitKind, name: string, members: Child[], head: number | null): { unitId: number; head: number } => {
    const unitId = rows.units.length + 1;
    rows.units.push({ id: unitId, municipality_id: municipalityId, area_id: areaIndex + 1, name, kind });
    rows.summary.units[kind]++;
    const [opens, closes] = kind === 'school' ? ['08:00', '15:00'] : [pick(['06:00', '06:30', '07:00']), pick(['17:30', '18:00', '18:30'])];
    for (let weekday = 1; weekday <= 5; weekday++) rows.unit_opening_hours.push({ unit_id: unitId, weekday, opens, closes });
    rows.unit_settings.push({ unit_id: unitId, lock_days: pick([0, 0, 1, 2]), plan_ahead_months: 12, invite_days_before: 14 });
    if (rand() < 0.2) rows.unit_boxes.push({ unit_id: unitId, box: pick(BOXES_SOMETIMES_OFF), enabled: 0 });
    let headId = head;
    if (headId === null) headId = staffMember(unitId, null, 'unit_head');
    else rows.staff_assignments.push({ id: rows.staff_assignments.length + 1, person_id: headId, unit_id: unitId, group_id: null, role: 'unit_head' });

    const groupCount = Math.max(1, Math.round(members.length / 18.5));
    const groupIds: number[] = [];
    for (let g = 0; g < groupCount; g++) {
      const groupId = rows.groups.length + 1;
      const groupName = kind === 'school' ? `${1 + (g % 4)}${'ABC'[Math.floor(g / 4) % 3]}` : kind === 'fritids' ? `Fritids ${g + 1}` : GROUP_NAMES[g % GROUP_NAMES.length];
      rows.groups.push({ id: groupId, unit_id: unitId, name: groupName });
      groupIds.push(groupId);
      for (let s = 0; s < (kind === 'preschool' ? 3 : 2); s++) staffMember(unitId, groupId, 'staff');
    }
    // Round-robin over the groups, so siblings next to each other land in different groups.
    members.forEach((child, i) => {
      const hourLimit: HourLimit = kind === 'preschool' && rand() < 0.08 ? '15h_week' : 'none';
      rows.placements.push({
        id: rows.placements.length + 1, child_id: child.personId, group_id: groupIds[i % groupIds.length],
        start_date: rand() < 0.7 ? TERM_START : `2025-${pick(['09', '10', '11'])}-${String(int(1, 28)).padStart(2, '0')}`, end_date: null, hour_limit: hourLimit,
      });
    });
    return { unitId, head: headId };
  };
  /** Splits a list into units of about 75 children (50–100). */
  const split = (list: Child[]): Child[][] => {
    if (list.length === 0) return [];
    const count = Math.max(1, Math.round(list.length / 75));
    const weights = Array.from({ length: count }, () => 0.7 + rand() * 0.6);
    const total = weights.reduce((a, b) => a + b, 0);
    const parts: Child[][] = [];
    let from = 0;
    weights.forEach((w, i) => {
      const to = i === count - 1 ? list.length : Math.min(list.length, from + Math.round((list.length * w) / total));
      parts.push(list.slice(from, to));
      from = to;
    });
    return parts;
  };
  let unitNumber = 0;
  const unitName = (kind: UnitKind): string => {
    const base = UNIT_NAMES[unitNumber % UNIT_NAMES.length];
    const round = Math.floor(unitNumber++ / UNIT_NAMES.length);
    const suffix = round === 0 ? '' : ` ${round + 1}`;
    return kind === 'preschool' ? `Förskolan ${base}${suffix}` : `${base}skolan${suffix}`;
  };
  const familyArea = new Map(families.map((f) => [f.id, f.area]));
  for (let area = 0; area < AREAS.length; area++) {
    const inArea = children.filter((c) => familyArea.get(c.familyId) === area);
    for (const members of split(inArea.filter((c) => c.kind === 'preschool'))) addUnit(area, 'preschool', unitName('preschool'), members, null);
    for (const members of split(inArea.filter((c) => c.kind === 'school'))) {
      const name = unitName('school');
      const school = addUnit(area, 'school', name, members, null);
      const fritids = members.filter((c) => c.fritids);
      if (fritids.length) addUnit(area, 'fritids', `${name}s fritidshem`, fritids, school.head);
    }
  }
  rows.summary.groups = rows.groups.length;
  rows.summary.placements = rows.placements.length;
  rows.summary.guardianships = rows.guardianships.length;

  // The municipality administrator.
  const admin = person({ first: 'Karin', last: 'Lindqvist', birthDate: '1975-04-02', adult: true });
  rows.municipality_admins.push({ person_id: admin, municipality_id: municipalityId });
  account(admin, 'admin');
  rows.summary.accounts = rows.accounts.length;

  // The bell: a "child added" notification per guardian and child, most of them read.
  for (const g of rows.guardianships) {
    const accountId = accountOfPerson.get(g.guardian_id)!;
    const child = rows.persons[g.child_id - 1];
    rows.notifications.push({
      id: rows.notifications.length + 1, account_id: accountId, child_id: g.child_id, kind: 'childAdded',
      params: JSON.stringify({ child: child.first_name }), url: `/children/${g.child_id}`,
      created_at: CREATED_AT, read_at: rand() < 0.85 ? CREATED_AT : null,
    });
  }
  rows.summary.notifications = rows.notifications.length;

  // The envelope: each unit's head sent three letters to the unit's guardians; most are read.
  const guardiansOfChild = new Map<number, number[]>();
  for (const g of rows.guardianships) guardiansOfChild.set(g.child_id, [...(guardiansOfChild.get(g.child_id) ?? []), g.guardian_id]);
  const unitOfGroup = new Map(rows.groups.map((g) => [g.id!, g.unit_id]));
  const guardianAccountsOfUnit = new Map<number, Set<number>>();
  for (const p of rows.placements) {
    const unitId = unitOfGroup.get(p.group_id)!;
    const set = guardianAccountsOfUnit.get(unitId) ?? new Set<number>();
    for (const g of guardiansOfChild.get(p.child_id) ?? []) set.add(accountOfPerson.get(g)!);
    guardianAccountsOfUnit.set(unitId, set);
  }
  const headOfUnit = new Map(rows.staff_assignments.filter((s) => s.role === 'unit_head').map((s) => [s.unit_id, s.person_id]));
  for (const unit of rows.units) {
    const sender = accountOfPerson.get(headOfUnit.get(unit.id!)!)!;
    for (let week = 0; week < 3; week++) {
      const threadId = rows.message_threads.length + 1;
      const sentAt = `2025-09-${String(5 + week * 7).padStart(2, '0')}T14:00:00.000Z`;
      rows.message_threads.push({
        id: threadId, municipality_id: municipalityId, subject: `Veckobrev vecka ${36 + week}`, kind: 'bulletin', unit_id: unit.id!, urgent: 0, sensitive: 0,
        created_by_account_id: sender, created_at: sentAt,
      });
      // (the inbox's columns as server/messages/queries.ts keepInboxColumns keeps them)
      const last = { last_message_at: sentAt, last_sender_account_id: sender };
      rows.message_participants.push({ thread_id: threadId, account_id: sender, role: 'staff', archived_at: null, ...last, unread_count: 0, has_received: 0, has_sent: 1 });
      const messageId = rows.messages.length + 1;
      rows.messages.push({ id: messageId, thread_id: threadId, sender_account_id: sender, body: `Hej! Här kommer veckobrevet från ${unit.name}.`, sent_at: sentAt });
      for (const accountId of guardianAccountsOfUnit.get(unit.id!) ?? []) {
        const read = rand() < 0.75;
        rows.message_recipients.push({ message_id: messageId, account_id: accountId, read_at: read ? sentAt : null });
        if (accountId !== sender) {
          rows.message_participants.push({ thread_id: threadId, account_id: accountId, role: 'guardian', archived_at: null, ...last, unread_count: read ? 0 : 1, has_received: 1, has_sent: 0 });
        }
      }
    }
  }
  rows.summary.messageRecipients = rows.message_recipients.length;
  return rows;
}

/** Everything in one transaction: the organisation 500 rows per INSERT, then the history (see writeHistory). */
async function write(connection: Connection, rows: Rows, buildDay: string, months: number): Promise<HistorySummary> {
  return connection.db.transaction().execute(async (trx) => {
    await trx.insertInto('app_meta').values({ key: 'mode', value: 'production' }).execute();
    for (const table of TABLES) {
      const list = rows[table] as Insertable<Database[typeof table]>[];
      for (let i = 0; i < list.length; i += 500) {
        await trx.insertInto(table).values(list.slice(i, i + 500) as never).execute();
      }
    }
    // The same connection, so inside the same transaction.
    const sink = connection.sqlite ? sqliteSink(connection.sqlite) : postgresSink(trx);
    // PostgreSQL builds an index over millions of rows at once far faster than it keeps it up row by row.
    const indexes = connection.dialect === 'postgres' ? await dropIndexes(trx, HISTORY_ORDER) : [];
    const history = await writeHistory(sink, rows, buildDay, months);
    await sink.flush();
    for (const definition of indexes) await sql.raw(definition).execute(trx);
    if (connection.dialect === 'postgres') await resetIdentities(trx);
    return history;
  });
}

type Column = readonly [name: string, type: 'integer' | 'text'];

/** The history's tables and the columns written (every other column takes its default). */
const HISTORY_COLUMNS = {
  care_times: [['child_id', 'integer'], ['date', 'text'], ['starts', 'text'], ['ends', 'text'], ['day_off', 'integer'], ['registered_by', 'integer'], ['updated_at', 'text']],
  absences: [['child_id', 'integer'], ['date', 'text'], ['starts', 'text'], ['ends', 'text'], ['kind', 'text'], ['comment', 'text'], ['created_by', 'integer'], ['created_at', 'text']],
  attendances: [['child_id', 'integer'], ['group_id', 'integer'], ['date', 'text'], ['arrived_at', 'text'], ['left_at', 'text'], ['updated_by', 'integer']],
  care_history: [['child_id', 'integer'], ['date', 'text'], ['what', 'text'], ['old_value', 'text'], ['new_value', 'text'], ['changed_by', 'integer'], ['changed_at', 'text']],
  standard_schedules: [['id', 'integer'], ['child_id', 'integer'], ['valid_from', 'text'], ['created_by', 'integer'], ['created_at', 'text']],
  standard_care_times: [['schedule_id', 'integer'], ['weekday', 'integer'], ['starts', 'text'], ['ends', 'text'], ['day_off', 'integer']],
  unit_closed_days: [['unit_id', 'integer'], ['date', 'text'], ['reason', 'text']],
} as const satisfies Record<string, readonly Column[]>;
type HistoryTable = keyof typeof HISTORY_COLUMNS;
/** Every table after the tables it references, for the flush. */
const HISTORY_ORDER: readonly HistoryTable[] = ['unit_closed_days', 'standard_schedules', 'standard_care_times', 'care_times', 'absences', 'attendances', 'care_history'];

/** Where the history's rows go: `add` a row (its values in HISTORY_COLUMNS order); `maybeFlush` now and then. */
interface Sink {
  add(table: HistoryTable, values: (string | number | null)[]): void;
  maybeFlush(): Promise<void>;
  flush(): Promise<void>;
}

/** SQLite: a prepared single-row insert per row, on the file's own handle (inside kysely's open transaction). */
function sqliteSink(sqlite: NonNullable<Connection['sqlite']>): Sink {
  const statements = Object.fromEntries(Object.entries(HISTORY_COLUMNS).map(([table, columns]) => [table,
    sqlite.prepare(`INSERT INTO ${table} (${columns.map(([c]) => c).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)]));
  return {
    add: (table, values) => { statements[table].run(...values); },
    maybeFlush: async () => undefined,
    flush: async () => undefined,
  };
}

const BATCH = 5000;

/** PostgreSQL: 5000 rows per INSERT, one array parameter per column (`insert … select * from unnest($1::integer[], …)`). */
function postgresSink(db: Db): Sink {
  const buffers = new Map<HistoryTable, (string | number | null)[][]>();
  const flushTable = async (table: HistoryTable) => {
    const rows = buffers.get(table);
    if (!rows?.length) return;
    buffers.set(table, []);
    const columns: readonly Column[] = HISTORY_COLUMNS[table];
    const arrays = columns.map(([, type], i) => sql`cast(${rows.map((r) => r[i])} as ${sql.raw(type)}[])`);
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map(([c]) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(db);
  };
  return {
    add(table, values) {
      const rows = buffers.get(table);
      if (rows) rows.push(values);
      else buffers.set(table, [values]);
    },
    async maybeFlush() {
      for (const table of HISTORY_ORDER) if ((buffers.get(table)?.length ?? 0) >= BATCH) await this.flush();
    },
    async flush() {
      for (const table of HISTORY_ORDER) await flushTable(table);
    },
  };
}

/** PostgreSQL: drops the tables' indexes that no constraint needs (keys and unique constraints stay); their definitions. */
async function dropIndexes(db: Db, tables: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ name: string; definition: string }>`select indexname as name, indexdef as definition from pg_indexes
    where schemaname = current_schema() and tablename in (${sql.join(tables)})
    and indexname not in (select conname from pg_constraint where connamespace = current_schema()::regnamespace)`.execute(db);
  for (const { name } of rows) await sql`drop index ${sql.ref(name)}`.execute(db);
  return rows.map((r) => r.definition);
}

/** PostgreSQL: rows written with their own ids leave the identity behind; the app's next insert takes the next id. */
async function resetIdentities(db: Db): Promise<void> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = 'id' and is_identity = 'YES'`.execute(db);
  for (const { table_name: table } of tables.rows) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(db);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A year of history, as the app would have written it: guardians register care times a week ahead (one
// care-history row per day), report absence in the morning (staff mark some unreported), staff tap arrivals and
// departures (one care-history row each); standard schedules from the placement's start.

const DAY_MS = 86_400_000;
const PRESCHOOL_STARTS = ['06:45', '07:00', '07:15', '07:30', '07:45', '08:00', '08:15', '08:30'];
const PRESCHOOL_ENDS = ['14:30', '15:00', '15:30', '16:00', '16:15', '16:30', '17:00'];
const FRITIDS_STARTS = ['07:00', '07:15', '07:30', '07:45', '08:00'];
const FRITIDS_ENDS = ['14:00', '15:00', '15:30', '16:00', '16:30', '17:00'];
const ABSENCE_COMMENTS = [null, null, null, 'Förkyld', 'Feber', 'Magsjuk', 'Tandläkare', 'Ledig med mormor'];

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const weekdayOf = (ms: number): number => new Date(ms).getUTCDay() || 7;
const shift = (time: string, minutes: number): string => {
  const total = Math.min(19 * 60, Math.max(6 * 60, Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) + minutes));
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
};
const at = (date: string, time: string): string => `${date}T${time}:00.000Z`;
/** The same day of the month `n` months away (clamped to the month's last day). */
const addMonthsIso = (day: string, n: number): string => {
  const [y, m, d] = day.split('-').map(Number);
  const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
  return isoDay(Date.UTC(y, m - 1 + n, Math.min(d, last)));
};

async function writeHistory(sink: Sink, rows: Rows, buildDay: string, months: number): Promise<HistorySummary> {
  const rand = random(20_251_127);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const int = (min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));

  const buildMs = Date.parse(`${buildDay}T00:00:00Z`);
  const firstMs = months === 12 ? buildMs - 365 * DAY_MS : Date.parse(`${addMonthsIso(buildDay, -months)}T00:00:00Z`);
  const lastPastMs = buildMs - DAY_MS;
  /** Guardians register care times two weeks ahead too, so Today and the week view have registered days. */
  const lastCareMs = buildMs + 13 * DAY_MS;
  const summary: HistorySummary = {
    from: isoDay(firstMs), to: isoDay(lastPastMs), careTimes: 0, absences: 0, attendances: 0, careHistory: 0, standardSchedules: 0, closedDays: 0,
  };

  const history = (childId: number, date: string, what: string, old: unknown, value: unknown, by: number, when: string) => {
    sink.add('care_history', [childId, date, what, old === null ? null : JSON.stringify(old), value === null ? null : JSON.stringify(value), by, when]);
    summary.careHistory++;
  };

  // Who is who.
  const accountOf = new Map(rows.accounts.map((a) => [a.person_id, a.id!]));
  const unitOfGroup = new Map(rows.groups.map((g) => [g.id!, g.unit_id]));
  const kindOfUnit = new Map(rows.units.map((u) => [u.id!, u.kind]));
  const staffOfGroup = new Map<number, number[]>();
  for (const s of rows.staff_assignments) {
    if (s.group_id === null || s.group_id === undefined) continue;
    staffOfGroup.set(s.group_id, [...(staffOfGroup.get(s.group_id) ?? []), accountOf.get(s.person_id)!]);
  }
  const guardianAccounts = new Map<number, number[]>();
  for (const g of rows.guardianships) guardianAccounts.set(g.child_id, [...(guardianAccounts.get(g.child_id) ?? []), accountOf.get(g.guardian_id)!]);
  const placementsOf = new Map<number, { groupId: number; unitId: number; kind: UnitKind; start: string }[]>();
  for (const p of rows.placements) {
    const unitId = unitOfGroup.get(p.group_id)!;
    placementsOf.set(p.child_id, [...(placementsOf.get(p.child_id) ?? []), { groupId: p.group_id, unitId, kind: kindOfUnit.get(unitId)!, start: p.start_date }]);
  }

  // Planning days: five in the past year and three ahead per unit, none within a week of the build day.
  const closedOf = new Map<number, Set<string>>();
  for (const unit of rows.units) {
    const days = new Set<string>();
    while (days.size < 8) {
      const offset = days.size < 5 ? -int(8, 360) : int(8, 360);
      const ms = buildMs + offset * DAY_MS;
      if (weekdayOf(ms) <= 5) days.add(isoDay(ms));
    }
    for (const date of days) sink.add('unit_closed_days', [unit.id!, date, 'Planeringsdag']);
    summary.closedDays += days.size;
    closedOf.set(unit.id!, days);
  }

  const year = (ms: number) => new Date(ms).getUTCFullYear();
  let scheduleId = 0;
  for (const [childId, placements] of placementsOf) {
    await sink.maybeFlush();
    const care = placements.find((p) => p.kind !== 'school');
    const main = placements.find((p) => p.kind === 'school') ?? placements[0];
    const guardians = guardianAccounts.get(childId) ?? [];
    const guardian = guardians[0];
    const staff = staffOfGroup.get(main.groupId) ?? [guardian];
    const start = Math.max(firstMs, Date.parse(`${placements.map((p) => p.start).sort()[0] ?? '9999'}T00:00:00Z`));
    const fritids = care?.kind === 'fritids';
    const usualStarts = care ? pick(fritids ? FRITIDS_STARTS : PRESCHOOL_STARTS) : '08:00';
    const usualEnds = care ? pick(fritids ? FRITIDS_ENDS : PRESCHOOL_ENDS) : pick(['13:30', '14:30', '15:00']);
    const shortFriday = rand() < 0.3;
    const fridayOff = !fritids && rand() < 0.08;
    // Four summer weeks off, starting in one of the first three weeks of July; most stay home over Christmas.
    const summerOff = new Set<number>();
    for (let y = year(firstMs); y <= year(lastCareMs); y++) {
      const july = Date.UTC(y, 6, 1 + int(0, 14));
      for (let d = 0; d < 28; d++) summerOff.add(july + d * DAY_MS);
    }
    const christmasOff = rand() < 0.7;
    const closed = closedOf.get(care?.unitId ?? main.unitId)!;

    if (care && rand() < 0.8) {
      const validFrom = isoDay(start);
      const id = ++scheduleId;
      sink.add('standard_schedules', [id, childId, validFrom, guardian, at(isoDay(start - 7 * DAY_MS), '20:00')]);
      const pattern: Record<string, { starts: string | null; ends: string | null; dayOff: boolean }> = {};
      for (let weekday = 1; weekday <= 5; weekday++) {
        const off = weekday === 5 && fridayOff;
        const ends = weekday === 5 && shortFriday ? shift(usualEnds, -60) : usualEnds;
        sink.add('standard_care_times', [id, weekday, off ? null : usualStarts, off ? null : ends, off ? 1 : 0]);
        pattern[weekday] = { starts: off ? null : usualStarts, ends: off ? null : ends, dayOff: off };
      }
      history(childId, validFrom, 'standard', null, pattern, guardian, at(isoDay(start - 7 * DAY_MS), '20:00'));
      summary.standardSchedules++;
    }

    for (let ms = start; ms <= lastCareMs; ms += DAY_MS) {
      const weekday = weekdayOf(ms);
      if (weekday > 5) continue;
      const date = isoDay(ms);
      if (closed.has(date)) continue;
      const month = new Date(ms).getUTCMonth();
      const dayOfMonth = new Date(ms).getUTCDate();
      const holiday = (christmasOff && ((month === 11 && dayOfMonth >= 23) || (month === 0 && dayOfMonth <= 6))) || summerOff.has(ms);
      let starts = usualStarts;
      let ends = weekday === 5 && shortFriday ? shift(usualEnds, -60) : usualEnds;
      if (rand() < 0.2) {
        starts = shift(starts, pick([-30, -15, 15, 30]));
        ends = shift(ends, pick([-60, -30, 30]));
      }
      const dayOff = holiday || (weekday === 5 && fridayOff) || rand() < 0.03;
      if (care) {
        // Registered on the Sunday evening before the week.
        const registeredAt = at(isoDay(ms - (weekday) * DAY_MS), '19:30');
        sink.add('care_times', [childId, date, dayOff ? null : starts, dayOff ? null : ends, dayOff ? 1 : 0, guardian, registeredAt]);
        history(childId, date, 'times', null, { starts: dayOff ? null : starts, ends: dayOff ? null : ends, dayOff, comment: null }, guardian, registeredAt);
        summary.careTimes++;
      }
      if (ms > lastPastMs || (dayOff && care)) continue;
      if (!care && holiday) continue; // school holidays: no attendance for pupils without fritids

      let absence: { starts: string | null; ends: string | null } | null = null;
      if (rand() < 0.065) {
        const part = !care && rand() < 0.15;
        absence = part ? { starts: '10:00', ends: pick(['11:30', '12:00', '13:00']) } : { starts: null, ends: null };
        const reported = rand() < 0.93;
        const by = reported ? pick(guardians) : pick(staff);
        const comment = reported ? pick(ABSENCE_COMMENTS) : null;
        const createdAt = at(date, reported ? `0${int(6, 7)}:${String(int(0, 59)).padStart(2, '0')}` : '09:05');
        sink.add('absences', [childId, date, absence.starts, absence.ends, reported ? 'reported' : 'unreported', comment, by, createdAt]);
        history(childId, date, 'absence', null, { wholeDay: absence.starts === null, starts: absence.starts, ends: absence.ends, comment }, by, createdAt);
        summary.absences++;
        if (absence.starts === null) continue;
      }
      const arrived = shift(starts, int(-10, 15));
      const left = shift(ends, int(-20, 5));
      const by = pick(staff);
      sink.add('attendances', [childId, main.groupId, date, arrived, left, by]);
      history(childId, date, 'attendance', null, { arrived_at: arrived, left_at: null }, by, at(date, arrived));
      history(childId, date, 'attendance', { arrived_at: arrived, left_at: null }, { arrived_at: arrived, left_at: left }, by, at(date, left));
      summary.attendances++;
    }
  }
  return summary;
}
