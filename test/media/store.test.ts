// The media library's intake: what staff upload is either stored whole in every size, stripped of where and with
// what it was taken, or refused with a reason the page can name — and nothing of a refused file is kept.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { mediaFilePath, mediaLimits, pictureOf, removeMediaFiles, storeMedia, type MediaLimits, type StoredMedia } from '../../server/media/index.ts';
import { sweepMediaFiles, sweepStaging } from '../../server/media/store.ts';
import { DEFAULT_DOCUMENTATION_SETTINGS } from '../../server/documentation/settings.ts';
import { WorkQueue } from '../../server/media/queue.ts';
import { removeTempDirs, tempDir } from '../support/system.ts';
import { APPLE_PLACE, heicLike, jpegWithGps, mp3, mp4, PLACE, pixelBombPng, sidewaysJpeg, twoColours, webm } from './fixtures.ts';

after(removeTempDirs);

const LIMITS: MediaLimits = mediaLimits(DEFAULT_DOCUMENTATION_SETTINGS);
const IMAGE_FILES = ['thumb.webp', 'thumb.jpg', 'display.webp', 'display.jpg', 'full.jpg'];

/** Writes the bytes as an upload's temp file and stores it in a fresh data folder. */
async function store(bytes: Buffer, name = 'upload.bin', limits = LIMITS) {
  const dataDir = tempDir('media');
  const at = path.join(tempDir('upload'), 'file');
  fs.writeFileSync(at, bytes);
  const result = await storeMedia(dataDir, { path: at, originalName: name, size: bytes.length }, limits);
  return { dataDir, result, upload: at };
}

function stored(result: Awaited<ReturnType<typeof storeMedia>>): StoredMedia {
  assert.ok(result.ok, `stored, not refused (${result.ok ? '' : result.error})`);
  return result.media;
}

/** Every file under the data folder's media/docs/ (the staging folder left out when empty). */
function filesUnder(dataDir: string): string[] {
  const root = path.join(dataDir, 'media', 'docs');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

async function pixel(file: string, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

describe('a photo', () => {
  it('is stored in every size without its GPS position or camera, in none of the files', async () => {
    const photo = await jpegWithGps(2400, 1800);
    const exif = (await sharp(photo).metadata()).exif;
    const gpsPointer = (bytes: Buffer) => bytes.includes(Buffer.from([0x88, 0x25])) || bytes.includes(Buffer.from([0x25, 0x88]));
    assert.ok(exif && gpsPointer(exif), 'the fixture carries a GPS block in its EXIF');
    assert.ok(photo.includes(Buffer.from('Fotofabriken')), 'the fixture names its camera');
    const { dataDir, result } = await store(photo, 'IMG_0001.JPG');
    const media = stored(result);
    assert.equal(media.kind, 'image');
    assert.equal(media.mime, 'image/jpeg');
    assert.deepEqual([media.width, media.height], [2400, 1800]);
    assert.deepEqual(filesUnder(dataDir).map((f) => path.basename(f)).sort(), [...IMAGE_FILES].sort());
    for (const name of IMAGE_FILES) {
      const file = path.join(path.dirname(mediaFilePath(dataDir, media, 'full', 'jpeg')), name);
      const meta = await sharp(file).metadata();
      assert.equal(meta.exif, undefined, `${name}: no EXIF`);
      assert.equal(meta.xmp, undefined, `${name}: no XMP`);
      assert.equal(meta.iptc, undefined, `${name}: no IPTC`);
      const bytes = fs.readFileSync(file);
      assert.equal(bytes.includes(Buffer.from('Exif\0\0')), false, `${name}: no EXIF block`);
      assert.equal(bytes.includes(Buffer.from('Fotofabriken')), false, `${name}: no camera`);
    }
  });

  it('makes a display size of at most 1600 px and a thumbnail of at most 400 px, in WebP and JPEG', async () => {
    const { dataDir, result } = await store(await jpegWithGps(3000, 2000));
    const media = stored(result);
    const size = async (variant: 'thumb' | 'display' | 'full', format: 'webp' | 'jpeg') => {
      const meta = await sharp(mediaFilePath(dataDir, media, variant, format)).metadata();
      return [meta.format, meta.width, meta.height];
    };
    assert.deepEqual(await size('display', 'webp'), ['webp', 1600, 1067]);
    assert.deepEqual(await size('display', 'jpeg'), ['jpeg', 1600, 1067]);
    assert.deepEqual(await size('thumb', 'webp'), ['webp', 400, 267]);
    assert.deepEqual(await size('thumb', 'jpeg'), ['jpeg', 400, 267]);
    assert.deepEqual(await size('full', 'jpeg'), ['jpeg', 3000, 2000]);
    assert.equal(mediaFilePath(dataDir, media, 'file', 'webp'), mediaFilePath(dataDir, media, 'full', 'jpeg'), 'a photo\'s file is its re-encoded full size');
  });

  it('is turned upright by EXIF orientation 6 in every size, the orientation tag gone', async () => {
    const { dataDir, result } = await store(await sidewaysJpeg(800, 400));
    const media = stored(result);
    assert.deepEqual([media.width, media.height], [400, 800]);
    for (const [variant, format] of [['full', 'jpeg'], ['display', 'webp'], ['thumb', 'jpeg']] as const) {
      const file = mediaFilePath(dataDir, media, variant, format);
      const meta = await sharp(file).metadata();
      assert.ok(meta.height! > meta.width!, `${variant}: standing`);
      assert.equal(meta.orientation, undefined, `${variant}: no orientation left to apply twice`);
      const [r1, , b1] = await pixel(file, Math.floor(meta.width! / 2), Math.floor(meta.height! / 4));
      const [r2, , b2] = await pixel(file, Math.floor(meta.width! / 2), Math.floor((meta.height! * 3) / 4));
      assert.ok(r1 > 200 && b1 < 60, `${variant}: red on top (${r1}, ${b1})`);
      assert.ok(b2 > 200 && r2 < 60, `${variant}: blue below (${r2}, ${b2})`);
    }
  });

  it('the same photo twice is one stored medium under one key', async () => {
    const photo = await jpegWithGps(900, 600);
    const dataDir = tempDir('media');
    const results = [];
    for (const name of ['a.jpg', 'b.jpg']) {
      const at = path.join(tempDir('upload'), name);
      fs.writeFileSync(at, photo);
      results.push(stored(await storeMedia(dataDir, { path: at, originalName: name, size: photo.length }, LIMITS)));
    }
    assert.deepEqual(results[1], results[0]);
    assert.equal(filesUnder(dataDir).length, IMAGE_FILES.length);
  });

  it('the same photo stored twice at the same moment: both get the key, one folder, no staging left', async () => {
    const photo = await jpegWithGps(1000, 700);
    const dataDir = tempDir('media');
    const folder = tempDir('upload');
    const results = await Promise.all(['a', 'b', 'c'].map(async (name) => {
      fs.writeFileSync(path.join(folder, name), photo);
      return stored(await storeMedia(dataDir, { path: path.join(folder, name), originalName: name, size: photo.length }, LIMITS));
    }));
    assert.equal(new Set(results.map((r) => r.key)).size, 1);
    assert.equal(filesUnder(dataDir).length, IMAGE_FILES.length);
  });

  it('PNG with transparency gets a white background in its JPEG files and keeps it in WebP', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const { dataDir, result } = await store(png, 'ritning.png');
    const media = stored(result);
    assert.deepEqual(await pixel(mediaFilePath(dataDir, media, 'full', 'jpeg'), 10, 10), [255, 255, 255]);
    assert.equal((await sharp(mediaFilePath(dataDir, media, 'thumb', 'webp')).metadata()).hasAlpha, true);
  });
});

describe('what is refused, with nothing stored', () => {
  const refusals: Array<[string, () => Promise<Buffer> | Buffer, string, MediaLimits?]> = [
    ['a text file named .jpg', () => Buffer.from('Hej! Det här är ingen bild, bara text.\n'.repeat(20)), 'not-media'],
    ['an SVG drawing (not a photo; may hold scripts and links)', () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'), 'not-media'],
    ['a PDF', () => Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'), 'not-media'],
    ['a truncated JPEG header', async () => (await jpegWithGps(600, 400)).subarray(0, 300), 'not-media'],
    ['a pixel bomb (900 megapixels in a few hundred bytes)', () => pixelBombPng(), 'too-many-pixels'],
    ['64 megapixels (under sharp\'s own limit, over ours)', () => pixelBombPng(8000), 'too-many-pixels'],
    ['an iPhone HEIC', () => heicLike(), 'heic'],
    ['an empty file', () => Buffer.alloc(0), 'empty'],
    ['a photo over the image limit', () => jpegWithGps(600, 400), 'too-large', { ...LIMITS, imageMaxBytes: 1000 }],
    ['a video over the video limit', () => mp4({ video: { width: 640, height: 480 } }), 'too-large', { ...LIMITS, videoMaxBytes: 1000, audioMaxBytes: 1000 }],
    ['a video longer than the video limit', () => mp4({ seconds: 121, video: { width: 640, height: 480 } }), 'too-long'],
    ['a sound longer than the sound limit', () => mp4({ seconds: 301, brand: 'M4A ' }), 'too-long'],
    ['an MP3 longer than the sound limit', () => mp3(400), 'too-long', { ...LIMITS, audioMaxSeconds: 5 }],
    ['a file that says MP4 but whose boxes do not add up', () => Buffer.concat([mp4({ video: { width: 64, height: 64 } }).subarray(0, 60), Buffer.alloc(100, 0xff)]), 'not-media'],
  ];
  for (const [what, make, error, limits] of refusals) {
    it(`${what}: '${error}'`, async () => {
      const { dataDir, result, upload } = await store(await make(), 'bild.jpg', limits);
      assert.deepEqual(result, { ok: false, error });
      assert.deepEqual(filesUnder(dataDir), [], 'nothing stored, no staging file left');
      assert.ok(fs.existsSync(upload), 'the caller\'s temp file is the caller\'s to remove');
    });
  }

  it('a file over every limit is refused from its size alone, without being read', async () => {
    const dataDir = tempDir('media');
    const at = path.join(tempDir('upload'), 'huge');
    fs.writeFileSync(at, '');
    fs.truncateSync(at, 300 * 1024 * 1024); // (a sparse file: 300 MB that take no room)
    const started = performance.now();
    assert.deepEqual(await storeMedia(dataDir, { path: at, originalName: 'film.mp4', size: 0 }, LIMITS), { ok: false, error: 'too-large' });
    assert.ok(performance.now() - started < 200, 'refused at once');
  });

  it('a temp file already gone is "empty", not an exception', async () => {
    assert.deepEqual(await storeMedia(tempDir('media'), { path: '/nonexistent/upload', originalName: 'x.jpg', size: 10 }, LIMITS), { ok: false, error: 'empty' });
  });
});

describe('a batch with one broken file', () => {
  it('stores the others, each refusal named by its file', async () => {
    const dataDir = tempDir('media');
    const folder = tempDir('upload');
    const batch: Array<[string, Buffer]> = [
      ['lek.jpg', await jpegWithGps(800, 600)],
      ['trasig.jpg', Buffer.from('inte en bild')],
      ['ritning.png', await twoColours(500, 300)],
      ['sång.mp3', mp3(100)],
    ];
    const results = await Promise.all(batch.map(async ([name, bytes]) => {
      const at = path.join(folder, name);
      fs.writeFileSync(at, bytes);
      return [name, await storeMedia(dataDir, { path: at, originalName: name, size: bytes.length }, LIMITS)] as const;
    }));
    assert.deepEqual(results.map(([name, r]) => [name, r.ok ? r.media.kind : r.error]), [['lek.jpg', 'image'], ['trasig.jpg', 'not-media'], ['ritning.png', 'image'], ['sång.mp3', 'audio']]);
  });
});

describe('video and sound', () => {
  it('an MP4 is kept as uploaded but for the place it was recorded: the boxes renamed free, the size the same', async () => {
    const video = mp4({ seconds: 12, video: { width: 1920, height: 1080 }, audio: true, place: true });
    assert.ok(video.includes(Buffer.from(PLACE)) && video.includes(Buffer.from(APPLE_PLACE)), 'the fixture says where');
    const { dataDir, result } = await store(video, 'film.mp4');
    const media = stored(result);
    assert.deepEqual({ ...media, key: '' }, { key: '', kind: 'video', mime: 'video/mp4', bytes: video.length, width: 1920, height: 1080, durationMs: 12_000 });
    const kept = fs.readFileSync(mediaFilePath(dataDir, media, 'file', 'jpeg'));
    assert.equal(kept.length, video.length, 'same size: every offset still right');
    assert.match(mediaFilePath(dataDir, media, 'file', 'jpeg'), /file\.mp4$/);
    for (const type of ['udta', 'meta']) assert.equal(kept.includes(Buffer.from(type)), false, `no ${type} box left`);
    // Only the two boxes' names changed: every other byte is the upload's.
    const changed = [...kept].flatMap((byte, i) => (byte === video[i] ? [] : [i]));
    assert.equal(changed.length, 8);
    assert.equal(kept.includes(Buffer.from('mdat')), true);
    assert.equal(media.key, (await import('node:crypto')).createHash('sha256').update(kept).digest('hex'), 'the key is the stored content\'s');
  });

  it('a QuickTime film from a phone held upright: its moov last, its picture standing', async () => {
    const film = mp4({ seconds: 3, brand: 'qt  ', video: { width: 1920, height: 1080, upright: true }, place: true, moovLast: true });
    const { dataDir, result } = await store(film, 'IMG_0002.MOV');
    const media = stored(result);
    assert.deepEqual([media.kind, media.mime, media.width, media.height, media.durationMs], ['video', 'video/quicktime', 1080, 1920, 3000]);
    const kept = fs.readFileSync(mediaFilePath(dataDir, media, 'file', 'jpeg'));
    assert.equal(kept.includes(Buffer.from(PLACE)), true, 'the bytes stay (inside a free box)');
    assert.equal(kept.includes(Buffer.from('udta')) || kept.includes(Buffer.from('meta')), false);
  });

  it('box sizes of 64 bits and "to the end of the file" are walked, the place blanked in both', async () => {
    for (const film of [mp4({ video: { width: 320, height: 240 }, place: true, moovLast: true, mdatSize: 'large' }), mp4({ video: { width: 320, height: 240 }, place: true, mdatSize: 'to-end' })]) {
      const { dataDir, result } = await store(film, 'film.mp4');
      const media = stored(result);
      assert.deepEqual([media.kind, media.width, media.durationMs], ['video', 320, 10_000]);
      const kept = fs.readFileSync(mediaFilePath(dataDir, media, 'file', 'jpeg'));
      assert.equal(kept.includes(Buffer.from('udta')) || kept.includes(Buffer.from('meta')), false);
    }
  });

  it('sound: an M4A and an MP4 without picture are sound (audio/mp4), an MP3 audio/mpeg, each with its length', async () => {
    const m4a = stored((await store(mp4({ seconds: 42, brand: 'M4A ', place: true }), 'inspelning.m4a')).result);
    assert.deepEqual([m4a.kind, m4a.mime, m4a.durationMs, m4a.width], ['audio', 'audio/mp4', 42_000, null]);
    const soundOnly = stored((await store(mp4({ seconds: 5 }), 'ljud.mp4')).result);
    assert.deepEqual([soundOnly.kind, soundOnly.mime], ['audio', 'audio/mp4']);
    const song = stored((await store(mp3(200), 'sång.mp3')).result);
    assert.equal(song.kind, 'audio');
    assert.equal(song.mime, 'audio/mpeg');
    assert.ok(Math.abs(song.durationMs! - 5224) < 60, `about 5.2 s (${song.durationMs})`);
  });

  it('WebM: with a picture track a video, with sound alone sound (audio/webm); without a recorded length still taken', async () => {
    const film = stored((await store(webm({ seconds: 30 }), 'film.webm')).result);
    assert.deepEqual({ ...film, key: '' }, { key: '', kind: 'video', mime: 'video/webm', bytes: webm({ seconds: 30 }).length, width: 640, height: 480, durationMs: 30_000 });
    const { dataDir, result } = await store(webm({ seconds: 12, video: false }), 'röst.webm');
    const voice = stored(result);
    assert.deepEqual([voice.kind, voice.mime, voice.durationMs, voice.width], ['audio', 'audio/webm', 12_000, null]);
    assert.match(mediaFilePath(dataDir, voice, 'file', 'jpeg'), /file\.webm$/);
    // A browser's recorder writes no length: the size limit still holds, the length is unknown.
    assert.equal(stored((await store(webm({}), 'inspelning.webm')).result).durationMs, null);
    assert.deepEqual((await store(webm({ seconds: 121 }), 'lång.webm')).result, { ok: false, error: 'too-long' });
  });

  it('a video named .jpg is a video, and a photo named .mp4 is a photo: the content decides', async () => {
    assert.equal(stored((await store(mp4({ video: { width: 320, height: 240 } }), 'bild.jpg')).result).kind, 'video');
    assert.equal(stored((await store(await jpegWithGps(400, 300), 'film.mp4')).result).kind, 'image');
  });
});

describe('files on disk', () => {
  it('removeMediaFiles removes a key\'s files (again: no error); a key that is no key is refused', async () => {
    const { dataDir, result } = await store(await jpegWithGps(500, 400));
    const media = stored(result);
    await removeMediaFiles(dataDir, media.key);
    assert.deepEqual(filesUnder(dataDir), []);
    await removeMediaFiles(dataDir, media.key);
    await assert.rejects(removeMediaFiles(dataDir, '../../etc'));
    assert.throws(() => mediaFilePath(dataDir, { key: '../x', kind: 'image', mime: 'image/jpeg' }, 'full', 'jpeg'));
  });
});

describe('what a stopped process left', () => {
  it('the staging folder\'s day-old leftovers are swept, a younger one (a store under way) is kept', async () => {
    const dataDir = tempDir('media');
    const root = path.join(dataDir, 'media', 'docs', '.staging');
    fs.mkdirSync(path.join(root, 'm-old', 'files'), { recursive: true });
    fs.writeFileSync(path.join(root, 'm-old', 'files', 'full.jpg'), 'half');
    fs.mkdirSync(path.join(root, 'm-young'));
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    fs.utimesSync(path.join(root, 'm-old'), dayAgo, dayAgo);
    assert.deepEqual(await sweepStaging(dataDir), ['m-old']);
    assert.deepEqual(fs.readdirSync(root), ['m-young']);
  });
});

describe('media no row names (a crash between storing and the row)', () => {
  const dayAgo = () => new Date(Date.now() - 25 * 60 * 60 * 1000);
  const hourAgo = () => new Date(Date.now() - 60 * 60 * 1000);
  const age = (dataDir: string, key: string) => fs.utimesSync(path.join(dataDir, 'media', 'docs', key.slice(0, 2), key), dayAgo(), dayAgo());

  it('removes an old key\'s folder no row names, keeps a named one, a young one and the staging folder', async () => {
    const { dataDir, result } = await store(await twoColours(64, 48));
    const orphan = stored(result).key;
    const at = path.join(tempDir('upload'), 'second');
    fs.writeFileSync(at, await twoColours(80, 40));
    const named = stored(await storeMedia(dataDir, { path: at, originalName: 'b.jpg', size: 1 }, LIMITS)).key;
    const at3 = path.join(tempDir('upload'), 'third');
    fs.writeFileSync(at3, await twoColours(96, 40));
    const young = stored(await storeMedia(dataDir, { path: at3, originalName: 'c.jpg', size: 1 }, LIMITS)).key;
    age(dataDir, orphan);
    age(dataDir, named);
    fs.mkdirSync(path.join(dataDir, 'media', 'docs', '.staging', 'm-x'), { recursive: true });
    assert.deepEqual(await sweepMediaFiles(dataDir, new Set([named]), hourAgo()), [orphan]);
    assert.deepEqual(filesUnder(dataDir).filter((f) => f.includes(orphan)), []);
    assert.equal(filesUnder(dataDir).filter((f) => f.includes(named)).length, IMAGE_FILES.length);
    assert.equal(filesUnder(dataDir).filter((f) => f.includes(young)).length, IMAGE_FILES.length);
    assert.ok(fs.existsSync(path.join(dataDir, 'media', 'docs', '.staging', 'm-x')));
    assert.deepEqual(await sweepMediaFiles(dataDir, new Set([named]), hourAgo()), [], 'nothing more the second time');
    assert.deepEqual(await sweepMediaFiles(tempDir('media'), new Set(), hourAgo()), [], 'no media folder: nothing');
  });

  it('asks a check per key just before removing (a row written since the caller listed them keeps its files)', async () => {
    const { dataDir, result } = await store(await twoColours(64, 48));
    const key = stored(result).key;
    age(dataDir, key);
    const asked: string[] = [];
    assert.deepEqual(await sweepMediaFiles(dataDir, async (k) => { asked.push(k); return true; }, hourAgo()), []);
    assert.deepEqual(asked, [key]);
    assert.deepEqual(await sweepMediaFiles(dataDir, () => false, hourAgo()), [key]);
  });

  it('an old orphan uploaded again counts as new: a sweep before its row is written keeps it', async () => {
    const photo = await twoColours(64, 48);
    const { dataDir, result } = await store(photo);
    const key = stored(result).key;
    age(dataDir, key);
    const at = path.join(tempDir('upload'), 'again');
    fs.writeFileSync(at, photo);
    assert.equal(stored(await storeMedia(dataDir, { path: at, originalName: 'a.jpg', size: 1 }, LIMITS)).key, key);
    assert.deepEqual(await sweepMediaFiles(dataDir, new Set(), hourAgo()), []);
    assert.equal(filesUnder(dataDir).filter((f) => f.includes(key)).length, IMAGE_FILES.length);
  });
});

describe('pictureOf (the child\'s 160×200 picture)', () => {
  it('cuts a lying photo to exactly 160×200, turned upright, no metadata', async () => {
    const result = await pictureOf(await sidewaysJpeg(1200, 600), { width: 160, height: 200 });
    assert.ok(result.ok);
    const meta = await sharp(result.image).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.exif, meta.orientation], ['jpeg', 160, 200, undefined, undefined]);
  });

  it('from a received file too, and refuses as storeMedia does', async () => {
    const at = path.join(tempDir('upload'), 'p');
    fs.writeFileSync(at, await jpegWithGps(640, 480));
    const fromFile = await pictureOf({ path: at, originalName: 'p.jpg', size: 1 }, { width: 160, height: 200 });
    assert.ok(fromFile.ok);
    assert.equal(fromFile.image.includes(Buffer.from('Fotofabriken')), false);
    assert.deepEqual(await pictureOf(Buffer.from('text'), { width: 160, height: 200 }), { ok: false, error: 'not-media' });
    assert.deepEqual(await pictureOf(pixelBombPng(), { width: 160, height: 200 }), { ok: false, error: 'too-many-pixels' });
    assert.deepEqual(await pictureOf(heicLike(), { width: 160, height: 200 }), { ok: false, error: 'heic' });
    assert.deepEqual(await pictureOf(mp4({ video: { width: 64, height: 64 } }), { width: 160, height: 200 }), { ok: false, error: 'not-media' });
  });
});

describe('the work queue', () => {
  it('never runs more tasks at once than its places, and a failing task frees its place', async () => {
    const queue = new WorkQueue(2);
    let running = 0;
    let most = 0;
    const task = (fail: boolean) => queue.run(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      if (fail) throw new Error('broken');
      return 'done';
    });
    const results = await Promise.allSettled(Array.from({ length: 9 }, (_, i) => task(i % 3 === 0)));
    assert.equal(most, 2);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.deepEqual(queue.load, { running: 0, waiting: 0 });
  });
});
