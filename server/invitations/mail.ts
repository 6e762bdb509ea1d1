// The invitation e-mail: the upper link for a new account, the lower one for those who already have one.
import type { Config } from '../config.ts';
import { languageByCode, DEFAULT_LANGUAGE, formatDate } from '../kernel/i18n.ts';
import { stockholmDate } from '../kernel/clock.ts';
import { composeMail } from '../mail/compose.ts';
import { queueMail } from '../mail/outbox.ts';
import { formatKey } from './keys.ts';
import { invitationForMail, type InvitationForMail, type InvitationMailer } from './queries.ts';

export function invitationMailer(config: Pick<Config, 'publicUrl'>): InvitationMailer {
  return async (trx, invitationId, key, now) => {
    const invitation = await invitationForMail(trx, invitationId, now);
    if (!invitation) return;
    await queueMail(trx, invitationMail(config, invitation, key), now, { municipalityId: invitation.municipalityId });
  };
}

/** The invitation mail with its key (the registry import composes many at once from what it knows already). */
export function invitationMail(config: Pick<Config, 'publicUrl'>, invitation: InvitationForMail, key: string) {
  const language = languageByCode(invitation.language) ?? DEFAULT_LANGUAGE;
  const mail = composeMail('invitation', language, {
    name: invitation.guardianName,
    children: invitation.children.join(', '),
    unit: invitation.unitName,
    municipality: invitation.municipalityName,
    key: formatKey(key),
    registerUrl: `${config.publicUrl}/register_invite/${key}`,
    linkUrl: `${config.publicUrl}/register_invite/${key}/link`,
    expires: formatDate(stockholmDate(new Date(invitation.expiresAt)), language, { day: 'numeric', month: 'long', year: 'numeric' }),
  });
  return { to: invitation.email, ...mail };
}
