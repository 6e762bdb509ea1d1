// The contact list of a group, as the page and the box show it: the people module's facts through the list's rules.
import type { Db } from '../kernel/db.ts';
import { groupContactFacts, guardianFacts } from '../people/contact-list.ts';
import { choiceOf, choicesOf } from './queries.ts';
import { contactList, DEFAULT_SHOWS, mayAppear, shownDetails, type ContactList } from './rules.ts';
import type { ContactShows } from '../../db/schema.ts';

export async function groupContactList(db: Db, groupId: number, unitId: number, today: string): Promise<ContactList> {
  const facts = await groupContactFacts(db, groupId, unitId, today);
  const choices = await choicesOf(db, facts.children.flatMap((c) => c.guardians.map((g) => g.id)));
  return contactList(facts, choices);
}

export interface OwnChoice {
  shows: ContactShows;
  /** A guardian of some child (only guardians are in the list). */
  guardian: boolean;
  /** Never in a list: a protected identity, or the guardian of a child with one. */
  mayAppear: boolean;
  phone: string | null; email: string | null;
  /** What the other guardians see now. */
  shown: { phone: string | null; email: string | null };
}

/** The signed-in person's own choice, with the details it shows. */
export async function ownChoice(db: Db, personId: number): Promise<OwnChoice> {
  const [facts, choice] = await Promise.all([guardianFacts(db, personId), choiceOf(db, personId)]);
  const shows = choice?.shows ?? DEFAULT_SHOWS;
  const person = { phone: facts.person?.phone || null, email: facts.person?.email || null };
  const appears = facts.guardian && mayAppear({ protectedIdentity: facts.person?.protectedIdentity ?? true, ofProtectedChild: facts.ofProtectedChild });
  return { shows, guardian: facts.guardian, mayAppear: appears, ...person, shown: appears ? shownDetails(person, shows) : { phone: null, email: null } };
}
