// The translation catalogue: every language holds exactly the keys Swedish has, with the plural forms it needs and the
// same {{variables}}; every key the views and the server name exists; and no view writes user-visible text of its own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { LANGUAGES, LOCALES_DIR } from '../../server/kernel/i18n.ts';
import { actions } from '../../server/kernel/actions.ts';
import { migrateToLatest, openDatabase } from '../../server/kernel/db.ts';
import { VIEWS_DIR } from '../../server/kernel/views.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER_DIR = path.join(ROOT, 'server');

// ---------------------------------------------------------------------------------------------------------------------
// The catalogues, flattened to "a.b.c" keys; i18next plural forms ("x_one", "x_other"...) are grouped under "x".

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

interface Catalogue {
  code: string;
  /** Every leaf, by its full key (plural forms under their own suffixed key). */
  leaves: Map<string, unknown>;
  /** Keys that are not plural forms. */
  plain: Set<string>;
  /** Plural bases and the forms each has. */
  plurals: Map<string, Set<string>>;
  /** Keys that name an object (a namespace or a group of keys). */
  objects: Set<string>;
}

function readJson(code: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, `${code}.json`), 'utf8'));
}

function catalogue(code: string, json: unknown = readJson(code)): Catalogue {
  const c: Catalogue = { code, leaves: new Map(), plain: new Set(), plurals: new Map(), objects: new Set() };
  const walk = (node: unknown, prefix: string) => {
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
      if (prefix) c.objects.add(prefix);
      for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k);
      return;
    }
    c.leaves.set(prefix, node);
    const plural = prefix.match(PLURAL_SUFFIX);
    if (plural) {
      const base = prefix.slice(0, -plural[0].length);
      if (!c.plurals.has(base)) c.plurals.set(base, new Set());
      c.plurals.get(base)!.add(plural[1]);
    } else {
      c.plain.add(prefix);
    }
  };
  walk(json, '');
  return c;
}

/** The keys `t()` can be called with: plain keys and plural bases. */
function translatable(c: Catalogue): Set<string> {
  return new Set([...c.plain, ...c.plurals.keys()]);
}

function pluralCategories(code: string): string[] {
  return new Intl.PluralRules(code).resolvedOptions().pluralCategories;
}

function variables(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([^}\s,]+)[^}]*\}\}/g)].map((m) => m[1]))].sort();
}

/** Problems of one catalogue on its own: non-text leaves and plural keys without every form the language uses. */
function ownProblems(c: Catalogue): string[] {
  const problems: string[] = [];
  for (const [key, value] of c.leaves) {
    if (typeof value !== 'string' || value.trim() === '') problems.push(`${c.code}.json: "${key}" is not a non-empty text`);
  }
  const needed = pluralCategories(c.code);
  for (const [base, forms] of c.plurals) {
    const missing = needed.filter((f) => !forms.has(f));
    if (missing.length) problems.push(`${c.code}.json: "${base}" lacks the plural form(s) ${missing.map((f) => `${base}_${f}`).join(', ')}`);
    if (c.plain.has(base)) problems.push(`${c.code}.json: "${base}" is both a text and a plural`);
  }
  return problems;
}

/** Keys of `from` that `to` lacks (a plural in one and a plain text in the other count as missing). */
function missingIn(from: Catalogue, to: Catalogue): string[] {
  const missing: string[] = [];
  for (const key of from.plain) if (!to.plain.has(key)) missing.push(key);
  for (const base of from.plurals.keys()) if (!to.plurals.has(base)) missing.push(`${base} (plural)`);
  return missing.sort();
}

/** Interpolation variables that differ between a translation and the Swedish text. */
function variableMismatches(c: Catalogue, sv: Catalogue): string[] {
  const problems: string[] = [];
  const svText = (key: string): string | undefined => {
    const plural = key.match(PLURAL_SUFFIX);
    const value = sv.leaves.get(key) ?? (plural ? sv.leaves.get(`${key.slice(0, -plural[0].length)}_other`) : undefined);
    return typeof value === 'string' ? value : undefined;
  };
  for (const [key, value] of c.leaves) {
    const original = svText(key);
    if (typeof value !== 'string' || original === undefined) continue;
    const mine = variables(value).filter((v) => v !== 'count');
    const theirs = variables(original).filter((v) => v !== 'count');
    if (mine.join() !== theirs.join()) {
      problems.push(`${c.code}.json: "${key}" uses {{${mine.join('}}, {{')}}} where sv.json uses {{${theirs.join('}}, {{')}}}`);
    }
  }
  return problems;
}

const sv = catalogue('sv');
const catalogues = LANGUAGES.map((l) => catalogue(l.code));
const translations = catalogues.filter((c) => c.code !== sv.code);

describe('the translation catalogues', () => {
  it('has a catalogue for every language offered, and nothing else', () => {
    const files = fs.readdirSync(LOCALES_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    assert.deepEqual(files, LANGUAGES.map((l) => l.code).sort());
  });

  it('offers Swedish, English, Arabic, Somali, Persian and Dari', () => {
    assert.deepEqual(LANGUAGES.map((l) => l.code), ['sv', 'en', 'ar', 'so', 'fa', 'prs']);
  });

  for (const c of translations) {
    it(`has every Swedish key in ${c.code}.json, and no key Swedish lacks`, () => {
      assert.ok(sv.plain.size > 0, 'sv.json has keys');
      assert.deepEqual(missingIn(sv, c), [], `keys in sv.json missing from ${c.code}.json`);
      assert.deepEqual(missingIn(c, sv), [], `keys in ${c.code}.json that sv.json does not have`);
    });
  }

  it('holds only non-empty texts, with every plural form each language needs', () => {
    assert.deepEqual(catalogues.flatMap(ownProblems), []);
  });

  it('uses the same {{variables}} in every language', () => {
    assert.deepEqual(translations.flatMap((c) => variableMismatches(c, sv)), []);
  });

  it('checks what it says it checks', () => {
    const a = catalogue('sv', { x: { one: 'Ett', n_one: '{{count}} barn', n_other: '{{count}} barn', v: 'Hej {{name}}' } });
    const b = catalogue('en', { x: { one: 'One', two: 'Two', n_one: '{{count}} child', v: 'Hi {{who}}', e: '' } });
    const c = catalogue('ar', { x: { n_one: 'a', n_other: 'b' } });
    assert.deepEqual(missingIn(b, a), ['x.e', 'x.two']);
    assert.deepEqual(missingIn(a, b), []);
    assert.deepEqual(ownProblems(b), ['en.json: "x.e" is not a non-empty text', 'en.json: "x.n" lacks the plural form(s) x.n_other']);
    const arabic = pluralCategories('ar').filter((f) => f !== 'one' && f !== 'other').map((f) => `x.n_${f}`).join(', ');
    assert.deepEqual(ownProblems(c), [`ar.json: "x.n" lacks the plural form(s) ${arabic}`]);
    assert.equal(arabic.split(', ').length, 4, 'Arabic has six plural forms');
    // Dari's code is no locale of its own to Intl: its plural rules must still be found (Persian's: one, other).
    assert.deepEqual(ownProblems(catalogue('prs', { x: { n_other: 'b' } })), ['prs.json: "x.n" lacks the plural form(s) x.n_one']);
    assert.deepEqual(variableMismatches(b, a), ['en.json: "x.v" uses {{who}} where sv.json uses {{name}}']);
    assert.deepEqual([...translatable(a)].sort(), ['x.n', 'x.one', 'x.v']);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// A small JavaScript/TypeScript lexer: enough to find string literals and t(...) calls without being fooled by
// comments, regular expressions or apostrophes in them.

type Token =
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'template'; quasis: string[]; subs: Token[][]; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'punct'; value: string; pos: number }
  | { kind: 'other'; pos: number };

const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

function lex(src: string, base = 0): Token[] {
  let i = 0;
  const tokens = lexUntil(false);
  return tokens;

  function lexUntil(closeBrace: boolean): Token[] {
    const out: Token[] = [];
    let depth = 0;
    while (i < src.length) {
      const ch = src[i];
      const start = i;
      if (/\s/.test(ch)) { i++; continue; }
      if (ch === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
      if (ch === '/' && src[i + 1] === '*') { const end = src.indexOf('*/', i + 2); i = end < 0 ? src.length : end + 2; continue; }
      if (ch === '\'' || ch === '"') { out.push({ kind: 'string', value: readString(ch), pos: base + start }); continue; }
      if (ch === '`') { out.push(readTemplate(start)); continue; }
      if (/[A-Za-z_$\u0080-\uffff]/.test(ch)) {
        while (i < src.length && /[\w$\u0080-\uffff]/.test(src[i])) i++;
        out.push({ kind: 'ident', value: src.slice(start, i), pos: base + start });
        continue;
      }
      if (/\d/.test(ch)) { while (i < src.length && /[\w.]/.test(src[i])) i++; out.push({ kind: 'other', pos: base + start }); continue; }
      if (ch === '/' && regexAllowed(out[out.length - 1])) { readRegex(); out.push({ kind: 'other', pos: base + start }); continue; }
      if (closeBrace && ch === '}' && depth === 0) { i++; return out; }
      if (ch === '{') depth++;
      if (ch === '}') depth--;
      out.push({ kind: 'punct', value: ch, pos: base + start });
      i++;
    }
    return out;
  }

  function regexAllowed(previous: Token | undefined): boolean {
    if (!previous) return true;
    if (previous.kind === 'punct') return !')]}'.includes(previous.value);
    if (previous.kind === 'ident') return REGEX_AFTER_WORD.has(previous.value);
    return false;
  }

  function readString(quote: string): string {
    let value = '';
    i++;
    while (i < src.length && src[i] !== quote) {
      if (src[i] === '\\') { value += escapedChar(src[i + 1]); i += 2; continue; }
      if (src[i] === '\n') break; // unterminated: stop at the line's end
      value += src[i++];
    }
    i++;
    return value;
  }

  function readTemplate(start: number): Token {
    const quasis: string[] = [];
    const subs: Token[][] = [];
    let value = '';
    i++;
    while (i < src.length && src[i] !== '`') {
      if (src[i] === '\\') { value += escapedChar(src[i + 1]); i += 2; continue; }
      if (src[i] === '$' && src[i + 1] === '{') {
        quasis.push(value);
        value = '';
        i += 2;
        subs.push(lexUntil(true));
        continue;
      }
      value += src[i++];
    }
    i++;
    quasis.push(value);
    return { kind: 'template', quasis, subs, pos: base + start };
  }

  function readRegex(): void {
    i++;
    let inClass = false;
    while (i < src.length && src[i] !== '\n') {
      if (src[i] === '\\') { i += 2; continue; }
      if (src[i] === '[') inClass = true;
      else if (src[i] === ']') inClass = false;
      else if (src[i] === '/' && !inClass) { i++; break; }
      i++;
    }
    while (i < src.length && /[a-z]/.test(src[i])) i++;
  }
}

function escapedChar(ch: string | undefined): string {
  return ch === 'n' ? '\n' : ch === 't' ? '\t' : ch ?? '';
}

/** A key as written in code: literal text with WILDCARD where a run-time value goes. */
const WILDCARD = '\u0000';
const KEY_SHAPE = /^[A-Za-z][\w-]*(\.[\w-]+)*$/;

interface KeyUse { key: string; where: string }

/** The first arguments of t(...) calls that are (partly) literal keys, at any depth (inside `${}` too). */
function tCallKeys(tokens: Token[]): { key: string; pos: number }[] {
  const found: { key: string; pos: number }[] = [];
  tokens.forEach((token, n) => {
    if (token.kind === 'template') for (const sub of token.subs) found.push(...tCallKeys(sub));
    const previous = tokens[n - 1];
    if (token.kind !== 'ident' || token.value !== 't') return;
    if (tokens[n + 1]?.kind !== 'punct' || (tokens[n + 1] as { value: string }).value !== '(') return;
    if (previous?.kind === 'ident' && previous.value === 'function') return;
    // The first argument, split at top-level "+".
    const parts: Token[][] = [[]];
    let depth = 0;
    for (let m = n + 2; m < tokens.length; m++) {
      const t = tokens[m];
      if (t.kind === 'punct') {
        if ('([{'.includes(t.value)) depth++;
        if (')]}'.includes(t.value)) { if (depth === 0) break; depth--; }
        if (t.value === ',' && depth === 0) break;
        if (t.value === '+' && depth === 0) { parts.push([]); continue; }
      }
      parts[parts.length - 1].push(t);
    }
    const key = parts.map(literalOrWildcard).join('');
    if (key.replaceAll(WILDCARD, '') === '') return; // wholly dynamic: t(key), t(it.flash)
    if (!KEY_SHAPE.test(key.replaceAll(WILDCARD, 'x'))) return;
    found.push({ key, pos: token.pos });
  });
  return found;
}

function literalOrWildcard(part: Token[]): string {
  const [only] = part;
  if (part.length === 1 && only.kind === 'string') return only.value;
  if (part.length === 1 && only.kind === 'template') return only.quasis.join(WILDCARD);
  return WILDCARD;
}

/** Whether a key (possibly with wildcards) names something in the catalogue; the reason when it does not. */
function keyProblem(key: string, c: Catalogue): string | undefined {
  const keys = translatable(c);
  if (!key.includes(WILDCARD)) {
    if (keys.has(key)) return undefined;
    return c.objects.has(key) ? 'names a group of texts, not a text' : 'is not in sv.json';
  }
  const prefix = key.slice(0, key.indexOf(WILDCARD));
  if (prefix.endsWith('.') && !c.objects.has(prefix.slice(0, -1))) return `has the prefix "${prefix}", which is no group in sv.json`;
  const pattern = new RegExp(`^${key.split(WILDCARD).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
  return [...keys].some((k) => pattern.test(k)) ? undefined : 'matches no text in sv.json';
}

function show(key: string): string {
  return key.replaceAll(WILDCARD, '…');
}

function lineOf(text: string, pos: number): number {
  return text.slice(0, pos).split('\n').length;
}

function listFiles(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full, extension);
    return entry.name.endsWith(extension) ? [full] : [];
  }).sort();
}

const ETA_TAG = /<%[\s\S]*?%>/g;

/** Key uses in a view: the t(...) calls in its Eta tags. */
function viewKeys(file: string, text: string): KeyUse[] {
  return [...text.matchAll(ETA_TAG)].flatMap((tag) => {
    const code = tag[0].slice(2, -2).replace(/^[=~\-_]/, '').replace(/[-_]$/, '');
    return tCallKeys(lex(code, tag.index + 2)).map(({ key, pos }) => ({ key, where: `${file}:${lineOf(text, pos)}` }));
  });
}

/** Names that look like keys in server code but are not: action names, and kysely's "table.column" references. */
async function notKeys(): Promise<Set<string>> {
  const names = new Set<string>(Object.keys(actions));
  const connection = openDatabase(':memory:');
  try {
    await migrateToLatest(connection.db);
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(connection.db);
    for (const { name } of tables.rows) {
      const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(connection.db);
      for (const column of columns.rows) names.add(`${name}.${column.name}`);
    }
  } finally {
    await connection.close();
  }
  return names;
}

/** Key uses in server code: t(...) calls, and every string literal shaped like a key of one of the catalogue's namespaces. */
function serverKeys(file: string, text: string, namespaces: string[], excluded: Set<string>): KeyUse[] {
  const tokens = lex(text);
  const where = (pos: number) => `${file}:${lineOf(text, pos)}`;
  const uses: KeyUse[] = tCallKeys(tokens).map(({ key, pos }) => ({ key, where: where(pos) }));
  const ns = namespaces.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const full = new RegExp(`^(${ns})(\\.[\\w-]+)+$`);
  const prefix = new RegExp(`^(${ns})(\\.[\\w-]+)*\\.$`);
  const visit = (list: Token[]) => list.forEach((token, n) => {
    if (token.kind === 'template') {
      token.subs.forEach(visit);
      if (token.quasis.length === 1 && full.test(token.quasis[0]) && !excluded.has(token.quasis[0])) {
        uses.push({ key: token.quasis[0], where: where(token.pos) });
      } else if (token.quasis.length > 1 && prefix.test(token.quasis[0])) {
        uses.push({ key: token.quasis.join(WILDCARD), where: where(token.pos) });
      }
    }
    if (token.kind !== 'string') return;
    const [call, name] = [list[n - 1], list[n - 2]];
    if (call?.kind === 'punct' && call.value === '(' && name?.kind === 'ident' && name.value === 'jobKind') return; // a job's kind
    const next = list[n + 1];
    if (full.test(token.value) && !excluded.has(token.value)) uses.push({ key: token.value, where: where(token.pos) });
    else if (prefix.test(token.value) && next?.kind === 'punct' && next.value === '+') uses.push({ key: `${token.value}${WILDCARD}`, where: where(token.pos) });
  });
  visit(tokens);
  return uses;
}

describe('the keys the code uses', () => {
  const views = listFiles(VIEWS_DIR, '.eta');
  const serverFiles = listFiles(SERVER_DIR, '.ts');

  it('finds every t(...) key of the views in sv.json', () => {
    const uses = views.flatMap((file) => viewKeys(path.relative(ROOT, file), fs.readFileSync(file, 'utf8')));
    assert.ok(uses.length > 0, 'the views use keys');
    const problems = uses.flatMap((u) => {
      const problem = keyProblem(u.key, sv);
      return problem ? [`${u.where}: "${show(u.key)}" ${problem}`] : [];
    });
    assert.deepEqual([...new Set(problems)], []);
  });

  it('finds every key named in server code in sv.json', async () => {
    const excluded = await notKeys();
    const namespaces = [...sv.objects].filter((k) => !k.includes('.'));
    const uses = serverFiles.flatMap((file) => serverKeys(path.relative(ROOT, file), fs.readFileSync(file, 'utf8'), namespaces, excluded));
    assert.ok(uses.length > 0, 'the server names keys');
    const problems = uses.flatMap((u) => {
      const problem = keyProblem(u.key, sv);
      return problem ? [`${u.where}: "${show(u.key)}" ${problem}`] : [];
    });
    assert.deepEqual([...new Set(problems)], []);
  });

  it('checks what it says it checks', () => {
    const c = catalogue('sv', { a: { b: 'B', n_one: '1', n_other: 'n', kind: { x: 'X' }, box: { y: { title: 'T' } } } });
    const code = `
      // it's a comment with t('not.a.key') in it
      const r = /it's a regex t\\('no'\\)/g; const s = a / b / c;
      it.t('a.b'); t("a.n", { count }); req.t(\`a.kind.\${k}\`); it.t('a.kind.' + k);
      it.t('a.box.' + b + '.title'); t(key); t('a.missing'); t('a.kind'); t('a.none.' + x);
      const msg = \`x \${t('a.c')}\`; function t(k) {}`;
    const found = tCallKeys(lex(code)).map((f) => show(f.key));
    assert.deepEqual(found, ['a.b', 'a.n', 'a.kind.…', 'a.kind.…', 'a.box.….title', 'a.missing', 'a.kind', 'a.none.…', 'a.c']);
    assert.deepEqual(tCallKeys(lex(code)).map((f) => keyProblem(f.key, c)), [
      undefined, undefined, undefined, undefined, undefined, 'is not in sv.json', 'names a group of texts, not a text',
      'has the prefix "a.none.", which is no group in sv.json', 'is not in sv.json',
    ]);
    const server = serverKeys('x.ts', `const e = { form: 'a.b' }; const f = 'a.wrong'; route('a.read'); db.select('a.id'); g('a.kind.' + k); jobKind('a.job');`,
      ['a'], new Set(['a.read', 'a.id']));
    assert.deepEqual(server.map((u) => `${show(u.key)} ${keyProblem(u.key, c) ?? 'ok'}`), ['a.b ok', 'a.wrong is not in sv.json', 'a.kind.… ok']);
    const view = viewKeys('v.eta', `<p><%= it.t('a.b') %></p>\n<% if (x) { %><%~ it.t('a.box.' + it.k + '.title') %><% } %>`);
    assert.deepEqual(view.map((u) => `${u.where} ${show(u.key)}`), ['v.eta:1 a.b', 'v.eta:2 a.box.….title']);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Text in views: once Eta tags, comments, scripts and styles are taken out, what remains may hold no letter.

const LETTER = /\p{L}/u;
const CHECKED_ATTRIBUTES = new Set(['aria-label', 'title', 'alt', 'placeholder', 'value',
  'aria-description', 'aria-roledescription', 'aria-valuetext', 'aria-placeholder', 'label']);
/** Input types whose value the user never reads. */
const HIDDEN_VALUE_INPUTS = new Set(['hidden', 'checkbox', 'radio', 'file', 'image', 'color', 'range']);
/** Entities that stand for punctuation or spaces, not letters. */
const PUNCTUATION_ENTITIES = new Set(['nbsp', 'ensp', 'emsp', 'thinsp', 'ndash', 'mdash', 'hellip', 'middot', 'bull', 'amp', 'lt', 'gt',
  'quot', 'apos', 'laquo', 'raquo', 'lsquo', 'rsquo', 'ldquo', 'rdquo', 'larr', 'rarr', 'uarr', 'darr', 'times', 'minus', 'copy', 'shy', 'zwj', 'zwnj']);

const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/** Letters an entity-decoded text would show: numeric entities decoded, punctuation entities dropped, others kept. */
function visible(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (entity, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1].toLowerCase() === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return PUNCTUATION_ENTITIES.has(body.toLowerCase()) ? ' ' : entity;
  });
}

/** The user-visible text a template writes itself, with its line: text nodes and the checked attributes. */
function ownText(template: string): { line: number; text: string }[] {
  const stripped = template
    .replace(ETA_TAG, blank)
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, blank);
  const found: { line: number; text: string }[] = [];
  const tag = /<\/?[A-Za-z!][^"'>]*(?:(?:"[^"]*"|'[^']*')[^"'>]*)*>/g;
  let last = 0;
  const text = (from: number, to: number) => {
    const chunk = stripped.slice(from, to);
    if (LETTER.test(visible(chunk))) found.push({ line: lineOf(stripped, from + chunk.search(/\S/)), text: chunk.trim().replace(/\s+/g, ' ') });
  };
  for (const m of stripped.matchAll(tag)) {
    text(last, m.index);
    last = m.index + m[0].length;
    const element = m[0].match(/^<\/?([A-Za-z][\w-]*)/)?.[1]?.toLowerCase();
    if (!element || m[0].startsWith('</')) continue;
    const attributes = new Map<string, string>();
    const body = m[0].slice(1 + element.length).replace(/\/?>$/, '');
    for (const a of body.matchAll(/([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
      attributes.set(a[1].toLowerCase(), a[2] ?? a[3] ?? a[4] ?? '');
    }
    for (const [name, value] of attributes) {
      if (!CHECKED_ATTRIBUTES.has(name) || !LETTER.test(visible(value))) continue;
      if (name === 'value' && !(element === 'input' && !HIDDEN_VALUE_INPUTS.has((attributes.get('type') ?? '').trim().toLowerCase()))) continue;
      found.push({ line: lineOf(stripped, m.index), text: `${element} ${name}="${value.trim().replace(/\s+/g, ' ')}"` });
    }
  }
  text(last, stripped.length);
  return found;
}

describe('the views', () => {
  const views = listFiles(VIEWS_DIR, '.eta');

  it('are found', () => assert.ok(views.length > 0));

  for (const file of views) {
    const name = path.relative(ROOT, file);
    it(`${name} has no user-visible text outside the catalogue`, () => {
      const found = ownText(fs.readFileSync(file, 'utf8')).map((f) => `${name}:${f.line}: ${f.text}`);
      assert.deepEqual(found, [], `${name} writes text of its own; put it in server/locales/*.json and use it.t()`);
    });
  }

  it('are checked by a check that finds what it should and nothing else', () => {
    const template = [
      '<!doctype html><html lang="<%= it.lang %>">',
      '<!-- en kommentar -->',
      '<script>var tjena = "hej";</script><style>p { color: red }</style>',
      '<p><%= it.t(\'a.b\') %> – <%= it.name %>&nbsp;&ndash; 12:00</p>',
      '<p>Hej <%= it.name %></p>',
      '<a href="/x" title="Till start" aria-label="<%= it.t(\'a\') %>">&auml;</a>',
      '<img alt="Logga" src="x.png"><input placeholder="Sök" name="q"><input type="hidden" value="yes">',
      '<input type="checkbox" value="ja"><input type="submit" value="Spara"><input value="<%= it.v %>">',
      '<option value="sv"><%= l.name %></option><button value="go" aria-label="Stäng">&#65;</button>',
      '<meta content=\'{"a":true}\'><span<% if (x) { %> aria-current="page"<% } %>>&#x2013;</span>',
    ].join('\n');
    assert.deepEqual(ownText(template), [
      { line: 5, text: 'Hej' },
      { line: 6, text: 'a title="Till start"' },
      { line: 6, text: '&auml;' },
      { line: 7, text: 'img alt="Logga"' },
      { line: 7, text: 'input placeholder="Sök"' },
      { line: 8, text: 'input value="Spara"' },
      { line: 9, text: 'button aria-label="Stäng"' },
      { line: 9, text: '&#65;' },
    ]);
  });
});
