// The demo municipality: created once, on an empty database in demo mode, never on a real one.
import type { Transaction } from 'kysely';
import type { Database, HourLimit, StaffRole, UnitKind } from '../../db/schema.ts';
import { addDays, isoWeekday } from '../kernel/dates.ts';
import { saveStatements, type AccessibilityStatement, type PrivacyNotice } from '../about/queries.ts';
import { createAccount } from '../accounts/queries.ts';
import {
  addGuardianship, addMunicipalityAdmin, addPlacement, assignStaff, createArea, createGroup, createMunicipality, createPerson, createUnit,
  type UnitContactDetails,
} from '../people/commands.ts';
import { identityNumber } from '../people/identity-numbers.ts';
import { insertFirstStandard } from '../schedule/queries.ts';
import type { WeekPattern } from '../schedule/rules.ts';
import { setInitialUnitSettings } from '../settings/queries.ts';
import { seedDocumentationDemo } from '../documentation/demo.ts';
import { seedDemoConsents } from '../consent/demo.ts';
import { seedDemoChildPages } from '../child-page/demo.ts';
import { seedDemoNotes } from '../notes/demo.ts';
import { seedDemoMessages } from '../messages/demo.ts';
import { seedDemoMenu } from '../menu/demo.ts';
import { seedDemoInformation } from '../information/demo.ts';
import { seedDemoTalks } from '../talks/demo.ts';
import { seedDemoContacts } from '../contacts/demo.ts';
import { seedDemoCalendar } from '../calendar/demo.ts';
import { seedDemoAssessment } from '../assessment/demo.ts';
import { seedDemoDevelopmentPlans } from '../development-plans/demo.ts';
import { seedDemoAdaptations } from '../adaptations/demo.ts';
import { seedDemoHomes } from '../schedule/demo-homes.ts';
import { seedDemoPickup } from '../pickup/demo.ts';
import { seedDemoDayNotes } from '../day-notes/demo.ts';

export const DEMO_PASSWORD = 'vardag-demo';

export interface DemoLogin { username: string; who: string }

/** The fixed demo accounts, as README lists them. */
export const DEMO_LOGINS: readonly DemoLogin[] = [
  { username: 'admin', who: 'Demokommun: kommunadministratör' },
  { username: 'rektor', who: 'Förskolan Solrosen: rektor' },
  { username: 'pedagog', who: 'Förskolan Solrosen, Blåbär: pedagog' },
  { username: 'pedagog2', who: 'Förskolan Solrosen, Lingon: pedagog' },
  { username: 'pedagog3', who: 'Förskolan Vitsippan, Humlan: pedagog (annan enhet)' },
  { username: 'vardnadshavare', who: 'vårdnadshavare till Elsa (Blåbär) och Oskar (Björkskolan 2B)' },
  { username: 'vardnadshavare2', who: 'vårdnadshavare till Elsa, i ett annat hushåll' },
  { username: 'vardnadshavare3', who: 'vårdnadshavare till Nora (Blåbär, skyddad identitet)' },
  { username: 'grannadmin', who: 'Grannkommun: kommunadministratör' },
  { username: 'larare2b', who: 'Björkskolan, 2B: lärare' },
  { username: 'fritids', who: 'Björkskolans fritidshem, Lärkan: pedagog' },
  { username: 'rektor2', who: 'Förskolan Vitsippan: rektor (annan enhet)' },
  { username: 'elev', who: 'Björkskolan, 4A: elev' },
];

const GIRLS = ['Alice', 'Maja', 'Vera', 'Ella', 'Wilma', 'Alma', 'Selma', 'Ebba', 'Lilly', 'Astrid', 'Freja', 'Signe', 'Olivia', 'Ines', 'Saga', 'Agnes', 'Stella', 'Juni', 'Tyra', 'Molly', 'Leah', 'Hedda', 'Siri', 'Amira', 'Hanna'];
const BOYS = ['Noah', 'William', 'Hugo', 'Liam', 'Lucas', 'Oliver', 'Elias', 'Adam', 'Alexander', 'Matteo', 'Ludvig', 'Leo', 'Charlie', 'Theo', 'Vincent', 'Nils', 'Harry', 'Melvin', 'Sam', 'Omar', 'Isak', 'Malte', 'Milo', 'Viggo', 'Yusuf'];
const ADULTS = ['Anna', 'Erik', 'Sofia', 'Johan', 'Lina', 'Mikael', 'Sara', 'Daniel', 'Maria', 'Fredrik', 'Elin', 'Andreas', 'Jenny', 'Peter', 'Fatima', 'Ahmed', 'Linnea', 'Jonas', 'Camilla', 'Mattias', 'Hiba', 'Markus', 'Emelie', 'Tobias', 'Nadia', 'Patrik', 'Karolina', 'Henrik', 'Ida', 'David'];
const SURNAMES = ['Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Lindberg', 'Jakobsson', 'Magnusson', 'Lindström', 'Olofsson', 'Lindqvist', 'Axelsson', 'Berglund', 'Mohammed', 'Lundgren', 'Sandberg', 'Ali', 'Forsberg', 'Sjöberg', 'Wallin', 'Engström'];
const STREETS = ['Storgatan', 'Kyrkogatan', 'Skolvägen', 'Björkvägen', 'Ekvägen', 'Ängsvägen', 'Parkgatan', 'Tallstigen', 'Hamngatan', 'Sjövägen'];

/** The first Monday–Friday at least `days` days after `day`. */
function nextWeekday(day: string, days: number): string {
  let candidate = addDays(day, days);
  while (isoWeekday(candidate) > 5) candidate = addDays(candidate, 1);
  return candidate;
}

/** Demokommun's terms of use, which a guardian accepts when registering (among them: pictures for private use only). */
export const DEMO_TERMS = `Vardag är en kommunikationsplats mellan förskolan eller skolan och hemmet. Du får information om verksamheten, till exempel kommande aktiviteter, veckan som gått, kalendrar, omsorgstider, dokument och bilder.

Genom att godkänna villkoren intygar jag att mitt e-postkonto är mitt personliga ansvar och att ingen obehörig har tillgång till det, och att mitt konto bara används av mig.

Jag är medveten om att det endast är tillåtet att ladda ner bilder och videoklipp för privat bruk. Det är inte tillåtet att sprida dem vidare, till exempel i sociala medier, eller att använda dem i sammanhang där personer som kan identifieras inte har gett sitt godkännande.

Jag skickar bara lämpliga meddelanden till andra användare.`;

/**
 * Demokommun's data protection notice, under the headings municipalities publish it with, as its admin would write it
 * on /admin/statements (made-up addresses; telephone numbers from the series kept for fiction).
 */
export const DEMO_PRIVACY: PrivacyNotice = {
  controller: 'Förskole- och grundskolenämnden\nDemokommun\n462 80 Demostad\nE-post: forskola.grundskola@demokommun.example\nTelefon: 031-390 06 00',
  dpo: 'Demokommuns dataskyddsombud nås på:\nE-post: dataskyddsombud@demokommun.example\nTelefon: 031-390 06 01',
  purpose: 'Personuppgifterna behandlas i Vardag för att förskolan, skolan och fritidshemmet ska kunna hålla kontakt med vårdnadshavare: frånvaroanmälan, omsorgstider, närvaro, inbjudningar och meddelanden.\n\nUppgifterna används också för att hantera användarkonton, ge support och följa upp vem som har läst eller ändrat uppgifter om ett barn.',
  legal_basis: 'Demokommun är en myndighet vars verksamhet i förskola och skola regleras i skollagen. Behandlingen är nödvändig för att utföra en uppgift av allmänt intresse och som ett led i myndighetsutövning.\n\nUppgifter om skyddad identitet behandlas så att adressen aldrig visas i Vardag.',
  recipients: 'Personal och rektor på barnets förskola eller skola och kommunens administratörer, var och en bara det de behöver i sitt arbete.\n\nUppgifterna lämnas inte till tredje land. Servrarna står i Sverige.',
  retention: 'Uppgifterna sparas så länge barnet har en placering och gallras sedan enligt förvaltningens dokumenthanteringsplan.',
  rights: null,
  sources: 'Uppgifterna om barn, vårdnadshavare och personal hämtas från förvaltningens elevregister och folkbokföringen. Frånvaro, omsorgstider och meddelanden skrivs in av vårdnadshavare och personal.',
  categories: null,
};

/** Demokommun's accessibility statement: its own assessment, beside the project's test results the page adds. */
export function demoAccessibility(today: string): AccessibilityStatement {
  return {
    compliance: 'partial',
    knownProblems: 'Vardag har ännu inte granskats manuellt med skärmläsare. De automatiska testerna hittar bara en del av de brister som kan finnas.',
    feedbackEmail: 'tillganglighet@demokommun.example', feedbackPhone: '031-390 06 02', assessedOn: addDays(today, -30),
  };
}

interface PersonInput {
  first: string; last: string; birthDate?: string; serial?: number; identity?: 'personnummer' | 'samordningsnummer' | 'none';
  protectedIdentity?: boolean; address?: { street: string; postalCode: string; city: string }; email?: string; phone?: string;
}

/** Writes the demo's people through people's commands, remembering what the care times need. */
class Seeder {
  private serial = 100;
  private counter = 0;
  /** Every placement made, for the standard care times at the end. */
  readonly placements: { childId: number; groupId: number; hourLimit: HourLimit }[] = [];
  /** Account ids by username. */
  readonly accounts = new Map<string, number>();
  constructor(private readonly trx: Transaction<Database>, private readonly now: Date, private readonly passwordHash: string) {}

  municipality(name: string, termsOfUse?: string): Promise<number> {
    return createMunicipality(this.trx, { name, termsOfUse }, this.now);
  }

  area(municipalityId: number, name: string): Promise<number> {
    return createArea(this.trx, municipalityId, name);
  }

  async unit(municipalityId: number, areaId: number | null, name: string, kind: UnitKind, opens: string, closes: string, contact?: UnitContactDetails): Promise<number> {
    const id = await createUnit(this.trx, { municipalityId, areaId, name, kind, contact });
    await setInitialUnitSettings(this.trx, id, { openingHours: Object.fromEntries([1, 2, 3, 4, 5].map((weekday) => [weekday, { opens, closes }])) });
    return id;
  }

  group(unitId: number, name: string): Promise<number> {
    return createGroup(this.trx, unitId, name);
  }

  person(municipalityId: number, p: PersonInput): Promise<number> {
    const kind = p.identity ?? 'personnummer';
    const birthDate = p.birthDate ?? null;
    const number = birthDate && kind !== 'none' ? identityNumber(birthDate, (p.serial ?? this.serial++), kind === 'samordningsnummer') : null;
    return createPerson(this.trx, {
      municipalityId, firstName: p.first, lastName: p.last, identity: number && kind !== 'none' ? { number, kind } : null, birthDate,
      protectedIdentity: p.protectedIdentity, address: p.address, email: p.email, phone: p.phone,
    }, this.now);
  }

  async adult(municipalityId: number, first: string, last: string, extra: Partial<PersonInput> = {}): Promise<number> {
    const n = this.counter++;
    const birthDate = `19${80 + (n % 14)}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + ((n * 7) % 28)).padStart(2, '0')}`;
    return this.person(municipalityId, {
      first, last, birthDate,
      address: { street: `${STREETS[n % STREETS.length]} ${1 + (n % 40)}`, postalCode: `462 ${30 + (n % 60)}`, city: 'Demostad' },
      email: `${ascii(first)}.${ascii(last)}${n}@example.com`,
      phone: `070-${String(1000000 + n * 7919).slice(-7).replace(/(\d{3})(\d{2})(\d{2})/, '$1 $2 $3')}`,
      ...extra,
    });
  }

  async placement(childId: number, groupId: number, startDate: string, hourLimit: HourLimit = 'none'): Promise<void> {
    await addPlacement(this.trx, { childId, groupId, startDate, hourLimit });
    this.placements.push({ childId, groupId, hourLimit });
  }

  guardian(guardianId: number, childId: number, otherHousehold = false): Promise<void> {
    return addGuardianship(this.trx, { guardianId, childId, otherHousehold });
  }

  staff(personId: number, unitId: number, groupId: number | null, role: StaffRole = 'staff'): Promise<void> {
    return assignStaff(this.trx, { personId, unitId, groupId, role });
  }

  admin(personId: number, municipalityId: number): Promise<void> {
    return addMunicipalityAdmin(this.trx, personId, municipalityId);
  }

  /** A staff member of a unit (and group) with a login of their own. */
  async staffWithLogin(municipalityId: number, name: [string, string], at: { unit: number; group: number | null; role?: StaffRole }, username: string): Promise<number> {
    const person = await this.adult(municipalityId, name[0], name[1]);
    await this.staff(person, at.unit, at.group, at.role);
    await this.account(person, username);
    return person;
  }

  async account(personId: number, username: string): Promise<void> {
    this.accounts.set(username, await createAccount(this.trx, { personId, username, email: null, passwordHash: this.passwordHash }, this.now));
  }
}

function ascii(name: string): string {
  return name.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '');
}

/** Seeds Demokommun and Grannkommun. `passwordHash` is the hash of DEMO_PASSWORD, made once by the caller. */
export interface DemoOptions {
  passwordHash: string; now: Date; today: string;
  /** Standard care times for most preschool and fritids children (on for `npm start`; tests make their own). */
  careTimes?: boolean;
  /** The families' records: Elsa's two homes (with care times only), pickup lists, a ban, today's notes (on for `npm start`; tests make their own). */
  families?: boolean;
  /** The data folder, for the files of the demo's generated pictures (none: the demo has no picture files). */
  dataDir?: string;
}

export async function seedDemo(trx: Transaction<Database>, options: DemoOptions): Promise<void> {
  {
    const s = new Seeder(trx, options.now, options.passwordHash);
    const started = addDays(options.today, -200);
    const demo = await s.municipality('Demokommun', DEMO_TERMS);
    const north = await s.area(demo, 'Norra området');
    const south = await s.area(demo, 'Södra området');
    // The units' public contact details: made-up addresses, telephone numbers from the series kept for fiction.
    const solrosen = await s.unit(demo, north, 'Förskolan Solrosen', 'preschool', '06:30', '18:00',
      { streetAddress: 'Solrosvägen 4', postalCode: '462 30', city: 'Demostad', phone: '031-390 06 10', email: 'solrosen@demokommun.example' });
    const vitsippan = await s.unit(demo, south, 'Förskolan Vitsippan', 'preschool', '06:30', '17:30',
      { streetAddress: 'Vitsippsgången 11', postalCode: '462 50', city: 'Demostad', phone: '031-390 06 20', email: 'vitsippan@demokommun.example' });
    const bjorkskolan = await s.unit(demo, north, 'Björkskolan', 'school', '08:00', '15:00',
      { streetAddress: 'Skolgatan 2', postalCode: '462 31', city: 'Demostad', phone: '031-390 06 30', email: 'bjorkskolan@demokommun.example' });
    const larkan = await s.unit(demo, north, 'Björkskolans fritidshem', 'fritids', '06:30', '18:00',
      { streetAddress: 'Skolgatan 2', postalCode: '462 31', city: 'Demostad', phone: '031-390 06 31', email: 'fritids.bjorkskolan@demokommun.example' });
    const blabar = await s.group(solrosen, 'Blåbär');
    const lingon = await s.group(solrosen, 'Lingon');
    const humlan = await s.group(vitsippan, 'Humlan');
    const myran = await s.group(vitsippan, 'Myran');
    const class2b = await s.group(bjorkskolan, '2B');
    const class4a = await s.group(bjorkskolan, '4A');
    const fritids = await s.group(larkan, 'Lärkan');

    // Unit settings: a planning day, a lock window and notes at Solrosen, and a group that changes by the day before.
    await setInitialUnitSettings(trx, solrosen, {
      closedDays: [{ date: nextWeekday(options.today, 17), reason: 'Planeringsdag' }], rules: { lockDays: 2, planAheadMonths: 12, inviteDaysBefore: 14 },
      documentation: { notes: true, guestbook: false },
    });
    await setInitialUnitSettings(trx, vitsippan, { cutoffs: new Map([[humlan, '14:00']]) });

    // The fixed demo people.
    const admin = await s.adult(demo, 'Karin', 'Lindqvist');
    await s.admin(admin, demo);
    await s.account(admin, 'admin');
    const solrosenHead = await s.staffWithLogin(demo, ['Maria', 'Ek'], { unit: solrosen, group: null, role: 'unit_head' }, 'rektor');
    const sara = await s.staffWithLogin(demo, ['Sara', 'Holm'], { unit: solrosen, group: blabar }, 'pedagog');
    await s.staffWithLogin(demo, ['Ali', 'Hassan'], { unit: solrosen, group: lingon }, 'pedagog2');
    await s.staffWithLogin(demo, ['Lena', 'Strand'], { unit: vitsippan, group: humlan }, 'pedagog3');
    for (const [first, last, unit, group] of [
      ['Kerstin', 'Dahl', solrosen, blabar], ['Pontus', 'Nyberg', solrosen, lingon], ['Yasmin', 'Farah', vitsippan, myran],
      ['Göran', 'Björk', bjorkskolan, class2b], ['Helena', 'Vik', bjorkskolan, class4a], ['Mats', 'Ström', larkan, fritids],
    ] as const) await s.staff(await s.adult(demo, first, last), unit, group);
    await s.staff(await s.adult(demo, 'Ulla', 'Rektorsson'), vitsippan, null, 'unit_head');
    const schoolHead = await s.adult(demo, 'Bo', 'Skoglund');
    await s.staff(schoolHead, bjorkskolan, null, 'unit_head');
    await s.staff(schoolHead, larkan, null, 'unit_head');

    // Emma: guardian of Elsa (Blåbär) and Oskar (2B + fritids). Johan: Elsa's guardian in another household.
    const emma = await s.adult(demo, 'Emma', 'Andersson');
    await s.account(emma, 'vardnadshavare');
    const johan = await s.adult(demo, 'Johan', 'Berg');
    await s.account(johan, 'vardnadshavare2');
    const elsa = await s.person(demo, { first: 'Elsa', last: 'Andersson', birthDate: '2022-03-14', address: { street: 'Storgatan 12', postalCode: '462 32', city: 'Demostad' } });
    await s.placement(elsa, blabar, started);
    await s.guardian(emma, elsa);
    await s.guardian(johan, elsa, true);
    const oskar = await s.person(demo, { first: 'Oskar', last: 'Andersson', birthDate: '2018-06-02', address: { street: 'Storgatan 12', postalCode: '462 32', city: 'Demostad' } });
    await s.placement(oskar, class2b, started);
    await s.placement(oskar, fritids, started);
    await s.guardian(emma, oskar);

    // Nora has protected identity, and so has her guardian Leila; Karim (same household) has an account.
    const leila = await s.adult(demo, 'Leila', 'Haddad', { protectedIdentity: true, address: { street: 'Hemlig väg 1', postalCode: '462 99', city: 'Demostad' } });
    const karim = await s.adult(demo, 'Karim', 'Haddad');
    await s.account(karim, 'vardnadshavare3');
    const nora = await s.person(demo, { first: 'Nora', last: 'Haddad', birthDate: '2021-09-30', protectedIdentity: true, address: { street: 'Hemlig väg 1', postalCode: '462 99', city: 'Demostad' } });
    await s.placement(nora, blabar, started);
    await s.guardian(leila, nora);
    await s.guardian(karim, nora);

    // The other children: families of one or two guardians, some with two households.
    const groups: [number, number, string, number][] = [ // group, children, first birth year, of which 15 h/week
      [blabar, 10, '2021', 2], [lingon, 12, '2020', 1], [humlan, 10, '2021', 2], [myran, 9, '2019', 0],
      [class2b, 9, '2018', 0], [class4a, 8, '2016', 0],
    ];
    let family = 0;
    let pupil: number | undefined; // the first child of 4A gets a student account at the end
    for (const [group, count, year, limited] of groups) {
      for (let i = 0; i < count; i++, family++) {
        const girl = family % 2 === 0;
        const last = SURNAMES[family % SURNAMES.length];
        const birthDate = `${Number(year) + (i % 2)}-${String(1 + ((family * 5) % 12)).padStart(2, '0')}-${String(1 + ((family * 11) % 28)).padStart(2, '0')}`;
        const identity = family === 7 ? 'samordningsnummer' : family === 13 ? 'none' : 'personnummer';
        const child = await s.person(demo, {
          first: (girl ? GIRLS : BOYS)[family % 25], last, birthDate, identity,
          address: { street: `${STREETS[family % STREETS.length]} ${2 + family}`, postalCode: `462 ${40 + (family % 50)}`, city: 'Demostad' },
        });
        const hourLimit: HourLimit = i < limited ? '15h_week' : group === myran && i === 0 ? '525h_year' : 'none';
        await s.placement(child, group, family === 20 ? addDays(options.today, 20) : started, hourLimit);
        if (group === class4a && i === 0) pupil = child;
        const first = await s.adult(demo, ADULTS[family % ADULTS.length], last);
        await s.guardian(first, child);
        if (family % 3 !== 2) await s.guardian(await s.adult(demo, ADULTS[(family + 11) % ADULTS.length], family % 5 === 0 ? SURNAMES[(family + 3) % 30] : last), child, family % 5 === 0);
      }
    }

    // Standard care times for the children in preschool and fritids, so Today and the week view have something to show.
    const registrar = s.accounts.get('pedagog');
    if (registrar === undefined) throw new Error('the demo has no account pedagog to register the care times');
    const careGroups = new Set([blabar, lingon, humlan, myran, fritids]);
    const careChildren = options.careTimes === false ? [] : s.placements.filter((p) => careGroups.has(p.groupId)).sort((a, b) => a.childId - b.childId);
    for (const [i, child] of careChildren.entries()) {
      if (i % 7 === 3) continue; // a few have registered nothing yet
      const starts = ['07:00', '07:30', '08:00', '08:15'][i % 4];
      const ends = child.hourLimit === '15h_week' ? '11:00' : ['15:30', '16:00', '16:30', '17:00'][i % 4];
      const days: WeekPattern = new Map([1, 2, 3, 4, 5].map((weekday) => {
        const off = child.hourLimit === '15h_week' ? weekday > 3 : weekday === 5 && i % 3 === 0;
        return [weekday, { starts: off ? null : starts, ends: off ? null : ends, dayOff: off, comment: null }];
      }));
      await insertFirstStandard(trx, { childId: child.childId, validFrom: started, days, by: registrar, now: options.now });
    }
    await seedDemoNotes(trx, { childId: elsa, unitId: solrosen, authorAccount: registrar, today: options.today }); // (Elsa's notes)
    // Families (issue 26): Elsa's two homes take every other week, the pickup lists, a walk-home yes and a ban, two of
    // Blåbär's families' notes of this morning.
    if (options.families !== false) {
      if (options.careTimes !== false) await seedDemoHomes(trx, { childId: elsa, mother: emma, father: johan, now: options.now, today: options.today });
      await seedDemoPickup(trx, { elsa, oskar, emma, johan, solrosen, head: solrosenHead, now: options.now });
      const noteChildren = s.placements.filter((p) => p.groupId === blabar && p.childId !== elsa && p.childId !== nora).map((p) => p.childId).slice(0, 2);
      await seedDemoDayNotes(trx, { childIds: noteChildren, today: options.today });
    }
    // Photo consent on paper for three of Blåbär's other children (the last placed), so the group's photos of them reach every family.
    const consenting = s.placements.filter((p) => p.groupId === blabar && p.childId !== elsa && p.childId !== nora).map((p) => p.childId).slice(-3);
    await seedDemoConsents(trx, { childIds: consenting, recordedBy: sara, today: options.today, at: options.now });
    if (options.dataDir) { // (Blåbär's posts, its blog and Elsa's portfolio, with drawings)
      await seedDocumentationDemo(trx, { dataDir: options.dataDir, now: options.now, today: options.today, municipalityId: demo, unitId: solrosen, groupId: blabar, authorId: sara, childId: elsa, consented: consenting });
    }
    // Drawn pictures on the child pages of Elsa, Oskar and Blåbär's children (not Nora's: protected identity).
    const blabarChildren = s.placements.filter((p) => p.groupId === blabar && p.childId !== nora).map((p) => p.childId);
    await seedDemoChildPages(trx, { dataDir: options.dataDir, elsa, oskar, others: blabarChildren, at: options.now });

    // Grannkommun: a small neighbour that Demokommun must never see.
    const granne = await s.municipality('Grannkommun');
    const ekorren = await s.unit(granne, null, 'Förskolan Ekorren', 'preschool', '07:00', '17:00',
      { streetAddress: 'Ekvägen 7', postalCode: '463 10', city: 'Grannby', phone: '031-390 06 40', email: 'ekorren@grannkommun.example' });
    const ekollon = await s.group(ekorren, 'Ekollon');
    const grannadmin = await s.adult(granne, 'Per', 'Grann');
    await s.admin(grannadmin, granne);
    await s.account(grannadmin, 'grannadmin');
    await s.staff(await s.adult(granne, 'Eva', 'Ekman'), ekorren, ekollon);
    for (let i = 0; i < 5; i++) {
      const child = await s.person(granne, { first: GIRLS[(i * 3 + 5) % 25], last: 'Grannberg', birthDate: `2021-0${i + 1}-1${i}` });
      await s.placement(child, ekollon, started);
      await s.guardian(await s.adult(granne, ADULTS[(i * 7) % 30], 'Grannberg'), child);
    }

    // Added later, at the end so that the ids above stay as they were (and new people, as tests give Göran, Mats and
    // Ulla logins of their own): a second teacher of 2B, a second at the fritids and a second head of Vitsippan, each
    // with a login; a login for a pupil of 4A; and Linnea, whose placement in Blåbär ended last month.
    const tove = await s.staffWithLogin(demo, ['Tove', 'Almqvist'], { unit: bjorkskolan, group: class2b }, 'larare2b');
    await s.staffWithLogin(demo, ['Jesper', 'Fors'], { unit: larkan, group: fritids }, 'fritids');
    await s.staffWithLogin(demo, ['Agneta', 'Holmér'], { unit: vitsippan, group: null, role: 'unit_head' }, 'rektor2');
    if (pupil === undefined) throw new Error('the demo has no pupil in 4A');
    await s.account(pupil, 'elev');
    const leaver = await s.person(demo, { first: 'Linnea', last: 'Slutberg', birthDate: '2021-05-20', address: { street: 'Ängsvägen 40', postalCode: '462 77', city: 'Demostad' } });
    await addPlacement(trx, { childId: leaver, groupId: blabar, startDate: started, endDate: addDays(`${options.today.slice(0, 8)}01`, -1) });
    await s.guardian(await s.adult(demo, 'Petra', 'Slutberg'), leaver);

    // Frida, a substitute in Lingon from two weeks ago whose assignment ends by itself in a month; and Demokommun's
    // privacy notice and accessibility statement, as saved by its admin.
    const substitute = await s.adult(demo, 'Frida', 'Vikström');
    await assignStaff(trx, { personId: substitute, unitId: solrosen, groupId: lingon, role: 'staff', startDate: addDays(options.today, -14), endDate: addDays(options.today, 30) });
    const adminAccount = s.accounts.get('admin');
    if (adminAccount === undefined) throw new Error('the demo has no account admin to save the statements');
    const saved = await saveStatements(trx, demo, 0, { privacy: DEMO_PRIVACY, accessibility: demoAccessibility(options.today) }, adminAccount, options.now);
    if (!saved.ok) throw new Error('the demo statements were saved twice');
    // A few message threads in Blåbär (server/messages/demo.ts)
    const [teacher, mother, father] = ['pedagog', 'vardnadshavare', 'vardnadshavare2'].map((name) => s.accounts.get(name));
    if (teacher === undefined || mother === undefined || father === undefined) throw new Error('the demo has no accounts for its messages');
    await seedDemoMessages(trx, { municipalityId: demo, unitId: solrosen, groupId: blabar, childId: elsa, teacher, mother, father, now: options.now, today: options.today });
    // A pinned letter with a PDF to Blåbär, a news item of Solrosen and one of Demokommun (server/information/demo.ts)
    const head = s.accounts.get('rektor');
    if (head === undefined) throw new Error('the demo has no account rektor for its information');
    await seedDemoInformation(trx, { municipalityId: demo, unitId: solrosen, groupId: blabar, teacher, head, admin: adminAccount, mother, now: options.now, today: options.today, dataDir: options.dataDir });
    // Free talk times in Blåbär next week, one booked for Elsa (server/talks/demo.ts); contact choices of a few families (server/contacts/demo.ts)
    await seedDemoTalks(trx, { groupId: blabar, staffPersonId: sara, teacher, childId: elsa, mother, now: options.now, today: options.today });
    await seedDemoContacts(trx, { groupId: blabar, mother: emma, father: johan, now: options.now, today: options.today });
    // A weekly gym day, an outing and a walk in Blåbär, a parents' meeting and a coffee for Solrosen (server/calendar/demo.ts)
    await seedDemoCalendar(trx, { municipalityId: demo, unitId: solrosen, groupId: blabar, createdBy: sara, today: options.today, now: options.now });
    // Solrosen's menu for this week and next (server/menu/demo.ts)
    await seedDemoMenu(trx, { unitId: solrosen, accountId: teacher, today: options.today, at: options.now });
    // Björkskolan: Demokommun's assessment matrix, and Oskar's (2B) and the 4A pupil's assessments, development plans
    // and extra adaptations (server/assessment/demo.ts, server/development-plans/demo.ts, server/adaptations/demo.ts)
    const school = { municipalityId: demo, schoolId: bjorkskolan, class2b, class4a, oskar, pupil, teacher: tove, head: schoolHead, today: options.today, now: options.now };
    await seedDemoAssessment(trx, school);
    await seedDemoDevelopmentPlans(trx, school);
    await seedDemoAdaptations(trx, school);
  }
}
