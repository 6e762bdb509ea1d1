// Publishing, editing and removing an information item. Publishing stores the item and its files in one transaction
// (a refused file: nothing is published, nobody notified); its audience — the guardians of the children placed in its
// place on the day it was published — is then told once (`information_items.notified_at` marks it done): a group's or a
// unit's in the same transaction (fanOutItem), a municipality's (every family there) by the job `information.fanout`,
// so the POST stays fast, in chunks of short transactions (fanOutInChunks). An edit notifies nobody again and keeps who
// has read it; a removal takes its notifications back.
import type { Transaction } from 'kysely';
import { stockholmDate } from '../kernel/clock.ts';
import type { Database, Db } from '../kernel/db.ts';
import { enqueueJob, jobKind, type JobRunner } from '../kernel/jobs.ts';
import { checkedFile, MAX_ATTACHMENTS, refusalKey } from '../messages/attachments.ts';
import { itemVersion } from './rules.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { accountsNotifiedOf, notify, withdrawNotificationsOfUrl } from '../notifications/queries.ts';
import {
  attachmentsOfItem, audienceOf, claimFanOut, deleteItem, fanOutFacts, holdUnnotified, insertAttachments, insertItem, placeOfItem,
  lockItemForEdit, removeItemAttachments, settleFanOut, updateItem, type ItemChanges, type NewItem,
} from './queries.ts';

export const informationNotification = defineNotificationKind({ key: 'informationPublished', topic: 'information' });

export const INFORMATION_FANOUT_JOB = jobKind('information.fanout');

export const itemUrl = (id: number) => `/information/${id}`;

export type Published = { ok: true; itemId: number } | { ok: false; error: string /* a catalogue key for the field `attachments` */ };

type StoredFile = { key: string; name: string; mime: string; size: number };

/** The form's checked files (messageFiles), or the catalogue key of the first refused one. */
function storedFiles(files: Express.Multer.File[] | undefined): { ok: true; files: StoredFile[] } | { ok: false; error: string } {
  const stored: StoredFile[] = [];
  for (const file of files ?? []) {
    const outcome = checkedFile(file);
    if (!outcome.ok) return { ok: false, error: refusalKey(outcome.error) };
    stored.push(outcome);
  }
  return { ok: true, files: stored };
}

/** Publishes the item with the form's checked files and tells its audience (a municipality's through the job). */
export async function publish(db: Db, item: NewItem, files: Express.Multer.File[] | undefined): Promise<Published> {
  const checked = storedFiles(files);
  if (!checked.ok) return checked;
  const itemId = await db.transaction().execute(async (trx) => {
    const id = await insertItem(trx, item);
    await insertAttachments(trx, id, checked.files, item.at);
    if (item.scope.kind === 'municipality') await enqueueJob(trx, INFORMATION_FANOUT_JOB, { itemId: id }, item.at);
    else await fanOutItem(trx, id);
    return id;
  });
  return { ok: true, itemId };
}

/** How many guardians one transaction of a municipality's fan-out tells (SQLite's one writer is free in between). */
export const FANOUT_CHUNK = 200;

type Facts = { accountId: number; title: string; publishedAt: string };

/**
 * The accounts to tell of the item (the guardians of the children placed in its place on the day it was published,
 * not its author), each with the first of their children it concerns (their choice is per child), by account.
 */
async function membersToTell(db: Db | Transaction<Database>, itemId: number, facts: Facts): Promise<{ accountId: number; childId: number }[]> {
  const place = await placeOfItem(db, itemId, stockholmDate(new Date(facts.publishedAt)));
  return (await audienceOf(db, null, place?.childIds ?? []))
    .filter((m) => m.accountId !== facts.accountId)
    .map((m) => ({ accountId: m.accountId, childId: Math.min(...m.childIds) }))
    .sort((a, b) => a.accountId - b.accountId);
}

/** Tells these members (at most FANOUT_CHUNK) not told of the item before: one notification each, as of publishing. */
async function tell(trx: Transaction<Database>, itemId: number, facts: Facts, members: readonly { accountId: number; childId: number }[]): Promise<number> {
  const url = itemUrl(itemId);
  const told = await accountsNotifiedOf(trx, { kind: informationNotification, url, accountIds: members.map((m) => m.accountId) });
  const byChild = new Map<number, number[]>();
  for (const m of members) if (!told.has(m.accountId)) byChild.set(m.childId, [...(byChild.get(m.childId) ?? []), m.accountId]);
  let count = 0;
  for (const [childId, accountIds] of byChild) {
    await notify(trx, { accountIds, kind: informationNotification, childId, url, at: new Date(facts.publishedAt), params: { title: facts.title } });
    count += accountIds.length;
  }
  return count;
}

/**
 * Tells the item's audience in the transaction given (a group's or a unit's, at publishing): one notification per
 * guardian, written as of the moment of publishing. Once only: a second call (two processes) finds it claimed and
 * writes nothing; a removed item, nothing. Answers how many accounts were told.
 */
export async function fanOutItem(trx: Transaction<Database>, itemId: number): Promise<number> {
  const facts = await fanOutFacts(trx, itemId);
  if (!facts) return 0;
  if (!(await claimFanOut(trx, itemId, new Date(facts.publishedAt)))) return 0;
  const members = await membersToTell(trx, itemId, facts);
  let told = 0;
  for (let i = 0; i < members.length; i += FANOUT_CHUNK) told += await tell(trx, itemId, facts, members.slice(i, i + FANOUT_CHUNK));
  return told;
}

/**
 * A municipality's fan-out (the job `information.fanout`): the same audience told in chunks, each in its own short
 * transaction that holds the item's row (a removal waits for it, and the next chunk finds the item gone), leaving out
 * whoever was told already; the item is marked told at the end. A run stopped halfway is continued by the next and
 * tells nobody twice; two runs at once take turns per chunk. Answers how many accounts this run told.
 */
export async function fanOutInChunks(db: Db, itemId: number, chunkSize = FANOUT_CHUNK): Promise<number> {
  const facts = await fanOutFacts(db, itemId);
  if (!facts || facts.notified) return 0;
  const members = await membersToTell(db, itemId, facts);
  let told = 0;
  for (let i = 0; i < members.length; i += chunkSize) {
    const chunk = members.slice(i, i + chunkSize);
    const count = await db.transaction().execute(async (trx) => ((await holdUnnotified(trx, itemId)) ? tell(trx, itemId, facts, chunk) : null));
    if (count === null) return told; // removed meanwhile, or finished by another run
    told += count;
  }
  await claimFanOut(db, itemId, new Date(facts.publishedAt));
  return told;
}

export function registerInformationJobs(runner: JobRunner, { db }: { db: Db }): void {
  runner.register(INFORMATION_FANOUT_JOB, async (payload: { itemId?: unknown } | undefined) => {
    const itemId = Number(payload?.itemId);
    if (!Number.isSafeInteger(itemId)) return;
    await fanOutInChunks(db, itemId);
  });
}

export type Edited = { ok: true } | { ok: false; error: string /* a catalogue key for the field `attachments` */ } | { ok: false; gone: true }
  | { ok: false; changed: true; version: string /* the item's version now */ };

/**
 * Saves an edit: the text and settings, the files ticked for removal gone, the form's new files added (checked as at
 * publishing; at most MAX_ATTACHMENTS in all). Nobody is notified again; who has read it stays read. `openedOn`: the
 * item's version the form was opened on; when someone else saved since, nothing is saved (`changed`).
 */
export async function edit(
  db: Db, itemId: number, changes: ItemChanges, removeIds: readonly number[], files: Express.Multer.File[] | undefined, at: Date,
  openedOn: string | undefined,
): Promise<Edited> {
  const checked = storedFiles(files);
  if (!checked.ok) return checked;
  return db.transaction().execute(async (trx): Promise<Edited> => {
    const stored = await lockItemForEdit(trx, itemId);
    if (!stored) return { ok: false, gone: true };
    const version = itemVersion(stored.item, stored.fileIds);
    if (openedOn !== undefined && openedOn !== version) return { ok: false, changed: true, version };
    if (!(await updateItem(trx, itemId, changes))) return { ok: false, gone: true };
    await removeItemAttachments(trx, itemId, removeIds);
    await insertAttachments(trx, itemId, checked.files, at);
    if ((await attachmentsOfItem(trx, itemId)).length > MAX_ATTACHMENTS) throw new TooManyFiles();
    return { ok: true };
  }).catch((err: unknown) => {
    if (err instanceof TooManyFiles) return { ok: false, error: refusalKey('tooMany') };
    throw err;
  });
}

class TooManyFiles extends Error {}

/**
 * Removes the item, its files (their content goes with the attachment sweep) and who read it, and takes back every
 * notification it sent (read or not: the page they lead to is gone; found by their url, whoever they went to) and the
 * mails and pushes not yet sent for them. It first marks the fan-out finished on the item's row: a fan-out running
 * now commits first (its notifications are then found), a later one tells nobody.
 */
export async function remove(db: Db, itemId: number, at: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await settleFanOut(trx, itemId, at))) return false;
    await withdrawNotificationsOfUrl(trx, { kind: informationNotification, url: itemUrl(itemId), at });
    return deleteItem(trx, itemId);
  });
}
