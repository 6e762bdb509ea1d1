// One autocannon run, in its own process so the load generator does not share an event loop with the bench script:
//
//   node --import tsx scripts/bench/load.ts < job.json > result.json
//
// Reads a LoadJob as JSON on standard input and prints a LoadResult as JSON on standard output, its last line; before
// it, the line {"event":"measuring"} says when the warm-up is over. The job's requests are sent round-robin (each
// with its own method, path, headers and body, e.g. one session cookie per guardian); every answer, warm-up
// included, is also tallied by status (for a write route, whose rows are counted against its successes).
import autocannon from 'autocannon';

export interface LoadJob {
  name: string;
  origin: string;
  /** Several server processes: connection i goes to origins[i % n] (autocannon's own spreading). */
  origins?: string[];
  connections: number;
  /** Seconds measured. */
  duration: number;
  /** Seconds of load before the measurement, not counted. 0: none. */
  warmup: number;
  /** Headers sent with every request. */
  headers: Record<string, string>;
  /** Sent round-robin, one per request. */
  requests: { path: string; method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> }[];
  /** List which requests (indexes into `requests`) were answered 2xx or 3xx, e.g. to check each one's write. */
  listSuccesses?: boolean;
}

export interface LoadResult {
  name: string;
  requests: number;
  seconds: number;
  rps: number;
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  bytesPerSecond: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  warmupRequests: number;
  /** Every answer by status, warm-up and measurement together. */
  allStatusCodes: Record<string, number>;
  /** With `listSuccesses`: the indexes of the requests answered 2xx or 3xx, warm-up included. */
  succeeded?: number[];
  /** CPU seconds this load generator used while measuring. */
  cpuSeconds: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(await readStdin()) as LoadJob;
  if (job.requests.length === 0) throw new Error('the job has no requests');
  let next = 0;
  const first = job.requests[0];
  const allStatusCodes: Record<string, number> = {};
  const succeeded: number[] = [];
  const run = autocannon({
    url: job.origins && job.origins.length > 1 ? job.origins : job.origin,
    connections: job.connections,
    duration: job.duration,
    headers: job.headers,
    ...(job.warmup > 0 ? { warmup: { connections: job.connections, duration: job.warmup } } : {}),
    requests: [{
      method: first.method ?? 'GET',
      path: first.path,
      // A connection sends one request at a time, and autocannon reports its answer before setting up the next: the
      // connection's context holds the index of the request being answered.
      setupRequest: (request, context) => {
        const index = next++ % job.requests.length;
        context.index = index;
        const chosen = job.requests[index];
        return {
          ...request, method: chosen.method ?? 'GET', path: chosen.path, headers: { ...request.headers, ...chosen.headers },
          ...(chosen.body === undefined ? {} : { body: chosen.body }),
        };
      },
      onResponse: (status, _body, context) => {
        allStatusCodes[status] = (allStatusCodes[status] ?? 0) + 1;
        if (job.listSuccesses && status >= 200 && status < 400) succeeded.push(context.index as number);
      },
    }],
  });
  let cpuAtStart = process.cpuUsage();
  run.once('start', () => {
    cpuAtStart = process.cpuUsage();
    process.stdout.write('{"event":"measuring"}\n');
  });
  const result = await run;
  const cpu = process.cpuUsage(cpuAtStart);
  const warmup = (result as unknown as { warmup?: { requests?: { total?: number } } }).warmup;
  const output: LoadResult = {
    name: job.name,
    requests: result.requests.total ?? 0,
    seconds: result.duration,
    rps: result.requests.average,
    latency: { mean: result.latency.mean, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    bytesPerSecond: result.throughput.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    warmupRequests: warmup?.requests?.total ?? 0,
    allStatusCodes,
    ...(job.listSuccesses ? { succeeded } : {}),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => { text += chunk; });
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
