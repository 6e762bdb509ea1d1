// Files attached to a message (migration 0044). The form's files are read by the media library's upload into temp
// files (before the CSRF check, which it makes itself) and checked by their content only once the route has let the
// user in and found the form whole (messageFiles: nobody who may not write there makes the server decode or store
// anything): a photo decoded by sharp and drawn anew as a JPEG without any metadata (the media library's decoding and queue), a document of a short
// list (PDF, office files) recognised by its bytes with file-type and kept as it came. Anything else, or too large, or
// too many, is refused: storeAttachments then says which message to show at the field `attachments`, the caller rolls
// back, and nothing is sent. The files live under the data folder's media/messages/, one folder per content key
// (outside static/: only the access-checked route of extras-routes.ts sends them, to the accounts that see the message).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Transaction } from 'kysely';
import type { Request, RequestHandler, Response } from 'express';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import type { Clock } from '../kernel/clock.ts';
import type { Database, Db } from '../kernel/db.ts';
import { jobKind, type JobRunner } from '../kernel/jobs.ts';
import { sweepFolder } from '../kernel/uploads.ts';
import { HttpError, type Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { mediaUpload, receivedFiles } from '../media/index.ts';
import { DECODE, FULL_JPEG, imageQueue, isHeic } from '../media/images.ts';

// multer has no type declarations of its own: the shape its files have here.
declare global {
  namespace Express {
    namespace Multer {
      /** A file of a message's form as messageFiles gives it (a temp file, or a refused one). */
      interface File { fieldname: string; originalname: string; path?: string; size?: number; tooLarge?: boolean }
    }
  }
}

/** The form field of the files (`<input type="file" name="attachments" multiple>`). */
export const ATTACHMENT_FIELD = 'attachments';
/** At most this many files per message: a few photos or documents, not an album. */
export const MAX_ATTACHMENTS = 5;
/** At most this large each file (a phone's photo or a scanned form; larger belongs in the documentation). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

/** A message's attachment as views show it. */
export interface AttachmentInfo { id: number; name: string; size: number }

/** The kinds of file a message may carry, by what file-type finds in their bytes (never by name or claimed type). */
const IMAGES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/heif', 'image/avif']);
const DOCUMENTS: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
};

export type AttachmentRefusal = 'tooLarge' | 'tooMany' | 'notAllowed' | 'heic' | 'tooManyPixels' | 'empty';
/** A file checked and stored under its content key, or why it was refused. */
export type CheckedFile = { ok: true; key: string; name: string; mime: string; size: number } | { ok: false; error: AttachmentRefusal };

const checked = new WeakMap<Express.Multer.File, CheckedFile>();
const KEY = /^[0-9a-f]{64}$/;
const WHITE = { r: 255, g: 255, b: 255 } as const;

/** Where the attachments are kept: media/messages/ under the data folder. */
export function attachmentFolder(dataDir: string): string {
  return path.join(dataDir, 'media', 'messages');
}

function keyPath(dataDir: string, key: string): string {
  if (!KEY.test(key)) throw new Error('Not an attachment key');
  return path.join(attachmentFolder(dataDir), key.slice(0, 2), key);
}

const upload = mediaUpload({ field: ATTACHMENT_FIELD, maxFiles: MAX_ATTACHMENTS, maxBytes: ATTACHMENT_MAX_BYTES });

/**
 * The multipart form of a new message or a reply: mounted in app.ts before the CSRF check for those POSTs, e.g.
 * `app.post('/messages/:messageThreadId/replies', messageAttachmentUpload, cleanedForm)`. It only receives the files
 * (temp files, gone when the answer is over); nothing is decoded or stored until the route asks messageFiles.
 */
export const messageAttachmentUpload: RequestHandler = (req, res, next) => {
  upload(req, res, (error?: unknown) => next(error));
};

const checkedOfRequest = new WeakMap<Request, Promise<Express.Multer.File[] | undefined>>();

/**
 * The files the form brought, each checked by its content and stored under its key (refused ones marked), for
 * storeAttachments; undefined for a form without files. The route calls it only after the guard let the user in, the
 * form was found whole and the user may still write there: the decoding is never done for someone who may not send.
 * The data folder is `app.locals.dataDir` (app.ts). Asked twice, the files are checked once.
 */
export function messageFiles(req: Request): Promise<Express.Multer.File[] | undefined> {
  let files = checkedOfRequest.get(req);
  if (!files) {
    files = checkReceived(req);
    checkedOfRequest.set(req, files);
  }
  return files;
}

async function checkReceived(req: Request): Promise<Express.Multer.File[] | undefined> {
  const { files, tooLarge, tooMany } = receivedFiles(req);
  if (!files.length && !tooLarge.length && !tooMany.length) return undefined;
  const dataDir = String(req.app.locals.dataDir);
  const list: Express.Multer.File[] = [];
  const refused = (name: string, refusal: AttachmentRefusal) => {
    const file: Express.Multer.File = { fieldname: ATTACHMENT_FIELD, originalname: name };
    checked.set(file, { ok: false, error: refusal });
    list.push(file);
  };
  for (const name of tooLarge) refused(name, 'tooLarge');
  for (const name of tooMany) refused(name, 'tooMany');
  await Promise.all(files.map(async (received) => {
    const file: Express.Multer.File = { fieldname: ATTACHMENT_FIELD, originalname: received.originalName, path: received.path, size: received.size };
    list.push(file);
    checked.set(file, await checkAndStore(dataDir, received.path, received.originalName));
  }));
  return list;
}

/**
 * Checks a file by its content and stores it under its content key: a photo drawn anew as JPEG, a document as it came.
 * Never throws for what the file holds.
 */
export async function checkAndStore(dataDir: string, filePath: string, originalName: string): Promise<CheckedFile> {
  const stat = await fs.stat(filePath).catch(() => undefined);
  if (!stat?.isFile() || stat.size === 0) return { ok: false, error: 'empty' };
  if (stat.size > ATTACHMENT_MAX_BYTES) return { ok: false, error: 'tooLarge' };
  const type = await fileTypeFromFile(filePath).catch(() => undefined);
  if (type && IMAGES.has(type.mime)) {
    const image = await imageQueue.run(async () => {
      const bytes = await fs.readFile(filePath);
      try {
        return { ok: true, bytes: await sharp(bytes, DECODE).rotate().flatten({ background: WHITE }).jpeg(FULL_JPEG).toBuffer() } as const;
      } catch (error) {
        if (/pixel limit/i.test(String((error as Error)?.message))) return { ok: false, error: 'tooManyPixels' } as const;
        return { ok: false, error: (await isHeic(bytes)) ? 'heic' : 'notAllowed' } as const;
      }
    });
    if (!image.ok) return image;
    const key = createHash('sha256').update(image.bytes).digest('hex');
    await writeOnce(dataDir, key, image.bytes);
    return { ok: true, key, name: fileName(originalName, 'jpg'), mime: 'image/jpeg', size: image.bytes.length };
  }
  const extension = type ? DOCUMENTS[type.mime] : undefined;
  if (!type || !extension) return { ok: false, error: 'notAllowed' };
  const bytes = await fs.readFile(filePath);
  const key = createHash('sha256').update(bytes).digest('hex');
  await writeOnce(dataDir, key, bytes);
  return { ok: true, key, name: fileName(originalName, extension), mime: type.mime, size: bytes.length };
}

/** The name a file is offered under: the sender's name without folders or control characters, with the right ending. */
export function fileName(original: string, extension: string): string {
  const base = path.basename(original.replaceAll('\\', '/')).replace(/[\p{Cc}\p{Cf}"<>|:*?]/gu, '').trim().normalize('NFC');
  const stem = base.replace(/\.[^.]{1,8}$/, '').slice(0, 100).trim() || 'bilaga';
  return `${stem}.${extension}`;
}

/** Writes a key's file through a temp name and a rename (a crash never leaves half a file); one already there is kept. */
async function writeOnce(dataDir: string, key: string, bytes: Uint8Array): Promise<void> {
  const target = keyPath(dataDir, key);
  await fs.mkdir(path.dirname(target), { recursive: true });
  if (await fs.access(target).then(() => true, () => false)) {
    const now = new Date();
    await fs.utimes(target, now, now).catch(() => undefined); // (in use again: not swept while its row is written)
    return;
  }
  const temp = `${target}.${randomBytes(6).toString('hex')}.part`;
  await fs.writeFile(temp, bytes, { flag: 'wx' });
  await fs.rename(temp, target);
}

/** What the check found for a file of messageFiles (an information item stores its files the same way). */
export function checkedFile(file: Express.Multer.File): CheckedFile {
  return checked.get(file) ?? { ok: false, error: 'notAllowed' };
}

/**
 * Stores the form's files as attachments of the message, in the caller's transaction: `{ ok: false, error }` (a
 * catalogue key for the field `attachments`) when any was refused — then the caller rolls back and nothing is sent.
 */
export async function storeAttachments(
  trx: Transaction<Database> | Db, messageId: number, files: Express.Multer.File[] | undefined, at: Date,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const list = files ?? [];
  if (list.length > MAX_ATTACHMENTS) return { ok: false, error: refusalKey('tooMany') };
  const stored: Extract<CheckedFile, { ok: true }>[] = [];
  for (const file of list) {
    const outcome = checked.get(file) ?? ({ ok: false, error: 'notAllowed' } as const); // (not through messageAttachmentUpload)
    if (!outcome.ok) return { ok: false, error: refusalKey(outcome.error) };
    stored.push(outcome);
  }
  if (!stored.length) return { ok: true };
  await trx.insertInto('message_attachments').values(stored.map((file) => ({
    message_id: messageId, media_key: file.key, name: file.name, mime: file.mime, size: file.size, created_at: at.toISOString(),
  }))).execute();
  return { ok: true };
}

export function refusalKey(refusal: AttachmentRefusal): string {
  return `messages.attachments.errors.${refusal}`;
}

/** The attachments of the messages, by message id (a message without any is not in the map), in the order sent. */
export async function attachmentsOf(db: Db | Transaction<Database>, messageIds: number[]): Promise<Map<number, AttachmentInfo[]>> {
  const byMessage = new Map<number, AttachmentInfo[]>();
  if (!messageIds.length) return byMessage;
  const rows = await db.selectFrom('message_attachments').select(['id', 'message_id', 'name', 'size'])
    .where('message_id', 'in', [...new Set(messageIds)]).orderBy('id').execute();
  for (const row of rows) {
    const list = byMessage.get(row.message_id) ?? [];
    list.push({ id: row.id, name: row.name, size: Number(row.size) });
    byMessage.set(row.message_id, list);
  }
  return byMessage;
}

/** Removes a message's attachments (a retracted message's): their rows; the files go with the sweep once unused. */
export async function removeAttachments(trx: Transaction<Database> | Db, messageId: number): Promise<number> {
  const result = await trx.deleteFrom('message_attachments').where('message_id', '=', messageId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Where an attachment is: its thread's municipality, and as `accountIds` the accounts that see its message (its sender
 * and its recipients); a retracted message's attachment is found by nobody.
 */
async function locateMessageAttachment(db: Db, id: number): Promise<Location | null> {
  const row = await db.selectFrom('message_attachments')
    .innerJoin('messages', 'messages.id', 'message_attachments.message_id')
    .innerJoin('message_threads', 'message_threads.id', 'messages.thread_id')
    .select(['messages.id as message_id', 'messages.sender_account_id', 'messages.retracted_at', 'message_threads.municipality_id'])
    .where('message_attachments.id', '=', id).executeTakeFirst();
  if (!row || row.retracted_at !== null) return null;
  const recipients = await db.selectFrom('message_recipients').select('account_id').where('message_id', '=', row.message_id).execute();
  return {
    municipalityId: row.municipality_id, unitIds: [], groupIds: [], childIds: [],
    accountIds: [row.sender_account_id, ...recipients.map((r) => r.account_id)],
  };
}

export const attachmentLocators = { messageAttachment: locateMessageAttachment } satisfies Partial<Locators>;

/** Sends an attachment (its access checked by the guard): always as a download, with the type its content was found to be. */
export async function sendAttachment(res: Response, dataDir: string, db: Db, id: number): Promise<void> {
  const row = await db.selectFrom('message_attachments').select(['media_key', 'name', 'mime']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new HttpError(404, 'Not found');
  await sendKeptFile(res, dataDir, row);
}

/** Sends a file checkAndStore kept (a message's or an information item's attachment), as a download of its found type. */
export async function sendKeptFile(res: Response, dataDir: string, row: { media_key: string; name: string; mime: string }): Promise<void> {
  if (!KEY.test(row.media_key)) throw new HttpError(404, 'Not found');
  res.attachment(row.name);
  res.set({ 'Content-Type': row.mime, 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox" });
  const relative = path.join(row.media_key.slice(0, 2), row.media_key);
  await new Promise<void>((resolve, reject) => {
    res.sendFile(relative, { root: attachmentFolder(dataDir), etag: false, lastModified: false, cacheControl: false, dotfiles: 'deny' }, (error?: Error & { code?: string; status?: number }) => {
      if (!error || res.headersSent) return resolve();
      res.removeHeader('Content-Disposition');
      reject(error.code === 'ENOENT' || error.status === 404 ? new HttpError(404, 'Attachment file missing') : error);
    });
  });
}

/** Whether another domain names a stored file (an information item keeps its files here too): app wiring hands it in. */
export type KeptElsewhere = (db: Db, key: string) => Promise<boolean>;

/**
 * Removes the attachment files no row names, last written before `before` (a form refused after its files were
 * stored, a retracted message's), through the one folder sweep: returns the keys (and half-written files) removed.
 */
export async function sweepAttachmentFiles(db: Db, dataDir: string, before: Date, keptElsewhere: readonly KeptElsewhere[] = []): Promise<string[]> {
  const root = attachmentFolder(dataDir);
  const inUse = async (key: string) => KEY.test(key) && ((await db.selectFrom('message_attachments').select('id').where('media_key', '=', key).executeTakeFirst()) !== undefined
    || (await Promise.all(keptElsewhere.map((kept) => kept(db, key)))).some(Boolean));
  const removed: string[] = [];
  for (const prefix of (await fs.readdir(root).catch(() => [] as string[])).sort()) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    removed.push(...await sweepFolder({ folder: path.join(root, prefix), ours: (name) => KEY.test(name) || /^[0-9a-f]{64}\.[0-9a-f]{12}\.part$/.test(name), inUse, before }));
  }
  return removed;
}

/** A stored file no attachment names is left this long: the form that stored it may still be re-sent. */
export const ATTACHMENT_FILE_GRACE_MS = 24 * 60 * 60_000;
const SWEEP_EVERY_MS = 60 * 60_000;

/** The hourly sweep of attachment files no message names (server/main.ts registers it). */
export function registerAttachmentSweep(
  runner: JobRunner, { db, clock, dataDir, keptElsewhere }: { db: Db; clock: Clock; dataDir: string; keptElsewhere: readonly KeptElsewhere[] },
): void {
  runner.every(jobKind('messages.attachments.sweep'), SWEEP_EVERY_MS, async () => {
    await sweepAttachmentFiles(db, dataDir, new Date(clock.now().getTime() - ATTACHMENT_FILE_GRACE_MS), keptElsewhere);
  });
}
