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
