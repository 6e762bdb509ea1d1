// `npm run admin -- <command>`: administration from the server's shell.
//
//   NODE_ENV=production npm run admin -- create-admin --municipality "Exempelkommun" --username anna.admin \
//     --name "Anna Andersson" --email anna@example.se
//
// creates a municipality administrator (and the municipality, when no municipality has that name). The password is
// asked for on a terminal, without echo, or read as one line from standard input.
//
//   NODE_ENV=production SMTP_URL=... npm run admin -- send-test-mail --to anna@example.se [--language en]
//
// sends a test mail through the outbox at once, to check the mail settings.
//
//   NODE_ENV=production npm run admin -- set-unit-contact --unit "Förskolan Solrosen" --street-address "Solrosvägen 4" \
//     --postal-code "462 30" --city Vänersborg --phone "0521-123 45" --email solrosen@kommun.se
//
// sets a unit's public contact details, shown in the footer to its guardians and staff and on paper invitations.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { systemClock, today } from '../server/kernel/clock.ts';
import { databaseName, migrateToLatest, openConfiguredDatabase, readMeta, type Db } from '../server/kernel/db.ts';
import { hashPassword } from '../server/accounts/passwords.ts';
import {
  createFirstAdmin, FIRST_ADMIN_MESSAGES, loginConflict, validateFirstAdminFields, validatePassword,
} from '../server/accounts/first-admin.ts';
import { DEMO_PASSWORD, seedDemo } from '../server/demo/seed.ts';
import { DemoDatabaseInProduction, settleMode } from '../server/demo/mode.ts';
import { languageByCode, LANGUAGES } from '../server/kernel/i18n.ts';
import { composeMail } from '../server/mail/compose.ts';
import { isMailAddress, queueMail } from '../server/mail/outbox.ts';
import { chooseMailTransport, sendOutboxMail } from '../server/mail/sender.ts';
import { setUnitContact } from '../server/people/commands.ts';
import { unitContactsNamed } from '../server/people/queries.ts';

const USAGE = `Usage:
  npm run admin -- create-admin --municipality "Exempelkommun" --username anna.admin \\
    --name "Anna Andersson" --email anna@example.se

The password is asked for (or read as one line from standard input when not run in a terminal).

  npm run admin -- send-test-mail --to anna@example.se [--language sv|en|ar|so|fa|prs]

Sends a test mail at once, the way Vardag sends every mail (SMTP_URL, MAIL_FROM), and says whether it went.

  npm run admin -- set-unit-contact --unit "Förskolan Solrosen" [--municipality "Exempelkommun"] \
    [--street-address "Solrosvägen 4"] [--postal-code "462 30"] [--city Exempelstad] [--phone "0521-123 45"] [--email solrosen@kommun.se]

Sets the unit's public contact details (the footer of its guardians' and staff's pages, paper invitations). Only the
details given change; an empty value ("") removes one. --municipality is needed when two municipalities have a unit
of that name.
The database is the one in VARDAG_DATA_DIR (default: data). Run with NODE_ENV=production for a real database.`;

class Failure extends Error {
  constructor(message: string, readonly exitCode = 1) { super(message); }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    if (command === undefined) throw new Failure('No command given.', 2);
    return;
  }
  if (command === 'send-test-mail') return sendTestMailCommand(rest);
  if (command === 'set-unit-contact') return setUnitContactCommand(rest);
  if (command !== 'create-admin') throw new Failure(`Unknown command "${command}".\n\n${USAGE}`, 2);
  await createAdminCommand(rest);
}

async function createAdminCommand(args: string[]): Promise<void> {
  const { values } = parseCommand(() => parseArgs({
    args,
    options: {
      municipality: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' },
    },
    strict: true, allowPositionals: false,
  }));
  const fields = {
    municipality: values.municipality ?? '', username: values.username ?? '', name: values.name ?? '', email: values.email ?? '',
  };
  const missing = (['municipality', 'username', 'name', 'email'] as const).filter((k) => values[k] === undefined);
  if (missing.length) throw new Failure(`Missing ${missing.map((k) => `--${k}`).join(', ')}.\n\n${USAGE}`, 2);
  const invalid = validateFirstAdminFields(fields);
  if (invalid) throw new Failure(FIRST_ADMIN_MESSAGES[invalid]);

  const config = loadConfig();
  const connection = openConfiguredDatabase(config);
  try {
    await migrateToLatest(connection.db);
    const mode = await settle(connection.db, config.production);
    if (mode.created) {
      console.error(mode.mode === 'demo'
        ? `Created a new DEMO database in ${databaseName(config)} (NODE_ENV is not production).`
        : `Created a new real database in ${databaseName(config)}.`);
    } else if (mode.mode === 'demo') {
      console.error(`Note: ${databaseName(config)} is a demo database.`);
    }
    const conflict = await loginConflict(connection.db, fields);
    if (conflict) throw new Failure(FIRST_ADMIN_MESSAGES[conflict]);

    const password = await readPassword();
    const weak = validatePassword(password);
    if (weak) throw new Failure(FIRST_ADMIN_MESSAGES[weak]);

    const result = await createFirstAdmin(connection.db, { ...fields, password }, { now: systemClock.now() });
    if (!result.ok) throw new Failure(FIRST_ADMIN_MESSAGES[result.error]);
    console.log(`Created administrator ${fields.username.trim()} (account ${result.accountId}) of ${result.municipalityName}`
      + `${result.municipalityCreated ? ' (new municipality)' : ''}.`);
  } finally {
    await connection.close();
  }
}

async function sendTestMailCommand(args: string[]): Promise<void> {
  const { values } = parseCommand(() => parseArgs({ args, options: { to: { type: 'string' }, language: { type: 'string' } }, strict: true, allowPositionals: false }));
  if (values.to === undefined) throw new Failure(`Missing --to.\n\n${USAGE}`, 2);
  const to = values.to.trim();
  if (!isMailAddress(to)) throw new Failure(`"${to}" is not an e-mail address.`, 2);
  const language = languageByCode(values.language ?? 'sv');
  if (!language) throw new Failure(`--language must be one of ${LANGUAGES.map((l) => l.code).join(', ')}.`, 2);

  const config = loadConfig();
  if (!config.databaseUrl && !fs.existsSync(config.databaseFile)) throw new Failure(`There is no database in ${databaseName(config)}: start Vardag once first.`);
  const connection = openConfiguredDatabase(config);
  try {
    await migrateToLatest(connection.db);
    const mode = await readMeta(connection.db, 'mode');
    if (mode !== 'demo' && mode !== 'production') throw new Failure(`The database in ${databaseName(config)} was never started: start Vardag once first.`);
    if (mode === 'demo' && config.production) throw new Failure(new DemoDatabaseInProduction().message);
    const transport = chooseMailTransport(config.smtpUrl, mode === 'demo');
    if (!transport) throw new Failure('SMTP_URL is not set, so Vardag sends no e-mail. Set it (e.g. SMTP_URL=smtp://user:password@mail.example.se:587) and try again.');

    const now = systemClock.now();
    const mail = composeMail('test-mail', language, { publicUrl: config.publicUrl });
    // Queued like every mail, but sent from here at once; its job waits ten minutes, so a running Vardag does not
    // take it meanwhile. Should sending fail here, Vardag sends it then (and retries like any mail).
    const mailId = await queueMail(connection.db, { to, ...mail }, now, {
      sendAt: new Date(now.getTime() + 10 * 60_000), municipalityId: null, // about no municipality: every demo admin sees it
    });
    try {
      await sendOutboxMail({ db: connection.db, clock: systemClock, transport, from: config.mailFrom }, mailId);
    } catch (err) {
      throw new Failure(`The test mail could not be sent: ${(err as Error).message}\n`
        + 'It stays in the outbox; a running Vardag tries again in ten minutes.');
    }
    console.log(transport === 'demo-mailbox'
      ? `This demo database has no SMTP_URL: the test mail to ${to} is in the demo mailbox, ${config.publicUrl}/demo/mailbox.`
      : `Sent a test mail to ${to} from ${config.mailFrom}. If it does not arrive, look in the spam folder and at the mail server's log.`);
  } finally {
    await connection.close();
  }
}

async function setUnitContactCommand(args: string[]): Promise<void> {
  const { values } = parseCommand(() => parseArgs({
    args,
    options: {
      unit: { type: 'string' }, municipality: { type: 'string' }, 'street-address': { type: 'string' }, 'postal-code': { type: 'string' },
      city: { type: 'string' }, phone: { type: 'string' }, email: { type: 'string' },
    },
    strict: true, allowPositionals: false,
  }));
  if (values.unit === undefined) throw new Failure(`Missing --unit.\n\n${USAGE}`, 2);
  const email = values.email?.trim();
  if (email && !isMailAddress(email)) throw new Failure(`"${email}" is not an e-mail address.`, 2);

  const config = loadConfig();
  if (!config.databaseUrl && !fs.existsSync(config.databaseFile)) throw new Failure(`There is no database in ${databaseName(config)}: start Vardag once first.`);
  const connection = openConfiguredDatabase(config);
  try {
    await migrateToLatest(connection.db);
    const found = (await unitContactsNamed(connection.db, values.unit.trim()))
      .filter((u) => values.municipality === undefined || u.municipalityName === values.municipality.trim());
    if (found.length === 0) throw new Failure(`No unit is named "${values.unit}"${values.municipality ? ` in ${values.municipality}` : ''}.`);
    if (found.length > 1) throw new Failure(`Units of that name are in ${found.map((u) => u.municipalityName).join(', ')}: say which with --municipality.`);
    const [unit] = found;
    const contact = {
      streetAddress: values['street-address'] ?? unit.streetAddress, postalCode: values['postal-code'] ?? unit.postalCode,
      city: values.city ?? unit.city, phone: values.phone ?? unit.phone, email: email ?? unit.email,
    };
    await setUnitContact(connection.db, unit.id, contact);
    const shown = [contact.streetAddress, [contact.postalCode, contact.city].filter(Boolean).join(' '), contact.phone, contact.email]
      .map((v) => v?.trim()).filter(Boolean).join(', ');
    console.log(`${unit.name} (${unit.municipalityName}): ${shown || 'no contact details'}.`);
  } finally {
    await connection.close();
  }
}

/** The command's options as parseArgs reads them; a mistyped option ends the command with the usage. */
function parseCommand<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new Failure(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
}

/** Like `npm start`: a new database becomes a demo unless NODE_ENV=production, and production refuses a demo. */
async function settle(db: Db, production: boolean) {
  try {
    return await settleMode(db, production, async (trx) => {
      await seedDemo(trx, { passwordHash: await hashPassword(DEMO_PASSWORD), now: systemClock.now(), today: today(systemClock), dataDir: loadConfig().dataDir });
    });
  } catch (err) {
    if (err instanceof DemoDatabaseInProduction) throw new Failure(err.message);
    throw err;
  }
}

function readPassword(): Promise<string> {
  return process.stdin.isTTY ? readHiddenLine('Password for the new administrator: ').then(async (first) => {
    const again = await readHiddenLine('The same password again: ');
    if (again !== first) throw new Failure('The two passwords differ. Nothing was created.');
    return first;
  }) : readLine();
}

/** The first line of standard input, without its line ending (spaces are kept, so that validation sees them). */
function readLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let buffered = '';
    const finish = (line: string) => {
      stdin.off('data', onData).off('end', onEnd).off('error', reject);
      stdin.pause();
      resolve(line.replace(/\r$/u, ''));
    };
    const onData = (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) finish(buffered.slice(0, newline));
    };
    const onEnd = () => finish(buffered);
    stdin.setEncoding('utf8');
    stdin.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

/** A line typed on the terminal without echo. Ctrl-C or Ctrl-D on an empty line gives up. */
function readHiddenLine(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    stdin.setEncoding('utf8');
    stdin.setRawMode(true); // before the prompt, so that nothing typed after it is echoed
    process.stderr.write(prompt);
    let line = '';
    const done = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error); else resolve(line);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003' || (char === '\u0004' && line === '')) return done(new Failure('Cancelled. Nothing was created.', 130));
        if (char === '\u007f' || char === '\b') line = [...line].slice(0, -1).join('');
        else if (char === '\u0015') line = ''; // Ctrl-U
        else if (char >= ' ') line += char;
      }
    };
    stdin.resume();
    stdin.on('data', onData);
  });
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof Failure)) throw err;
  console.error(err.message);
  process.exitCode = err.exitCode;
}
