// The admin's login settings form (/admin/login) and staff link form, read on their own (no database): the e-ID
// broker (an https issuer, or http on a demo or test installation; a client id; the claim with the personnummer;
// the acr values that count as strong; how staff are matched), the idle minutes of a strong login and the other
// ways in. Every answer is a typed outcome with field messages from the catalogue.
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import {
  acrList, DEFAULT_LOGIN_SETTINGS, DEFAULT_PERSONNUMMER_CLAIM, IDLE_MINUTES_MAX, IDLE_MINUTES_MIN, type LoginSettings, type StaffMatch,
} from './settings.ts';

/** The e-ID settings as the form saves them (the client secret is never among them: it is in the environment). */
export interface EIdSettingsInput {
  enabled: boolean; issuer: string; clientId: string; personnummerClaim: string; strongAcr: string[]; staffMatch: StaffMatch;
}

/** What the form saves: the e-ID settings (null: no e-ID broker at all) and the login settings. */
export interface LoginForm { eId: EIdSettingsInput | null; login: LoginSettings }

export const FIELDS = {
  enabled: 'e_id_enabled', issuer: 'issuer', clientId: 'client_id', personnummerClaim: 'personnummer_claim', strongAcr: 'strong_acr',
  staffMatch: 'staff_match', strongIdleMinutes: 'strong_idle_minutes', smsCodeLogin: 'sms_code_login', passkeysStrong: 'passkeys_strong',
} as const;

const MAX_URL = 500;
const MAX_TEXT = 200;
const MAX_ACR_VALUES = 10;
/** A claim's name as providers spell them: letters, digits and `_ . : / -` (some are URIs). */
const CLAIM = /^[A-Za-z0-9_.:/-]{1,100}$/;
/** Printable characters without spaces (client ids, acr values, subjects). */
const TOKEN = /^[\x21-\x7e]+$/;

/** The issuer as typed, if it may be one: https (http only where `allowHttp`), a host, no user, query or fragment. */
export function issuerProblem(typed: string, allowHttp: boolean): string | null {
  if (typed === '') return 'loginAdmin.errors.required';
  if (typed.length > MAX_URL) return 'loginAdmin.errors.issuerInvalid';
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    return 'loginAdmin.errors.issuerInvalid';
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) return 'loginAdmin.errors.issuerNotHttps';
  if (url.username || url.password || url.search || url.hash || !url.hostname || /\s/.test(typed)) return 'loginAdmin.errors.issuerInvalid';
  return null;
}

/**
 * Whether the "test the connection" may ask a host that resolved to these addresses: outside demo and test
 * (`allowPrivate`) only when every one of them is on the public internet, so an admin's typed address never reaches
 * the server itself or the municipality's inside network (loopback, private, link-local, unique-local and the like).
 */
export function addressesProblem(addresses: readonly string[], allowPrivate: boolean): string | null {
  if (allowPrivate) return null;
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) return 'loginAdmin.errors.issuerPrivate';
  return null;
}

/** Whether an IP address (IPv4 or IPv6, as node:dns gives it) is a public unicast one. Anything unreadable is not. */
export function isPublicAddress(address: string): boolean {
  const v4 = ipv4Bytes(address);
  if (v4) return isPublicIpv4(v4);
  const w = ipv6Words(address);
  if (!w) return false;
  const embedded = (hi: number, lo: number): boolean => isPublicIpv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const zeros = (from: number, to: number): boolean => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && w[5] === 0xffff) return embedded(w[6], w[7]); // ::ffff:a.b.c.d, IPv4-mapped
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return embedded(w[6], w[7]); // 64:ff9b::/96, NAT64
  if (w[0] === 0x2002) return embedded(w[1], w[2]); // 2002::/16, 6to4
  if ((w[0] & 0xe000) !== 0x2000) return false; // outside 2000::/3 (global unicast): ::, ::1, fc00::/7, fe80::/10, ff00::/8 …
  if (w[0] === 0x2001 && (w[1] === 0 || w[1] === 0x0db8)) return false; // Teredo, documentation
  if (w[0] === 0x2001 && w[1] < 0x200) return false; // 2001::/23, IETF special purposes
  return true;
}

/** The private, loopback, link-local, shared, documentation, benchmark, multicast and reserved IPv4 blocks. */
const IPV4_NOT_PUBLIC: readonly [number, number, number][] = [
  [0, 0, 8], [10, 0, 8], [100, 64, 10], [127, 0, 8], [169, 254, 16], [172, 16, 12], [192, 0, 24], [192, 168, 16],
  [198, 18, 15], [224, 0, 4], [240, 0, 4],
];
const IPV4_NOT_PUBLIC_24 = new Set(['192.0.2', '192.88.99', '198.51.100', '203.0.113']);

function isPublicIpv4(b: readonly number[]): boolean {
  const value = ((b[0] << 24) | (b[1] << 16)) >>> 0;
  for (const [first, second, bits] of IPV4_NOT_PUBLIC) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((value & mask) >>> 0) === ((((first << 24) | (second << 16)) >>> 0) & mask) >>> 0) return false;
  }
  return !IPV4_NOT_PUBLIC_24.has(b.slice(0, 3).join('.'));
}

function ipv4Bytes(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** An IPv6 address's eight 16-bit words (`::`, an IPv4 tail and a zone id read), or null. */
function ipv6Words(address: string): number[] | null {
  let text = address.split('%')[0].toLowerCase();
  let tail: number[] = [];
  const v4 = /(?:^|:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  if (v4) {
    const b = ipv4Bytes(v4[1]);
    if (!b) return null;
    tail = [(b[0] << 8) | b[1], (b[2] << 8) | b[3]];
    text = text.slice(0, text.length - v4[1].length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const words = (part: string): number[] | null => {
    if (part === '') return [];
    const parsed = part.split(':').map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? Number.parseInt(h, 16) : Number.NaN));
    return parsed.some(Number.isNaN) ? null : parsed;
  };
  const head = words(halves[0]);
  const rest = halves.length === 2 ? words(halves[1]) : [];
  if (!head || !rest) return null;
  const missing = 8 - head.length - rest.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  return [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest, ...tail];
}

/**
 * The form's settings. `allowHttp`: a demo or test installation, whose broker may be a local http provider.
 * `documentationNeedsStrongLogin`: the municipality's documentation asks for a strong login, so switching e-ID off
 * (the only strong way in) is refused until that is turned off (else nobody reaches documentation).
 */
export function parseLoginForm(
  value: (name: string) => string, options: { allowHttp: boolean; documentationNeedsStrongLogin: boolean },
): Parsed<LoginForm> {
  const errors: FieldErrors = {};
  const enabled = value(FIELDS.enabled) === 'yes';
  const issuer = value(FIELDS.issuer).trim();
  const clientId = value(FIELDS.clientId).trim();
  const claim = value(FIELDS.personnummerClaim).trim();
  const acrText = value(FIELDS.strongAcr);
  const strongAcr = acrList(acrText);
  const match = value(FIELDS.staffMatch);
  const anyEId = enabled || issuer !== '' || clientId !== '';
  if (anyEId) {
    const problem = issuerProblem(issuer, options.allowHttp);
    if (problem) errors[FIELDS.issuer] = { key: problem };
    if (clientId === '') errors[FIELDS.clientId] = { key: 'loginAdmin.errors.required' };
    else if (clientId.length > MAX_TEXT || !TOKEN.test(clientId)) errors[FIELDS.clientId] = { key: 'loginAdmin.errors.clientIdInvalid' };
    if (claim === '') errors[FIELDS.personnummerClaim] = { key: 'loginAdmin.errors.required' };
    else if (!CLAIM.test(claim)) errors[FIELDS.personnummerClaim] = { key: 'loginAdmin.errors.claimInvalid' };
    if (strongAcr.length === 0) {
      if (enabled) errors[FIELDS.strongAcr] = { key: 'loginAdmin.errors.acrRequired' };
    } else if (strongAcr.length > MAX_ACR_VALUES || strongAcr.some((v) => v.length > MAX_TEXT || !TOKEN.test(v))) {
      errors[FIELDS.strongAcr] = { key: 'loginAdmin.errors.acrInvalid', params: { max: MAX_ACR_VALUES } };
    }
  }
  if (match !== 'subject' && match !== 'email') errors[FIELDS.staffMatch] = { key: 'loginAdmin.errors.staffMatch' };
  if (!enabled && options.documentationNeedsStrongLogin) errors[FIELDS.enabled] = { key: 'loginAdmin.errors.documentationNeedsEId' };
  const rawMinutes = value(FIELDS.strongIdleMinutes).trim();
  const minutes = /^[0-9]{1,4}$/.test(rawMinutes) ? Number(rawMinutes) : Number.NaN;
  if (rawMinutes === '') errors[FIELDS.strongIdleMinutes] = { key: 'loginAdmin.errors.required' };
  else if (!(minutes >= IDLE_MINUTES_MIN && minutes <= IDLE_MINUTES_MAX)) {
    errors[FIELDS.strongIdleMinutes] = { key: 'loginAdmin.errors.idleRange', params: { min: IDLE_MINUTES_MIN, max: IDLE_MINUTES_MAX } };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      eId: anyEId ? { enabled, issuer, clientId, personnummerClaim: claim, strongAcr, staffMatch: match as StaffMatch } : null,
      login: { strongIdleMinutes: minutes, smsCodeLogin: value(FIELDS.smsCodeLogin) === 'yes', passkeysStrong: value(FIELDS.passkeysStrong) === 'yes' },
    },
  };
}

/** The form's fields from what is saved (what the page shows before anything is typed). */
export function formValues(eId: EIdSettingsInput | null, login: LoginSettings = DEFAULT_LOGIN_SETTINGS): Record<string, string> {
  return {
    [FIELDS.enabled]: eId?.enabled ? 'yes' : '', [FIELDS.issuer]: eId?.issuer ?? '', [FIELDS.clientId]: eId?.clientId ?? '',
    [FIELDS.personnummerClaim]: eId?.personnummerClaim ?? DEFAULT_PERSONNUMMER_CLAIM, [FIELDS.strongAcr]: (eId?.strongAcr ?? []).join('\n'),
    [FIELDS.staffMatch]: eId?.staffMatch ?? 'subject', [FIELDS.strongIdleMinutes]: String(login.strongIdleMinutes),
    [FIELDS.smsCodeLogin]: login.smsCodeLogin ? 'yes' : '', [FIELDS.passkeysStrong]: login.passkeysStrong ? 'yes' : '',
  };
}

/** A staff member's identity at the provider as an admin typed it: a subject, or an e-mail address (kept in lower case). */
export function parseStaffIdentity(typed: string, match: StaffMatch): Parsed<string> {
  const text = typed.trim();
  if (text === '') return { ok: false, errors: { identity: { key: 'loginAdmin.errors.required' } } };
  if (match === 'email') {
    if (text.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return { ok: false, errors: { identity: { key: 'loginAdmin.errors.emailInvalid' } } };
    return { ok: true, value: text.toLowerCase() };
  }
  if (text.length > 255 || !TOKEN.test(text)) return { ok: false, errors: { identity: { key: 'loginAdmin.errors.subjectInvalid' } } };
  return { ok: true, value: text };
}
