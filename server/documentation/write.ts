// Writing a post: a new draft, saving it (and publishing it, when the rules allow), adding photos, videos and sound to
// it (each file on its own, a retry never twice), removing a medium or the whole post. Files leave the disk once no
// medium names them any more.
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { childrenWithGroupConsent } from '../consent/queries.ts';
import { storeMedia, mediaLimits, type ReceivedFile } from '../media/index.ts';
import { childrenInGroup, type GroupWithUnit } from '../people/queries.ts';
import { documentationSettings } from './settings.ts';
import {
  deleteMedium, deletePost, insertMedium, insertPost, mediumByUploadKey, updatePost, type PostForEdit,
} from './queries.ts';
import { parsePostForm, publishRefusals, uploadRefusalKey, type ChildOfGroup, type FormReader, type PostForm } from './rules.ts';

export interface WriteDeps { db: Db; clock: Clock; dataDir: string }

/** The group's children now, as the form offers them. */
export async function childrenOfGroup(db: Db, groupId: number, today: string): Promise<ChildOfGroup[]> {
  return (await childrenInGroup(db, groupId, today)).map((c) => ({ id: c.id, firstName: c.firstName, lastName: c.lastName, protectedIdentity: c.protectedIdentity }));
}

export type CreateOutcome = { ok: true; id: number } | { ok: false; errors: FieldErrors };

/** A new draft in the group, by the signed-in staff member. */
export async function createPost(deps: WriteDeps, input: { group: GroupWithUnit; form: FormReader; authorId: number; today: string }): Promise<CreateOutcome> {
  const children = await childrenOfGroup(deps.db, input.group.id, input.today);
  const parsed = parsePostForm(input.form, { mediaIds: [], children });
  if (!parsed.ok) return parsed;
  const post = parsed.value;
  const id = await insertPost(deps.db, {
    municipalityId: input.group.municipalityId, unitId: input.group.unitId, groupId: input.group.id, kind: post.kind, title: post.title,
    body: post.body, reflection: post.reflection, childIds: post.childIds, authorId: input.authorId, now: deps.clock.now(),
  });
  return { ok: true, id };
}

export type SaveOutcome =
  | { ok: true; published: boolean; wasPublished: boolean }
  | { ok: false; error: 'invalid'; errors: FieldErrors }
  | { ok: false; error: 'stale' };

/**
 * Saves the post as the form has it; with `publish`, publishes it. A published post stays published, so it must keep
 * to the rules of publishing on every save. Someone else's save since the form was opened: 'stale', nothing saved.
 */
export async function savePost(deps: WriteDeps, input: { post: PostForEdit; form: FormReader; publish: boolean; today: string }): Promise<SaveOutcome> {
  const { post } = input;
  const children = await childrenOfGroup(deps.db, post.groupId, input.today);
  const parsed = parsePostForm(input.form, { mediaIds: post.media.map((m) => m.id), children });
  if (!parsed.ok) return { ok: false, error: 'invalid', errors: parsed.errors };
  const version = Number(input.form.one('version'));
  if (!Number.isSafeInteger(version) || version !== post.version) return { ok: false, error: 'stale' };
  const wasPublished = post.status === 'published';
  const publishing = input.publish || wasPublished;
  if (publishing) {
    const refusals = await refusalsOf(deps.db, parsed.value, post, children);
    if (Object.keys(refusals).length) return { ok: false, error: 'invalid', errors: refusals };
  }
  const saved = await updatePost(deps.db, post.id, { ...parsed.value, status: publishing ? 'published' : 'draft', version, now: deps.clock.now() });
  return saved ? { ok: true, published: publishing, wasPublished } : { ok: false, error: 'stale' };
}

async function refusalsOf(db: Db, form: PostForm, post: PostForEdit, children: ChildOfGroup[]): Promise<FieldErrors> {
  const tagged = [...new Set(form.media.flatMap((m) => m.childIds))];
  const consented = await childrenWithGroupConsent(db, tagged);
  return publishRefusals(form, { children, consented, mediaKinds: new Map(post.media.map((m) => [m.id, m.kind])) });
}

export interface UploadOutcome {
  /** The media made (or, for a retry, found): their ids. */
  added: number[];
  /** Files refused, by their name, with the message's key. */
  refused: { name: string; key: string }[];
}

/**
 * Adds the uploaded files to the post, in the order sent; a broken file is named and the rest are kept. With an upload
 * key (one file sent by the upload script), the same key again is the medium the first attempt made.
 */
export async function uploadMedia(deps: WriteDeps, input: {
  post: { id: number; municipalityId: number }; files: ReceivedFile[]; tooLarge: string[]; tooMany: string[]; uploadKey: string | null; by: number;
}): Promise<UploadOutcome> {
  const outcome: UploadOutcome = { added: [], refused: [
    ...input.tooLarge.map((name) => ({ name, key: uploadRefusalKey('too-large') })),
    ...input.tooMany.map((name) => ({ name, key: 'documentation.write.upload.refused.tooMany' })),
  ] };
  if (input.uploadKey) {
    const earlier = await mediumByUploadKey(deps.db, input.post.id, input.uploadKey);
    if (earlier !== undefined) return { ...outcome, added: [earlier] };
  }
  const limits = mediaLimits(await documentationSettings(deps.db, input.post.municipalityId));
  for (const file of input.files) {
    const stored = await storeMedia(deps.dataDir, file, limits);
    if (!stored.ok) {
      outcome.refused.push({ name: file.originalName, key: uploadRefusalKey(stored.error) });
      continue;
    }
    const { media } = stored;
    const made = await insertMedium(deps.db, {
      postId: input.post.id, kind: media.kind, fileKey: media.key, mime: media.mime, bytes: media.bytes, width: media.width,
      height: media.height, durationMs: media.durationMs, uploadKey: input.uploadKey, by: input.by, now: deps.clock.now(),
    });
    outcome.added.push(made.id);
  }
  return outcome;
}

/** Removes a medium of the post (false: it was not there); its files go once no medium names them (media-sweep.ts). */
export async function removeMedium(deps: WriteDeps, postId: number, mediaId: number): Promise<boolean> {
  return (await deleteMedium(deps.db, postId, mediaId, deps.clock.now())) !== undefined;
}

/** Removes the post with its media (false: it was gone); the files go once no medium names them (media-sweep.ts). */
export async function removePost(deps: WriteDeps, postId: number): Promise<boolean> {
  return (await deletePost(deps.db, postId, deps.clock.now())) !== undefined;
}
