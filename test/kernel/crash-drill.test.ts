// The crash drill, quickly: the real server killed with SIGKILL in the middle of a write load of absence reports and
// care-time weeks, then started again: every write answered 2xx/3xx is there, none half-written. `npm run drill` runs
// the same drill (test/support/drill.ts) 20 times.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crashDrill, killDrillServers, prepareDrill, type DrillTemplate } from '../support/drill.ts';
import { removeTempDirs } from '../support/system.ts';

describe('a server killed with SIGKILL under a write load', () => {
  let template: DrillTemplate;
  before(async () => { template = await prepareDrill(); });
  after(() => {
    killDrillServers();
    removeTempDirs();
  });

  it('keeps every answered absence and care-time week, each whole, after a kill well into the load', async () => {
    const result = await crashDrill(template, { afterAnswered: 3 });
    assert.ok(result.answered.absences > 0 && result.answered.weeks > 0, `the load wrote both kinds: ${JSON.stringify(result)}`);
    assert.deepEqual(result.lost, [], 'no answered write lost');
    assert.deepEqual(result.halfWritten, [], 'nothing half-written');
  });

  it('keeps them too after a kill at a random moment early in the load', async () => {
    const result = await crashDrill(template);
    assert.deepEqual(result.lost, [], 'no answered write lost');
    assert.deepEqual(result.halfWritten, [], 'nothing half-written');
  });
});
