// The rules of writing and publishing a post, asked on their own: the form's lengths and children, and who may be
// shown where (consent, protected identity, a portfolio to one family or several).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_CAPTION, names, parsePostForm, publishRefusals, uploadKeyOf, type ChildOfGroup, type FormReader, type PostForm,
} from '../../server/documentation/rules.ts';

const ELSA = 1;
const NORA = 2; // protected identity
const ALVA = 3;
const CHILDREN: ChildOfGroup[] = [
  { id: ELSA, firstName: 'Elsa', lastName: 'Andersson', protectedIdentity: false },
  { id: NORA, firstName: 'Nora', lastName: 'Haddad', protectedIdentity: true },
  { id: ALVA, firstName: 'Alva', lastName: 'Berg', protectedIdentity: false },
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

  it('refuses a post without text or media, and a photo without its children', () => {
    assert.equal(publishRefusals(post({ body: '' }), context([])).body?.key, 'documentation.write.errors.empty');
    assert.equal(publishRefusals(post({ media: [photo(10, [])] }), context([]))['media-10']?.key, 'documentation.write.errors.untagged');
  });

  it('refuses a child without consent in a group or blog post, naming the child', () => {
    for (const kind of ['group', 'blog'] as const) {
      const refused = publishRefusals(post({ kind, media: [photo(10, [ELSA, ALVA])] }), context([ELSA]));
      assert.deepEqual(refused['media-10'], { key: 'documentation.write.errors.noConsent', params: { names: 'Alva' } });
    }
  });

  it('refuses a child with protected identity in a group post even with every yes, and her name in its texts', () => {
    assert.equal(publishRefusals(post({ media: [photo(10, [NORA])] }), context([NORA]))['media-10']?.key, 'documentation.write.errors.protectedTagged');
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
  });

  it('takes an upload key of letters, digits and dashes only', () => {
    assert.equal(uploadKeyOf('3f1c2a9e-7b7d-4c1e-9a55-0c3a1b2d4e5f'), '3f1c2a9e-7b7d-4c1e-9a55-0c3a1b2d4e5f');
    assert.equal(uploadKeyOf('short'), null);
    assert.equal(uploadKeyOf('<script>alert(1)</script>'), null);
  });
});
