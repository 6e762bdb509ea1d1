// `npm run bench -- --media`: the media pipeline with 12-megapixel phone photos. (1) Throughput: photos a second
// through storeMedia (decode, turn, every stored size in WebP and JPEG, hashing, writing) against sharp making the
// same five files from the same photo directly, as many at a time as the queue has places; target ≥ 80 %. (2) Memory:
// ten uploads of ten such photos at once to a draft post's upload route (`POST /posts/:postId/media`, the whole app
// on the demo municipality) in a server process of its own, with glibc's allocator set as `npm start` and the systemd
// unit set it (MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=131072); its peak resident memory (VmHWM), target ≤ 500 MB;
// then the same with glibc's defaults, and into the media library alone (its upload and storeMedia, no app). See
// README, "Performance".
//
//   npm run bench -- --media [--photos 16] [--uploads 10] [--per-upload 10] [--json FILE]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import express from 'express';
import sharp from 'sharp';
import { csrfProtection } from '../../server/kernel/csrf.ts';
import { DECODE, DISPLAY_SIZE, FULL_JPEG, imageQueue, JPEG, THUMB_SIZE, WEBP } from '../../server/media/images.ts';
import { mediaLimits, mediaUpload, receivedFiles, storeMedia } from '../../server/media/index.ts';
import { DEFAULT_DOCUMENTATION_SETTINGS } from '../../server/documentation/settings.ts';
import { numberOption } from './options.ts';

const USAGE = `npm run bench -- --media [options]

  --photos N         photos per throughput run (default 16)
  --uploads U        uploads sent at once in the memory run (default 10)
  --per-upload K     photos in each upload (default 10)
  --json FILE        also write the figures as JSON`;
const TARGET_RATIO = 0.8;
const TARGET_RSS_MB = 500;
const TOKEN = 'bench-token';
const LIMITS = mediaLimits(DEFAULT_DOCUMENTATION_SETTINGS);
/**
 * glibc's allocator as `npm start` and scripts/deploy/vardag.service set it for the server (cluster workers inherit it):
 * at most two arenas, and every block over 128 KiB its own mapping, given back when freed (a fixed threshold, which
 * glibc otherwise raises up to 32 MiB, keeping sharp's freed image buffers in its arenas).
 */
export const SERVER_MALLOC = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;

export interface MediaFigures {
  photoBytes: number; megapixels: number; places: number; photos: number;
  storeMediaPerSecond: number; sharpDirectPerSecond: number; ratio: number;
  sequential: { storeMediaSeconds: number; sharpDirectSeconds: number };
  uploads: number; perUpload: number; uploadSeconds: number; peakRssMb: number; startRssMb: number;
  /** The same with glibc's default allocator settings (no SERVER_MALLOC in the server's environment). */
  glibcDefaults: { uploadSeconds: number; peakRssMb: number };
  /** The same uploads into the media library alone (no app, no database). */
  libraryOnly: { uploadSeconds: number; peakRssMb: number; startRssMb: number };
  met: { throughput: boolean; memory: boolean };
  /** The machine's load average (1 min) when the throughput was measured: other work shares the cores. */
  loadAverage: number;
}

export async function mediaBench(argv: string[], progress: (line: string) => void): Promise<number> {
  if (process.env.NODE_ENV !== 'production') {
    // (the throughput measured with the server's allocator settings: storeMedia as the server runs it)
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, ...argv], { stdio: 'inherit', env: { ...process.env, ...SERVER_MALLOC, NODE_ENV: 'production' } });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  const { values } = parseArgs({ args: argv, options: { photos: { type: 'string' }, uploads: { type: 'string' }, 'per-upload': { type: 'string' }, json: { type: 'string' } } });
  const number = numberOption(USAGE);
  const photos = Math.round(number(values.photos, 16, 'photos', 2));
  const uploads = Math.round(number(values.uploads, 10, 'uploads', 1));
  const perUpload = Math.round(number(values['per-upload'], 10, 'per-upload', 1));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vardag-media-bench-'));
  try {
    progress('making a 12-megapixel photo');
    const photo = await phonePhoto();
    const places = imageQueue.places;
    progress(`throughput: ${photos} photos, ${places} at a time (the queue's places), each way twice`);
    const direct = () => timed(photos, places, (i) => sharpDirect(copyOf(photo, i)));
    const pipeline = (dir: string) => timed(photos, places, (i) => storeOne(dir, copyOf(photo, i), work));
    await sharpDirect(copyOf(photo, -1)); // warm-up
    await storeOne(path.join(work, 'warm'), copyOf(photo, -1), work);
    // In turns, so a change in the machine's load falls on both alike; the better of two runs each.
    const directRuns: number[] = [];
    const storeRuns: number[] = [];
    for (const run of ['a', 'b']) {
      directRuns.push(await direct());
      storeRuns.push(await pipeline(path.join(work, run)));
    }
    const directSeconds = Math.min(...directRuns);
    const storeSeconds = Math.min(...storeRuns);
    progress('one at a time');
    const sequentialDirect = await timed(4, 1, (i) => sharpDirect(copyOf(photo, 1000 + i)));
    const sequentialStore = await timed(4, 1, (i) => storeOne(path.join(work, 'c'), copyOf(photo, 1000 + i), work));
    const load = os.loadavg()[0]!;
    progress(`memory: ${uploads} uploads of ${perUpload} photos at once, into a server process of its own`);
    const memory = await uploadsAtOnce(photo, uploads, perUpload, work, SERVER_MALLOC, true);
    // Without them glibc gives each thread that allocates an arena of its own and keeps what sharp's threads freed.
    progress('the same with glibc\'s default allocator settings');
    const arenas = await uploadsAtOnce(photo, uploads, perUpload, work, { MALLOC_ARENA_MAX: undefined, MALLOC_MMAP_THRESHOLD_: undefined }, true);
    progress('the same into the media library alone (its upload and storeMedia, no app, no database)');
    const library = await uploadsAtOnce(photo, uploads, perUpload, work, SERVER_MALLOC);
    const figures: MediaFigures = {
      photoBytes: photo.length, megapixels: 12, places, photos,
      storeMediaPerSecond: photos / storeSeconds, sharpDirectPerSecond: photos / directSeconds, ratio: directSeconds / storeSeconds,
      sequential: { storeMediaSeconds: sequentialStore / 4, sharpDirectSeconds: sequentialDirect / 4 },
      uploads, perUpload, uploadSeconds: memory.seconds, peakRssMb: memory.peakRssMb, startRssMb: memory.startRssMb,
      glibcDefaults: { uploadSeconds: arenas.seconds, peakRssMb: arenas.peakRssMb },
      libraryOnly: { uploadSeconds: library.seconds, peakRssMb: library.peakRssMb, startRssMb: library.startRssMb },
      met: { throughput: directSeconds / storeSeconds >= TARGET_RATIO, memory: memory.peakRssMb <= TARGET_RSS_MB }, loadAverage: load,
    };
    console.log([
      '', `Media pipeline, a ${(photo.length / 1e6).toFixed(1)} MB 12-megapixel JPEG into full.jpg, display (${DISPLAY_SIZE} px) and thumbnail (${THUMB_SIZE} px) in WebP and JPEG:`,
      `  storeMedia        ${figures.storeMediaPerSecond.toFixed(2)} photos/s (${places} at a time; one alone ${figures.sequential.storeMediaSeconds.toFixed(2)} s)`,
      `  sharp directly    ${figures.sharpDirectPerSecond.toFixed(2)} photos/s (${places} at a time; one alone ${figures.sequential.sharpDirectSeconds.toFixed(2)} s)`,
      `  ratio             ${(figures.ratio * 100).toFixed(0)} % (target ≥ ${TARGET_RATIO * 100} %): ${figures.met.throughput ? 'met' : 'MISSED'} (machine load average ${load.toFixed(1)} on ${os.availableParallelism()} cores)`,
      `  ${uploads} uploads × ${perUpload} photos at once to a post (the app's route): ${memory.seconds.toFixed(1)} s, peak RSS ${memory.peakRssMb.toFixed(0)} MB (${memory.startRssMb.toFixed(0)} MB at start; target ≤ ${TARGET_RSS_MB} MB): ${figures.met.memory ? 'met' : 'MISSED'}`,
      `    (with MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072, as npm start and the systemd unit start the server)`,
      `    with glibc's default allocator settings: ${arenas.seconds.toFixed(1)} s, peak RSS ${arenas.peakRssMb.toFixed(0)} MB`,
      `    into the media library alone: ${library.seconds.toFixed(1)} s, peak RSS ${library.peakRssMb.toFixed(0)} MB (${library.startRssMb.toFixed(0)} MB at start)`,
    ].join('\n'));
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
    return figures.met.throughput && figures.met.memory ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A 4000×3000 photo-like JPEG (gradients and shapes with sensor-like noise, as a phone's 3–5 MB file). */
export async function phonePhoto(): Promise<Buffer> {
  const [width, height] = [4000, 3000];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#6fa8dc"/><stop offset="1" stop-color="#d9ead3"/></linearGradient>
    <radialGradient id="sun"><stop offset="0" stop-color="#fff2cc"/><stop offset="1" stop-color="#f1c232" stop-opacity="0"/></radialGradient></defs>
    <rect width="${width}" height="${height}" fill="url(#sky)"/><circle cx="3100" cy="700" r="600" fill="url(#sun)"/>
    <path d="M0 2000 Q1000 1600 2000 2100 T4000 1900 V3000 H0Z" fill="#38761d"/>
    ${Array.from({ length: 60 }, (_, i) => `<circle cx="${(i * 677) % width}" cy="${2100 + ((i * 131) % 800)}" r="${30 + (i % 7) * 20}" fill="hsl(${(i * 47) % 360},60%,55%)"/>`).join('')}
  </svg>`;
  const noise = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 0, sigma: 14 } } }).raw().toBuffer();
  const base = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  for (let i = 0; i < base.length; i++) base[i] = Math.max(0, Math.min(255, base[i]! + noise[i]! - 7));
  return sharp(base, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).withExif({ IFD0: { Make: 'Bench', Model: 'Phone' } }).toBuffer();
}

/** The photo with a comment of its own after the start marker: the same pixels, another content key. */
function copyOf(photo: Buffer, n: number): Buffer {
  const text = Buffer.from(`vardag bench ${n} ${process.hrtime.bigint()}`);
  const head = Buffer.from([0xff, 0xfe, 0, 0]);
  head.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([photo.subarray(0, 2), head, text, photo.subarray(2)]);
}

/** sharp making the same five files from the photo directly (each from the photo, turned by its EXIF), in memory. */
async function sharpDirect(photo: Buffer): Promise<void> {
  const from = () => sharp(photo, DECODE).rotate();
  const display = { width: DISPLAY_SIZE, height: DISPLAY_SIZE, fit: 'inside', withoutEnlargement: true } as const;
  const thumb = { width: THUMB_SIZE, height: THUMB_SIZE, fit: 'inside', withoutEnlargement: true } as const;
  await Promise.all([
    from().jpeg(FULL_JPEG).toBuffer(),
    from().resize(display).webp(WEBP).toBuffer(),
    from().resize(display).jpeg(JPEG).toBuffer(),
    from().resize(thumb).webp(WEBP).toBuffer(),
    from().resize(thumb).jpeg(JPEG).toBuffer(),
  ]);
}

/** storeMedia from a temp file, as an upload hands it over. */
async function storeOne(dataDir: string, photo: Buffer, work: string): Promise<void> {
  const at = path.join(work, `upload-${process.hrtime.bigint()}`);
  fs.writeFileSync(at, photo);
  try {
    const result = await storeMedia(dataDir, { path: at, originalName: 'IMG.jpg', size: photo.length }, LIMITS);
    if (!result.ok) throw new Error(`storeMedia refused the photo: ${result.error}`);
  } finally {
    fs.rmSync(at, { force: true });
  }
}

/** Seconds to run `count` tasks, `atOnce` at a time. */
async function timed(count: number, atOnce: number, task: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: atOnce }, async () => {
    while (next < count) await task(next++);
  }));
  return (performance.now() - started) / 1000;
}

/** Starts the upload server in a process of its own, sends the uploads at once, reads the server's peak RSS. */
export async function uploadsAtOnce(photo: Buffer, uploads: number, perUpload: number, work: string, env: Record<string, string | undefined> = {}, app = false): Promise<{ seconds: number; peakRssMb: number; startRssMb: number }> {
  const mode = app ? ['--serve-app'] : ['--serve', path.join(work, 'server')];
  // (the whole app as the tests run it: NODE_ENV=test, which its configuration needs without a real installation's settings)
  const server = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, ...mode], { stdio: ['ignore', 'pipe', 'inherit'], env: withoutUnset({ ...process.env, ...(app ? { NODE_ENV: 'test' } : {}), ...env }) });
  try {
    const ready = await new Promise<string>((resolve, reject) => {
      server.stdout!.once('data', (line: Buffer) => resolve(String(line).trim()));
      server.once('exit', () => reject(new Error('the upload server stopped')));
    });
    const target = app ? (JSON.parse(ready) as { port: number; cookie: string; token: string; postId: number }) : undefined;
    const port = target ? target.port : Number(ready);
    const startRssMb = rssOf(server.pid!).current;
    const started = performance.now();
    const rest = new Blob([new Uint8Array(photo.subarray(2))]); // (shared by every copy's Blob: the client stays small)
    await Promise.all(Array.from({ length: uploads }, async (_, u) => {
      const form = new FormData();
      if (target) form.append('_csrf', target.token); // (before the files: checked before one is written)
      for (let i = 0; i < perUpload; i++) {
        const head = copyOf(photo.subarray(0, 2), u * 1000 + i);
        form.append('files', new Blob([new Uint8Array(head), rest], { type: 'image/jpeg' }), `IMG_${u}_${i}.jpg`);
      }
      if (target) {
        const res = await fetch(`http://127.0.0.1:${port}/posts/${target.postId}/media`, { method: 'POST', body: form, headers: { cookie: target.cookie }, redirect: 'manual' });
        if (res.status !== 303) throw new Error(`upload ${u} to the post: ${res.status} ${(await res.text()).slice(0, 300)}`);
        return;
      }
      const res = await fetch(`http://127.0.0.1:${port}/upload`, { method: 'POST', body: form, headers: { 'x-csrf-token': TOKEN } });
      const body = (await res.json()) as { stored: number };
      if (res.status !== 200 || body.stored !== perUpload) throw new Error(`upload ${u}: ${res.status}, ${body.stored} stored`);
    }));
    const seconds = (performance.now() - started) / 1000;
    return { seconds, peakRssMb: rssOf(server.pid!).peak, startRssMb };
  } finally {
    server.kill();
  }
}

/** The environment without the variables set to undefined (unset, not empty: glibc would read an empty value). */
function withoutUnset(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** A process's resident memory now and at its peak (Linux's /proc), in MB. */
function rssOf(pid: number): { current: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { current: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** The upload server: a signed-in session, the upload, the app's CSRF check, each file stored in turn. */
async function serve(dataDir: string): Promise<void> {
  const app = express();
  app.use((req, _res, next) => {
    (req as unknown as { session: object }).session = { accountId: 1, csrfToken: TOKEN };
    next();
  });
  app.post('/upload', mediaUpload({ field: 'files', maxFiles: 20, maxBytes: LIMITS.imageMaxBytes }));
  app.use(csrfProtection({ secret: 'bench', secureCookie: false }).protection);
  app.post('/upload', async (req, res) => {
    let stored = 0;
    for (const file of receivedFiles(req).files) if ((await storeMedia(dataDir, file, LIMITS)).ok) stored += 1;
    res.json({ stored });
  });
  const listener = app.listen(0, '127.0.0.1', () => process.stdout.write(`${(listener.address() as AddressInfo).port}\n`));
}

/**
 * The whole app instead (the demo municipality on a SQLite file, as the tests make it): `pedagog` signed in with a
 * draft post of Blåbär, so the uploads go through the post's real route (its upload middleware, CSRF check, access
 * check, storeMedia and the media rows). Prints the port, the session cookie, a CSRF token and the post.
 */
async function serveApp(): Promise<void> {
  const { startTestApp, sessionCookie, signIn, postForm, csrfFrom } = await import('../../test/support/app.ts');
  const { groupId } = await import('../../test/support/demo.ts');
  const { default: request } = await import('supertest');
  const t = await startTestApp();
  const blabar = await groupId(t.db, 'Blåbär');
  const author = await signIn(t.app, 'pedagog');
  const made = await postForm(author, `/groups/${blabar}/posts/new`, `/groups/${blabar}/posts`, { kind: 'group', title: 'Bänken', body: 'Foton.', reflection: '' });
  const postId = Number(/^\/posts\/(\d+)\/edit$/.exec(String(made.headers.location))?.[1]);
  if (!(postId > 0)) throw new Error(`no draft post: ${made.status}`);
  const cookie = await sessionCookie(t.app, 'pedagog');
  const token = csrfFrom((await request(t.app).get(`/posts/${postId}/edit`).set('Cookie', cookie)).text);
  const listener = t.app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (listener.address() as AddressInfo).port, cookie, token, postId })}\n`);
  });
}

if (process.argv[1] === import.meta.filename) {
  const args = process.argv.slice(2);
  if (args[0] === '--serve') void serve(args[1]!);
  else if (args[0] === '--serve-app') void serveApp();
  else mediaBench(args, (line) => process.stderr.write(`[media bench] ${line}\n`)).then((code) => process.exit(code));
}
