// The bench's own PostgreSQL (`npm run bench -- --database postgres`): a cluster kept in .bench/postgres, so the data
// sets built in it (one database per size) survive between runs, started for a run and stopped after it; or the server
// VARDAG_DATABASE_URL names, where the bench creates its databases beside the one named. While the pages' SQL is
// captured (`--explain`), the cluster logs every statement with its parameters; that needs the bench's own cluster.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { POSTGRES_BIN, postgresInstalled } from '../../test/support/postgres.ts';
import { freePort, ticksPerSecond } from './server.ts';

const USER = 'vardag';

export interface BenchPostgres {
  /** `postgres://user@host:port`, without a database. */
  base: string;
  /** The statement log (own cluster only): every statement with its parameters while `logStatements(true)`. */
  logFile?: string;
  urlOf(database: string): string;
  exists(database: string): Promise<boolean>;
  create(database: string): Promise<void>;
  drop(database: string): Promise<void>;
  /** Databases whose name starts with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** CPU seconds the cluster's processes have used so far, ended ones included (own cluster, Linux); else undefined. */
  cpuSeconds(): number | undefined;
  /** Turns logging every statement on or off (own cluster only). */
  logStatements(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** The server VARDAG_DATABASE_URL names, or the bench's cluster in `dir` (made on first use), started. */
export async function benchPostgres(dir: string, log: (line: string) => void): Promise<BenchPostgres> {
  const given = process.env.VARDAG_DATABASE_URL;
  if (given) {
    const url = new URL(given);
    const maintenance = url.pathname.slice(1) || 'postgres';
    url.pathname = '';
    return clusterAt(url.href.replace(/\/$/, ''), maintenance, undefined, async () => undefined, () => undefined);
  }
  if (!postgresInstalled()) throw new Error(`PostgreSQL's programs are not in ${POSTGRES_BIN}: apt-get install -y postgresql (or set POSTGRES_BIN)`);
  const asRoot = process.getuid?.() === 0;
  const run = (program: string, args: string[]) => {
    const command = [path.join(POSTGRES_BIN, program), ...args];
    if (asRoot) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command.map(quote).join(' ')], { stdio: 'pipe' });
    else execFileSync(command[0], command.slice(1), { stdio: 'pipe' });
  };
  const data = path.join(dir, 'data');
  fs.mkdirSync(dir, { recursive: true });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
  }
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
    log(`initdb ${path.relative(process.cwd(), data)}`);
    run('initdb', ['-D', data, '-A', 'trust', '-U', USER, '-E', 'UTF8', '--locale=C.UTF-8']);
  }
  const port = await freePort();
  const logFile = path.join(dir, 'postgres.log');
  // As the SQLite file runs (WAL, synchronous NORMAL): a commit does not wait for the disk. A bigger buffer cache than
  // the default 128 MB, so the 50,000-child set's hot indexes stay in it, and few checkpoints while a set is built.
  const settings = [
    `-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c synchronous_commit=off', '-c shared_buffers=512MB',
    '-c max_wal_size=8GB', '-c checkpoint_timeout=30min', '-c maintenance_work_mem=256MB', '-c work_mem=16MB',
    "-c log_line_prefix='%m [%p] '", '-c log_parameter_max_length=-1',
  ];
  fs.rmSync(logFile, { force: true });
  run('pg_ctl', ['-D', data, '-o', settings.join(' '), '-l', logFile, '-w', 'start']);
  const postmaster = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return clusterAt(`postgres://${USER}@127.0.0.1:${port}`, 'postgres', logFile, async () => {
    run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  }, () => clusterCpuSeconds(postmaster));
}

function clusterAt(base: string, maintenance: string, logFile: string | undefined, stop: () => Promise<void>, cpuSeconds: () => number | undefined): BenchPostgres {
  const onMaintenance = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: `${base}/${maintenance}` });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    base,
    logFile,
    cpuSeconds,
    urlOf: (database) => `${base}/${database}`,
    exists: (database) => onMaintenance(async (c) => (await c.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1),
    create: (database) => onMaintenance(async (c) => { await c.query(`create database "${database}"`); }),
    drop: (database) => onMaintenance(async (c) => { await c.query(`drop database if exists "${database}" with (force)`); }),
    list: (prefix) => onMaintenance(async (c) => (await c.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]))
      .rows.map((r) => r.datname)),
    async logStatements(on) {
      if (!logFile) throw new Error('the pages\' SQL is captured from the statement log of the bench\'s own cluster: run without VARDAG_DATABASE_URL');
      await onMaintenance(async (c) => {
        await c.query(`alter system set log_statement = '${on ? 'all' : 'none'}'`);
        await c.query('select pg_reload_conf()');
      });
      // Every backend rereads the configuration at its next command; give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
    stop,
  };
}

/** The postmaster's own CPU and its ended children's (cutime, cstime), and every running backend's. */
function clusterCpuSeconds(postmaster: number): number | undefined {
  const fields = (pid: number | string): string[] | undefined => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    } catch {
      return undefined;
    }
  };
  const own = fields(postmaster);
  if (!own) return undefined;
  // After the ")": state, ppid, …; utime, stime, cutime, cstime are the 12th to 15th.
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = fields(entry);
    if (f && Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / ticksPerSecond();
}

function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
