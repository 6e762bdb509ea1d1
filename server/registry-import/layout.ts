// Reading a registry file: its encoding (UTF-8, or Windows-1252 as older registry exports write), its delimiter (`,` or
// `;`), its columns (the documented layout, or another layout's columns mapped onto ours), and each row as a record of
// the register, or a reason in Swedish why the row is refused. Pure: no database, so the CLI and the page read alike.
import { parse } from 'csv-parse/sync';
import personnummerModule from 'personnummer';
import { isDate } from '../kernel/dates.ts';
import type { FieldError } from '../kernel/forms.ts';

// The package's types describe an ES module's default export; at run time (CommonJS) the import is the class itself.
const Personnummer = personnummerModule as unknown as typeof personnummerModule.default;

/** The documented layout's columns, in order (README, "Importing from the registry"). */
export const COLUMNS = [
  'typ', 'personnummer', 'fornamn', 'efternamn', 'skyddad_identitet', 'adress', 'postnummer', 'ort', 'epost', 'telefon',
  'barn', 'annat_hushall', 'enhet', 'grupp', 'startdatum', 'slutdatum', 'roll',
] as const;
export type Column = (typeof COLUMNS)[number];

/** Columns every file must have; the others may be left out (then what they hold in Vardag is left as it is). */
export const REQUIRED_COLUMNS: readonly Column[] = ['typ', 'personnummer', 'fornamn', 'efternamn', 'barn', 'enhet', 'grupp', 'startdatum'];

/** Our column → the file's column, for a file of another layout. */
export type ColumnMapping = Partial<Record<Column, string>>;

export type Encoding = 'utf-8' | 'windows-1252' | 'utf-16';

/** How the preview names an encoding. */
export const ENCODING_NAMES: Record<Encoding, string> = { 'utf-8': 'UTF-8', 'windows-1252': 'Windows-1252', 'utf-16': 'UTF-16' };

/**
 * UTF-16 when the bytes start with its byte order mark (a spreadsheet's "Unicode text"); else UTF-8 when they are valid
 * UTF-8 (a BOM is dropped); else Windows-1252, which every byte sequence is. The text composed (NFC), as forms keep
 * it: a name exported as "O" and a combining diaeresis is "Ö", found by a search for it.
 */
export function decodeFile(bytes: Uint8Array): { text: string; encoding: Encoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes).normalize('NFC'), encoding: 'utf-16' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes).normalize('NFC'), encoding: 'utf-16' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text: text.normalize('NFC'), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** A header's name compared loosely: case, spaces, hyphens and å/ä/ö do not matter ("Förnamn" is `fornamn`). */
export function columnKey(name: string): string {
  return name.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\s-]+/g, '_');
}

/** `;` when the header line has more of them than commas (Swedish spreadsheets write `;`), else `,`. */
export function detectDelimiter(text: string): ',' | ';' {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => header.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

export type IdentityKind = 'personnummer' | 'samordningsnummer';
export interface Identity { number: string; kind: IdentityKind; birthDate: string }

/** A personnummer or samordningsnummer in any usual shape, as Vardag stores it (YYYYMMDD-NNNN), or undefined when invalid. */
export function readIdentity(raw: string): Identity | undefined {
  const value = raw.trim();
  if (!/^(\d{2})?\d{6}[-+]?\d{4}$/.test(value)) return undefined;
  try {
    const pin = Personnummer.parse(value, { allowCoordinationNumber: true, allowInterimNumber: false });
    const long = pin.format(true);
    const coordination = pin.isCoordinationNumber();
    const day = String(Number(long.slice(6, 8)) - (coordination ? 60 : 0)).padStart(2, '0');
    return { number: `${long.slice(0, 8)}-${long.slice(8)}`, kind: coordination ? 'samordningsnummer' : 'personnummer',
      birthDate: `${long.slice(0, 4)}-${long.slice(4, 6)}-${day}` };
  } catch {
    return undefined;
  }
}

/** ÅÅMMDD-XXXX: a personnummer as pages show it. */
export function maskIdentity(number: string): string {
  const digits = number.replace(/\D/g, '');
  return `${digits.slice(-10, -4)}-XXXX`;
}

export type RowKind = 'child' | 'guardian' | 'staff';

interface PersonFields {
  identity: Identity; firstName: string; lastName: string;
  /** Undefined: the file has no such column, so Vardag's value stays. */
  protectedIdentity?: boolean; street?: string | null; postalCode?: string | null; city?: string | null;
  email?: string | null; phone?: string | null;
}
export interface ChildRow extends PersonFields { kind: 'child'; line: number; unit: string; group: string; startDate: string; endDate: string | null }
export interface GuardianRow extends PersonFields { kind: 'guardian'; line: number; child: Identity; otherHousehold: boolean }
export interface StaffRow extends PersonFields {
  kind: 'staff'; line: number; unit: string; group: string | null; role: 'unit_head' | 'staff';
  /** The assignment's first and last day, when the file gives them (the last day ends it: the registry's word). */
  startDate: string | null; endDate: string | null;
}
export type RegistryRow = ChildRow | GuardianRow | StaffRow;

/** A refused row: its line in the file, the person it names as shown (masked), and why. */
export interface RefusedRow { line: number; who: string; reason: FieldError }

export type FileProblem =
  | { kind: 'empty' }
  | { kind: 'delimiter'; found: string }
  | { kind: 'unreadable'; detail: string }
  | { kind: 'missing-columns'; missing: Column[]; found: string[] };

export interface ReadFile {
  encoding: Encoding; delimiter: ',' | ';'; columns: string[];
  rows: RegistryRow[]; refused: RefusedRow[]; problem?: FileProblem;
}

const YES = new Set(['ja', 'j', 'yes', 'y', '1', 'x', 'sant', 'true']);
const NO = new Set(['nej', 'n', 'no', '0', '', 'falskt', 'false']);
const KINDS: Record<string, RowKind> = {
  barn: 'child', elev: 'child', child: 'child', vardnadshavare: 'guardian', vh: 'guardian', guardian: 'guardian',
  personal: 'staff', staff: 'staff',
};

/** The rows of a decoded file, each a record or a refusal; `problem` when the file as a whole cannot be read. */
export function readRegistryFile(text: string, encoding: Encoding, mapping: ColumnMapping = {}): ReadFile {
  const delimiter = detectDelimiter(text);
  const base = { encoding, delimiter, columns: [] as string[], rows: [] as RegistryRow[], refused: [] as RefusedRow[] };
  if (text.trim() === '') return { ...base, problem: { kind: 'empty' } };
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // A line of nothing but delimiters (a spreadsheet's empty row) is no row; `info` gives each record's line in the file.
    records = parse(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_empty_values: true, trim: true, info: true }) as unknown as typeof records;
  } catch (error) {
    return { ...base, problem: { kind: 'unreadable', detail: (error as Error).message.slice(0, 200) } };
  }
  const [first, ...lines] = records;
  const header = first?.record ?? [];
  const columns = header.map((h) => h.trim());
  const other = otherDelimiter(header);
  if (other) return { ...base, columns, problem: { kind: 'delimiter', found: other } };
  const position = new Map(columns.map((c, i) => [columnKey(c), i]));
  const index = new Map<Column, number>();
  for (const column of COLUMNS) {
    const mapped = mapping[column]?.trim();
    const at = mapped ? position.get(columnKey(mapped)) : position.get(column);
    if (at !== undefined) index.set(column, at);
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) return { ...base, columns, problem: { kind: 'missing-columns', missing, found: columns } };

  const result: ReadFile = { ...base, columns };
  const seen = new Map<string, number>();
  for (const { record: cells, info } of lines) {
    const line = info.lines;
    const cell = (c: Column): string | undefined => {
      const at = index.get(c);
      return at === undefined ? undefined : (cells[at] ?? '').trim();
    };
    const shape = rowShape(cells, columns.length, delimiter);
    if (shape) {
      result.refused.push({ line, who: identityShown(cell('personnummer') ?? ''), reason: shape });
      continue;
    }
    const row = readRow(cell, line);
    if ('reason' in row) {
      result.refused.push(row);
      continue;
    }
    const key = COLUMNS.map((c) => (cell(c) ?? '').toLowerCase()).join('\u0001');
    const first = seen.get(key);
    if (first !== undefined) {
      result.refused.push({ line, who: maskIdentity(row.identity.number), reason: { key: 'registryImport.refused.duplicate', params: { line: first } } });
      continue;
    }
    seen.set(key, line);
    result.rows.push(row);
  }
  return result;
}

function readRow(cell: (c: Column) => string | undefined, line: number): RegistryRow | RefusedRow {
  const refuse = (key: string, params?: Record<string, string | number>): RefusedRow => ({
    line, who: identityShown(cell('personnummer') ?? ''), reason: { key: `registryImport.refused.${key}`, ...(params ? { params } : {}) },
  });
  const kind = KINDS[columnKey(cell('typ') ?? '')];
  if (!kind) return refuse('kind', { value: withoutNumbers(cell('typ') ?? '') });
  const identity = readIdentity(cell('personnummer') ?? '');
  if (!identity) return refuse(cell('personnummer') ? 'identity' : 'identityMissing');
  const firstName = cell('fornamn') ?? '';
  const lastName = cell('efternamn') ?? '';
  if (!firstName || !lastName) return refuse('name');
  if (firstName.length > 100 || lastName.length > 100) return refuse('nameTooLong');
  const flag = cell('skyddad_identitet');
  if (flag !== undefined && !YES.has(flag.toLowerCase()) && !NO.has(flag.toLowerCase())) return refuse('flag', { column: 'skyddad_identitet' });
  const protectedIdentity = flag === undefined ? undefined : YES.has(flag.toLowerCase());
  const optional = (c: Column) => {
    const v = cell(c);
    return v === undefined ? undefined : v.slice(0, 200) || null;
  };
  const email = optional('epost');
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return refuse('email');
  // A person with protected identity has no address in Vardag, whatever the file says.
  const address = protectedIdentity ? { street: null, postalCode: null, city: null }
    : { street: optional('adress'), postalCode: optional('postnummer'), city: optional('ort') };
  const person = { identity, firstName, lastName, protectedIdentity, ...address, email, phone: optional('telefon') };

  if (kind === 'child') {
    const unit = cell('enhet') ?? '';
    const group = cell('grupp') ?? '';
    if (!unit || !group) return refuse('placementMissing');
    const startDate = cell('startdatum') ?? '';
    if (!isDate(startDate)) return refuse('date', { column: 'startdatum' });
    const endDate = cell('slutdatum') || null;
    if (endDate !== null && !isDate(endDate)) return refuse('date', { column: 'slutdatum' });
    if (endDate !== null && endDate < startDate) return refuse('endBeforeStart');
    return { kind, line, ...person, unit, group, startDate, endDate };
  }
  if (kind === 'guardian') {
    const childNumber = cell('barn') ?? '';
    if (!childNumber) return refuse('guardianWithoutChild');
    const child = readIdentity(childNumber);
    if (!child) return refuse('childIdentity');
    if (child.number === identity.number) return refuse('ownGuardian');
    const other = cell('annat_hushall');
    if (other !== undefined && !YES.has(other.toLowerCase()) && !NO.has(other.toLowerCase())) return refuse('flag', { column: 'annat_hushall' });
    return { kind, line, ...person, child, otherHousehold: other !== undefined && YES.has(other.toLowerCase()) };
  }
  const unit = cell('enhet') ?? '';
  if (!unit) return refuse('unitMissing');
  const role = columnKey(cell('roll') ?? '');
  if (role !== '' && role !== 'rektor' && role !== 'forskolechef' && role !== 'personal') return refuse('role', { value: withoutNumbers(cell('roll') ?? '') });
  const startDate = cell('startdatum') || null;
  if (startDate !== null && !isDate(startDate)) return refuse('date', { column: 'startdatum' });
  const endDate = cell('slutdatum') || null;
  if (endDate !== null && !isDate(endDate)) return refuse('date', { column: 'slutdatum' });
  if (startDate !== null && endDate !== null && endDate < startDate) return refuse('endBeforeStart');
  return {
    kind, line, ...person, unit, group: cell('grupp') || null, role: role === 'rektor' || role === 'forskolechef' ? 'unit_head' : 'staff', startDate, endDate,
  };
}

/** The delimiter a header of one column seems to use instead of `,` or `;` (a tab, a pipe), if any. */
function otherDelimiter(header: readonly string[]): string | undefined {
  if (header.length !== 1) return undefined;
  return ['\t', '|'].find((c) => header[0].includes(c));
}

/**
 * Why a row's cells cannot be read as the header's columns: the other delimiter (a row of one cell holding the
 * other one), more or fewer cells than the header (a delimiter inside a field without quotes moves every column
 * after it), or text decoded with the wrong encoding ("MÃ¤rta", "M„rta", a replacement character). Such a row is
 * refused before anything is read from it: its cells may sit in the wrong columns.
 */
function rowShape(cells: readonly string[], columns: number, delimiter: ',' | ';'): FieldError | undefined {
  if (cells.length === 1 && columns > 1) {
    const other = delimiter === ';' ? ',' : ';';
    if (cells[0].split(other).length >= Math.min(columns, 4)) return { key: 'registryImport.refused.delimiter', params: { delimiter } };
  }
  if (cells.length !== columns) return { key: 'registryImport.refused.columnCount', params: { found: cells.length, expected: columns } };
  if (cells.some(garbled)) return { key: 'registryImport.refused.encoding' };
  return undefined;
}

/**
 * Text read with the wrong encoding: a replacement character or a control character; UTF-8 read as Windows-1252
 * ("Ã" and a sign: "MÃ¤rta"); or an old DOS export's å, ä, ö, Å, Ä, Ö read as Windows-1252 ("†", "„", "”", "Ž", "™").
 */
export function garbled(text: string): boolean {
  if (/[\uFFFD†„”Ž™]|Ã[^\p{L}]/u.test(text)) return true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** A cell quoted in a message: at most 40 characters, and no run of digits that could be a personnummer. */
function withoutNumbers(value: string): string {
  return value.slice(0, 40).replace(/\d[\d\s+-]{4,}\d/g, '…');
}

/** How a refused row names its person: masked when it is a valid number, else only that there was something. */
function identityShown(raw: string): string {
  const identity = readIdentity(raw);
  if (identity) return maskIdentity(identity.number);
  return raw.trim() ? '–' : '';
}
