// The kernel's upload helpers, which the child's picture, the unit's logo and the media library share: the one-file
// upload into memory (its bytes, "too large" for the route to say at the field, nothing for an anonymous form), the
// file written whole, and the one sweep of files no row names, once older than the grace.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { isKeptOrPartial, nameKeptFile, singleFileUpload, sweepFolder, writeFileWhole } from '../../server/kernel/uploads.ts';
import { removeTempDirs, tempDir } from '../support/system.ts';

after(removeTempDirs);

const NAME = /^(\d+)-[0-9a-f]{16}\.jpg$/;
const long = new Date('2026-11-01T00:00:00Z');
const grace = new Date('2026-11-20T00:00:00Z');
const age = (at: string) => fs.utimesSync(at, long, long);

describe('singleFileUpload', () => {
  /** An app with the upload mounted before a route that says what it received; `signedIn` fakes the session. */
  const app = (signedIn: boolean) => {
    const upload = singleFileUpload({ field: 'picture', maxBytes: 100 });
    const server = express();
    server.use((req, _res, next) => {
      (req as unknown as { session: { accountId?: number } }).session = signedIn ? { accountId: 7 } : {};
      next();
    });
    server.post('/upload', upload.middleware, (req, res) => {
      const got = upload.received(req);
      res.json({ got: got === undefined ? 'nothing' : 'tooLarge' in got ? 'too large' : Buffer.from(got.bytes).toString(), field: req.body?._csrf ?? null });
    });
    server.use((error: { status?: number; message: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).json({ error: error.message });
    });
    return server;
  };

  it('hands the route the file\'s bytes and the form\'s fields', async () => {
    const res = await request(app(true)).post('/upload').field('_csrf', 'token').attach('picture', Buffer.from('pixels'), 'a.jpg');
    assert.deepEqual(res.body, { got: 'pixels', field: 'token' });
  });

  it('says "too large" for a file over the size, and nothing for a form without a file or with an empty one', async () => {
    assert.equal((await request(app(true)).post('/upload').attach('picture', Buffer.alloc(101, 1), 'big.jpg')).body.got, 'too large');
    assert.equal((await request(app(true)).post('/upload').attach('picture', Buffer.alloc(100, 'a'), 'edge.jpg')).body.got, 'a'.repeat(100), 'exactly the size');
    assert.equal((await request(app(true)).post('/upload').field('_csrf', 'token')).body.got, 'nothing');
    assert.equal((await request(app(true)).post('/upload').attach('picture', Buffer.alloc(0), 'empty.jpg')).body.got, 'nothing');
  });

  it('refuses a second file or a file under another name as unreadable (400), and reads nothing of an anonymous form', async () => {
    const two = await request(app(true)).post('/upload').attach('picture', Buffer.from('a'), 'a.jpg').attach('picture', Buffer.from('b'), 'b.jpg');
    assert.deepEqual([two.status, two.body.error], [400, 'Unreadable picture upload']);
    assert.equal((await request(app(true)).post('/upload').attach('other', Buffer.from('a'), 'a.jpg')).status, 400);
    const anonymous = await request(app(false)).post('/upload').attach('picture', Buffer.from('pixels'), 'a.jpg');
    assert.deepEqual(anonymous.body, { got: 'nothing', field: null });
  });
});

describe('writeFileWhole and isKeptOrPartial', () => {
  it('writes the file under its name (making the folder), leaving no partial file behind', async () => {
    const folder = path.join(tempDir('uploads'), 'media', 'children');
    await writeFileWhole(folder, '12-0123456789abcdef.jpg', Buffer.from('image'));
    assert.deepEqual(fs.readdirSync(folder), ['12-0123456789abcdef.jpg']);
    assert.equal(fs.readFileSync(path.join(folder, '12-0123456789abcdef.jpg'), 'utf8'), 'image');
  });

  it('knows a kept name and one cut off while written, and nothing else', () => {
    assert.equal(isKeptOrPartial(NAME, '12-0123456789abcdef.jpg'), true);
    assert.equal(isKeptOrPartial(NAME, '.12-0123456789abcdef.jpg.0123456789ab.partial'), true);
    for (const other of ['readme.txt', '.12-0123456789abcdef.jpg.partial', '.readme.txt.0123456789ab.partial', '12-0123456789abcdef.jpg.0123456789ab.partial']) {
      assert.equal(isKeptOrPartial(NAME, other), false, other);
    }
  });
});

describe('nameKeptFile', () => {
  const run = async (file: string, current: string | null, nameIt: () => Promise<string | null>) => {
    const removed: string[] = [];
    const outcome = await nameKeptFile(file, current, nameIt, async (gone) => { removed.push(gone); }).then(() => 'named', (error: Error) => error.message);
    return { outcome, removed };
  };

  it('removes the file the row named before once the row names the new one; nothing when it is the same file', async () => {
    assert.deepEqual(await run('new.jpg', 'old.jpg', async () => 'old.jpg'), { outcome: 'named', removed: ['old.jpg'] });
    assert.deepEqual(await run('same.jpg', 'same.jpg', async () => 'same.jpg'), { outcome: 'named', removed: [] });
    assert.deepEqual(await run('first.jpg', null, async () => null), { outcome: 'named', removed: [] });
  });

  it('removes the new file when the row could not be written, but never the file in use', async () => {
    const fails = async (): Promise<string | null> => { throw new Error('database gone'); };
    assert.deepEqual(await run('new.jpg', 'old.jpg', fails), { outcome: 'database gone', removed: ['new.jpg'] });
    assert.deepEqual(await run('same.jpg', 'same.jpg', fails), { outcome: 'database gone', removed: [] });
  });
});

describe('sweepFolder', () => {
  const ours = (name: string) => isKeptOrPartial(NAME, name);

  it('removes old files of ours that no row names; named, young, foreign names, folders and links stay', async () => {
    const folder = tempDir('sweep');
    const names = ['12-0123456789abcdef.jpg', '13-0123456789abcdef.jpg', '.14-0123456789abcdef.jpg.0123456789ab.partial', 'readme.txt', '15-fedcba9876543210.jpg'];
    for (const name of names) fs.writeFileSync(path.join(folder, name), 'x');
    for (const name of names.slice(0, 4)) age(path.join(folder, name));
    fs.mkdirSync(path.join(folder, '16-0123456789abcdef.jpg'));
    age(path.join(folder, '16-0123456789abcdef.jpg'));
    fs.symlinkSync(path.join(folder, 'readme.txt'), path.join(folder, '17-0123456789abcdef.jpg'));
    const removed = await sweepFolder({ folder, ours, inUse: new Set(['12-0123456789abcdef.jpg']), before: grace });
    assert.deepEqual(removed, ['.14-0123456789abcdef.jpg.0123456789ab.partial', '13-0123456789abcdef.jpg']);
    assert.deepEqual(fs.readdirSync(folder).sort(), ['12-0123456789abcdef.jpg', '15-fedcba9876543210.jpg', '16-0123456789abcdef.jpg', '17-0123456789abcdef.jpg', 'readme.txt']);
    assert.deepEqual(await sweepFolder({ folder, ours, inUse: new Set(['12-0123456789abcdef.jpg']), before: grace }), [], 'nothing more the second time');
  });

  it('sweeps folders when told, asking the check per old folder just before it goes', async () => {
    const folder = tempDir('sweep');
    for (const name of ['a1', 'a2', 'a3']) {
      fs.mkdirSync(path.join(folder, name));
      fs.writeFileSync(path.join(folder, name, 'full.jpg'), 'x');
    }
    for (const name of ['a1', 'a2']) age(path.join(folder, name));
    const asked: string[] = [];
    const removed = await sweepFolder({ folder, ours: () => true, entries: 'folders', before: grace, inUse: async (name) => { asked.push(name); return name === 'a1'; } });
    assert.deepEqual([removed, asked], [['a2'], ['a1', 'a2']], 'a young folder is not even asked about');
    assert.deepEqual(fs.readdirSync(folder).sort(), ['a1', 'a3']);
  });

  it('keeps what was written again while the check ran, and removes every old entry of ours without a check', async () => {
    const folder = tempDir('sweep');
    for (const name of ['a', 'b']) {
      fs.writeFileSync(path.join(folder, name), 'x');
      age(path.join(folder, name));
    }
    const removed = await sweepFolder({ folder, ours: (name) => name === 'a', before: grace, inUse: (name) => {
      fs.utimesSync(path.join(folder, name), new Date(), new Date()); // (the same upload stored again meanwhile)
      return false;
    } });
    assert.deepEqual(removed, []);
    assert.deepEqual(await sweepFolder({ folder, ours: () => true, before: grace }), ['b'], 'a is young again');
  });

  it('finds nothing in a folder that is not there', async () => {
    assert.deepEqual(await sweepFolder({ folder: path.join(tempDir('sweep'), 'none'), ours: () => true, before: grace }), []);
  });
});
