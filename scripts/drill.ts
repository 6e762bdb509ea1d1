// `npm run drill`: the crash drill 20 times (or `-- --rounds N`): the real server on a demo database is killed with
// SIGKILL in the middle of a write load of absence reports and care-time weeks, then started again. Prints the lost
// and half-written writes per round and in total; exits 1 if any write was lost or half-written. On PostgreSQL with
// VARDAG_TEST_DATABASE=postgres (a throw-away cluster, test/support/database.ts).
import { crashDrill, prepareDrill } from '../test/support/drill.ts';

const at = process.argv.indexOf('--rounds');
const rounds = at > 0 ? Number(process.argv[at + 1]) : 20;
const template = await prepareDrill();
let lost = 0;
let half = 0;
let answered = 0;
for (let round = 1; round <= rounds; round++) {
  const r = await crashDrill(template);
  lost += r.lost.length;
  half += r.halfWritten.length;
  answered += r.answered.absences + r.answered.weeks;
  console.log(`round ${String(round).padStart(2)}: killed after ${r.loadMs} ms; answered ${r.answered.absences} absences and ${r.answered.weeks} weeks, `
    + `${r.cut} cut off; lost ${r.lost.length}, half-written ${r.halfWritten.length}`);
  for (const what of [...r.lost, ...r.halfWritten]) console.log(`  ${what}`);
}
console.log(`\n${rounds} rounds, ${answered} answered writes: lost ${lost}, half-written ${half}`);
await template.remove();
process.exit(lost + half > 0 ? 1 : 0);
