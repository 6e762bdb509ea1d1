import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { phonePhoto, uploadsAtOnce } from '../../scripts/bench/media.ts';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'a2exp-'));
const photo = await phonePhoto();
const envs: Record<string, string>[] = JSON.parse(process.argv[2] ?? '[{}]');
const app = process.argv[3] !== 'lib';
for (const env of envs) {
  const r = await uploadsAtOnce(photo, 10, 10, work, env, app);
  console.log(JSON.stringify(env), app ? 'app' : 'lib', `${r.seconds.toFixed(1)} s peak ${r.peakRssMb.toFixed(0)} start ${r.startRssMb.toFixed(0)} load ${os.loadavg()[0].toFixed(1)}`);
}
fs.rmSync(work, { recursive: true, force: true });
