// What of a person's details a viewer may see beside a child: the action table decides (person.*.read).
import { allows, type Actor, type Location } from '../kernel/policy.ts';
import type { PersonDetails } from './queries.ts';
import { locatePersonOfChild } from './relations.ts';

export interface VisiblePerson {
  id: number; name: string; protectedIdentity: boolean;
  address: string | null; email: string | null; phone: string | null;
}

export function visibleDetails(actor: Actor, child: Location, person: PersonDetails, otherHousehold: boolean): VisiblePerson {
  const at = locatePersonOfChild(child, { id: person.id, protectedIdentity: person.protectedIdentity, otherHousehold });
  const showAddress = allows(actor, 'person.address.read', at);
  const showContact = allows(actor, 'person.contact.read', at);
  const address = [person.streetAddress, [person.postalCode, person.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return {
    id: person.id,
    name: `${person.firstName} ${person.lastName}`,
    protectedIdentity: person.protectedIdentity,
    address: showAddress && address ? address : null,
    email: showContact ? person.email : null,
    phone: showContact ? person.phone : null,
  };
}
