// `npm run bench -- --summary`: the evening summary for the whole bench data set. A day of news is written first (per
// guardian account a few unread notifications of topics chosen for the summary, some messages, some read), then the
// time is taken of what the runner does at the summary hour: the claim of every municipality's summary and each
// summary job (the accounts, their unread news since their last summary, their choices, one mail composed and queued
// per account). Target: < 60 s. What the run wrote is deleted again, so the cached data set stays as it was built.
//
//   npm run bench -- --summary [--children 5000] [--database postgres] [--json FILE]
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { Connection } from '../../server/kernel/db.ts';
import { FixedClock } from '../../server/kernel/clock.ts';
import { NOTIFICATION_RECIPIENTS } from '../../server/app.ts';
import { claimDueSummaries, sendSummary } from '../../server/notifications/delivery.ts';
import { SUMMARY_JOB, type SummaryPayload } from '../../server/notifications/queries.ts';
import { BENCH_DIR, ensureDataset } from './dataset.ts';
import { numberOption } from './options.ts';
import { benchPostgres } from './postgres.ts';

const USAGE = `npm run bench -- --summary [options]

  --children N       children in the data set (default 5000)
  --database D       sqlite (default) or postgres (the bench's own cluster in .bench/postgres)
  --json FILE        also write the figures as JSON`;
const TARGET_SECONDS = 60;
/** The summary hour on a Tuesday in Stockholm (UTC+1 in November). */
const SUMMARY_AT = '2026-11-24T17:00:00.000Z';
const NEWS_AT = ['2026-11-24T08:10:00.000Z', '2026-11-24T11:30:00.000Z', '2026-11-24T14:45:00.000Z'];

export interface SummaryFigures {
  children: number; database: 'sqlite' | 'postgres'; accounts: number; notifications: number;
  municipalities: number; summaries: number; mails: number; seconds: number; claimSeconds: number; met: boolean;
}

export async function summaryBench(argv: string[], progress: (line: string) => void): Promise<number> {
  // As production runs it (mail templates compiled once): in a process of its own with NODE_ENV=production.
  if (process.env.NODE_ENV !== 'production') {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, ...argv], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  const { values } = parseArgs({ args: argv, options: { children: { type: 'string' }, database: { type: 'string' }, json: { type: 'string' } } });
  const children = Math.round(numberOption(USAGE)(values.children, 5000, 'children', 1));
  const database = values.database === 'postgres' ? 'postgres' : 'sqlite';
  const cluster = database === 'postgres' ? await benchPostgres(path.join(BENCH_DIR, 'postgres'), progress) : undefined;
  const dataset = await ensureDataset(children, progress, cluster ? { postgres: cluster } : {});
  const connection = dataset.open();
  try {
    const figures = await measure(connection, children, database, progress);
    console.log([
      '', `Evening summary of ${children} children's data set (${database}): ${figures.accounts} accounts, ${figures.notifications} new notifications`,
      `  claim (${figures.municipalities} municipalities)  ${figures.claimSeconds.toFixed(2)} s`,
      `  summaries             ${figures.seconds.toFixed(1)} s in all: ${figures.summaries} accounts summarised, ${figures.mails} mails queued`,
      `  < ${TARGET_SECONDS} s: ${figures.met ? 'met' : 'MISSED'}`,
    ].join('\n'));
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
    return figures.met ? 0 : 1;
  } finally {
    await connection.close();
    await cluster?.stop();
  }
}

async function measure(connection: Connection, children: number, database: 'sqlite' | 'postgres', progress: (line: string) => void): Promise<SummaryFigures> {
  const { db } = connection;
  const maxId = async (table: 'notifications' | 'jobs' | 'mail_outbox') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0);
  const before = { notifications: await maxId('notifications'), jobs: await maxId('jobs'), mail: await maxId('mail_outbox') };
  const guardianships = await db.selectFrom('notifications').select(['account_id', 'child_id']).where('kind', '=', 'childAdded').execute();
  progress(`writing a day of news for ${new Set(guardianships.map((g) => g.account_id)).size} accounts`);
  const topics = ['information', 'absence', 'calendar', 'documentation', 'messages'] as const;
  const news = guardianships.flatMap((g, i) => NEWS_AT.map((at, n) => ({
    account_id: g.account_id, child_id: g.child_id, kind: 'childAdded', topic: topics[(i + n) % topics.length],
    params: JSON.stringify({ child: 'Barnet', from: 'Förskolan' }), url: `/children/${g.child_id}`, created_at: at,
    read_at: (i + n) % 7 === 0 ? at : null,
  })));
  for (let i = 0; i < news.length; i += 500) await db.insertInto('notifications').values(news.slice(i, i + 500)).execute();
  const clock = new FixedClock(SUMMARY_AT);
  try {
    const started = performance.now();
    const claimed = await claimDueSummaries(db, clock.now());
    const claimSeconds = (performance.now() - started) / 1000;
    const jobs = await db.selectFrom('jobs').select('payload').where('kind', '=', SUMMARY_JOB).where('id', '>', before.jobs).execute();
    let summaries = 0;
    for (const job of jobs) summaries += await sendSummary({ db, clock, publicUrl: 'https://vardag.example', recipients: NOTIFICATION_RECIPIENTS }, JSON.parse(job.payload) as SummaryPayload);
    const seconds = (performance.now() - started) / 1000;
    const mails = Number((await db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll().as('n')).where('id', '>', before.mail).executeTakeFirstOrThrow()).n);
    const accounts = Number((await db.selectFrom('accounts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return { children, database, accounts, notifications: news.length, municipalities: claimed.length, summaries, mails, seconds, claimSeconds, met: seconds < TARGET_SECONDS };
  } finally {
    progress('removing what the run wrote');
    await db.deleteFrom('notification_summaries').where('day', '=', '2026-11-24').execute();
    await db.deleteFrom('notification_summary_runs').where('day', '=', '2026-11-24').execute();
    await db.deleteFrom('mail_outbox').where('id', '>', before.mail).execute();
    await db.deleteFrom('jobs').where('id', '>', before.jobs).execute();
    await db.deleteFrom('notifications').where('id', '>', before.notifications).execute();
    // (the data set's own notifications the summary took up: as they were)
    await db.updateTable('notifications').set({ summarised_at: null }).where('summarised_at', '=', clock.now().toISOString()).execute();
  }
}

if (import.meta.filename === process.argv[1]) {
  summaryBench(process.argv.slice(2), (line) => console.error(line)).then((code) => process.exit(code), (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
