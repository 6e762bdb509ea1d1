// A throw-away PostgreSQL cluster for tests: initdb into a temporary folder, a server on a free loopback port with
// fsync off, a fresh database per caller; `stop()` stops the server and removes the folder. Run as root (CI), the
// cluster belongs to the `postgres` OS user, as PostgreSQL refuses to run as root.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const POSTGRES_BIN = process.env.POSTGRES_BIN || '/usr/lib/postgresql/15/bin';

/** Whether PostgreSQL's server programs are installed (scripts/test.mjs says how to install them). */
export function postgresInstalled(): boolean {
  return fs.existsSync(path.join(POSTGRES_BIN, 'initdb')) && fs.existsSync(path.join(POSTGRES_BIN, 'pg_ctl'));
}

export interface PostgresCluster {
  /** `postgres://vardag@127.0.0.1:PORT`: the cluster, without a database. */
  base: string;
  /** A new database, empty or a copy of `template`; its connection URL. */
  createDatabase(name?: string, template?: string): Promise<string>;
  /** Drops a database this cluster made (closing whatever is still connected to it). */
  dropDatabase(url: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'vardag';

export async function startPostgres(): Promise<PostgresCluster> {
  if (!postgresInstalled()) throw new Error(`PostgreSQL's programs are not in ${POSTGRES_BIN}: apt-get install -y postgresql (or set POSTGRES_BIN)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardag-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
  }
  const run = (program: string, args: string[]) => {
    const command = [path.join(POSTGRES_BIN, program), ...args];
    if (asRoot) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command.map(quote).join(' ')], { stdio: 'pipe' });
    else execFileSync(command[0], command.slice(1), { stdio: 'pipe' });
  };
  const data = path.join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', USER, '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  // A port found free may be taken before the server binds it (another test's outgoing connection gets it as its
  // ephemeral port on a busy machine): then the server is started again on another one.
  const log = path.join(dir, 'log');
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
        '-l', log, '-w', 'start']);
      break;
    } catch (err) {
      const said = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      if (attempt < 5 && said.includes('Address already in use')) continue;
      throw new Error(`PostgreSQL did not start on port ${port}; its log:\n${said.slice(-2000)}`, { cause: err });
    }
  }
  const base = `postgres://${USER}@127.0.0.1:${port}`;
  return {
    base,
    createDatabase: (name, template) => createDatabase(base, name, template),
    dropDatabase: (url) => dropDatabase(base, url),
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let count = 0;

/** A new database in the cluster at `base` (empty, or a copy of `template`, which nobody may be connected to). */
export async function createDatabase(base: string, name = `test_${process.pid}_${++count}`, template?: string): Promise<string> {
  await onMaintenanceDatabase(base, (client) => client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`));
  return `${base}/${name}`;
}

export async function dropDatabase(base: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await onMaintenanceDatabase(base, (client) => client.query(`drop database if exists "${name}" with (force)`));
}

async function onMaintenanceDatabase(base: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: `${base}/postgres` });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
