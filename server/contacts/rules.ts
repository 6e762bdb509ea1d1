// The contact list's rules, pure: who appears and with what. The same list for everyone who may open it (the group's
// staff, its head, the admin and the families of the group): staff details for the staff are on the child's page.
// - Staff of the group and the unit's head: name, role, work phone and e-mail; a protected identity by name and role
//   only (their contact details are for the admin alone, README "Details of a person").
// - A child with protected identity never appears, nor one whose guardian has it (the guardian's name would lead to the
//   child, the child's to the household), nor one whose guardian is the guardian of a child with protected identity (a
//   sibling: the child's name, usually the family's surname, would name the household and lead to the protected child).
// - A guardian appears only with what they chose to show (default nothing: then they do not appear at all), never
//   with a protected identity, nor as the guardian of any child with protected identity; never an address.
import type { ContactShows } from '../../db/schema.ts';
import type { GroupContactFacts, ListedPerson } from '../people/contact-list.ts';

export const CONTACT_SHOWS: readonly ContactShows[] = ['none', 'phone', 'email', 'both'];
export const DEFAULT_SHOWS: ContactShows = 'none';

export function parseShows(value: string): ContactShows | undefined {
  return CONTACT_SHOWS.find((s) => s === value);
}

export interface ContactPerson { id: number; name: string; phone: string | null; email: string | null }
export interface ContactStaff extends ContactPerson { role: 'staff' | 'unit_head' }
export interface ContactChild { id: number; name: string; guardians: ContactPerson[] }
export interface ContactList { staff: ContactStaff[]; children: ContactChild[] }

/** What of a guardian's own details their choice shows (null for each detail not chosen or not registered). */
export function shownDetails(person: Pick<ListedPerson, 'phone' | 'email'>, shows: ContactShows): { phone: string | null; email: string | null } {
  return {
    phone: shows === 'phone' || shows === 'both' ? person.phone || null : null,
    email: shows === 'email' || shows === 'both' ? person.email || null : null,
  };
}

/** The list from the group's facts and each guardian's choice (absent: the default). */
export function contactList(facts: GroupContactFacts, choices: ReadonlyMap<number, ContactShows>): ContactList {
  const hidden = (g: ListedPerson) => g.protectedIdentity || facts.guardiansOfProtected.has(g.id);
  const staff = facts.staff.map((s): ContactStaff => ({
    id: s.id, name: `${s.firstName} ${s.lastName}`, role: s.role,
    phone: s.protectedIdentity ? null : s.phone || null, email: s.protectedIdentity ? null : s.email || null,
  }));
  const children = facts.children
    .filter((c) => !c.protectedIdentity && !c.guardians.some(hidden))
    .map((c): ContactChild => ({
      id: c.id, name: `${c.firstName} ${c.lastName}`,
      guardians: c.guardians.flatMap((g) => {
        const shown = shownDetails(g, choices.get(g.id) ?? DEFAULT_SHOWS);
        return shown.phone || shown.email ? [{ id: g.id, name: `${g.firstName} ${g.lastName}`, ...shown }] : [];
      }),
    }));
  return { staff, children };
}

/** Whether the guardian can be in any contact list at all (the settings page says so when not). */
export function mayAppear(facts: { protectedIdentity: boolean; ofProtectedChild: boolean }): boolean {
  return !facts.protectedIdentity && !facts.ofProtectedChild;
}
