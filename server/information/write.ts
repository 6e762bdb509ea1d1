// Publishing an information item: the item, its files and a notification to every guardian of the children placed in
// its place now, in one transaction (a refused file: nothing is published, nobody notified).
import type { Db } from '../kernel/db.ts';
import { checkedFile } from '../messages/attachments.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { audienceOf, insertAttachments, insertItem, placeOfItem, type NewItem } from './queries.ts';

export const informationNotification = defineNotificationKind({ key: 'informationPublished', topic: 'information' });

export const itemUrl = (id: number) => `/information/${id}`;

export type Published = { ok: true; itemId: number } | { ok: false; error: string /* a catalogue key for the field `attachments` */ };

/** Publishes the item with the form's checked files (messageFiles) and notifies its audience; `today` for the audience. */
export async function publish(db: Db, item: NewItem, files: Express.Multer.File[] | undefined, today: string): Promise<Published> {
  const stored: { key: string; name: string; mime: string; size: number }[] = [];
  for (const file of files ?? []) {
    const outcome = checkedFile(file);
    if (!outcome.ok) return { ok: false, error: `messages.attachments.errors.${outcome.error}` };
    stored.push(outcome);
  }
  const itemId = await db.transaction().execute(async (trx) => {
    const id = await insertItem(trx, item);
    await insertAttachments(trx, id, stored, item.at);
    const place = await placeOfItem(trx, id, today);
    const audience = await audienceOf(trx, null, place?.childIds ?? []);
    // One notification per guardian, about the first of their children it concerns (their choice is per child).
    const byChild = new Map<number, number[]>();
    for (const member of audience) {
      if (member.accountId === item.accountId) continue;
      const child = Math.min(...member.childIds);
      byChild.set(child, [...(byChild.get(child) ?? []), member.accountId]);
    }
    for (const [childId, accountIds] of byChild) {
      await notify(trx, { accountIds, kind: informationNotification, childId, url: itemUrl(id), at: item.at, params: { title: item.title } });
    }
    return id;
  });
  return { ok: true, itemId };
}
