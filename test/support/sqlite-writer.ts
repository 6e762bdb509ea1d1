// A second process writing to a SQLite file (for test/kernel/sqlite-processes.test.ts): `node --import tsx
// test/support/sqlite-writer.ts FILE NAME ROUNDS` runs ROUNDS transactions that read, wait a moment and then write, as
// a request's use case does, and prints how many failed and with which codes as one line of JSON.
import { migrateToLatest, openDatabase } from '../../server/kernel/db.ts';

const [file, name, rounds] = process.argv.slice(2);
const connection = openDatabase(file);
await migrateToLatest(connection.db);
let failed = 0;
const codes = new Set<string>();
for (let round = 0; round < Number(rounds); round++) {
  try {
    await connection.db.transaction().execute(async (trx) => {
      await trx.selectFrom('app_meta').select('value').where('key', '=', 'mode').execute();
      await new Promise((resolve) => setTimeout(resolve, 1));
      await trx.insertInto('app_meta').values({ key: `${name}-${round}`, value: name }).execute();
    });
  } catch (error) {
    failed++;
    codes.add((error as { code?: string }).code ?? String(error));
  }
}
await connection.close();
console.log(JSON.stringify({ failed, codes: [...codes] }));
