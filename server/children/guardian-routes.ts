// A linked guardian's page for the municipality's admin and the child's unit head: the guardian's e-mail, phone and
// address (never shown for protected identity, which is marked), whether they live in another household than the
// child, ending the guardianship with a reason (the child's last guardian only with a tick that says what it means),
// and the guardian's history with who and when. Plain forms first.
import type { Request, Response } from 'express';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, parseId, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { changeGuardian, guardianHistory, guardianOfChild, type GuardianOfChild } from '../people/guardians.ts';
import { childRecord } from '../people/placements.ts';
import type { ChangeAuthor } from '../people/register-changes.ts';
import { endGuardianshipOfChild } from './end-guardianship.ts';
import { GUARDIANSHIP_END_REASONS, guardianAddressHidden, maskedIdentity, parseGuardianDetails, parseGuardianshipEnd } from './rules.ts';

interface Deps { db: Db; clock: Clock }

export function guardianRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;
  const author = (actor: Actor): ChangeAuthor => ({ source: 'admin', personId: actor.personId, at: clock.now() });
  /** The guardian of the route's child, or 404: a person who is not (or no longer) the child's guardian is not found here. */
  const guardianOf = async (req: Request, childId: number) => {
    const guardianId = parseId(req.params.guardianId);
    const guardian = guardianId === undefined ? undefined : await guardianOfChild(db, childId, guardianId);
    if (!guardian) throw notFound();
    return guardian;
  };

  routes.get('/children/:registeredChildId/guardians/:guardianId', 'child.register.update', async (req, res, { target }) =>
    renderGuardian(req, res, deps, await guardianOf(req, target.id)));

  routes.post('/children/:registeredChildId/guardians/:guardianId', 'child.register.update', async (req, res, { actor, target }) => {
    const guardian = await guardianOf(req, target.id);
    const parsed = parseGuardianDetails((name) => field(req.body, name), { addressShown: !guardianAddressHidden(guardian) });
    if (!parsed.ok) return renderGuardian(req, res, deps, guardian, { details: parsed.errors });
    const changed = await changeGuardian(db, target.id, guardian.id, target.municipalityId, parsed.value, author(actor));
    if (!changed.ok) throw notFound();
    flash(req, 'childAdmin.guardian.saved');
    res.redirect(303, `/admin/children/${target.id}`);
  });

  routes.post('/children/:registeredChildId/guardians/:guardianId/end', 'child.register.update', async (req, res, { actor, target }) => {
    const guardian = await guardianOf(req, target.id);
    const parsed = parseGuardianshipEnd((name) => field(req.body, name));
    if (!parsed.ok) return renderGuardian(req, res, deps, guardian, { end: parsed.errors });
    const ended = await endGuardianshipOfChild(db, target.id, guardian.id, target.municipalityId, parsed.value, author(actor));
    if (!ended.ok) {
      if (ended.error === 'gone') throw notFound();
      return renderGuardian(req, res, deps, { ...guardian, guardiansOfChild: 1 }, { end: { confirm_last: { key: 'childAdmin.errors.confirmLast' } } });
    }
    flash(req, 'childAdmin.guardian.ended');
    res.redirect(303, `/admin/children/${target.id}`);
  });
}

/** The page; after a refused form, that form filled in as sent and its errors (the other form as stored). */
async function renderGuardian(req: Request, res: Response, { db }: Deps, guardian: GuardianOfChild,
  refused: { details?: FieldErrors; end?: FieldErrors } = {}) {
  const child = await childRecord(db, guardian.childId);
  if (!child) throw notFound();
  const history = await guardianHistory(db, guardian.id, guardian.guardianshipId);
  const sent = req.body as Record<string, string>;
  const addressHidden = guardianAddressHidden(guardian);
  const stored = {
    email: guardian.email ?? '', phone: guardian.phone ?? '', other_household: guardian.otherHousehold ? 'yes' : '',
    protected_identity: guardian.protectedIdentity ? 'yes' : '',
    ...(guardian.address && !addressHidden ? { street_address: guardian.address.street, postal_code: guardian.address.postalCode, city: guardian.address.city } : {}),
  };
  const errors = { ...refused.details, ...refused.end };
  render(req, res, 'children/guardian', {
    child: { id: child.id, name: `${child.firstName} ${child.lastName}`, protectedIdentity: child.protectedIdentity },
    guardian: { ...guardian, name: `${guardian.firstName} ${guardian.lastName}`, identity: maskedIdentity(guardian.identityNumber), address: undefined },
    addressHidden,
    last: guardian.guardiansOfChild <= 1, reasons: GUARDIANSHIP_END_REASONS, history, errors,
    detailErrors: refused.details ?? {}, endErrors: refused.end ?? {},
    values: refused.details ? { ...sent, ...(addressHidden ? { street_address: '', postal_code: '', city: '' } : {}) } : stored,
    endValues: refused.end ? { reason: sent.reason ?? '', confirm_last: sent.confirm_last ?? '' } : { reason: '', confirm_last: '' },
  }, refused.details || refused.end ? 400 : 200);
}
