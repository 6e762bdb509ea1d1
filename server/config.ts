import os from 'node:os';
import path from 'node:path';

export interface Config {
  port: number;
  /** VARDAG_WORKERS: app processes serving `port` together (node:cluster); 1 is one process and no cluster. */
  workers: number;
  dataDir: string;
  databaseFile: string;
  /** VARDAG_DATABASE_URL: a PostgreSQL database (postgres://user:pass@host:5432/name) instead of the SQLite file. */
  databaseUrl: string | undefined;
  production: boolean;
  /** Express "trust proxy": set when Vardag runs behind a TLS-terminating proxy, so cookies get Secure. */
  trustProxy: string | number | boolean;
  sessionSecret: string | undefined;
  sessionIdleMinutes: number;
  rememberMeDays: number;
  maxAnonymousSessions: number;
  compression: boolean;
  loginLimitPerAccount: number;
  loginLimitPerAddress: number;
  /** "Glömt lösenord?" requests per username/e-mail address, and per IP address, per hour. */
  resetLimitPerAccount: number;
  resetLimitPerAddress: number;
  /** Mails to verify an added e-mail address, per account and per e-mail address they go to, per hour. */
  verifyMailLimitPerAccount: number;
  verifyMailLimitPerAddress: number;
  /** SMS with a code to verify a mobile number, per account and per number they go to, per hour. */
  verifySmsLimitPerAccount: number;
  verifySmsLimitPerNumber: number;
  /** Password hashes (argon2) at once (default: one per core), and the longest estimated wait before "try again in a minute". */
  hashingSlots: number;
  hashingMaxWaitMs: number;
  /** `npm run bench` only: serve /bench/baseline, a fixed string to compare the real pages with. */
  benchBaseline: boolean;
  /** E-mail: the SMTP server (smtp://user:pass@host:587, smtps://... for TLS from the start); unset: none. */
  smtpUrl: string | undefined;
  /** The From of every mail. */
  mailFrom: string;
  /** The site's address as users reach it, for links in mails; no trailing slash. */
  publicUrl: string;
  /** Whether PUBLIC_URL was set (without it, publicUrl is http://localhost:PORT). */
  publicUrlSet: boolean;
  /** Background jobs: how often to look for due jobs, how long a claimed job stays locked, the first retry's wait. */
  jobsPollMs: number;
  jobsLockMs: number;
  jobsRetryMs: number;
  /** SMS: the gateway that takes a form POST of from/to/message (46elks style: https://api.46elks.com/a1/sms); unset: none. */
  smsGatewayUrl: string | undefined;
  /** HTTP Basic auth for the gateway (46elks: the API username and password). */
  smsGatewayUsername: string | undefined;
  smsGatewayPassword: string | undefined;
  /** The sender shown on the phone: 3–11 letters and digits, or a number in E.164. */
  smsFrom: string;
  /** VARDAG_BACKUP_DIR: where backups go (default: `backups` in the data folder; better another disk). */
  backupDir: string;
  /** BACKUP_KEEP: how many backups the nightly backup keeps (the oldest beyond this are removed); 0: no nightly backup. */
  backupKeep: number;
  /** BACKUP_HOUR: the hour (Stockholm time, 0–23) from which the nightly backup is taken. */
  backupHour: number;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

function publicUrlFrom(raw: string | undefined, port: number): string {
  if (!raw) return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`PUBLIC_URL must be a web address like https://vardag.example.se, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`PUBLIC_URL must start with https://, got "${raw}"`);
  return url.href.replace(/\/+$/, '');
}

/**
 * What is wrong with PUBLIC_URL for a real database, in the operator's words, or undefined: links in mails and on paper
 * invitations are made from it, so unset, localhost or plain http gives links that reach no one or travel unencrypted.
 */
export function publicUrlWarning(config: Pick<Config, 'publicUrl' | 'publicUrlSet'>): string | undefined {
  const url = new URL(config.publicUrl);
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost');
  const problem = !config.publicUrlSet ? 'PUBLIC_URL is not set'
    : local ? `PUBLIC_URL is ${config.publicUrl}, an address only this machine reaches`
      : url.protocol === 'http:' ? `PUBLIC_URL is ${config.publicUrl}, plain http without TLS` : undefined;
  if (!problem) return undefined;
  return `Warning: ${problem}, so links in e-mails and on paper invitations lead to ${config.publicUrl}. `
    + 'Set PUBLIC_URL to the https address users reach Vardag by, e.g. PUBLIC_URL=https://vardag.kommun.se';
}

function smsGatewayUrlFrom(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`SMS_GATEWAY_URL must be a web address like https://api.46elks.com/a1/sms, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('SMS_GATEWAY_URL must start with https://');
  if (url.username || url.password) throw new Error('SMS_GATEWAY_URL must not hold the login: set SMS_GATEWAY_USERNAME and SMS_GATEWAY_PASSWORD');
  return url.href;
}

/** An alphanumeric sender (3–11 letters and digits, starting with a letter, as operators allow) or an E.164 number. */
function smsFromFrom(raw: string | undefined): string {
  if (!raw) return 'Vardag';
  if (/^[A-Za-z][A-Za-z0-9]{2,10}$/.test(raw) || /^\+[1-9]\d{6,14}$/.test(raw)) return raw;
  throw new Error(`SMS_FROM must be 3-11 letters and digits (e.g. Vardag) or a number like +46701234567, got "${raw}"`);
}

function databaseUrlFrom(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!/^postgres(?:ql)?:\/\//.test(value)) throw new Error('VARDAG_DATABASE_URL must be a PostgreSQL URL, postgres://user:password@host:5432/database');
  return value;
}

/** Express's "trust proxy": a number of hops ("1"), true/false, or addresses ("loopback", "10.0.0.1"). */
function trustProxyFrom(raw: string | undefined): Config['trustProxy'] {
  const value = raw?.trim();
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.VARDAG_DATA_DIR || 'data');
  return {
    port: intFrom(env, 'PORT', 3000),
    workers: Math.max(1, intFrom(env, 'VARDAG_WORKERS', 1)),
    dataDir,
    databaseFile: path.join(dataDir, 'vardag.sqlite'),
    databaseUrl: databaseUrlFrom(env.VARDAG_DATABASE_URL),
    production: env.NODE_ENV === 'production',
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    sessionSecret: env.SESSION_SECRET || undefined,
    sessionIdleMinutes: intFrom(env, 'SESSION_IDLE_MINUTES', 120),
    rememberMeDays: intFrom(env, 'SESSION_REMEMBER_DAYS', 30),
    maxAnonymousSessions: intFrom(env, 'MAX_ANONYMOUS_SESSIONS', 10_000),
    compression: env.COMPRESSION !== 'off',
    loginLimitPerAccount: intFrom(env, 'LOGIN_LIMIT_PER_ACCOUNT', 10),
    loginLimitPerAddress: intFrom(env, 'LOGIN_LIMIT_PER_ADDRESS', 50),
    resetLimitPerAccount: intFrom(env, 'RESET_LIMIT_PER_ACCOUNT', 5),
    resetLimitPerAddress: intFrom(env, 'RESET_LIMIT_PER_ADDRESS', 20),
    verifyMailLimitPerAccount: intFrom(env, 'VERIFY_MAIL_LIMIT_PER_ACCOUNT', 5),
    verifyMailLimitPerAddress: intFrom(env, 'VERIFY_MAIL_LIMIT_PER_ADDRESS', 3),
    verifySmsLimitPerAccount: intFrom(env, 'VERIFY_SMS_LIMIT_PER_ACCOUNT', 5),
    verifySmsLimitPerNumber: intFrom(env, 'VERIFY_SMS_LIMIT_PER_NUMBER', 3),
    hashingSlots: Math.max(1, intFrom(env, 'HASHING_SLOTS', os.availableParallelism())),
    hashingMaxWaitMs: intFrom(env, 'HASHING_MAX_WAIT_MS', 10_000),
    benchBaseline: env.VARDAG_BENCH_BASELINE === '1',
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || 'Vardag <no-reply@localhost>',
    publicUrl: publicUrlFrom(env.PUBLIC_URL, intFrom(env, 'PORT', 3000)),
    publicUrlSet: Boolean(env.PUBLIC_URL),
    jobsPollMs: intFrom(env, 'JOBS_POLL_MS', 2_000),
    jobsLockMs: intFrom(env, 'JOBS_LOCK_MS', 120_000),
    jobsRetryMs: intFrom(env, 'JOBS_RETRY_MS', 30_000),
    smsGatewayUrl: smsGatewayUrlFrom(env.SMS_GATEWAY_URL),
    smsGatewayUsername: env.SMS_GATEWAY_USERNAME || undefined,
    smsGatewayPassword: env.SMS_GATEWAY_PASSWORD || undefined,
    smsFrom: smsFromFrom(env.SMS_FROM),
    backupDir: path.resolve(env.VARDAG_BACKUP_DIR || path.join(dataDir, 'backups')),
    backupKeep: intFrom(env, 'BACKUP_KEEP', 14),
    backupHour: Math.min(23, intFrom(env, 'BACKUP_HOUR', 2)),
  };
}
