// The log: one JSON line per event (pino), for the operator and their log collector (journald, Loki...). A log line
// never holds personal data: code logs ids and counts, never names, e-mail addresses, phone numbers or personnummer,
// and every message and error text is scrubbed of what looks like one, in case a library's error quotes a value.
// LOG_LEVEL sets the level (default info; tests: silent).
import pino from 'pino';

/** Texts that look like personal data, each replaced by a marker: personnummer/samordningsnummer, e-mail, phone. */
const PATTERNS: [RegExp, string][] = [
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu, '[e-mail]'],
  // ÅÅMMDD-XXXX, ÅÅÅÅMMDDXXXX, ÅÅMMDD+XXXX... (12 or 10 digits with an optional separator before the last four)
  [/(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)/g, '[personnummer]'],
  // +46 70 123 45 67, 070-123 45 67, 0701234567
  [/(?<![\w])(?:\+\d{1,3}[ -]?|0)\d{1,3}(?:[ -]?\d{2,4}){2,4}(?!\d)/g, '[phone]'],
];

/** A text with anything that looks like personal data replaced by a marker. */
export function scrub(text: string): string {
  let out = text;
  for (const [pattern, marker] of PATTERNS) out = out.replace(pattern, marker);
  return out;
}

/** An error as a log field: its kind, code and scrubbed message and stack; never a database driver's `detail` (the values). */
function errorField(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrub(String(err)) };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    message: scrub(err.message),
    ...(err.stack ? { stack: scrub(err.stack) } : {}),
  };
}

/** Where lines go: info and warnings to stdout, errors to stderr; or a test's collector (`captureLog`). */
const ERROR_LEVEL = 50;
const standardOutput = (line: string, level: number) => (level >= ERROR_LEVEL ? process.stderr : process.stdout).write(line);
const sink = {
  // pino sets lastLevel before each write when the stream asks for it
  [Symbol.for('pino.metadata')]: true,
  lastLevel: 0,
  target: standardOutput as (line: string, level: number) => unknown,
  write(line: string): void { this.target(line, this.lastLevel); },
};

const defaultLevel = process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? 'silent' : 'info');

export const log = pino({
  level: defaultLevel,
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  serializers: { err: errorField, error: errorField },
  hooks: {
    // Every message text (and printf-style argument) is scrubbed before it is written.
    logMethod(args, method) {
      const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)) as Parameters<typeof method>;
      method.apply(this, scrubbed);
    },
  },
}, sink);

export type Logger = typeof log;

/**
 * For tests: every line logged from now on (at `level` and above) is kept, parsed, in the returned list, until `stop`.
 */
export function captureLog(level: pino.Level = 'info'): { lines: Record<string, unknown>[]; text: () => string; stop(): void } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const before = { target: sink.target, level: log.level };
  sink.target = (line: string) => { raw.push(line); lines.push(JSON.parse(line) as Record<string, unknown>); };
  log.level = level;
  return {
    lines,
    text: () => raw.join(''),
    stop() {
      sink.target = before.target;
      log.level = before.level;
    },
  };
}
