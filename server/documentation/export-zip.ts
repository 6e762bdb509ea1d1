// The portfolio's ZIP, written as it is read: index.html first, then each original file from the disk in slices, each
// slice sent before the next is read (the client's pace), so a portfolio of gigabytes takes a few hundred kilobytes of
// memory. Photos are stored as they are (JPEG does not shrink), the page compressed.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { log } from '../kernel/log.ts';

export interface ZipFile { path: string; source: string }

/** Resolves when the writer can take more, or has been closed (the client went away). */
function ready(out: Writable): Promise<void> | undefined {
  if (!out.writableNeedDrain || out.destroyed) return undefined;
  return new Promise((resolve) => {
    const done = () => { out.off('drain', done); out.off('close', done); resolve(); };
    out.on('drain', done);
    out.on('close', done);
  });
}

/**
 * Writes the ZIP to `out` and ends it. A file missing on the disk is left out (and logged); a client that goes away
 * stops the writing. Returns the paths written.
 */
export async function writeZip(out: Writable, index: { path: string; html: string }, files: readonly ZipFile[], mtime: Date): Promise<string[]> {
  let failure: Error | null = null;
  const zip = new Zip((err, chunk, final) => {
    if (err) { failure = err; return; }
    if (out.destroyed) return;
    out.write(chunk);
    if (final) out.end();
  });
  const page = new ZipDeflate(index.path, { level: 6 });
  page.mtime = mtime;
  zip.add(page);
  page.push(strToU8(index.html), true);
  const written = [index.path];
  for (const file of files) {
    if (out.destroyed || failure) break;
    const found = await stat(file.source).then((s) => s.isFile(), () => false);
    if (!found) {
      log.warn({ path: file.path }, 'a portfolio file is missing on the disk: left out of the ZIP');
      continue;
    }
    const entry = new ZipPassThrough(file.path);
    entry.mtime = mtime;
    zip.add(entry);
    for await (const chunk of createReadStream(file.source, { highWaterMark: 256 * 1024 })) {
      entry.push(chunk as Uint8Array);
      await ready(out);
      if (out.destroyed) break;
    }
    entry.push(new Uint8Array(0), true);
    written.push(file.path);
  }
  if (out.destroyed) { zip.terminate(); return written; }
  zip.end();
  if (failure) throw failure;
  return written;
}
