// The register extract (registerutdrag) as one ZIP: a readable HTML page and the same data as JSON, plus any files a
// domain adds (a child's photos, once documentation exists). Everything Vardag holds about the person and their
// children, as the registry's parts give it, and nothing of other families.
import type { Writable } from 'node:stream';
import type { Db } from '../kernel/db.ts';
import type { ExtractSection, ExtractSubject, ExtractValue, PersonalDataRegistry } from '../kernel/personal-data.ts';
import { writeZip, type ZipFile } from '../kernel/zip.ts';

export interface ExtractChild { id: number; name: string; folder: string }

export interface ExtractDocument {
  madeAt: string;
  person: { id: number; name: string };
  children: ExtractChild[];
  sections: (ExtractSection & { child: ExtractChild | null })[];
  files: { child: ExtractChild | null; path: string }[];
  /** Records that need a strong login were left out (a weak session's extract, or the admin's). */
  withheld: boolean;
}

/** The flag columns (0 or 1) a reader is shown as yes or no. */
export const FLAG_COLUMNS: ReadonlySet<string> = new Set(['protected_identity', 'other_household', 'day_off']);

const nameOf = (section: ExtractSection | undefined): string => {
  const row = section?.rows[0];
  return row ? `${String(row.first_name ?? '')} ${String(row.last_name ?? '')}`.trim() : '';
};

/** A person's extract: what it holds, and the ZIP written to a stream (the files on the disk read one slice at a time). */
export interface Extract {
  document: ExtractDocument;
  /** Writes the ZIP to `out` and ends it. */
  write(out: Writable): Promise<void>;
}

/** The extract of a person, or undefined when there is no such person. `html` renders the readable page. */
export async function buildExtract(
  db: Db, registry: PersonalDataRegistry, personId: number, now: Date, html: (document: ExtractDocument) => string,
  strong: (subject: ExtractSubject) => boolean = () => false,
): Promise<Extract | undefined> {
  const subject = await registry.subjectOf(db, personId);
  if (!subject) return undefined;
  const part = await registry.extract(db, subject, { strong: strong(subject) });
  const details = (childId: number | null) => part.sections.find((s) => s.title === 'personalData.sections.person' && s.childId === childId);
  const own = details(null);
  const children: ExtractChild[] = subject.childIds.map((id) => ({
    id, name: id === personId ? nameOf(own) : nameOf(details(id)), folder: `barn-${id}`,
  }));
  const childOf = (id: number | null) => (id === null ? null : children.find((c) => c.id === id) ?? null);
  const placed = (f: { childId: number | null; name: string }) => {
    const child = childOf(f.childId);
    return { child, path: `${child ? `${child.folder}/` : ''}${f.name.replace(/[^\p{L}\p{N}._-]/gu, '_')}` };
  };
  const files = [
    ...(part.files ?? []).map((f) => ({ ...placed(f), file: { bytes: f.bytes } })),
    ...(part.stored ?? []).map((f) => ({ ...placed(f), file: { source: f.source } })),
  ];
  const document: ExtractDocument = {
    madeAt: now.toISOString(),
    person: { id: personId, name: nameOf(own) },
    children,
    sections: part.sections.map((s) => ({ ...s, child: childOf(s.childId) })),
    files: files.map(({ child, path }) => ({ child, path })),
    withheld: part.withheld,
  };
  return {
    document,
    async write(out) {
      const pages = [
        { path: 'registerutdrag.html', content: html(document) },
        { path: 'registerutdrag.json', content: JSON.stringify(document, jsonValue, 2) },
      ];
      await writeZip(out, pages, files.map(({ path, file }): ZipFile => ({ path, ...file })), now);
    },
  };
}

function jsonValue(_key: string, value: unknown): unknown {
  return value === undefined ? null : value;
}

/** A value as the readable page shows it; flags and who-did-it are translated by the page itself. */
export function shownValue(value: ExtractValue): string {
  return value === null ? '' : String(value);
}
