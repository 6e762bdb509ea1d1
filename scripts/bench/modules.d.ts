// The parts of two untyped packages that `npm run bench` uses.

declare module 'cookie-signature' {
  /** `value.signature`, the HMAC-SHA256 that express-session puts after `s:` in its cookie. */
  export function sign(value: string, secret: string): string;
  export function unsign(signed: string, secret: string): string | false;
}

declare module 'autocannon' {
  interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
    /** Called with every answer, warm-up included. */
    onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  }
  interface Histogram {
    average: number; mean: number; stddev: number; min: number; max: number; total?: number;
    p50: number; p90: number; p97_5: number; p99: number; p99_9: number;
  }
  interface AutocannonResult {
    duration: number; errors: number; timeouts: number; non2xx: number; resets: number;
    '2xx': number; '3xx': number; '4xx': number; '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram & { totalCount: number };
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }
  interface AutocannonOptions {
    url: string | string[];
    connections?: number;
    duration?: number;
    timeout?: number;
    headers?: Record<string, string>;
    requests?: AutocannonRequest[];
    warmup?: { connections?: number; duration?: number };
  }
  /** The run: a promise of the result, and an event emitter ('start' when the measured part begins). */
  function autocannon(options: AutocannonOptions): Promise<AutocannonResult> & import('node:events').EventEmitter;
  export default autocannon;
  export type { AutocannonOptions, AutocannonRequest, AutocannonResult };
}
