import path from 'node:path';

export interface Config {
  port: number;
  dataDir: string;
  databaseFile: string;
  production: boolean;
  /** Express "trust proxy": set when Vardag runs behind a TLS-terminating proxy, so cookies get Secure. */
  trustProxy: string | false;
  sessionSecret: string | undefined;
  sessionIdleMinutes: number;
  rememberMeDays: number;
  maxAnonymousSessions: number;
  compression: boolean;
  loginLimitPerAccount: number;
  loginLimitPerAddress: number;
  /** `npm run bench` only: serve /bench/baseline, a fixed string to compare the real pages with. */
  benchBaseline: boolean;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.VARDAG_DATA_DIR || 'data');
  return {
    port: intFrom(env, 'PORT', 3000),
    dataDir,
    databaseFile: path.join(dataDir, 'vardag.sqlite'),
    production: env.NODE_ENV === 'production',
    trustProxy: env.TRUST_PROXY ? env.TRUST_PROXY : false,
    sessionSecret: env.SESSION_SECRET || undefined,
    sessionIdleMinutes: intFrom(env, 'SESSION_IDLE_MINUTES', 120),
    rememberMeDays: intFrom(env, 'SESSION_REMEMBER_DAYS', 30),
    maxAnonymousSessions: intFrom(env, 'MAX_ANONYMOUS_SESSIONS', 10_000),
    compression: env.COMPRESSION !== 'off',
    loginLimitPerAccount: intFrom(env, 'LOGIN_LIMIT_PER_ACCOUNT', 10),
    loginLimitPerAddress: intFrom(env, 'LOGIN_LIMIT_PER_ADDRESS', 50),
    benchBaseline: env.VARDAG_BENCH_BASELINE === '1',
  };
}
