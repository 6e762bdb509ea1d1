// A ZIP written as it is read: the pages first (an index.html, a JSON file: compressed, from memory), then each file
// from the disk in slices, each slice sent before the next is read (the client's pace), so a ZIP of gigabytes takes a
// few hundred kilobytes of memory. Files are stored as they are (a JPEG or a film does not shrink). The portfolio's
// download (server/documentation/export.ts) and the register extract (server/privacy/extract.ts) write theirs here.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { log } from './log.ts';

/** A page made in memory: compressed. */
export interface ZipPage { path: string; content: string | Uint8Array }

/** A file: read from the disk while it is written (`source`), or a small one already in memory (`bytes`). */
export type ZipFile = { path: string; source: string } | { path: string; bytes: Uint8Array };

/**
 * How long the writing waits for a client that takes nothing at all before it gives up: a reader that stops reading
 * (and keeps the connection open) would otherwise hold the writing, an open file and its memory for ever. Each wait
 * starts afresh, so a slow client that keeps reading is never cut off.
 */
export const STALL_MS = 2 * 60_000;

/** The error a stalled writer is destroyed with. */
export class ZipStalledError extends Error {
  constructor(ms: number) {
    super(`the client took nothing for ${ms} ms: the ZIP was given up`);
    this.name = 'ZipStalledError';
  }
}

/**
 * Resolves when the writer can take more, or has been closed (the client went away), or after `stallMs` without a
 * 'drain': then the writer is destroyed with a ZipStalledError (and the caller sees it destroyed).
 */
function ready(out: Writable, stallMs: number): Promise<void> | undefined {
  if (!out.writableNeedDrain || out.destroyed) return undefined;
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); out.off('drain', done); out.off('close', done); resolve(); };
    const timer = setTimeout(() => {
      log.warn({ stallMs }, 'a ZIP\'s client took nothing for too long: the writing is given up');
      // (the error is ours to give; a writer without a listener of its own must not take the process down with it)
      if (out.listenerCount('error') === 0) out.once('error', () => {});
      out.destroy(new ZipStalledError(stallMs));
      done();
    }, stallMs);
    out.on('drain', done);
    out.on('close', done);
  });
}

/**
 * Writes the ZIP to `out` and ends it. A file missing on the disk is left out (and logged); a client that goes away
 * stops the writing, and one that takes nothing for `stallMs` (STALL_MS) has its stream destroyed with a ZipStalledError.
 * Returns the paths written.
 */
export async function writeZip(
  out: Writable, pages: readonly ZipPage[], files: readonly ZipFile[], mtime: Date, { stallMs = STALL_MS }: { stallMs?: number } = {},
): Promise<string[]> {
  let failure: Error | null = null;
  const zip = new Zip((err, chunk, final) => {
    if (err) { failure = err; return; }
    if (out.destroyed) return;
    out.write(chunk);
    if (final) out.end();
  });
  const written: string[] = [];
  for (const page of pages) {
    const entry = new ZipDeflate(page.path, { level: 6 });
    entry.mtime = mtime;
    zip.add(entry);
    entry.push(typeof page.content === 'string' ? strToU8(page.content) : page.content, true);
    written.push(page.path);
    await ready(out, stallMs);
  }
  for (const file of files) {
    if (out.destroyed || failure) break;
    const entry = new ZipPassThrough(file.path);
    entry.mtime = mtime;
    if ('bytes' in file) {
      zip.add(entry);
      entry.push(file.bytes, true);
      written.push(file.path);
      await ready(out, stallMs);
      continue;
    }
    const found = await stat(file.source).then((s) => s.isFile(), () => false);
    if (!found) {
      log.warn({ path: file.path }, 'a file is missing on the disk: left out of the ZIP');
      continue;
    }
    zip.add(entry);
    for await (const chunk of createReadStream(file.source, { highWaterMark: 256 * 1024 })) {
      entry.push(chunk as Uint8Array);
      await ready(out, stallMs);
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
