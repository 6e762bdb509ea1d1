// Staff invite a child's legal guardians: first they see exactly who will be reached, then they confirm.
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import type { Config } from '../config.ts';
import { stockholmDate, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, fields, flash, notFound, type Located, type RouteTable } from '../kernel/http.ts';
import { LANGUAGES } from '../kernel/i18n.ts';
import { render } from '../kernel/views.ts';
import { groupWithUnit } from '../people/queries.ts';
import { invitationChoice, invitationSenders, inviteGuardians, type InvitationChoice } from './invite.ts';
import { formatKey } from './keys.ts';
import { invitationMailer } from './mail.ts';
import { invitationById, invitationsOfGroup, reissue, revokeInvitation } from './queries.ts';
import { planInvitations } from './rules.ts';

interface Deps { db: Db; clock: Clock; config: Config }

export function invitationRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;
  const mail = invitationMailer(config);
  const choiceFor = async (childId: number) => {
    const choice = await invitationChoice(db, childId, today(clock), clock.now());
    if (!choice) throw notFound();
    return choice;
  };

  routes.get('/children/:childId/invitations/new', 'child.invitations.create', async (req, res, { target }) => {
    renderChoice(req, res, await choiceFor(target.id));
  });

  routes.post('/children/:childId/invitations', 'child.invitations.create', async (req, res, { account, target }) => {
    const choice = await choiceFor(target.id);
    const plan = planInvitations({ field: (name) => field(req.body, name), fields: (name) => fields(req.body, name) }, choice.guardians, choice.sendOn);
    if (hasErrors(plan.errors) || field(req.body, 'confirm') === 'edit') return renderChoice(req, res, choice, plan.errors, true);
    if (field(req.body, 'confirm') !== 'yes') return render(req, res, 'invitations/confirm', { ...choice, ...plan });
    const outcomes = await inviteGuardians(db, {
      childId: choice.child.id, municipalityId: target.municipalityId, by: account.id, now: clock.now(), today: today(clock),
      guardians: plan.invitations, mail,
    });
    flash(req, outcomes.some((o) => o.kind === 'paper') ? 'invitations.createdPrint' : 'invitations.created');
    res.redirect(303, `/groups/${choice.groupId}/invitations`);
  });

  routes.get('/groups/:groupId/invitations', 'group.invitations.read', async (req, res, { target }) => {
    const [invitations, group] = await Promise.all([invitationsOfGroup(db, target.id, today(clock), clock.now()), groupWithUnit(db, target.id)]);
    if (!group) throw notFound();
    render(req, res, 'invitations/list', { group, invitations });
  });

  routes.post('/invitations/:invitationId/resend', 'invitation.manage', async (req, res, { target }) => {
    const invitation = await openInvitation(deps, target);
    if (!invitation.email) throw notFound();
    await reissue(db, invitation.id, 'email', clock.now(), mail);
    flash(req, 'invitations.resent');
    res.redirect(303, backTo(target));
  });

  routes.post('/invitations/:invitationId/revoke', 'invitation.manage', async (req, res, { target }) => {
    const invitation = await openInvitation(deps, target);
    await revokeInvitation(db, invitation.id, clock.now());
    flash(req, 'invitations.revoked');
    res.redirect(303, backTo(target));
  });

  // A POST, since printing makes a new key and revokes the old one; the answer is the page to print.
  routes.post('/invitations/:invitationId/print', 'invitation.manage', async (req, res, { target }) => {
    const invitation = await openInvitation(deps, target);
    const key = await reissue(db, invitation.id, 'paper', clock.now(), mail);
    const expiresAt = (await invitationById(db, invitation.id, clock.now()))?.expiresAt;
    if (!expiresAt) throw notFound();
    const registerUrl = `${config.publicUrl}/register_invite`;
    const qr = await QRCode.toString(`${registerUrl}/${key}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    const from = await invitationSenders(db, invitation.id, today(clock));
    render(req, res, 'invitations/print', { invitation, from, key: formatKey(key), registerUrl, qr, expires: stockholmDate(new Date(expiresAt)) });
  });
}

/** The invitation of the route, while it can still be sent, printed or revoked. */
async function openInvitation({ db, clock }: Deps, target: Located) {
  const invitation = await invitationById(db, target.id, clock.now());
  if (!invitation || invitation.state === 'used' || invitation.state === 'revoked') throw notFound();
  return invitation;
}

function backTo(target: Located): string {
  const group = target.groupIds[0];
  return group ? `/groups/${group}/invitations` : '/';
}

function renderChoice(req: Request, res: Response, choice: InvitationChoice, errors: FieldErrors = {}, submitted = false): void {
  const values: Record<string, unknown> = {};
  for (const g of choice.guardians) {
    values[`email_${g.personId}`] = submitted ? field(req.body, `email_${g.personId}`) : (g.email ?? '');
    values[`language_${g.personId}`] = submitted ? field(req.body, `language_${g.personId}`) : 'sv';
  }
  values.invite = submitted ? fields(req.body, 'invite') : choice.guardians.filter((g) => !g.pending).map((g) => String(g.personId));
  render(req, res, 'invitations/choose', { ...choice, languages: LANGUAGES, errors, values }, hasErrors(errors) ? 400 : 200);
}
