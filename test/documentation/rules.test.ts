// The rules of writing and publishing a post, asked on their own: the form's lengths and children, and who may be
// shown where (consent, protected identity, a portfolio to one family or several).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  awaitsTags, MAX_BODY, MAX_CAPTION, MAX_REFLECTION, MAX_TITLE, names, parsePostForm, POST_KINDS, publishRefusals, uploadKeyOf, uploadRefusalKey,
  type ChildOfGroup, type FormReader, type PostForm,
} from '../../server/documentation/rules.ts';

const ELSA = 1;
const NORA = 2; // protected identity
const ALVA = 3;
const IDA = 4; // protected identity
const CHILDREN: ChildOfGroup[] = [
  { id: ELSA, firstName: 'Elsa', lastName: 'Andersson', protectedIdentity: false },
  { id: NORA, firstName: 'Nora', lastName: 'Haddad', protectedIdentity: true },
  { id: ALVA, firstName: 'Alva', lastName: 'Berg', protectedIdentity: false },
  { id: IDA, firstName: 'Ida', lastName: 'Lund', protectedIdentity: true },
];

function form(fields: Record<string, string | string[]>): FormReader {
  return {
    one: (name) => { const v = fields[name]; return typeof v === 'string' ? v : ''; },
    all: (name) => [fields[name] ?? []].flat(),
  };
}

const post = (over: Partial<PostForm>): PostForm => ({ kind: 'group', title: 'Lek', body: 'Text', reflection: '', childIds: [], media: [], ...over });
const photo = (id: number, childIds: number[], noChildren = false) => ({ id, caption: '', noChildren, childIds });
const IMAGES = new Map([[10, 'image' as const], [11, 'image' as const], [12, 'audio' as const]]);

describe('parsePostForm', () => {
  it('reads a portfolio post with its children and each photo\'s caption and children', () => {
    const parsed = parsePostForm(form({ kind: 'portfolio', title: ' Skogen ', body: 'b', reflection: 'r', children: ['1', '3', '1'],
      'caption-10': 'Elsa klättrar', 'children-10': ['1'], 'nochildren-11': 'yes' }), { mediaIds: [10, 11], children: CHILDREN });
    assert.deepEqual(parsed, { ok: true, value: { kind: 'portfolio', title: 'Skogen', body: 'b', reflection: 'r', childIds: [1, 3],
      media: [{ id: 10, caption: 'Elsa klättrar', noChildren: false, childIds: [1] }, { id: 11, caption: '', noChildren: true, childIds: [] }] } });
  });

  it('refuses an unknown kind, a missing title, a caption over the limit, a child not in the group, children and "none" at once', () => {
    const parsed = parsePostForm(form({ kind: 'news', title: '', 'caption-10': 'x'.repeat(MAX_CAPTION + 1), 'children-10': ['99'],
      'children-11': ['1'], 'nochildren-11': 'yes' }), { mediaIds: [10, 11], children: CHILDREN });
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.deepEqual(Object.keys(parsed.errors).sort(), ['caption-10', 'kind', 'media-10', 'media-11', 'title']);
    assert.equal(parsed.errors['media-10'].key, 'documentation.write.errors.notInGroup');
    assert.equal(parsed.errors['media-11'].key, 'documentation.write.errors.childrenAndNone');
  });

  it('takes each kind of post, and a title, text, reflection and caption trimmed and up to their limits', () => {
    for (const kind of POST_KINDS) {
      const parsed = parsePostForm(form({ kind, title: 'T', children: ['1'] }), { mediaIds: [], children: CHILDREN });
      assert.equal(parsed.ok && parsed.value.kind, kind);
    }
    assert.deepEqual([...POST_KINDS].sort(), ['blog', 'group', 'portfolio']);
    const full = parsePostForm(form({ kind: 'group', title: ` ${'t'.repeat(MAX_TITLE)} `, body: ` ${'b'.repeat(MAX_BODY)} `,
      reflection: ` ${'r'.repeat(MAX_REFLECTION)} `, 'caption-10': ` ${'c'.repeat(MAX_CAPTION)} ` }), { mediaIds: [10], children: CHILDREN });
    assert.ok(full.ok, 'each at its limit');
    assert.deepEqual([full.value.title.length, full.value.body.length, full.value.reflection.length, full.value.media[0].caption.length],
      [MAX_TITLE, MAX_BODY, MAX_REFLECTION, MAX_CAPTION], 'trimmed');
    const over = parsePostForm(form({ kind: 'group', title: 't'.repeat(MAX_TITLE + 1), body: 'b'.repeat(MAX_BODY + 1),
      reflection: 'r'.repeat(MAX_REFLECTION + 1), 'caption-10': 'c'.repeat(MAX_CAPTION + 1) }), { mediaIds: [10], children: CHILDREN });
    assert.deepEqual(over, { ok: false, errors: {
      title: { key: 'documentation.write.errors.tooLong', params: { max: MAX_TITLE } },
      body: { key: 'documentation.write.errors.tooLong', params: { max: MAX_BODY } },
      reflection: { key: 'documentation.write.errors.tooLong', params: { max: MAX_REFLECTION } },
      'caption-10': { key: 'documentation.write.errors.tooLong', params: { max: MAX_CAPTION } },
    } });
  });

  it('refuses a missing kind or title with their own messages, even when the rest is right', () => {
    assert.deepEqual(parsePostForm(form({ kind: 'group', title: '  ' }), { mediaIds: [], children: CHILDREN }),
      { ok: false, errors: { title: { key: 'documentation.write.errors.titleMissing' } } });
    assert.deepEqual(parsePostForm(form({ title: 'T' }), { mediaIds: [], children: CHILDREN }),
      { ok: false, errors: { kind: { key: 'documentation.write.errors.kind' } } });
  });

  it('needs a portfolio post\'s children, each of the group; a tag only of the group; ids only as plain numbers', () => {
    const parse = (fields: Record<string, string | string[]>) => parsePostForm(form({ kind: 'portfolio', title: 'T', ...fields }), { mediaIds: [10], children: CHILDREN });
    assert.deepEqual(parse({}), { ok: false, errors: { children: { key: 'documentation.write.errors.noChildren' } } });
    assert.deepEqual(parse({ children: ['1', '99'] }), { ok: false, errors: { children: { key: 'documentation.write.errors.notInGroup' } } });
    assert.deepEqual(parse({ children: ['1'], 'children-10': ['3', '99'] }), { ok: false, errors: { 'media-10': { key: 'documentation.write.errors.notInGroup' } } });
    const junk = parse({ children: ['1', 'x', '0', '-3', 'a3', '3a', '01', '1e1'], 'children-10': ['3', ' 1'] });
    assert.ok(junk.ok);
    assert.deepEqual([junk.value.childIds, junk.value.media[0].childIds], [[1], [3]]);
  });

  it('ignores the children of a post to the whole group (only a portfolio goes to chosen children)', () => {
    const parsed = parsePostForm(form({ kind: 'blog', title: 'T', children: ['1'] }), { mediaIds: [], children: CHILDREN });
    assert.ok(parsed.ok && parsed.value.childIds.length === 0);
  });
});

describe('publishRefusals', () => {
  const context = (consented: number[]) => ({ children: CHILDREN, consented: new Set(consented), mediaKinds: IMAGES });

  it('allows a group post whose photos carry consented children or "no children"; a sound clip needs neither', () => {
    assert.deepEqual(publishRefusals(post({ media: [photo(10, [ELSA]), photo(11, [], true), photo(12, [])] }), context([ELSA])), {});
  });

  it('tells a photo or video that waits for its children from one that does not (a sound clip never waits)', () => {
    assert.equal(awaitsTags({ kind: 'image', noChildren: false, tagged: 0 }), true);
    assert.equal(awaitsTags({ kind: 'video', noChildren: false, tagged: 0 }), true);
    assert.equal(awaitsTags({ kind: undefined, noChildren: false, tagged: 0 }), true, 'a medium of no known kind is asked about too');
    assert.equal(awaitsTags({ kind: 'image', noChildren: true, tagged: 0 }), false);
    assert.equal(awaitsTags({ kind: 'image', noChildren: false, tagged: 1 }), false);
    assert.equal(awaitsTags({ kind: 'audio', noChildren: false, tagged: 0 }), false);
  });

  it('refuses a post without text or media, and a photo without its children', () => {
    assert.equal(publishRefusals(post({ body: '' }), context([])).body?.key, 'documentation.write.errors.empty');
    assert.equal(publishRefusals(post({ media: [photo(10, [])] }), context([]))['media-10']?.key, 'documentation.write.errors.untagged');
  });

  it('refuses a child without consent in a group or blog post, naming the child', () => {
    for (const kind of ['group', 'blog'] as const) {
      const refused = publishRefusals(post({ kind, media: [photo(10, [ELSA, ALVA])] }), context([ELSA]));
      assert.deepEqual(refused['media-10'], { key: 'documentation.write.errors.noConsent', params: { names: 'Alva' } });
    }
    assert.deepEqual(publishRefusals(post({ media: [photo(10, [ALVA, ELSA])] }), context([]))['media-10'],
      { key: 'documentation.write.errors.noConsent', params: { names: 'Alva, Elsa' } });
  });

  it('names nobody for a tagged child it does not know (not of the group), and still refuses it without consent', () => {
    assert.deepEqual(publishRefusals(post({ media: [photo(10, [99])] }), context([]))['media-10'],
      { key: 'documentation.write.errors.noConsent', params: { names: '' } });
    assert.deepEqual(publishRefusals(post({ media: [photo(10, [99])] }), context([99])), {}, 'with consent: not protected');
  });

  it('refuses a child with protected identity in a group post even with every yes, and her name in its texts', () => {
    assert.deepEqual(publishRefusals(post({ media: [photo(10, [ELSA, NORA])] }), context([ELSA, NORA]))['media-10'],
      { key: 'documentation.write.errors.protectedTagged', params: { names: 'Nora' } });
    assert.deepEqual(publishRefusals(post({ body: 'Vi lekte med Nora.' }), context([])).body,
      { key: 'documentation.write.errors.protectedNamed', params: { name: 'Nora' } });
    assert.deepEqual(publishRefusals(post({ body: '', media: [photo(10, [])] }), context([])).body, undefined, 'a post of only a photo has content');
    assert.deepEqual(publishRefusals(post({ media: [photo(10, [NORA, ELSA, IDA])] }), context([ELSA, NORA, IDA]))['media-10'],
      { key: 'documentation.write.errors.protectedTagged', params: { names: 'Nora, Ida' } }, 'each of them named');
    assert.deepEqual(publishRefusals(post({ kind: 'group', childIds: [NORA], media: [photo(10, [NORA])] }), context([NORA]))['media-10']?.key,
      'documentation.write.errors.protectedTagged', 'a group post never goes to her alone, whatever children it carries');
    const both = publishRefusals(post({ body: '', title: 'Nora' }), context([]));
    assert.deepEqual(both.body, { key: 'documentation.write.errors.empty' }, 'the first refusal at a field stays');
    assert.equal(publishRefusals(post({ title: 'Nora och Elsa' }), context([])).title?.key, 'documentation.write.errors.protectedNamed');
    assert.equal(publishRefusals(post({ reflection: 'Haddad-familjen' }), context([])).reflection?.key, 'documentation.write.errors.protectedNamed');
    assert.equal(publishRefusals(post({ media: [{ ...photo(10, [], true), caption: 'noras bygge' }] }), context([]))['caption-10']?.key,
      'documentation.write.errors.protectedNamed');
    assert.deepEqual(publishRefusals(post({ body: 'Ellinora och Elsa' }), context([])), {}, 'a name inside another word is not the name');
  });

  it('lets a portfolio post to one child show that child without consent; to several families only consented children', () => {
    assert.deepEqual(publishRefusals(post({ kind: 'portfolio', childIds: [ALVA], media: [photo(10, [ALVA])] }), context([])), {});
    assert.deepEqual(publishRefusals(post({ kind: 'portfolio', childIds: [NORA], media: [photo(10, [NORA])], body: 'Nora' }), context([])), {},
      'her own portfolio may show and name her');
    assert.equal(publishRefusals(post({ kind: 'portfolio', childIds: [ELSA], body: 'Elsa och Nora byggde' }), context([])).body?.key,
      'documentation.write.errors.protectedNamed', 'another family\'s portfolio may not name her');
    assert.equal(publishRefusals(post({ kind: 'portfolio', childIds: [NORA, ELSA], body: 'Nora byggde' }), context([])).body?.key,
      'documentation.write.errors.protectedNamed', 'nor one that goes to her and another family');
    assert.equal(publishRefusals(post({ kind: 'portfolio', childIds: [NORA, ELSA], media: [photo(10, [NORA])] }), context([NORA]))['media-10']?.key,
      'documentation.write.errors.protectedTagged', 'a photo of her to another family too');
    const refused = publishRefusals(post({ kind: 'portfolio', childIds: [ALVA, ELSA], media: [photo(10, [ALVA, ELSA])] }), context([ELSA]));
    assert.deepEqual(refused['media-10'], { key: 'documentation.write.errors.portfolioNoConsent', params: { names: 'Alva' } });
    const alone = publishRefusals(post({ kind: 'portfolio', childIds: [ALVA], media: [photo(10, [ALVA, ELSA])] }), context([]));
    assert.deepEqual(alone['media-10'], { key: 'documentation.write.errors.portfolioNoConsent', params: { names: 'Elsa' } },
      'the child the post goes to alone is not named among those without consent');
    assert.deepEqual(publishRefusals(post({ kind: 'blog', childIds: [ALVA], media: [photo(10, [ALVA])] }), context([]))['media-10']?.key,
      'documentation.write.errors.noConsent', 'only a portfolio post goes to a child alone');
    assert.deepEqual(publishRefusals(post({ kind: 'group', childIds: [NORA], body: 'Nora' }), context([])).body?.key,
      'documentation.write.errors.protectedNamed', 'only a portfolio post may name her');
    assert.deepEqual(publishRefusals(post({ kind: 'portfolio', childIds: [NORA], media: [photo(10, [ALVA, ELSA])] }), context([]))['media-10'],
      { key: 'documentation.write.errors.portfolioNoConsent', params: { names: 'Alva, Elsa' } });
    const other = publishRefusals(post({ kind: 'portfolio', childIds: [ELSA], media: [photo(10, [ALVA])] }), context([]));
    assert.equal(other['media-10']?.key, 'documentation.write.errors.portfolioNoConsent', 'a child the post does not go to needs consent');
  });
});

describe('names and upload keys', () => {
  it('finds a name as a word of its own, any case, with a genitive s', () => {
    assert.ok(names('I dag lekte NORA', 'Nora'));
    assert.ok(names('Noras teckning', 'Nora'));
    assert.ok(!names('Ellinora', 'Nora'));
    assert.ok(!names('Norah', 'Nora'));
    assert.ok(!names('', 'Nora'));
    assert.ok(!names('Nora', ''), 'no name is never found');
    assert.ok(!names('Nora', '  '));
    assert.ok(!names('Elsa, Alva', ''), 'not even between two words');
    assert.ok(!names('Elsa, Alva', ' '));
    assert.ok(names('Hej Nora', ' Nora '), 'the name trimmed');
    assert.ok(names('Hej A.b!', 'A.b'), 'a dot in a name is a dot');
    assert.ok(!names('Hej Axb', 'A.b'));
  });

  it('names the refusal of each kind of file', () => {
    const keys = (['not-media', 'heic', 'too-many-pixels', 'too-large', 'too-long', 'empty'] as const).map(uploadRefusalKey);
    assert.deepEqual(keys, ['notMedia', 'heic', 'tooManyPixels', 'tooLarge', 'tooLong', 'empty'].map((k) => `documentation.write.upload.refused.${k}`));
  });

  it('takes an upload key of letters, digits and dashes only', () => {
    assert.equal(uploadKeyOf('3f1c2a9e-7b7d-4c1e-9a55-0c3a1b2d4e5f'), '3f1c2a9e-7b7d-4c1e-9a55-0c3a1b2d4e5f');
    assert.equal(uploadKeyOf('short'), null);
    assert.equal(uploadKeyOf('<script>alert(1)</script>'), null);
    assert.equal(uploadKeyOf('<b>abcdefgh'), null, 'from its first character');
    assert.equal(uploadKeyOf('abcdefgh<b>'), null, 'to its last');
    assert.equal(uploadKeyOf('a'.repeat(64)), 'a'.repeat(64));
    assert.equal(uploadKeyOf('a'.repeat(65)), null);
  });
});
