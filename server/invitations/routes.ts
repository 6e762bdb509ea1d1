// Staff invite a child's legal guardians: first they see exactly who will be reached, then they confirm.
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import type { Config } from '../config.ts';
import { stockholmDate, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { field, fields, flash, notFound, type RouteTable } from '../kernel/http.ts';
import { languageByCode, LANGUAGES } from '../kernel/i18n.ts';
import { render } from '../kernel/views.ts';
import { childProfile } from '../people/queries.ts';
import { unitRules } from '../settings/queries.ts';
import { isEmail } from '../accounts/rules.ts';
import { formatKey } from './keys.ts';
import { invitationMailer } from './mail.ts';
import { guardiansToInvite, invitationById, invitationsOfGroup, inviteGuardians, reissue, revokeInvitation, type NewInvitation } from './queries.ts';
import { sendOn } from './rules.ts';

interface Deps { db: Db; clock: Clock; config: Config }

export function invitationRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;
  const mail = invitationMailer(config);

  routes.get('/children/:childId/invitations/new', 'child.invitations.create', (req, res) => renderChoice(req, res, deps));

  routes.post('/children/:childId/invitations', 'child.invitations.create', async (req, res) => {
    const plan = await planFromForm(req, deps);
    if (!plan) throw notFound();
    if (Object.keys(plan.errors).length || plan.invitations.length === 0) {
      const errors = plan.invitations.length === 0 && !Object.keys(plan.errors).length ? { invite: 'invitations.errors.noneChosen' } : plan.errors;
      return renderChoice(req, res, deps, errors, true);
    }
    if (field(req.body, 'confirm') === 'edit') return renderChoice(req, res, deps, {}, true);
    if (field(req.body, 'confirm') !== 'yes') return render(req, res, 'invitations/confirm', plan);
    const outcomes = await inviteGuardians(db, {
      childId: plan.child.id, municipalityId: req.target!.municipalityId, by: req.account!.id, now: clock.now(), today: today(clock),
      guardians: plan.invitations, mail,
    });
    flash(req, outcomes.some((o) => o.kind === 'paper') ? 'invitations.createdPrint' : 'invitations.created');
    res.redirect(303, `/groups/${plan.groupId}/invitations`);
  });

  routes.get('/groups/:groupId/invitations', 'group.invitations.read', async (req, res) => {
    const invitations = await invitationsOfGroup(db, req.targetId!, today(clock), clock.now());
    const group = await db.selectFrom('groups').select(['id', 'name']).where('id', '=', req.targetId!).executeTakeFirstOrThrow();
    render(req, res, 'invitations/list', { group, invitations });
  });

  routes.post('/invitations/:invitationId/resend', 'invitation.manage', async (req, res) => {
    const invitation = await open(req, deps);
    if (!invitation.email) throw notFound();
    await reissue(db, invitation.id, 'email', clock.now(), mail);
    flash(req, 'invitations.resent');
    res.redirect(303, backTo(req));
  });

  routes.post('/invitations/:invitationId/revoke', 'invitation.manage', async (req, res) => {
    const invitation = await open(req, deps);
    await revokeInvitation(db, invitation.id, clock.now());
    flash(req, 'invitations.revoked');
    res.redirect(303, backTo(req));
  });

  // A POST, since printing makes a new key and revokes the old one; the answer is the page to print.
  routes.post('/invitations/:invitationId/print', 'invitation.manage', async (req, res) => {
    const invitation = await open(req, deps);
    const key = await reissue(db, invitation.id, 'paper', clock.now(), mail);
    const expires = stockholmDate(new Date((await invitationById(db, invitation.id, clock.now()))!.expiresAt!));
    const registerUrl = `${config.publicUrl}/register_invite`;
    const qr = await QRCode.toString(`${registerUrl}/${key}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    render(req, res, 'invitations/print', { invitation, key: formatKey(key), registerUrl, qr, expires });
  });
}

async function open(req: Request, { db, clock }: Deps) {
  const invitation = await invitationById(db, req.targetId!, clock.now());
  if (!invitation || invitation.state === 'used' || invitation.state === 'revoked') throw notFound();
  return invitation;
}

function backTo(req: Request): string {
  const group = req.target?.groupIds[0];
  return group ? `/groups/${group}/invitations` : '/';
}

async function childAndGuardians(req: Request, { db, clock }: Deps) {
  const profile = await childProfile(db, req.targetId!, today(clock));
  if (!profile || profile.placements.length === 0) return undefined;
  const first = profile.placements[0];
  const rules = await unitRules(db, first.unitId);
  return {
    child: { id: profile.child.id, name: `${profile.child.firstName} ${profile.child.lastName}`, firstName: profile.child.firstName },
    groupId: first.groupId, placementStart: first.startDate, sendOn: sendOn(first.startDate, rules.inviteDaysBefore, today(clock)),
    daysBefore: rules.inviteDaysBefore, today: today(clock), guardians: await guardiansToInvite(db, profile.child.id, clock.now()),
  };
}

async function renderChoice(req: Request, res: Response, deps: Deps, errors: Record<string, string> = {}, submitted = false) {
  const data = await childAndGuardians(req, deps);
  if (!data) throw notFound();
  const values: Record<string, unknown> = {};
  for (const g of data.guardians) {
    values[`email_${g.personId}`] = submitted ? field(req.body, `email_${g.personId}`) : (g.email ?? '');
    values[`language_${g.personId}`] = submitted ? field(req.body, `language_${g.personId}`) : 'sv';
  }
  values.invite = submitted ? fields(req.body, 'invite') : data.guardians.filter((g) => !g.pending).map((g) => String(g.personId));
  render(req, res, 'invitations/choose', { ...data, languages: LANGUAGES, errors, values }, Object.keys(errors).length ? 400 : 200);
}

/** What the form asks for: which guardians, at which address, in which language. */
async function planFromForm(req: Request, deps: Deps) {
  const data = await childAndGuardians(req, deps);
  if (!data) return undefined;
  const chosen = new Set(fields(req.body, 'invite').map(Number));
  const errors: Record<string, string> = {};
  const invitations: (NewInvitation & { name: string; protectedIdentity: boolean; otherHousehold: boolean; hasAccount: boolean })[] = [];
  for (const g of data.guardians.filter((guardian) => chosen.has(guardian.personId))) {
    const email = field(req.body, `email_${g.personId}`).trim();
    if (email && !isEmail(email)) errors[`email_${g.personId}`] = 'invitations.errors.email';
    const language = languageByCode(field(req.body, `language_${g.personId}`))?.code ?? 'sv';
    invitations.push({ guardianId: g.personId, email: email || null, language, sendOn: data.sendOn, name: g.name,
      protectedIdentity: g.protectedIdentity, otherHousehold: g.otherHousehold, hasAccount: g.hasAccount });
  }
  return { ...data, invitations, errors, values: req.body as Record<string, unknown> };
}
