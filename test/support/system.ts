// The machine the tests run on: temporary folders (a data folder, a database file) and free ports on loopback.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A new empty folder in the system's temporary folder, named `vardag-<name>-…`. */
export function tempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vardag-${name}-`));
  made.push(dir);
  return dir;
}

/** Removes a folder and everything in it. */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Removes every folder tempDir made in this test file (for its `after`). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) removeDir(dir);
}

/** A free TCP port on loopback (nothing listens on it when this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
