// A registry file made up for tests and the bench: N children in the documented layout, each with two guardians (the
// second in another household), placed in the given groups; valid personnummer, made-up names. Not a real person in it.
import { identityNumber } from '../people/identity-numbers.ts';
import { COLUMNS } from './layout.ts';

export interface SampleOptions {
  children: number;
  /** Where the children are placed, in turn. */
  groups: readonly { unit: string; group: string }[];
  startDate: string;
  /** Children from this number on (0-based) get no e-mail for their guardians (paper invitations). */
  withoutEmailFrom?: number;
  delimiter?: ',' | ';';
}

const FIRST = ['Alva', 'Elsa', 'Maja', 'Ella', 'Vera', 'Noah', 'Hugo', 'Liam', 'Nils', 'Olle', 'Åsa', 'Ögon', 'Märta', 'Örjan'];
const LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Öberg', 'Åberg', 'Bäck', 'Ström'];

/** The rows of the sample, header first, as cells. */
export function sampleRows(o: SampleOptions): string[][] {
  const rows: string[][] = [[...COLUMNS]];
  const cell = (values: Partial<Record<(typeof COLUMNS)[number], string>>) => COLUMNS.map((c) => values[c] ?? '');
  for (let i = 0; i < o.children; i++) {
    const child = identityNumber(birth(2016, i), serial(i));
    const place = o.groups[i % o.groups.length];
    const last = LAST[i % LAST.length];
    rows.push(cell({ typ: 'barn', personnummer: child, fornamn: FIRST[i % FIRST.length], efternamn: last, skyddad_identitet: 'nej',
      adress: `Skolgatan ${1 + (i % 90)}`, postnummer: '123 45', ort: 'Exempelby', enhet: place.unit, grupp: place.group, startdatum: o.startDate }));
    for (const [g, other] of [[0, false], [1, true]] as const) {
      const guardian = identityNumber(birth(1975, i * 2 + g), serial(i * 2 + g));
      const email = o.withoutEmailFrom !== undefined && i >= o.withoutEmailFrom ? '' : `vh${i}-${g}@example.com`;
      rows.push(cell({ typ: 'vårdnadshavare', personnummer: guardian, fornamn: g === 0 ? 'Anna' : 'Jonas', efternamn: last, skyddad_identitet: 'nej',
        adress: `Skolgatan ${1 + (i % 90)}`, postnummer: '123 45', ort: 'Exempelby', epost: email, telefon: '', barn: child, annat_hushall: other ? 'ja' : 'nej' }));
    }
  }
  return rows;
}

/** The sample as CSV text. */
export function sampleCsv(o: SampleOptions): string {
  return toCsv(sampleRows(o), o.delimiter ?? ';');
}

export function toCsv(rows: readonly (readonly string[])[], delimiter: ',' | ';' = ';'): string {
  const quote = (v: string) => (/[",;\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${rows.map((r) => r.map(quote).join(delimiter)).join('\r\n')}\r\n`;
}

/** A birth date and serial per index: ten years of days, then the next serial, so that every number is distinct. */
function birth(year: number, i: number): string {
  return new Date(Date.UTC(year, 0, 1 + (i % 3650))).toISOString().slice(0, 10);
}

function serial(i: number): number {
  return 100 + Math.floor(i / 3650);
}
