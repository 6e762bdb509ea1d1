import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import sharp from 'sharp';
import { storeMedia, mediaLimits } from '../../server/media/index.ts';
import { DEFAULT_DOCUMENTATION_SETTINGS } from '../../server/documentation/settings.ts';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2probe-'));
const files = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
  const at = path.join(dir, `f${i}`);
  fs.writeFileSync(at, i === 3 ? Buffer.from('nope') : await sharp({ create: { width: 64 + i, height: 48, channels: 3, background: { r: i * 30, g: 1, b: 2 } } }).jpeg().toBuffer());
  return at;
}));
process.on('exit', (c) => { if (!(globalThis as any).done) console.log('EXIT BEFORE DONE', c); });
const results = await Promise.all(files.map((p) => storeMedia(path.join(dir, 'data'), { path: p, originalName: 'x.jpg', size: 1 }, mediaLimits(DEFAULT_DOCUMENTATION_SETTINGS))));
(globalThis as any).done = true;
console.log('done', results.map((r) => r.ok));
