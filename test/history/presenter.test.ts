import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translator, languageByCode } from '../../server/kernel/i18n.ts';
import { historyLine } from '../../server/history/presenter.ts';

const sv = languageByCode('sv');
if (!sv) throw new Error('no Swedish');
const t = translator(sv);
const entry = (what: string, old: unknown, value: unknown) => ({ date: '2026-12-07', what, old, new: value, by: 'Emma Andersson', at: '2026-12-07 08:00' });

describe('the history in words', () => {
  it('names a guardian’s days in two homes, set and ended', () => {
    const set = historyLine(t, entry('homes', null, { kind: 'alternate-weeks', weekdays: [], validFrom: '2026-12-07', validTo: null }));
    assert.equal(set.what, 'Två hem: vems dagar');
    assert.equal(set.after, 'Varannan vecka från och med 2026-12-07');
    const ended = historyLine(t, entry('homes', { kind: 'weekdays', weekdays: [1, 2], validFrom: '2026-12-07', validTo: null },
      { kind: 'weekdays', weekdays: [1, 2], validFrom: '2026-12-07', validTo: '2027-01-31' }));
    assert.match(ended.before, /^mån, tis varje vecka från och med 2026-12-07$/i);
    assert.match(ended.after, /till och med 2027-01-31$/);
  });

  it('shows a registration that waited beside the day as its times', () => {
    const line = historyLine(t, entry('conflict', null, { starts: '08:00', ends: '17:00', dayOff: false }));
    assert.equal(line.what, 'Krock mellan vårdnadshavare');
    assert.match(line.after, /08:00.*17:00/);
  });

  it('names a person on the pickup list only to a reader of the list', () => {
    const added = entry('pickup', null, { kind: 'pickup', name: 'Birgitta Andersson', relation: 'mormor', phone: '+46701740012' });
    assert.match(historyLine(t, added, { pickupDetails: true }).after, /Birgitta Andersson/);
    assert.doesNotMatch(historyLine(t, added, { pickupDetails: false }).after, /Birgitta|0701|070-174/);
  });
});
