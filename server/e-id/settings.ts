// A municipality's strong login: its e-ID broker (an OpenID Connect provider speaking for BankID, Freja eID and the
// like: issuer, client id, the claim carrying the personnummer, which acr values count as strong, how staff are
// matched) and its login settings (how long a strong login lasts idle, SMS code login, whether passkeys count as
// strong). The client secret is never in the database: it comes from the environment, VARDAG_E_ID_CLIENT_SECRET_<id>
// for one municipality or VARDAG_E_ID_CLIENT_SECRET for all (none: a public client, PKCE only). A municipality that
// never saved login settings has the defaults; one without an enabled e-ID row has no e-ID login.
import { lockedRows } from '../../db/sql.ts';
import { prepared, type Db } from '../kernel/db.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { municipalitiesOf } from '../people/audit-scope.ts';
import { personName } from '../people/queries.ts';
import type { StaffMatch } from '../../db/schema.ts';

export type { StaffMatch };

export interface EIdConfig {
  municipalityId: number;
  issuer: string;
  clientId: string;
  /** From the environment; undefined: a public client (authorization code with PKCE, no secret). */
  clientSecret: string | undefined;
  /** The ID token's (or userinfo's) claim carrying the personnummer. */
  personnummerClaim: string;
  /** The acr values that count as a strong login; any other acr is a weak one. */
  strongAcr: string[];
  staffMatch: StaffMatch;
}

export interface LoginSettings {
  /** Minutes a strong login lasts without a request before the session is weak again (still signed in). */
  strongIdleMinutes: number;
  /** Whether a one-time code to the account's verified mobile number is a way in. */
  smsCodeLogin: boolean;
  /** Whether a passkey login counts as a strong login. */
  passkeysStrong: boolean;
}

export const DEFAULT_LOGIN_SETTINGS: LoginSettings = { strongIdleMinutes: 20, smsCodeLogin: false, passkeysStrong: false };
/** The personnummer claim a new configuration starts with (the brokers' own names differ: the admin changes it). */
export const DEFAULT_PERSONNUMMER_CLAIM = 'personal_number';
/** The idle minutes an admin may choose. */
export const IDLE_MINUTES_MIN = 5;
export const IDLE_MINUTES_MAX = 480;

/** The client secret of a municipality's e-ID client: its own variable first, then the one shared by all. */
export function clientSecretFor(municipalityId: number, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[`VARDAG_E_ID_CLIENT_SECRET_${municipalityId}`] || env.VARDAG_E_ID_CLIENT_SECRET || undefined;
}

/** The acr values of the stored text (one a line; blanks and spaces around dropped, each once). */
export function acrList(text: string): string[] {
  return [...new Set(text.split(/[\r\n]+/).map((v) => v.trim()).filter((v) => v !== ''))];
}

const eIdRow = prepared((db: Db, municipalityId: number) => db.selectFrom('e_id_settings')
  .select(['enabled', 'issuer', 'client_id', 'personnummer_claim', 'strong_acr', 'staff_match'])
  .where('municipality_id', '=', municipalityId));

/** The municipality's e-ID configuration, or null when it has no e-ID login (none saved, or switched off). */
export async function eIdConfigOf(db: Db, municipalityId: number): Promise<EIdConfig | null> {
  const [row] = await eIdRow(db, municipalityId);
  if (row?.enabled !== 1) return null;
  return {
    municipalityId, issuer: row.issuer, clientId: row.client_id, clientSecret: clientSecretFor(municipalityId),
    personnummerClaim: row.personnummer_claim, strongAcr: acrList(row.strong_acr), staffMatch: row.staff_match,
  };
}

/** The municipalities with an e-ID login, by name (the choice page of /login/e-id when there are several). */
export async function municipalitiesWithEId(db: Db): Promise<{ id: number; name: string }[]> {
  const rows = await db.selectFrom('e_id_settings').select('municipality_id').where('enabled', '=', 1).execute();
  return municipalitiesOf(db, rows.map((r) => r.municipality_id));
}

const loginRow = prepared((db: Db, municipalityId: number) => db.selectFrom('login_settings')
  .select(['strong_idle_minutes', 'sms_code_login', 'passkeys_strong']).where('municipality_id', '=', municipalityId));

/** The municipality's login settings (the defaults when it never saved any). One primary-key read: cheap per request. */
export async function loginSettingsOf(db: Db, municipalityId: number): Promise<LoginSettings> {
  const [row] = await loginRow(db, municipalityId);
  if (!row) return DEFAULT_LOGIN_SETTINGS;
  return { strongIdleMinutes: row.strong_idle_minutes, smsCodeLogin: row.sms_code_login === 1, passkeysStrong: row.passkeys_strong === 1 };
}

/** The e-ID settings as saved, switched on or off (the admin's form); null when the municipality never set any. */
export interface StoredEIdSettings {
  enabled: boolean; issuer: string; clientId: string; personnummerClaim: string; strongAcr: string[]; staffMatch: StaffMatch;
}

export async function storedEIdSettings(db: Db, municipalityId: number): Promise<StoredEIdSettings | null> {
  const [row] = await eIdRow(db, municipalityId);
  return row ? {
    enabled: row.enabled === 1, issuer: row.issuer, clientId: row.client_id, personnummerClaim: row.personnummer_claim,
    strongAcr: acrList(row.strong_acr), staffMatch: row.staff_match,
  } : null;
}

/** The settings an admin changes, each as its change record names it and how its value is written there. */
type SettingValues = Record<LoginSettingName, string | null>;
export const LOGIN_SETTING_NAMES = [
  'eIdEnabled', 'issuer', 'clientId', 'personnummerClaim', 'strongAcr', 'staffMatch', 'strongIdleMinutes', 'smsCodeLogin', 'passkeysStrong',
] as const;
export type LoginSettingName = (typeof LOGIN_SETTING_NAMES)[number];

/** The settings kept in login_settings (the rest are the e-ID row's). */
const LOGIN_ROW_SETTINGS: ReadonlySet<LoginSettingName> = new Set(['strongIdleMinutes', 'smsCodeLogin', 'passkeysStrong']);

const flag = (on: boolean): string => (on ? '1' : '0');

function settingValues(eId: StoredEIdSettings | null, login: LoginSettings): SettingValues {
  return {
    eIdEnabled: eId ? flag(eId.enabled) : null, issuer: eId?.issuer ?? null, clientId: eId?.clientId ?? null,
    personnummerClaim: eId?.personnummerClaim ?? null, strongAcr: eId ? eId.strongAcr.join(' ') : null, staffMatch: eId?.staffMatch ?? null,
    strongIdleMinutes: String(login.strongIdleMinutes), smsCodeLogin: flag(login.smsCodeLogin), passkeysStrong: flag(login.passkeysStrong),
  };
}

/**
 * Saves the municipality's e-ID settings (null: no e-ID broker: the row goes) and login settings and, in the same
 * transaction, a change for each setting whose value differs from what it was; returns the settings that changed.
 * Two admins saving at once: the one whose write meets the other's (a first insert both made, a row no longer what it
 * read) runs again on what the other saved, so each change says truly from what.
 */
export async function saveLoginSettings(
  db: Db, municipalityId: number, form: { eId: StoredEIdSettings | null; login: LoginSettings }, by: number, at: Date,
): Promise<LoginSettingName[]> {
  return retryRaces(() => db.transaction().execute(async (trx) => {
    const eIdLocked = await lockedRows(trx, trx.selectFrom('e_id_settings').select('changed_at').where('municipality_id', '=', municipalityId)).executeTakeFirst();
    const loginLocked = await lockedRows(trx, trx.selectFrom('login_settings').select('changed_at').where('municipality_id', '=', municipalityId)).executeTakeFirst();
    const before = settingValues(await storedEIdSettings(trx, municipalityId), await loginSettingsOf(trx, municipalityId));
    const after = settingValues(form.eId, form.login);
    const changed = LOGIN_SETTING_NAMES.filter((name) => before[name] !== after[name]);
    if (changed.length === 0) return [];
    const changedAt = at.toISOString();
    const eIdChanged = changed.some((name) => !LOGIN_ROW_SETTINGS.has(name));
    if (eIdChanged) {
      if (!form.eId) {
        await trx.deleteFrom('e_id_settings').where('municipality_id', '=', municipalityId).execute();
      } else {
        const values = {
          enabled: Number(form.eId.enabled), issuer: form.eId.issuer, client_id: form.eId.clientId, personnummer_claim: form.eId.personnummerClaim,
          strong_acr: form.eId.strongAcr.join('\n'), staff_match: form.eId.staffMatch, changed_by: by, changed_at: changedAt,
        };
        if (!eIdLocked) await trx.insertInto('e_id_settings').values({ municipality_id: municipalityId, ...values }).execute();
        else {
          const result = await trx.updateTable('e_id_settings').set(values).where('municipality_id', '=', municipalityId)
            .where('changed_at', '=', eIdLocked.changed_at).executeTakeFirst();
          if (Number(result.numUpdatedRows) !== 1) throw new RaceLost('the e-ID settings changed meanwhile');
        }
      }
    }
    if (changed.some((name) => LOGIN_ROW_SETTINGS.has(name))) {
      const values = {
        strong_idle_minutes: form.login.strongIdleMinutes, sms_code_login: Number(form.login.smsCodeLogin), passkeys_strong: Number(form.login.passkeysStrong),
        changed_by: by, changed_at: changedAt,
      };
      if (!loginLocked) await trx.insertInto('login_settings').values({ municipality_id: municipalityId, ...values }).execute();
      else {
        const result = await trx.updateTable('login_settings').set(values).where('municipality_id', '=', municipalityId)
          .where('changed_at', '=', loginLocked.changed_at).executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new RaceLost('the login settings changed meanwhile');
      }
    }
    await trx.insertInto('login_settings_changes').values(changed.map((name) => ({
      municipality_id: municipalityId, setting: name, person_id: null, old_value: before[name], new_value: after[name], changed_by: by, changed_at: changedAt,
    }))).execute();
    return changed;
  }), ['e_id_settings.municipality_id', 'login_settings.municipality_id']);
}

export interface LoginSettingChange {
  setting: LoginSettingName | 'staffLink'; person: string | null; oldValue: string | null; newValue: string | null; changedAt: string; changedBy: string | null;
}

/** The municipality's latest changes of its login settings and staff links, newest first, with who made each. */
export async function loginSettingsChanges(db: Db, municipalityId: number, limit = 50): Promise<LoginSettingChange[]> {
  const rows = await db.selectFrom('login_settings_changes')
    .select(['setting', 'old_value', 'new_value', 'changed_at', (eb) => personName(eb, 'login_settings_changes.changed_by').as('by'),
      (eb) => personName(eb, 'login_settings_changes.person_id').as('person')])
    .where('municipality_id', '=', municipalityId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    setting: r.setting as LoginSettingChange['setting'], person: r.person ?? null, oldValue: r.old_value, newValue: r.new_value,
    changedAt: r.changed_at, changedBy: r.by ?? null,
  }));
}

/**
 * The demo's e-ID (server/demo/e-id-provider.ts, on a demo database only): each of the municipalities without e-ID
 * settings of its own gets the demo provider's, and one already at a demo provider follows the issuer (PUBLIC_URL may
 * have changed). An admin's own settings are left alone.
 */
export async function useDemoEIdSettings(
  db: Db, demo: { municipalityIds: readonly number[]; issuer: string; clientId: string; strongAcr: string; isDemoIssuer: (issuer: string) => boolean }, at: Date,
): Promise<void> {
  for (const id of demo.municipalityIds) {
    const row = await db.selectFrom('e_id_settings').select('issuer').where('municipality_id', '=', id).executeTakeFirst();
    if (row && !demo.isDemoIssuer(row.issuer)) continue;
    if (row) {
      await db.updateTable('e_id_settings').set({ issuer: demo.issuer }).where('municipality_id', '=', id).execute();
    } else {
      await db.insertInto('e_id_settings').values({
        municipality_id: id, enabled: 1, issuer: demo.issuer, client_id: demo.clientId, strong_acr: demo.strongAcr, staff_match: 'subject',
        changed_by: 0, changed_at: at.toISOString(),
      }).onConflict((oc) => oc.column('municipality_id').doNothing()).execute();
    }
  }
}
