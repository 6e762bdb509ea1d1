// The portfolio ZIP written as it is read: a slow client holds the writing back (memory stays bounded however large the
// files), the result unzips to the same bytes, a missing file is left out, and a client that goes away stops it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import { writeZip } from '../../server/kernel/zip.ts';
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
});
