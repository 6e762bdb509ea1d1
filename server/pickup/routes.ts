// The pickup list and emergency contacts, kept by the guardians (name, relation, a Swedish phone number), read by the
// staff of the child's group; a fritids child's "may walk home alone", a guardian's yes or no; and who may not pick
// the child up, recorded and ended by the unit's head, read by the group's staff and the head, never by a guardian.
// Plain forms first; a change saved meanwhile by the other guardian is said, not overwritten. Every request is in
// the audit trail (the action table and the route table see to it); the list's changes are in the child's history.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type Located, type RouteTable } from '../kernel/http.ts';
import { formatPhone } from '../kernel/phones.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary } from '../people/queries.ts';
import { shown } from './card.ts';
import { pickupBansOf, pickupBanById, pickupPersonEverById, pickupPersonsOf, walkHomePermission, type PickupPerson } from './queries.ts';
import {
  NAME_MAX_LENGTH, REASON_MAX_LENGTH, RELATION_MAX_LENGTH, banUnit, parseBan, parsePickupPerson, parseWalkHome, placedInFritids,
  type BanForm, type PickupPersonForm,
} from './rules.ts';
import { addPerson, answerWalkHome, changePerson, endBan, recordBan, removePerson, type Writer } from './write.ts';

interface Deps { db: Db; clock: Clock }

const LIMITS = { nameMax: NAME_MAX_LENGTH, relationMax: RELATION_MAX_LENGTH, reasonMax: REASON_MAX_LENGTH };

/** A person's form on the page being edited again: which person, what was typed, what was wrong. */
interface Editing { id: number; values: PickupPersonForm & { version: string }; errors: FieldErrors; changedSince?: PickupPerson }

interface PageState {
  values?: PickupPersonForm; errors?: FieldErrors; editing?: Editing; notice?: string; status?: number;
}

const typedPerson = (body: unknown): PickupPersonForm => ({
  kind: field(body, 'kind'), name: field(body, 'name'), relation: field(body, 'relation'), phone: field(body, 'phone'),
});

const pagePath = (childId: number) => `/children/${childId}/pickup`;
const bansPath = (childId: number) => `/children/${childId}/pickup-bans`;

export function pickupRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;
  const writer = (actor: Actor): Writer => ({ personId: actor.personId, accountId: actor.accountId, at: clock.now(), day: today(clock) });

  routes.get('/children/:childId/pickup', 'child.pickup.read', async (req, res, { actor, target }) => {
    await renderPage(req, res, actor, target, {});
  });

  routes.post('/children/:childId/pickup', 'child.pickup.update', async (req, res, { actor, target }) => {
    const typed = typedPerson(req.body);
    const parsed = parsePickupPerson(typed, true);
    if (!parsed.ok) return renderPage(req, res, actor, target, { values: typed, errors: parsed.errors, status: 400 });
    await addPerson(db, { childId: target.id, ...parsed.value }, writer(actor));
    flash(req, parsed.value.kind === 'pickup' ? 'pickup.addedPickup' : 'pickup.addedEmergency');
    res.redirect(303, pagePath(target.id));
  });

  routes.post('/pickup-persons/:pickupPersonId', 'pickupPerson.update', async (req, res, { actor, target }) => {
    const person = await pickupPersonEverById(db, target.id);
    if (!person) throw notFound();
    const child = childOf(target, person.childId);
    const typed = { ...typedPerson(req.body), kind: person.kind, version: field(req.body, 'version') };
    // Removed by the other guardian meanwhile: said, and what was typed waits in the form to add them again.
    if (person.removed) return renderPage(req, res, actor, child, { values: typed, notice: 'pickup.removedMeanwhile', status: 409 });
    const parsed = parsePickupPerson(typed, false);
    if (!parsed.ok) return renderPage(req, res, actor, child, { editing: { id: person.id, values: typed, errors: parsed.errors }, status: 400 });
    const outcome = await changePerson(db, person, Number(typed.version), parsed.value, writer(actor));
    if (!outcome.ok) return staleOrRemoved(req, res, actor, child, person.id, outcome, typed);
    flash(req, 'pickup.changed');
    res.redirect(303, pagePath(person.childId));
  });

  routes.post('/pickup-persons/:pickupPersonId/remove', 'pickupPerson.update', async (req, res, { actor, target }) => {
    const person = await pickupPersonEverById(db, target.id);
    if (!person) throw notFound();
    const child = childOf(target, person.childId);
    if (person.removed) return renderPage(req, res, actor, child, { notice: 'pickup.alreadyRemoved', status: 409 });
    const outcome = await removePerson(db, person, Number(field(req.body, 'version')), writer(actor));
    if (!outcome.ok) {
      return staleOrRemoved(req, res, actor, child, person.id, outcome, { kind: person.kind, name: person.name, relation: person.relation, phone: formatPhone(person.phone), version: '' });
    }
    flash(req, { key: 'pickup.removed', params: { name: person.name } });
    res.redirect(303, pagePath(person.childId));
  });

  routes.post('/children/:childId/walk-home', 'child.pickup.update', async (req, res, { actor, target }) => {
    if (!placedInFritids(target.groups ?? [])) {
      return renderPage(req, res, actor, target, { errors: { form: { key: 'pickup.errors.notInFritids' } }, status: 400 });
    }
    const parsed = parseWalkHome(field(req.body, 'allowed'));
    if (!parsed.ok) return renderPage(req, res, actor, target, { errors: parsed.errors, status: 400 });
    await answerWalkHome(db, target.id, parsed.value, writer(actor));
    flash(req, parsed.value ? 'pickup.walkHome.savedYes' : 'pickup.walkHome.savedNo');
    res.redirect(303, `${pagePath(target.id)}#walk-home`);
  });

  routes.get('/children/:childId/pickup-bans', 'child.pickupBans.read', async (req, res, { actor, target }) => {
    await renderBans(req, res, actor, target, { name: '', reason: '' }, {});
  });

  routes.post('/children/:childId/pickup-bans', 'child.pickupBans.create', async (req, res, { actor, target }) => {
    const unitId = banUnit(actor, target.groups ?? []);
    if (unitId === undefined) throw notFound();
    const typed = { name: field(req.body, 'name'), reason: field(req.body, 'reason') };
    const parsed = parseBan(typed);
    if (!parsed.ok) return renderBans(req, res, actor, target, typed, parsed.errors, 400);
    await recordBan(db, { childId: target.id, unitId, ...parsed.value }, writer(actor));
    flash(req, 'pickup.bans.saved');
    res.redirect(303, bansPath(target.id));
  });

  routes.post('/pickup-bans/:pickupBanId/end', 'pickupBan.end', async (req, res, { actor, target }) => {
    const ban = await pickupBanById(db, target.id);
    if (!ban) throw notFound();
    const ended = await endBan(db, ban.id, writer(actor));
    flash(req, ended ? { key: 'pickup.bans.ended', params: { name: ban.name } } : 'pickup.bans.alreadyEnded');
    res.redirect(303, bansPath(ban.childId));
  });

  async function renderPage(req: Request, res: Response, actor: Actor, target: Located, state: PageState): Promise<void> {
    const day = today(clock);
    const [child, persons, walk] = await Promise.all([childSummary(db, target.id, day), pickupPersonsOf(db, target.id), walkHomePermission(db, target.id)]);
    if (!child) throw notFound();
    const errors = { ...(state.errors ?? {}), ...prefixed(state.editing) };
    const values = state.values ?? { kind: 'pickup', name: '', relation: '', phone: '' };
    const list = persons.map(shown);
    render(req, res, 'pickup/page', {
      child, errors, values, addErrors: state.errors ?? {}, editing: state.editing, notice: state.notice,
      pickup: list.filter((p) => p.kind === 'pickup'), emergency: list.filter((p) => p.kind === 'emergency'),
      canEdit: allows(actor, 'child.pickup.update', target),
      fritids: placedInFritids(target.groups ?? []), walkHome: walk !== undefined,
      canSeeBans: allows(actor, 'child.pickupBans.read', target), formatPhone,
      ...LIMITS,
    }, state.status ?? 200);
  }

  /** Saved or removed by someone since the form was opened: what is stored now is shown, what was typed stays. */
  async function staleOrRemoved(
    req: Request, res: Response, actor: Actor, child: Located, personId: number,
    outcome: { error: 'stale' | 'removed'; now?: PickupPerson }, typed: PickupPersonForm & { version: string },
  ): Promise<void> {
    if (outcome.error === 'removed' || !outcome.now) return renderPage(req, res, actor, child, { values: typed, notice: 'pickup.removedMeanwhile', status: 409 });
    const values = { ...typed, version: String(outcome.now.version) };
    return renderPage(req, res, actor, child, {
      editing: { id: personId, values, errors: { form: { key: 'pickup.errors.changedSince' } }, changedSince: outcome.now }, status: 409,
    });
  }

  async function renderBans(req: Request, res: Response, actor: Actor, target: Located, values: BanForm, errors: FieldErrors, status = 200): Promise<void> {
    const [child, bans] = await Promise.all([childSummary(db, target.id, today(clock)), pickupBansOf(db, target.id)]);
    if (!child) throw notFound();
    const mark = (b: (typeof bans)[number]) => ({ ...b, canEnd: b.endedAt === null && actor.headOf.has(b.unitId) });
    render(req, res, 'pickup/bans', {
      child, values, errors,
      current: bans.filter((b) => b.endedAt === null).map(mark), ended: bans.filter((b) => b.endedAt !== null).map(mark),
      canRecord: banUnit(actor, target.groups ?? []) !== undefined,
      ...LIMITS,
    }, status);
  }
}

/** The child of a person's record as the guard located it (its groups: where the child is placed now). */
function childOf(target: Located, childId: number): Located {
  return { ...target, id: childId };
}

/** A person's form errors under the ids of its own fields (`name-12`), so the summary's links find them. */
function prefixed(editing: Editing | undefined): FieldErrors {
  if (!editing) return {};
  return Object.fromEntries(Object.entries(editing.errors).map(([name, error]) => [name === 'form' ? 'form' : `${name}-${editing.id}`, error]));
}
