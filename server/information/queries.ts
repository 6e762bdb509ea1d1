// The only SQL on information_items, information_reads and information_attachments (migrations 0050, 0051). An item
// belongs to one place: a group, a unit or (neither) the whole municipality. Its audience is the guardians of the
// children placed there now (placements that have not ended); its readers' rows say who opened it first when.
import { sql, type Transaction } from 'kysely';
import { foldedContains, lockedRows } from '../../db/sql.ts';
import type { Database, Db } from '../kernel/db.ts';
import type { Location } from '../kernel/policy.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { findUnit, groupsOfUnit, groupWithUnit, guardiansOfChildren, municipalityPage } from '../people/queries.ts';
import { currentPlacements } from '../people/relations.ts';

export type Scope = { kind: 'group'; groupId: number } | { kind: 'unit'; unitId: number } | { kind: 'municipality' };

export interface NewItem {
  municipalityId: number; scope: Scope; title: string; body: string; linkUrl: string | null; pinned: boolean;
  expiresOn: string | null; accountId: number; at: Date;
}

export interface Item {
  id: number; municipalityId: number; unitId: number | null; groupId: number | null; title: string; body: string;
  linkUrl: string | null; pinned: boolean; expiresOn: string | null; publishedAt: string; placeName: string;
}

/** Where the item is read: the places it names and the children placed there now (the policy's Location). */
export interface Place { municipalityId: number; unitIds: number[]; groupIds: number[]; childIds: number[] }

export async function insertItem(trx: Transaction<Database> | Db, item: NewItem): Promise<number> {
  const { id } = await trx.insertInto('information_items').values({
    municipality_id: item.municipalityId,
    unit_id: item.scope.kind === 'unit' ? item.scope.unitId : null,
    group_id: item.scope.kind === 'group' ? item.scope.groupId : null,
    title: item.title, body: item.body, link_url: item.linkUrl, pinned: item.pinned ? 1 : 0, expires_on: item.expiresOn,
    created_by_account_id: item.accountId, published_at: item.at.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function insertAttachments(
  trx: Transaction<Database> | Db, itemId: number, files: readonly { key: string; name: string; mime: string; size: number }[], at: Date,
): Promise<void> {
  if (!files.length) return;
  await trx.insertInto('information_attachments').values(files.map((f) => ({
    item_id: itemId, media_key: f.key, name: f.name, mime: f.mime, size: f.size, created_at: at.toISOString(),
  }))).execute();
}

const itemColumns = ['i.id', 'i.municipality_id', 'i.unit_id', 'i.group_id', 'i.title', 'i.body', 'i.link_url', 'i.pinned',
  'i.expires_on', 'i.published_at'] as const;

type ItemRow = {
  id: number; municipality_id: number; unit_id: number | null; group_id: number | null; title: string; body: string;
  link_url: string | null; pinned: number; expires_on: string | null; published_at: string;
};

function toItem(r: ItemRow, placeName: string): Item {
  return {
    id: r.id, municipalityId: r.municipality_id, unitId: r.unit_id, groupId: r.group_id, title: r.title, body: r.body,
    linkUrl: r.link_url, pinned: r.pinned === 1, expiresOn: r.expires_on, publishedAt: r.published_at, placeName,
  };
}

/** The items with the names of their places (a group's, a unit's or the municipality's), each place looked up once. */
async function withPlaceNames(db: Db, rows: readonly ItemRow[]): Promise<Item[]> {
  const names = new Map<string, Promise<string>>();
  const nameOf = (r: ItemRow): Promise<string> => {
    const key = r.group_id !== null ? `g${r.group_id}` : r.unit_id !== null ? `u${r.unit_id}` : `m${r.municipality_id}`;
    let name = names.get(key);
    if (!name) {
      name = r.group_id !== null ? groupWithUnit(db, r.group_id).then((g) => g?.name ?? '')
        : r.unit_id !== null ? findUnit(db, r.unit_id).then((u) => u?.name ?? '')
        : municipalityPage(db, r.municipality_id).then((m) => m?.name ?? '');
      names.set(key, name);
    }
    return name;
  };
  return Promise.all(rows.map(async (r) => toItem(r, await nameOf(r))));
}

export async function itemById(db: Db, id: number): Promise<Item | undefined> {
  const row = await db.selectFrom('information_items as i').select(itemColumns).where('i.id', '=', id).executeTakeFirst();
  return row && (await withPlaceNames(db, [row]))[0];
}

/**
 * The item's row locked for an edit, with its files' ids: two edits of one item run one after the other (on
 * PostgreSQL the second waits here), so each compares its form with what the other saved. Undefined when it is gone.
 */
export async function lockItemForEdit(trx: Transaction<Database>, id: number): Promise<{ item: ItemChanges; fileIds: number[] } | undefined> {
  const row = await lockedRows(trx, trx.selectFrom('information_items').select(['title', 'body', 'link_url', 'pinned', 'expires_on']).where('id', '=', id)).executeTakeFirst();
  if (!row) return undefined;
  const files = await trx.selectFrom('information_attachments').select('id').where('item_id', '=', id).execute();
  return {
    item: { title: row.title, body: row.body, linkUrl: row.link_url, pinned: Boolean(row.pinned), expiresOn: row.expires_on },
    fileIds: files.map((f) => f.id),
  };
}

/** What an edit may change (not its place: a letter to the wrong group is removed and published anew). */
export interface ItemChanges { title: string; body: string; linkUrl: string | null; pinned: boolean; expiresOn: string | null }

/** Changes the item's text and settings; false when it is gone (removed meanwhile). Its readers and notifications stay. */
export async function updateItem(trx: Transaction<Database> | Db, id: number, changes: ItemChanges): Promise<boolean> {
  const updated = await trx.updateTable('information_items').set({
    title: changes.title, body: changes.body, link_url: changes.linkUrl, pinned: changes.pinned ? 1 : 0, expires_on: changes.expiresOn,
  }).where('id', '=', id).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Removes these files of the item (ids of another item's files are ignored); the attachment sweep takes their content later. */
export async function removeItemAttachments(trx: Transaction<Database> | Db, itemId: number, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  await trx.deleteFrom('information_attachments').where('item_id', '=', itemId).where('id', 'in', [...ids]).execute();
}

/** Removes the item with its files' rows and its readers' rows; false when it was gone already. */
export async function deleteItem(trx: Transaction<Database> | Db, id: number): Promise<boolean> {
  await trx.deleteFrom('information_reads').where('item_id', '=', id).execute();
  await trx.deleteFrom('information_attachments').where('item_id', '=', id).execute();
  const deleted = await trx.deleteFrom('information_items').where('id', '=', id).executeTakeFirst();
  return Number(deleted.numDeletedRows) === 1;
}

/**
 * Claims the item's fan-out: true for the one caller that marks it notified now (a conditional update: on PostgreSQL a
 * second transaction waits for the first and then finds it marked), false when it was done before or the item is gone.
 */
export async function claimFanOut(trx: Transaction<Database> | Db, id: number, at: Date): Promise<boolean> {
  const updated = await trx.updateTable('information_items').set({ notified_at: at.toISOString() })
    .where('id', '=', id).where('notified_at', 'is', null).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * Holds the item's row until the transaction ends while its fan-out is not finished (a conditional update that changes
 * nothing: on PostgreSQL a removal waits for this chunk of the fan-out, and a chunk for a removal); false when the item
 * is gone or its fan-out finished.
 */
export async function holdUnnotified(trx: Transaction<Database> | Db, id: number): Promise<boolean> {
  const updated = await trx.updateTable('information_items').set({ notified_at: null })
    .where('id', '=', id).where('notified_at', 'is', null).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * Marks the item's fan-out finished if it is not (the first step of a removal): takes the row's lock, so a fan-out
 * running now commits first and its notifications are found, and a later one finds nothing to do. False when it is gone.
 */
export async function settleFanOut(trx: Transaction<Database> | Db, id: number, at: Date): Promise<boolean> {
  const updated = await trx.updateTable('information_items')
    .set((eb) => ({ notified_at: eb.fn.coalesce('notified_at', eb.val(at.toISOString())) }))
    .where('id', '=', id).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** The item's author, title and moment of publishing (what its notifications say and when they were written), and whether it was told. */
export async function fanOutFacts(db: Db | Transaction<Database>, id: number): Promise<{ accountId: number; title: string; publishedAt: string; notified: boolean } | undefined> {
  const row = await db.selectFrom('information_items').select(['created_by_account_id', 'title', 'published_at', 'notified_at']).where('id', '=', id).executeTakeFirst();
  return row && { accountId: row.created_by_account_id, title: row.title, publishedAt: row.published_at, notified: row.notified_at !== null };
}

/** The place of an item, with the children placed there now (a unit's: in any of its groups; a municipality's: anywhere in it). */
export async function placeOfItem(db: Db, id: number, today: string): Promise<Place | null> {
  const item = await db.selectFrom('information_items').select(['municipality_id', 'unit_id', 'group_id']).where('id', '=', id).executeTakeFirst();
  if (!item) return null;
  let placed = currentPlacements(db, today).select('placements.child_id');
  if (item.group_id !== null) placed = placed.where('placements.group_id', '=', item.group_id);
  else if (item.unit_id !== null) placed = placed.where('groups.unit_id', '=', item.unit_id);
  else placed = placed.where('units.municipality_id', '=', item.municipality_id);
  const rows = await placed.execute();
  let unitIds: number[];
  let groupIds: number[];
  if (item.group_id !== null) {
    const group = await groupWithUnit(db, item.group_id);
    groupIds = [item.group_id];
    unitIds = group ? [group.unitId] : [];
  } else if (item.unit_id !== null) {
    unitIds = [item.unit_id];
    groupIds = (await groupsOfUnit(db, item.unit_id)).map((g) => g.id);
  } else {
    // (the municipality's staff read it through their units; no group is named, so no group's staff manages it)
    unitIds = ((await municipalityPage(db, item.municipality_id))?.units ?? []).map((u) => u.id);
    groupIds = [];
  }
  return { municipalityId: item.municipality_id, unitIds, groupIds, childIds: [...new Set(rows.map((r) => r.child_id))] };
}

async function locateItem(db: Db, id: number, today: string): Promise<Location | null> {
  return placeOfItem(db, id, today);
}

async function locateAttachment(db: Db, id: number, today: string): Promise<Location | null> {
  const row = await db.selectFrom('information_attachments').select('item_id').where('id', '=', id).executeTakeFirst();
  return row ? placeOfItem(db, row.item_id, today) : null;
}

export const informationLocators = { informationItem: locateItem, informationAttachment: locateAttachment };

/** Where a reader's items come from: the groups, units and municipalities whose items they see. */
export interface Sources { groupIds: readonly number[]; unitIds: readonly number[]; municipalityIds: readonly number[] }

/** `pageSize`: how many items a page holds (the start page's box asks for the few it shows). */
export interface ListQuery { q: string; page: number; pageSize?: number }
export const PAGE_SIZE = 20;

export interface ListedItem extends Item { read: boolean }

/**
 * The items of the sources, pinned first and then the newest; `today` set: those not expired by then (a guardian's
 * list), else every one (staff see their expired ones too). `q` finds each word in the title or the text. Without an
 * account (the start page's box), every item reads as unread.
 */
export async function listItems(db: Db, accountId: number | null, sources: Sources, query: ListQuery, today: string | null): Promise<{ items: ListedItem[]; total: number; page: number; pages: number }> {
  const { groupIds, unitIds, municipalityIds } = sources;
  if (!groupIds.length && !unitIds.length && !municipalityIds.length) return { items: [], total: 0, page: 1, pages: 1 };
  let base = db.selectFrom('information_items as i').where((eb) => eb.or([
    ...(groupIds.length ? [eb('i.group_id', 'in', [...groupIds])] : []),
    ...(unitIds.length ? [eb('i.unit_id', 'in', [...unitIds])] : []),
    ...(municipalityIds.length ? [eb.and([eb('i.group_id', 'is', null), eb('i.unit_id', 'is', null), eb('i.municipality_id', 'in', [...municipalityIds])])] : []),
  ]));
  if (today !== null) base = base.where((eb) => eb.or([eb('i.expires_on', 'is', null), eb('i.expires_on', '>=', today)]));
  for (const word of query.q.split(/\s+/).filter(Boolean).slice(0, 5)) {
    base = base.where((eb) => eb.or([foldedContains(sql.ref('i.title'), word), foldedContains(sql.ref('i.body'), word)]));
  }
  const { count } = await base.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
  const total = Number(count);
  const size = query.pageSize ?? PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(query.page, pages);
  const ids = await base.select('i.id').orderBy('i.pinned', 'desc').orderBy('i.published_at', 'desc').orderBy('i.id', 'desc')
    .limit(size).offset((page - 1) * size).execute();
  if (!ids.length) return { items: [], total, page, pages };
  const rows = await db.selectFrom('information_items as i').select(itemColumns).where('i.id', 'in', ids.map((r) => r.id)).execute();
  const read = accountId === null ? new Set<number>() : new Set((await db.selectFrom('information_reads').select('item_id')
    .where('account_id', '=', accountId).where('item_id', 'in', ids.map((r) => r.id)).execute()).map((r) => r.item_id));
  const byId = new Map((await withPlaceNames(db, rows)).map((item) => [item.id, { ...item, read: read.has(item.id) }]));
  return { items: ids.map((r) => byId.get(r.id)).filter((i) => i !== undefined), total, page, pages };
}

/**
 * Records that the account opened the item (the first time only); false when the item is gone. The item's row is
 * locked first (PostgreSQL), so a removal under way finishes before and the item is found gone, or waits and takes
 * this reader's row with it.
 */
export async function markRead(db: Db, itemId: number, accountId: number, at: Date): Promise<boolean> {
  const write = async (trx: Db): Promise<boolean> => {
    const item = await lockedRows(trx, trx.selectFrom('information_items').select('id').where('id', '=', itemId)).executeTakeFirst();
    if (!item) return false;
    await trx.insertInto('information_reads').values({ item_id: itemId, account_id: accountId, read_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['item_id', 'account_id']).doNothing()).execute();
    return true;
  };
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

/** A guardian of the item's audience: their open account, name, whether they opened it, and the children that make them one. */
export interface AudienceMember { accountId: number; name: string; read: boolean; childIds: number[] }

/** The open accounts of the guardians of the children (by account), with whether each has read the item. */
export async function audienceOf(db: Db | Transaction<Database>, itemId: number | null, childIds: readonly number[]): Promise<AudienceMember[]> {
  if (!childIds.length) return [];
  const guardians = await guardiansOfChildren(db, childIds);
  const people = new Map<number, { name: string; childIds: number[] }>();
  for (const [childId, list] of guardians) {
    for (const g of list) {
      const person = people.get(g.id) ?? { name: `${g.firstName} ${g.lastName}`, childIds: [] };
      person.childIds.push(childId);
      people.set(g.id, person);
    }
  }
  const accounts = await openAccountsOf(db, [...people.keys()]);
  const rows = accounts.flatMap((a) => {
    const person = people.get(a.personId);
    return person ? person.childIds.map((childId) => ({ account_id: a.id, name: person.name, child_id: childId })) : [];
  }).sort((x, y) => x.name.localeCompare(y.name, 'sv') || x.account_id - y.account_id);
  const read = itemId === null ? new Set<number>() : new Set((await db.selectFrom('information_reads').select('account_id')
    .where('item_id', '=', itemId).execute()).map((r) => r.account_id));
  const byAccount = new Map<number, AudienceMember>();
  for (const r of rows) {
    const member = byAccount.get(r.account_id) ?? { accountId: r.account_id, name: r.name, read: read.has(r.account_id), childIds: [] };
    member.childIds.push(r.child_id);
    byAccount.set(r.account_id, member);
  }
  return [...byAccount.values()];
}

export interface AttachmentInfo { id: number; name: string; size: number }

export async function attachmentsOfItem(db: Db | Transaction<Database>, itemId: number): Promise<AttachmentInfo[]> {
  const rows = await db.selectFrom('information_attachments').select(['id', 'name', 'size']).where('item_id', '=', itemId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, size: Number(r.size) }));
}

export async function attachmentFile(db: Db, id: number): Promise<{ itemId: number; key: string; name: string; mime: string } | undefined> {
  const row = await db.selectFrom('information_attachments').select(['item_id', 'media_key', 'name', 'mime']).where('id', '=', id).executeTakeFirst();
  return row && { itemId: row.item_id, key: row.media_key, name: row.name, mime: row.mime };
}

/** Whether a stored file (by its content key) is named by an information item (the attachment sweep keeps it). */
export async function informationUsesKey(db: Db, key: string): Promise<boolean> {
  return (await db.selectFrom('information_attachments').select('id').where('media_key', '=', key).executeTakeFirst()) !== undefined;
}

/** The municipalities of the units (a staff member reads their municipality's items). */
export async function municipalitiesOfUnits(db: Db, unitIds: readonly number[]): Promise<number[]> {
  const units = await Promise.all(unitIds.map((id) => findUnit(db, id)));
  return [...new Set(units.filter((u) => u !== undefined).map((u) => u.municipalityId))];
}
