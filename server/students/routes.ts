// School staff make student accounts (seed 001): the class's pupils and where each one's account stands, and for one
// pupil from årskurs 3 a one-time letter with a key, printed or shown on the screen, to register at /register_invite.
import QRCode from 'qrcode';
import type { Config } from '../config.ts';
import { stockholmDate, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { notFound, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { groupWithUnit } from '../people/queries.ts';
import { invitationById } from '../invitations/queries.ts';
import { invitationSenders } from '../invitations/invite.ts';
import { formatKey } from '../invitations/keys.ts';
import { makeStudentLetter, pupilAccount, pupilAccountsOfGroup } from './accounts.ts';

interface Deps { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> }

export function studentRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;

  routes.get('/groups/:groupId/student-accounts', 'group.studentAccounts.read', async (req, res, { target }) => {
    const group = await groupWithUnit(db, target.id);
    if (!group) throw notFound();
    const pupils = group.unitKind === 'school' ? await pupilAccountsOfGroup(db, target.id, today(clock), clock.now()) : [];
    render(req, res, 'students/group', { group, pupils, school: group.unitKind === 'school' });
  });

  routes.get('/children/:childId/student-account', 'child.studentAccount.manage', async (req, res, { target }) => {
    const pupil = await pupilAccount(db, target.id, today(clock), clock.now());
    if (!pupil) throw notFound();
    render(req, res, 'students/account', { pupil, groupId: target.groupIds[0] });
  });

  // A POST, since a letter makes a new key and revokes the old one; the answer is the letter to print (as invitations').
  routes.post('/children/:childId/student-account', 'child.studentAccount.manage', async (req, res, { account, target }) => {
    const now = clock.now();
    const day = today(clock);
    const made = await makeStudentLetter(db, { pupilId: target.id, municipalityId: target.municipalityId, by: account.id, today: day, now });
    if (!made.ok) {
      const pupil = await pupilAccount(db, target.id, day, now);
      if (!pupil) throw notFound();
      return render(req, res, 'students/account', {
        pupil, groupId: target.groupIds[0], errors: { form: { key: `students.refused.${made.error}` } },
      }, 400);
    }
    const [invitation, pupil, from] = await Promise.all([
      invitationById(db, made.invitationId, now), pupilAccount(db, target.id, day, now), invitationSenders(db, made.invitationId, day),
    ]);
    if (!invitation?.expiresAt || !pupil) throw notFound();
    const registerUrl = `${config.publicUrl}/register_invite`;
    // The key stands in the QR code's URL for the pupil to open; it is shown once, on this answer (private, not stored).
    const qr = await QRCode.toString(`${registerUrl}/${made.key}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    render(req, res, 'students/letter', {
      pupil, from, key: formatKey(made.key), registerUrl, qr, expires: stockholmDate(new Date(invitation.expiresAt)), groupId: target.groupIds[0],
    });
  });
}
