// The server under test, started as production runs it, and small HTTP helpers that see the bytes on the wire.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerOptions {
  dataDir: string;
  sessionSecret: string;
  logFile: string;
  /** Folder for `node --cpu-prof`; no profile when undefined. */
  profileDir?: string;
  /** Keep the login limits as configured (the peak day); otherwise the per-address limit is lifted for the load. */
  realLoginLimits?: boolean;
  /** PostgreSQL (VARDAG_DATABASE_URL) instead of the SQLite file in `dataDir`. */
  databaseUrl?: string;
}

export interface RunningServer {
  origin: string;
  /** Every process's origin (several with startServers). */
  origins: string[];
  process: ChildProcess;
  stop(): Promise<void>;
  logTail(): string;
  /** CPU seconds the server process has used so far, all threads (Linux /proc); undefined elsewhere. */
  cpuSeconds(): number | undefined;
}

let clockTicks: number | undefined;

export function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

/** CPU seconds the whole machine has been busy (all cores, /proc/stat); undefined off Linux. */
export function machineCpuSeconds(): number | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** utime + stime of a process from /proc/<pid>/stat, in seconds. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** `node --import tsx server/main.ts` with NODE_ENV=production; resolves once it answers. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const log = fs.createWriteStream(options.logFile);
  let tail = '';
  const args = [
    ...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : []),
    '--import', 'tsx', 'server/main.ts',
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production', PORT: String(port), VARDAG_DATA_DIR: options.dataDir, SESSION_SECRET: options.sessionSecret,
      VARDAG_BENCH_BASELINE: '1', LOGIN_LIMIT_PER_ADDRESS: options.realLoginLimits ? '' : '1000000000', TRUST_PROXY: '', COMPRESSION: '',
      VARDAG_DATABASE_URL: options.databaseUrl ?? '', VARDAG_WORKERS: '',
    },
  });
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => child.on('exit', (code, signal) => {
    exited = code ?? (signal ? -1 : null);
    log.end();
    resolve();
  }));

  const server: RunningServer = {
    origin,
    origins: [origin],
    process: child,
    logTail: () => tail,
    cpuSeconds: () => (child.pid === undefined || exited !== undefined ? undefined : processCpuSeconds(child.pid)),
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`the server exited (code ${exited}) before it answered:\n${tail}`);
    try {
      const res = await get(`${origin}/bench/baseline?bytes=1`, {});
      if (res.status === 200) return server;
      await server.stop();
      throw new Error(`GET /bench/baseline answered ${res.status}: is VARDAG_BENCH_BASELINE handled?\n${tail}`);
    } catch (err) {
      if (!(err instanceof Error) || !('code' in err) || err.code !== 'ECONNREFUSED') throw err;
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server did not answer within 60 s:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `count` server processes on one database, each on its own port (the load generator spreads its connections over
 * them): two processes without a balancer in front. Their CPU time is counted together.
 */
export async function startServers(count: number, options: ServerOptions): Promise<RunningServer> {
  if (count === 1) return startServer(options);
  const servers: RunningServer[] = [];
  try {
    // One after the other: each migrates the database (nothing to do) and settles its mode at start.
    for (let i = 0; i < count; i++) servers.push(await startServer({ ...options, logFile: options.logFile.replace(/(\.log)?$/, `-${i + 1}$1`) }));
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  return {
    origin: servers[0].origin,
    origins: servers.map((s) => s.origin),
    process: servers[0].process,
    logTail: () => servers.map((s) => s.logTail()).join('\n'),
    cpuSeconds() {
      const each = servers.map((s) => s.cpuSeconds());
      return each.some((c) => c === undefined) ? undefined : (each as number[]).reduce((a, b) => a + b, 0);
    },
    stop: async () => { await Promise.all(servers.map((s) => s.stop())); },
  };
}

export interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** A GET that returns the body exactly as sent (no decompression), so its length is the bytes on the wire. */
export function get(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** A POST of a form body, the answer as sent. */
export function post(url: string, headers: Record<string, string>, body: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST', agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The body decoded from its Content-Encoding. */
export function decoded(res: RawResponse): Buffer {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'gzip') return zlib.gunzipSync(res.body);
  if (encoding === 'br') return zlib.brotliDecompressSync(res.body);
  if (encoding === 'deflate') return zlib.inflateSync(res.body);
  return res.body;
}
