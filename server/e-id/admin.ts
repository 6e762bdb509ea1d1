// The municipality's login settings for its admins (/admin/login): its e-ID broker (issuer, client id, the claim with
// the personnummer, the acr values that count as strong, how staff are matched; the secret stays in the environment),
// how long a strong login lasts idle, SMS code login and whether passkeys count as strong, each change listed with who
// and when; a "test the connection" that reads the broker's discovery document; and the staff links
// (/admin/login/staff): each staff member linked once to their identity at the broker, and unlinked.
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldError, FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, parseId, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { administeredMunicipality, type AdministeredMunicipality } from '../people/audit-scope.ts';
import { documentationNeedsStrongLogin } from '../documentation/settings.ts';
import { addressesProblem, FIELDS, formValues, issuerProblem, parseLoginForm, parseStaffIdentity } from './admin-rules.ts';
import { clientSecretFor, loginSettingsChanges, loginSettingsOf, saveLoginSettings, storedEIdSettings } from './settings.ts';
import { isStaffOfMunicipality, linkStaff, STAFF_PAGE_SIZE, staffWithLinks, unlinkStaff } from './staff-links.ts';

/**
 * `allowHttpIssuer`: a demo or test installation, whose broker may be a local http provider (never a real one) and
 * whose "test the connection" may ask a loopback or private address.
 */
interface Deps { db: Db; clock: Clock; allowHttpIssuer: boolean }

const municipalityAsked = (req: Request): string => (typeof req.query.municipality === 'string' ? req.query.municipality : '');

export function eIdAdminRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/admin/login', 'municipality.login.update', async (req, res, { actor }) => {
    const municipality = await administeredMunicipality(db, actor.adminOf, municipalityAsked(req));
    if (!municipality) throw notFound();
    await settingsPage(req, res, deps, municipality);
  });

  routes.post('/admin/login', 'municipality.login.update', async (req, res, { actor, account }) => {
    const municipality = await administeredMunicipality(db, actor.adminOf, field(req.body, 'municipality'));
    if (!municipality) throw notFound();
    const parsed = parseLoginForm((name) => field(req.body, name), {
      allowHttp: deps.allowHttpIssuer, documentationNeedsStrongLogin: await documentationNeedsStrongLogin(db, municipality.chosen.id),
    });
    if (!parsed.ok) return settingsPage(req, res, deps, municipality, { errors: parsed.errors });
    const changed = await saveLoginSettings(db, municipality.chosen.id, parsed.value, account.personId, clock.now());
    flash(req, changed.length > 0 ? 'loginAdmin.saved' : 'loginAdmin.unchanged');
    res.redirect(303, `/admin/login?municipality=${municipality.chosen.id}`);
  });

  // Reads the typed issuer's discovery document (saving nothing) and shows what it says next to the form as typed.
  routes.post('/admin/login/test', 'municipality.login.update', async (req, res, { actor }) => {
    const municipality = await administeredMunicipality(db, actor.adminOf, field(req.body, 'municipality'));
    if (!municipality) throw notFound();
    const result = await testDiscovery(field(req.body, FIELDS.issuer).trim(), {
      allowHttp: deps.allowHttpIssuer, allowPrivate: deps.allowHttpIssuer, claim: field(req.body, FIELDS.personnummerClaim).trim(),
    });
    if (!result.ok && result.atIssuer) return settingsPage(req, res, deps, municipality, { errors: { [FIELDS.issuer]: result.error }, typed: true });
    await settingsPage(req, res, deps, municipality, { test: result, typed: true });
  });

  routes.get('/admin/login/staff', 'municipality.staffLinks.update', async (req, res, { actor }) => {
    const municipality = await administeredMunicipality(db, actor.adminOf, municipalityAsked(req));
    if (!municipality) throw notFound();
    await staffPage(req, res, deps, municipality, typeof req.query.q === 'string' ? req.query.q : '');
  });

  routes.post('/admin/login/staff/link', 'municipality.staffLinks.update', async (req, res, { actor, account }) => {
    const municipality = await administeredMunicipality(db, actor.adminOf, field(req.body, 'municipality'));
    if (!municipality) throw notFound();
    const personId = parseId(field(req.body, 'person'));
    const config = await storedEIdSettings(db, municipality.chosen.id);
    if (personId === undefined || !config || !(await isStaffOfMunicipality(db, municipality.chosen.id, personId, today(clock)))) throw notFound();
    const name = `identity-${personId}`;
    const parsed = parseStaffIdentity(field(req.body, name), config.staffMatch);
    const q = field(req.body, 'q');
    if (!parsed.ok) return staffPage(req, res, deps, municipality, q, { [name]: parsed.errors.identity });
    const outcome = await linkStaff(db, {
      municipalityId: municipality.chosen.id, personId, issuer: config.issuer, match: config.staffMatch, identity: parsed.value,
    }, account.personId, clock.now());
    if (outcome !== 'linked') {
      return staffPage(req, res, deps, municipality, q, { [name]: { key: outcome === 'already-linked' ? 'loginAdmin.errors.alreadyLinked' : 'loginAdmin.errors.identityTaken' } });
    }
    flash(req, 'loginAdmin.staff.linked');
    res.redirect(303, staffPath(municipality.chosen.id, q));
  });

  routes.post('/admin/login/staff/unlink', 'municipality.staffLinks.update', async (req, res, { actor, account }) => {
    const municipality = await administeredMunicipality(db, actor.adminOf, field(req.body, 'municipality'));
    if (!municipality) throw notFound();
    const personId = parseId(field(req.body, 'person'));
    const config = await storedEIdSettings(db, municipality.chosen.id);
    if (personId === undefined || !config) throw notFound();
    const removed = await unlinkStaff(db, { municipalityId: municipality.chosen.id, personId, issuer: config.issuer }, account.personId, clock.now());
    flash(req, removed ? 'loginAdmin.staff.unlinked' : 'loginAdmin.staff.notLinked');
    res.redirect(303, staffPath(municipality.chosen.id, field(req.body, 'q')));
  });
}

const staffPath = (municipalityId: number, q: string): string =>
  `/admin/login/staff?municipality=${municipalityId}${q.trim() ? `&q=${encodeURIComponent(q.trim())}` : ''}`;

async function settingsPage(
  req: Request, res: Response, { db, allowHttpIssuer }: Deps, municipality: AdministeredMunicipality,
  shown: { errors?: FieldErrors; test?: DiscoveryResult; typed?: boolean } = {},
): Promise<void> {
  const id = municipality.chosen.id;
  const [eId, login, changes, documentationStrong] = await Promise.all([
    storedEIdSettings(db, id), loginSettingsOf(db, id), loginSettingsChanges(db, id), documentationNeedsStrongLogin(db, id),
  ]);
  const errors = shown.errors ?? {};
  const submitted = Object.keys(errors).length > 0 || shown.typed === true;
  const values = submitted ? Object.fromEntries(Object.values(FIELDS).map((name) => [name, field(req.body, name)])) : formValues(eId, login);
  const secretVariable = `VARDAG_E_ID_CLIENT_SECRET_${id}`;
  render(req, res, 'e-id/admin', {
    chosen: municipality.chosen, mine: municipality.mine, fields: FIELDS, values, errors, changes, eIdOn: eId?.enabled === true,
    secretVariable, secretSet: clientSecretFor(id) !== undefined, allowHttpIssuer, documentationStrong, test: shown.test,
  }, Object.keys(errors).length > 0 ? 400 : 200);
}

async function staffPage(
  req: Request, res: Response, { db, clock }: Deps, municipality: AdministeredMunicipality, q: string, errors: FieldErrors = {},
): Promise<void> {
  const id = municipality.chosen.id;
  const config = await storedEIdSettings(db, id);
  const rows = await staffWithLinks(db, id, { issuer: config?.issuer ?? null, match: config?.staffMatch ?? 'subject', today: today(clock), q });
  const failed = Object.keys(errors)[0];
  const values: Record<string, string> = failed ? { [failed]: field(req.body, failed) } : {};
  render(req, res, 'e-id/admin-staff', {
    chosen: municipality.chosen, mine: municipality.mine, config, staff: rows.slice(0, STAFF_PAGE_SIZE), more: rows.length > STAFF_PAGE_SIZE,
    q, values, errors,
  }, failed ? 400 : 200);
}

/**
 * What the broker's discovery document said: the acr values it offers and whether it lists the personnummer claim.
 * A failure `atIssuer` is the typed address's own problem (shown at the field); any other is the broker's answer.
 */
export type DiscoveryResult =
  | { ok: true; issuer: string; acrValues: string[]; claimListed: boolean | null }
  | { ok: false; error: FieldError; atIssuer?: true };

/** How long the test waits for the broker, and the most it reads of its answer. */
const DISCOVERY_TIMEOUT_MS = 5000;
const DISCOVERY_MAX_BYTES = 256 * 1024;

/** How the test finds a host's addresses (every one of them); tests may answer for a name. */
export type Resolve = (host: string) => Promise<LookupAddress[]>;
const resolveAll: Resolve = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Reads `<issuer>/.well-known/openid-configuration` (no redirects followed, a few seconds at most) and checks that it
 * names the same issuer. Only an issuer the form would save is asked (https, or http on a demo or test installation),
 * and outside demo and test (`allowPrivate`) only when every address its host resolves to is a public one; the request
 * then connects to exactly those addresses (a name that resolves elsewhere a moment later is not followed there).
 */
export async function testDiscovery(
  issuer: string, options: { allowHttp: boolean; allowPrivate: boolean; claim: string; resolve?: Resolve },
): Promise<DiscoveryResult> {
  const problem = issuerProblem(issuer, options.allowHttp);
  if (problem) return { ok: false, error: { key: problem }, atIssuer: true };
  const url = new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  let addresses: LookupAddress[];
  try {
    addresses = await (options.resolve ?? resolveAll)(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return { ok: false, error: { key: 'loginAdmin.test.unreachable' } };
  }
  const refused = addressesProblem(addresses.map((a) => a.address), options.allowPrivate);
  if (refused) return { ok: false, error: { key: refused }, atIssuer: true };
  let document: Record<string, unknown>;
  try {
    const answer = await getPinned(url, addresses);
    if (answer.status !== 200) return { ok: false, error: { key: 'loginAdmin.test.status', params: { status: answer.status } } };
    if (answer.text === null) return { ok: false, error: { key: 'loginAdmin.test.notDiscovery' } };
    const parsed: unknown = JSON.parse(answer.text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, error: { key: 'loginAdmin.test.notDiscovery' } };
    document = parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, error: { key: 'loginAdmin.test.notDiscovery' } };
    return { ok: false, error: { key: 'loginAdmin.test.unreachable' } };
  }
  if (document.issuer !== issuer) return { ok: false, error: { key: 'loginAdmin.test.issuerMismatch', params: { found: String(document.issuer ?? '') } } };
  const strings = (v: unknown): string[] | null => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null);
  const claims = strings(document.claims_supported);
  return {
    ok: true, issuer, acrValues: strings(document.acr_values_supported) ?? [],
    claimListed: claims === null || options.claim === '' ? null : claims.includes(options.claim),
  };
}

/**
 * A GET of the URL connecting only to the given addresses (checked before), following no redirect, within the time
 * limit; the body only for a 200 of at most DISCOVERY_MAX_BYTES (null when larger).
 */
function getPinned(url: URL, addresses: LookupAddress[]): Promise<{ status: number; text: string | null }> {
  return new Promise((resolve, reject) => {
    const pinned: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    };
    const request = (url.protocol === 'https:' ? https : http).get(url, {
      headers: { accept: 'application/json' }, lookup: pinned, signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    }, (response) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        resolve({ status, text: null });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > DISCOVERY_MAX_BYTES) {
          resolve({ status, text: null });
          request.destroy();
        } else chunks.push(chunk);
      });
      response.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}
