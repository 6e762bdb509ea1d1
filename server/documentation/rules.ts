// What a post may say and show before it reaches the families: the form's own rules (lengths, children of the group),
// and the rules of publishing — every photo and video says who is in it (or that nobody is), a child appears in what
// the whole group sees only with every guardian's consent, and a portfolio post to several families shows a child
// without consent only when it goes to that child alone. A child with protected identity reaches no other family: not
// in a photo, not by name in the text. Pure decisions: the use cases in write.ts gather the facts.
import type { MediaKind, PostKind } from '../../db/schema.ts';
import type { FieldErrors, Parsed } from '../kernel/forms.ts';

export const POST_KINDS: readonly PostKind[] = ['group', 'blog', 'portfolio'];
export const MAX_TITLE = 200;
export const MAX_BODY = 10_000;
export const MAX_REFLECTION = 5_000;
export const MAX_CAPTION = 500;
/** Files in one plain upload (each is its own request with JavaScript). */
export const MAX_FILES_PER_UPLOAD = 20;

export interface ChildOfGroup { id: number; firstName: string; lastName: string; protectedIdentity: boolean }

export interface MediumForm { id: number; caption: string; noChildren: boolean; childIds: number[] }

export interface PostForm {
  kind: PostKind; title: string; body: string; reflection: string;
  /** A portfolio post's children (empty for the other kinds). */
  childIds: number[];
  media: MediumForm[];
}

/** A form's fields as the route read them: one value, or every value of a repeated field (checkboxes). */
export interface FormReader { one(name: string): string; all(name: string): string[] }

/** The form's field of a medium's caption, children and "no children": `caption-12`, `children-12`, `nochildren-12`. */
export const mediumField = (what: 'caption' | 'children' | 'nochildren' | 'media', id: number): string => `${what}-${id}`;

function ids(values: string[]): number[] {
  return [...new Set(values.filter((v) => /^[1-9][0-9]{0,15}$/.test(v)).map(Number))];
}

/**
 * Reads the post form: kind, title (needed), text and reflection (their lengths), a portfolio post's children (at least
 * one, each a child of the group), and for each of the post's media its caption (its length) and children (each a
 * child of the group; not both children and "no children").
 */
export function parsePostForm(form: FormReader, context: { mediaIds: readonly number[]; children: readonly ChildOfGroup[] }): Parsed<PostForm> {
  const errors: FieldErrors = {};
  const inGroup = new Set(context.children.map((c) => c.id));
  const rawKind = form.one('kind');
  const kind = POST_KINDS.find((k) => k === rawKind);
  if (!kind) errors.kind = { key: 'documentation.write.errors.kind' };
  const title = form.one('title').trim();
  if (!title) errors.title = { key: 'documentation.write.errors.titleMissing' };
  else if (title.length > MAX_TITLE) errors.title = { key: 'documentation.write.errors.tooLong', params: { max: MAX_TITLE } };
  const body = form.one('body').trim();
  if (body.length > MAX_BODY) errors.body = { key: 'documentation.write.errors.tooLong', params: { max: MAX_BODY } };
  const reflection = form.one('reflection').trim();
  if (reflection.length > MAX_REFLECTION) errors.reflection = { key: 'documentation.write.errors.tooLong', params: { max: MAX_REFLECTION } };
  const childIds = kind === 'portfolio' ? ids(form.all('children')) : [];
  if (kind === 'portfolio' && childIds.length === 0) errors.children = { key: 'documentation.write.errors.noChildren' };
  else if (childIds.some((id) => !inGroup.has(id))) errors.children = { key: 'documentation.write.errors.notInGroup' };

  const media = context.mediaIds.map((id): MediumForm => {
    const caption = form.one(mediumField('caption', id)).trim();
    if (caption.length > MAX_CAPTION) errors[mediumField('caption', id)] = { key: 'documentation.write.errors.tooLong', params: { max: MAX_CAPTION } };
    const noChildren = form.one(mediumField('nochildren', id)) === 'yes';
    const tagged = ids(form.all(mediumField('children', id)));
    if (tagged.some((c) => !inGroup.has(c))) errors[mediumField('media', id)] = { key: 'documentation.write.errors.notInGroup' };
    else if (noChildren && tagged.length) errors[mediumField('media', id)] = { key: 'documentation.write.errors.childrenAndNone' };
    return { id, caption, noChildren, childIds: noChildren ? [] : tagged };
  });
  if (Object.keys(errors).length || !kind) return { ok: false, errors };
  return { ok: true, value: { kind, title, body, reflection, childIds, media } };
}

/** The facts publishing asks about: the group's children and which of them have every guardian's consent. */
export interface PublishContext {
  children: readonly ChildOfGroup[];
  consented: ReadonlySet<number>;
  /** The kind of each of the post's media (a sound clip shows nobody). */
  mediaKinds: ReadonlyMap<number, MediaKind>;
}

/**
 * Whether a photo or video still waits for its children to be marked: neither children nor "no children" (a sound clip
 * shows nobody, so it never waits). Such a medium keeps a post from being published; one added to a post already
 * published reaches nobody but the staff until its children are marked and the post saved under the rules again.
 */
export function awaitsTags(medium: { kind: MediaKind | undefined; noChildren: boolean; tagged: number }): boolean {
  return medium.kind !== 'audio' && !medium.noChildren && medium.tagged === 0;
}

/**
 * Why the post cannot be published as it stands (none: it can). Each refusal stands at its field: the text, a
 * medium's children, the title or the reflection.
 */
export function publishRefusals(post: PostForm, context: PublishContext): FieldErrors {
  const errors: FieldErrors = {};
  const byId = new Map(context.children.map((c) => [c.id, c]));
  const nameOf = (id: number) => byId.get(id)?.firstName ?? '';
  if (!post.body && post.media.length === 0) errors.body = { key: 'documentation.write.errors.empty' };
  const toWholeGroup = post.kind !== 'portfolio';
  for (const medium of post.media) {
    const field = mediumField('media', medium.id);
    if (awaitsTags({ kind: context.mediaKinds.get(medium.id), noChildren: medium.noChildren, tagged: medium.childIds.length })) {
      errors[field] = { key: 'documentation.write.errors.untagged' };
      continue;
    }
    const withoutConsent = medium.childIds.filter((id) => !context.consented.has(id));
    // A portfolio post may show a child without consent only to that child's own family: when it goes to them alone.
    const toThatChildAlone = (id: number) => post.kind === 'portfolio' && post.childIds.length === 1 && post.childIds[0] === id;
    const hidden = medium.childIds.filter((id) => byId.get(id)?.protectedIdentity && !toThatChildAlone(id));
    if (hidden.length) {
      errors[field] = { key: 'documentation.write.errors.protectedTagged', params: { names: hidden.map(nameOf).join(', ') } };
    } else if (toWholeGroup && withoutConsent.length) {
      errors[field] = { key: 'documentation.write.errors.noConsent', params: { names: withoutConsent.map(nameOf).join(', ') } };
    } else if (!toWholeGroup && withoutConsent.some((id) => !toThatChildAlone(id))) {
      const names = withoutConsent.filter((id) => !toThatChildAlone(id)).map(nameOf).join(', ');
      errors[field] = { key: 'documentation.write.errors.portfolioNoConsent', params: { names } };
    }
  }
  // A protected child's name reaches no other family either: only a portfolio post to that child alone may name them.
  const unnamed = context.children.filter((c) => c.protectedIdentity && !(post.kind === 'portfolio' && post.childIds.length === 1 && post.childIds[0] === c.id));
  const texts: [string, string][] = [['title', post.title], ['body', post.body], ['reflection', post.reflection],
    ...post.media.map((m): [string, string] => [mediumField('caption', m.id), m.caption])];
  for (const [field, text] of texts) {
    const named = unnamed.find((c) => names(text, c.firstName) || names(text, c.lastName));
    if (named && !errors[field]) errors[field] = { key: 'documentation.write.errors.protectedNamed', params: { name: named.firstName } };
  }
  return errors;
}

/** Whether `text` holds `name` as a word of its own (any case, also with a genitive s): "Nora" in "Noras teckning", not in "Ellinora". */
export function names(text: string, name: string): boolean {
  const word = name.trim();
  if (!word || !text) return false;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}s?(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

/** The media library's refusal of a file, as the message shown with the file's name. */
export function uploadRefusalKey(error: 'not-media' | 'heic' | 'too-many-pixels' | 'too-large' | 'too-long' | 'empty'): string {
  return `documentation.write.upload.refused.${error === 'too-many-pixels' ? 'tooManyPixels' : error === 'too-large' ? 'tooLarge'
    : error === 'too-long' ? 'tooLong' : error === 'not-media' ? 'notMedia' : error}`;
}

/** An idempotency key as the upload script makes them (a UUID or similar): letters, digits and dashes, at most 64. */
export function uploadKeyOf(raw: string): string | null {
  return /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null;
}
