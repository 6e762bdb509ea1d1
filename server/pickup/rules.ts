// The rules of the pickup list, emergency contacts, who may not pick up and walking home alone: what each form must
// hold (a name, a relation and a Swedish phone number, kept as +46…; a ban's name and reason), where a child counts as
// in fritids, and in which of the child's units a head records a ban. No SQL, no requests: pure functions.
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import type { Actor, PlacedGroup } from '../kernel/policy.ts';
import { normalisePhone } from '../kernel/phones.ts';

export type PickupKind = 'pickup' | 'emergency';
export const PICKUP_KINDS: readonly PickupKind[] = ['pickup', 'emergency'];

/** A person's name as the guardians write it ("Eva Berg", "Mormor Eva"). */
export const NAME_MAX_LENGTH = 100;
/** Who the person is to the child ("mormor", "granne", "pappas sambo"). */
export const RELATION_MAX_LENGTH = 60;
/** Why the person may not pick the child up ("Tingsrättens beslut 2026-10-12", "Vårdnadshavarens begäran, godkänd"). */
export const REASON_MAX_LENGTH = 500;

/** The pickup form's fields as typed (kept in the form when something is wrong). */
export interface PickupPersonForm { kind?: string; name: string; relation: string; phone: string }
export interface PickupPersonInput { kind: PickupKind; name: string; relation: string; phone: string }

/** The pickup form read: a kind (when asked for), a trimmed name and relation, a Swedish phone number in E.164. */
export function parsePickupPerson(form: PickupPersonForm, kindAsked: boolean): Parsed<PickupPersonInput> {
  const name = form.name.trim();
  const relation = form.relation.trim();
  const phone = form.phone.trim();
  const errors: FieldErrors = {};
  const kind = PICKUP_KINDS.find((k) => k === form.kind);
  if (kindAsked && !kind) errors.kind = { key: 'pickup.errors.kind' };
  if (!name) errors.name = { key: 'pickup.errors.nameEmpty' };
  else if (name.length > NAME_MAX_LENGTH) errors.name = { key: 'pickup.errors.nameTooLong', params: { max: NAME_MAX_LENGTH } };
  if (!relation) errors.relation = { key: 'pickup.errors.relationEmpty' };
  else if (relation.length > RELATION_MAX_LENGTH) errors.relation = { key: 'pickup.errors.relationTooLong', params: { max: RELATION_MAX_LENGTH } };
  const normalised = phone ? normalisePhone(phone) : undefined;
  if (!phone) errors.phone = { key: 'pickup.errors.phoneEmpty' };
  else if (!normalised) errors.phone = { key: 'pickup.errors.phoneInvalid' };
  if (Object.keys(errors).length > 0 || !normalised) return { ok: false, errors };
  return { ok: true, value: { kind: kind ?? 'pickup', name, relation, phone: normalised } };
}

export interface BanForm { name: string; reason: string }

/** The ban form read: the person's name and the reason, both required. */
export function parseBan(form: BanForm): Parsed<BanForm> {
  const name = form.name.trim();
  const reason = form.reason.trim();
  const errors: FieldErrors = {};
  if (!name) errors.name = { key: 'pickup.errors.nameEmpty' };
  else if (name.length > NAME_MAX_LENGTH) errors.name = { key: 'pickup.errors.nameTooLong', params: { max: NAME_MAX_LENGTH } };
  if (!reason) errors.reason = { key: 'pickup.errors.reasonEmpty' };
  else if (reason.length > REASON_MAX_LENGTH) errors.reason = { key: 'pickup.errors.reasonTooLong', params: { max: REASON_MAX_LENGTH } };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { name, reason } };
}

/** The walk-home form: yes or no; anything else is no answer. */
export function parseWalkHome(allowed: string): Parsed<boolean> {
  if (allowed === 'yes') return { ok: true, value: true };
  if (allowed === 'no') return { ok: true, value: false };
  return { ok: false, errors: { allowed: { key: 'pickup.errors.walkHomeChoice' } } };
}

/** Whether the child is placed in fritids (a unit of kind 'fritids'), now or from a day ahead. */
export function placedInFritids(groups: readonly PlacedGroup[]): boolean {
  return groups.some((g) => g.unitKind === 'fritids');
}

/** The unit a head records a ban in: the child's unit (lowest id) the actor heads; undefined for anyone else. */
export function banUnit(actor: Actor, groups: readonly PlacedGroup[]): number | undefined {
  return groups.map((g) => g.unitId).filter((id) => actor.headOf.has(id)).sort((a, b) => a - b)[0];
}

/** What a pickup person is as the child's history keeps it. */
export function historyValue(p: { kind: PickupKind; name: string; relation: string; phone: string }) {
  return { kind: p.kind, name: p.name, relation: p.relation, phone: p.phone };
}
