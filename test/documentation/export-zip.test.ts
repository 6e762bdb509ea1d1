// The portfolio ZIP written as it is read: a slow client holds the writing back (memory stays bounded however large the
// files), the result unzips to the same bytes, a missing file is left out, and a client that goes away stops it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import { STALL_MS, writeZip, ZipStalledError } from '../../server/kernel/zip.ts';
import { removeDir, tempDir } from '../support/system.ts';

/** A client that takes a slice at a time, slowly, and keeps what it got. */
function slowClient(options: { stopAfter?: number } = {}) {
  const chunks: Buffer[] = [];
  let received = 0;
  let mostWaiting = 0;
  const out = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      received += chunk.length;
      mostWaiting = Math.max(mostWaiting, out.writableLength);
      if (options.stopAfter !== undefined && received > options.stopAfter) { done(); out.destroy(); return; }
      setTimeout(done, 2);
    },
  });
  return { out, body: () => Buffer.concat(chunks), mostWaiting: () => mostWaiting, received: () => received };
}

describe('writing the portfolio ZIP', () => {
  let dir: string;
  let big: string;
  before(() => {
    dir = tempDir('zip');
    big = path.join(dir, 'film.mp4');
    fs.writeFileSync(big, crypto.randomBytes(12 * 1024 * 1024));
    fs.writeFileSync(path.join(dir, 'bild.jpg'), Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]));
  });
  after(() => removeDir(dir));

  it('keeps at most a few slices waiting for a slow client, and the ZIP holds the same bytes', async () => {
    const client = slowClient();
    const written = await writeZip(client.out, [{ path: 'index.html', content: '<p>Hej</p>' }], [
      { path: 'media/film.mp4', source: big }, { path: 'media/bild.jpg', source: path.join(dir, 'bild.jpg') },
      { path: 'media/borta.jpg', source: path.join(dir, 'borta.jpg') },
    ], new Date('2026-11-24T09:00:00Z'));
    await new Promise((resolve) => (client.out.writableFinished ? resolve(null) : client.out.on('finish', resolve)));
    assert.deepEqual(written, ['index.html', 'media/film.mp4', 'media/bild.jpg'], 'a file missing on the disk is left out');
    assert.ok(client.mostWaiting() < 1024 * 1024, `${client.mostWaiting()} bytes waited for the client at most`);
    const files = unzipSync(new Uint8Array(client.body()));
    assert.equal(strFromU8(files['index.html']), '<p>Hej</p>');
    assert.ok(Buffer.from(files['media/film.mp4']).equals(fs.readFileSync(big)));
    assert.deepEqual([...files['media/bild.jpg']], [0xff, 0xd8, 0xff, 1, 2, 3]);
  });

  it('stops reading when the client goes away', async () => {
    const client = slowClient({ stopAfter: 1024 * 1024 });
    const written = await writeZip(client.out, [{ path: 'index.html', content: '' }], [
      { path: 'media/film.mp4', source: big }, { path: 'media/bild.jpg', source: path.join(dir, 'bild.jpg') },
    ], new Date());
    assert.ok(client.received() < 3 * 1024 * 1024, `${client.received()} bytes sent of 12 MB`);
    assert.ok(!written.includes('media/bild.jpg'), 'nothing after the client left');
  });

  it('gives up on a client that stops reading: its stream is destroyed with an error after the wait', { timeout: 10_000 }, async () => {
    assert.equal(STALL_MS, 2 * 60_000, 'two minutes in the app');
    // A client that takes the first slice and then never another (its callback never comes), the connection left open.
    let calls = 0;
    const out = new Writable({ highWaterMark: 64 * 1024, write(_chunk, _enc, _done) { calls += 1; } });
    const errors: Error[] = [];
    out.on('error', (err) => errors.push(err));
    const started = Date.now();
    const written = await writeZip(out, [{ path: 'index.html', content: '<p>Hej</p>' }], [
      { path: 'media/film.mp4', source: big }, { path: 'media/bild.jpg', source: path.join(dir, 'bild.jpg') },
    ], new Date(), { stallMs: 200 });
    const took = Date.now() - started;
    assert.ok(took >= 190 && took < 5000, `gave up after ${took} ms`);
    assert.equal(calls, 1, 'the client took one slice');
    assert.ok(out.destroyed, 'the stream is destroyed');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof ZipStalledError, String(errors[0]));
    assert.ok(!written.includes('media/bild.jpg'), 'nothing written after it gave up');
  });

  it('does not cut off a slow client that keeps reading (each wait starts afresh)', async () => {
    const client = slowClient();
    const written = await writeZip(client.out, [{ path: 'index.html', content: '' }], [
      { path: 'media/film.mp4', source: big },
    ], new Date(), { stallMs: 500 });
    assert.ok(!client.out.destroyed || client.out.writableFinished, 'not destroyed by the wait');
    assert.deepEqual(written, ['index.html', 'media/film.mp4']);
  });
});
