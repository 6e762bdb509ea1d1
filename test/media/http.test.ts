// The media library over HTTP: the multipart upload (CSRF checked before a byte of a file is written, sizes and
// numbers cut off early, temp files gone whatever happens) and serving a stored file (private, ETag, ranges).
// A small Express app with the app's own CSRF check and a signed-in session stands in for a route of a domain.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { csrfProtection } from '../../server/kernel/csrf.ts';
import { HttpError } from '../../server/kernel/http.ts';
import { DEFAULT_DOCUMENTATION_SETTINGS } from '../../server/documentation/settings.ts';
import { mediaFilePath, mediaLimits, mediaUpload, receivedFiles, removeMediaFiles, sendMedia, storeMedia, type StoredMedia } from '../../server/media/index.ts';
import { sweepUploadFolder } from '../../server/media/upload.ts';
import { removeTempDirs, tempDir } from '../support/system.ts';
import { jpegWithGps, mp4, twoColours } from './fixtures.ts';

const TOKEN = 'the-session-token';
const MAX_BYTES = 60_000;
const LIMITS = mediaLimits(DEFAULT_DOCUMENTATION_SETTINGS);

interface TestServer { app: express.Express; dataDir: string; uploads: string; seen: Array<{ name: string; existed: boolean }> }

function testServer(options: { signedIn?: boolean } = {}): TestServer {
  const dataDir = tempDir('media-http');
  const uploads = path.join(tempDir('uploads'), 'tmp');
  const seen: TestServer['seen'] = [];
  const app = express();
  app.use((req, _res, next) => {
    // A signed-in user's session as express-session would give it (the token csrf-sync keeps there).
    (req as unknown as { session: object }).session = options.signedIn === false ? {} : { accountId: 7, csrfToken: TOKEN };
    next();
  });
  app.post('/upload', mediaUpload({ field: 'files', maxFiles: 3, maxBytes: MAX_BYTES, folder: uploads }));
  const csrf = csrfProtection({ secret: 'test-secret', secureCookie: false });
  app.use(csrf.protection);
  app.post('/upload', async (req, res) => {
    const { files, tooLarge, tooMany } = receivedFiles(req);
    const stored: Array<[string, string]> = [];
    for (const file of files) {
      seen.push({ name: file.originalName, existed: fs.existsSync(file.path) });
      const result = await storeMedia(dataDir, file, LIMITS);
      stored.push([file.originalName, result.ok ? result.media.kind : result.error]);
    }
    res.json({ stored, tooLarge, tooMany, fields: req.body });
  });
  let media: Record<string, StoredMedia> = {};
  app.put('/media/:name', (req, res) => {
    media[req.params.name] = req.body;
    res.end();
  });
  app.get('/media/:name/:variant', async (req, res) => {
    const one = media[req.params.name];
    if (!one) throw new HttpError(404);
    const variant = req.params.variant as 'thumb' | 'display' | 'full' | 'file';
    const download = req.query.download ? { fileName: String(req.query.download) } : undefined;
    await sendMedia(req, res, dataDir, one, variant, req.query.format === 'jpeg' ? 'jpeg' : 'webp', download);
  });
  const errors: ErrorRequestHandler = (err, _req, res, _next) => {
    res.status(err === csrf.invalidTokenError ? 403 : err instanceof HttpError ? err.status : 500).send(err === csrf.invalidTokenError ? 'csrf' : String(err));
  };
  app.use(errors);
  Object.assign(app.locals, { setMedia: (m: Record<string, StoredMedia>) => { media = m; } });
  return { app, dataDir, uploads, seen };
}

/** The temp files left in the upload folder. */
const leftIn = (folder: string): string[] => (fs.existsSync(folder) ? fs.readdirSync(folder) : []);

/** Waits until the check holds (temp files are removed once the response has closed, a moment after it is read). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(check(), what);
}

after(removeTempDirs);

describe('POST a multipart upload', () => {
  let photo: Buffer;
  let png: Buffer;
  before(async () => {
    photo = await jpegWithGps(600, 400);
    png = await twoColours(300, 200);
  });

  it('stores a batch with one broken file: the rest stored, the broken one named; fields after the files kept; no temp file left', async () => {
    const server = testServer();
    const res = await request(server.app).post('/upload')
      .field('_csrf', TOKEN)
      .attach('files', photo, 'Lek på gården.jpg')
      .attach('files', Buffer.from('inget foto'), 'trasig.jpg')
      .attach('files', png, 'ritning.png')
      .field('upload_key', 'abc-123');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.stored, [['Lek på gården.jpg', 'image'], ['trasig.jpg', 'not-media'], ['ritning.png', 'image']]);
    assert.deepEqual([res.body.tooLarge, res.body.tooMany], [[], []]);
    assert.equal(res.body.fields.upload_key, 'abc-123');
    assert.ok(server.seen.every((s) => s.existed), 'the route had the temp files while it worked');
    await eventually(() => leftIn(server.uploads).length === 0, 'every temp file removed after the response');
  });

  it('cuts off a file over the size where it passes it: named as too large, never kept; the others stored', async () => {
    const server = testServer();
    const big = Buffer.concat([photo, Buffer.alloc(MAX_BYTES * 3, 1)]);
    const res = await request(server.app).post('/upload')
      .field('_csrf', TOKEN)
      .attach('files', photo, 'först.jpg')
      .attach('files', big, 'jättestor.jpg')
      .attach('files', png, 'sist.png');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.stored, [['först.jpg', 'image'], ['sist.png', 'image']]);
    assert.deepEqual(res.body.tooLarge, ['jättestor.jpg']);
    await eventually(() => leftIn(server.uploads).length === 0, 'no temp file left');
  });

  it('keeps the first files up to the number allowed and names the rest', async () => {
    const server = testServer();
    const req = request(server.app).post('/upload').field('_csrf', TOKEN);
    for (let i = 1; i <= 5; i++) req.attach('files', png, `bild${i}.png`);
    const res = await req;
    assert.deepEqual(res.body.stored.map(([name]: [string]) => name), ['bild1.png', 'bild2.png', 'bild3.png']);
    assert.deepEqual(res.body.tooMany, ['bild4.png', 'bild5.png']);
  });

  it('ignores a file under another field name', async () => {
    const server = testServer();
    const res = await request(server.app).post('/upload').field('_csrf', TOKEN).attach('other', png, 'annan.png').attach('files', png, 'rätt.png');
    assert.deepEqual(res.body.stored, [['rätt.png', 'image']]);
  });

  describe('CSRF, checked before a file is written', () => {
    /** Posts and reports whether anything was ever created in the upload folder while it ran. */
    async function watched(server: TestServer, send: (req: request.Test) => request.Test) {
      fs.mkdirSync(server.uploads, { recursive: true });
      const created: string[] = [];
      const watcher = fs.watch(server.uploads, (_event, name) => created.push(String(name)));
      try {
        const res = await send(request(server.app).post('/upload'));
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { res, created };
      } finally {
        watcher.close();
      }
    }

    it('a wrong token before the file: 403, and not a byte of the file written', async () => {
      const server = testServer();
      const { res, created } = await watched(server, (r) => r.field('_csrf', 'forged').attach('files', photo, 'a.jpg'));
      assert.equal(res.status, 403);
      assert.deepEqual(created, []);
      assert.deepEqual(server.seen, []);
    });

    it('no token, or the token only after the file: 403, nothing written', async () => {
      for (const send of [(r: request.Test) => r.attach('files', photo, 'a.jpg'), (r: request.Test) => r.attach('files', photo, 'a.jpg').field('_csrf', TOKEN)]) {
        const server = testServer();
        const { res, created } = await watched(server, send);
        assert.equal(res.status, 403);
        assert.deepEqual(created, []);
      }
    });

    it('the right token in the x-csrf-token header (JavaScript\'s way) or first in the form: stored (the control)', async () => {
      const server = testServer();
      const { res, created } = await watched(server, (r) => r.set('x-csrf-token', TOKEN).attach('files', photo, 'a.jpg'));
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.stored, [['a.jpg', 'image']]);
      assert.ok(created.length > 0, 'the watch sees files written');
    });

    it('nobody signed in: the upload is not read, and the app\'s check refuses it', async () => {
      const server = testServer({ signedIn: false });
      const { res, created } = await watched(server, (r) => r.field('_csrf', TOKEN).attach('files', photo, 'a.jpg'));
      assert.equal(res.status, 403);
      assert.deepEqual(created, []);
    });
  });

  it('a client that goes away in the middle of a file leaves no temp file', async () => {
    const server = testServer();
    const listener = http.createServer(server.app).listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const boundary = 'vardag-boundary';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${TOKEN}\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="halv.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/upload', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + 50_000) } });
      req.on('error', () => {});
      req.write(head);
      req.write(Buffer.alloc(20_000, 7));
      await eventually(() => leftIn(server.uploads).length === 1, 'the file is being written');
      req.destroy();
      await eventually(() => leftIn(server.uploads).length === 0, 'its temp file removed once the client left');
      assert.deepEqual(server.seen, [], 'the route never ran');
    } finally {
      listener.close();
    }
  });

  it('temp files a stopped process left a day ago are swept; younger ones and other names are kept', async () => {
    const folder = tempDir('uploads');
    const [old, young] = ['a'.repeat(32), 'b'.repeat(32)];
    for (const name of [old, young, 'not-ours.txt']) fs.writeFileSync(path.join(folder, name), 'x');
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    fs.utimesSync(path.join(folder, old), dayAgo, dayAgo);
    fs.utimesSync(path.join(folder, 'not-ours.txt'), dayAgo, dayAgo);
    assert.deepEqual(await sweepUploadFolder(folder), [old]);
    assert.deepEqual(fs.readdirSync(folder).sort(), [young, 'not-ours.txt'].sort());
  });

  it('a body larger than every file allowed is refused from its Content-Length, before it is read', async () => {
    const server = testServer();
    const res = await request(server.app).post('/upload').set('content-type', 'multipart/form-data; boundary=x').set('content-length', String(50 * 1024 * 1024)).send('--x--');
    assert.equal(res.status, 413);
  });
});

describe('GET a stored medium (sendMedia)', () => {
  let server: TestServer;
  let photo: StoredMedia;
  let film: StoredMedia;
  let filmBytes: Buffer;
  before(async () => {
    server = testServer();
    const folder = tempDir('files');
    const put = async (name: string, bytes: Buffer) => {
      fs.writeFileSync(path.join(folder, name), bytes);
      const result = await storeMedia(server.dataDir, { path: path.join(folder, name), originalName: name, size: bytes.length }, LIMITS);
      assert.ok(result.ok);
      return result.media;
    };
    photo = await put('foto.jpg', await jpegWithGps(900, 600));
    film = await put('film.mp4', mp4({ seconds: 4, video: { width: 640, height: 360 } }));
    filmBytes = fs.readFileSync(mediaFilePath(server.dataDir, film, 'file', 'jpeg'));
    (server.app.locals.setMedia as (m: Record<string, StoredMedia>) => void)({ photo, film, gone: { ...photo, key: 'f'.repeat(64) } });
  });

  it('a thumbnail in WebP or JPEG: its type, private and asked again each time, an ETag, nosniff', async () => {
    for (const [format, type, file] of [['webp', 'image/webp', 'thumb.webp'], ['jpeg', 'image/jpeg', 'thumb.jpg']] as const) {
      const res = await request(server.app).get(`/media/photo/thumb?format=${format}`).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => cb(null, Buffer.concat(chunks)));
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], type);
      assert.equal(res.headers['cache-control'], 'private, no-cache');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(res.headers.etag, /^"[0-9a-f]{32}-thumb\.(webp|jpg)"$/);
      assert.equal(res.headers['content-disposition'], undefined);
      assert.deepEqual(res.body, fs.readFileSync(path.join(path.dirname(mediaFilePath(server.dataDir, photo, 'full', 'jpeg')), file)));
    }
  });

  it('answers 304 to its own ETag, and 200 when the ETag is another size\'s', async () => {
    const first = await request(server.app).get('/media/photo/display');
    const again = await request(server.app).get('/media/photo/display').set('If-None-Match', first.headers.etag);
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    const other = await request(server.app).get('/media/photo/thumb').set('If-None-Match', first.headers.etag);
    assert.equal(other.status, 200);
  });

  it('serves ranges of a video: 206 with Content-Range, a suffix range, 416 past the end, a full 200 when If-Range is stale', async () => {
    const total = filmBytes.length;
    const whole = await request(server.app).get('/media/film/file');
    assert.equal(whole.status, 200);
    assert.equal(whole.headers['content-type'], 'video/mp4');
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    assert.equal(Number(whole.headers['content-length']), total);
    const part = await request(server.app).get('/media/film/file').set('Range', 'bytes=100-199').buffer(true);
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 100-199/${total}`);
    assert.deepEqual(Buffer.from(part.body), filmBytes.subarray(100, 200));
    const tail = await request(server.app).get('/media/film/file').set('Range', 'bytes=-10').buffer(true);
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(tail.body), filmBytes.subarray(total - 10));
    const past = await request(server.app).get('/media/film/file').set('Range', `bytes=${total + 10}-`);
    assert.equal(past.status, 416);
    assert.equal(past.headers['content-range'], `bytes */${total}`);
    const stale = await request(server.app).get('/media/film/file').set('Range', 'bytes=0-9').set('If-Range', '"stale"');
    assert.equal(stale.status, 200);
    const fresh = await request(server.app).get('/media/film/file').set('Range', 'bytes=0-9').set('If-Range', whole.headers.etag);
    assert.equal(fresh.status, 206);
    const head = await request(server.app).head('/media/film/file');
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers['content-length']), total);
  });

  it('a download is an attachment under the name given (UTF-8 kept), the full-size JPEG', async () => {
    const res = await request(server.app).get(`/media/photo/full?download=${encodeURIComponent('Lek på gården.jpg')}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'image/jpeg');
    assert.match(res.headers['content-disposition'], /^attachment; filename="Lek p\? g\?rden\.jpg"; filename\*=UTF-8''Lek%20p%C3%A5%20g%C3%A5rden\.jpg$/);
  });

  it('404 for a size a video does not have, and for a file no longer on disk', async () => {
    assert.equal((await request(server.app).get('/media/film/thumb')).status, 404);
    assert.equal((await request(server.app).get('/media/gone/thumb')).status, 404);
    const copy = { ...photo };
    await removeMediaFiles(server.dataDir, copy.key);
    const res = await request(server.app).get('/media/photo/thumb?download=x.jpg');
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-disposition'], undefined);
  });
});
