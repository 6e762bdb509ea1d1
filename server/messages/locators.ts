// Where a message thread sits, for the policy: its municipality, its unit and group when it has them, and the accounts
// taking part in it (the rule 'participant'). A thread the user takes no part in is not found (404).
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';

const threadPlace = prepared((db: Db, threadId: number) => db.selectFrom('message_threads')
  .select(['municipality_id', 'unit_id', 'group_id']).where('id', '=', threadId));
const threadAccounts = prepared((db: Db, threadId: number) => db.selectFrom('message_participants')
  .select('account_id').where('thread_id', '=', threadId));

export async function locateThread(db: Db, threadId: number): Promise<Location | null> {
  const [thread] = await threadPlace(db, threadId);
  if (!thread) return null;
  const accounts = await threadAccounts(db, threadId);
  return {
    municipalityId: thread.municipality_id,
    unitIds: thread.unit_id === null ? [] : [thread.unit_id],
    groupIds: thread.group_id === null ? [] : [thread.group_id],
    childIds: [],
    accountIds: accounts.map((a) => a.account_id),
  };
}

export const messageLocators: Pick<Locators, 'messageThread'> = { messageThread: (db, id) => locateThread(db, id) };
