// The translator fills plain `{{name}}` texts in itself (i18next is slow per call): it must give what i18next gives,
// for every text of every language, and leave everything else (counts, contexts, missing values) to i18next.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import i18next, { type TFunction } from 'i18next';
import { DEFAULT_LANGUAGE, LANGUAGES, readCatalogue, translator } from '../../server/kernel/i18n.ts';

const reference = i18next.createInstance();
await reference.init({
  initAsync: false,
  resources: Object.fromEntries(LANGUAGES.map((l) => [l.code, { translation: readCatalogue(l.code) }])),
  lng: DEFAULT_LANGUAGE.code,
  fallbackLng: DEFAULT_LANGUAGE.code,
  interpolation: { escapeValue: false },
  returnNull: false,
});

function leaves(value: unknown, prefix = ''): [string, string][] {
  if (typeof value === 'string') return [[prefix, value]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const withPlaceholders = leaves(readCatalogue(DEFAULT_LANGUAGE.code))
  .filter(([key, text]) => !PLURAL_SUFFIX.test(key) && /\{\{/.test(text)).map(([key, text]) => ({
    key, names: [...new Set([...text.matchAll(/\{\{([^{}]*)\}\}/g)].map((m) => m[1]))],
  }));

describe('translator', () => {
  it('has texts with placeholders to check', () => {
    assert.ok(withPlaceholders.length > 20, `only ${withPlaceholders.length}`);
  });

  for (const language of LANGUAGES) {
    it(`fills in every ${language.code} text as i18next does`, () => {
      const t = translator(language);
      const expected = reference.getFixedT(language.code) as unknown as TFunction;
      for (const { key, names } of withPlaceholders) {
        const values = Object.fromEntries(names.map((n, i) => [n, i % 2 ? i * 7 : `Värde <${n}> & "${i}" $t(x)`]));
        assert.equal(t(key, values), expected(key, values), key);
        // One value missing: whatever i18next does with it.
        const [first, ...rest] = names;
        if (first !== undefined) {
          const partial = Object.fromEntries(rest.map((n) => [n, 'x']));
          assert.equal(t(key, partial), expected(key, partial), `${key} without ${first}`);
        }
      }
    });
  }

  /** Each plural text's key without its suffix, and the names of its placeholders besides the count. */
  const plurals = new Map<string, Set<string>>();
  for (const [key, text] of leaves(readCatalogue(DEFAULT_LANGUAGE.code)).filter(([k]) => PLURAL_SUFFIX.test(k))) {
    const names = plurals.get(key.replace(PLURAL_SUFFIX, '')) ?? new Set();
    for (const m of text.matchAll(/\{\{([^{}]*)\}\}/g)) if (m[1] !== 'count') names.add(m[1]);
    plurals.set(key.replace(PLURAL_SUFFIX, ''), names);
  }

  for (const language of LANGUAGES) {
    it(`picks every ${language.code} plural text for a count as i18next does`, () => {
      assert.ok(plurals.size > 5, `only ${plurals.size}`);
      const t = translator(language);
      const expected = reference.getFixedT(language.code) as unknown as TFunction;
      for (const [key, names] of plurals) {
        const values = Object.fromEntries([...names].map((n) => [n, `Värde <${n}> & $t(x)`]));
        for (const count of [0, 1, 2, 3, 5, 11, 100, 1.5]) {
          assert.equal(t(key, { ...values, count }), expected(key, { ...values, count }), `${key} with count ${count}`);
        }
      }
    });
  }

  it('leaves counts, missing texts and other options to i18next', () => {
    const t = translator(DEFAULT_LANGUAGE);
    const expected = reference.getFixedT(DEFAULT_LANGUAGE.code) as unknown as TFunction;
    const plural = leaves(readCatalogue(DEFAULT_LANGUAGE.code)).find(([key]) => key.endsWith('_one'))![0].replace(/_one$/, '');
    for (const count of [0, 1, 2, 5]) assert.equal(t(plural, { count }), expected(plural, { count }));
    assert.equal(t('no.such.key', { name: 'x' }), expected('no.such.key', { name: 'x' }));
    assert.equal(t('no.such.key', { defaultValue: 'Standard' }), expected('no.such.key', { defaultValue: 'Standard' }));
  });
});
