// The rules of a same-day note, without a database: what each kind must say, today only, and the badge's words.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { badgeOf, parseDayNote, type NoteForm } from '../../server/day-notes/rules.ts';

const context = { today: '2026-11-24', now: '10:00', pickupList: [{ id: 7, name: 'Mormor Eva' }], walksHome: false };
const form = (fields: Partial<NoteForm>): NoteForm => ({ kind: '', date: '', minutes: '', time: '', pickupPerson: '', pickupName: '', ...fields });

describe('same-day note rules', () => {
  it('takes whole minutes 1–240 for a late note', () => {
    assert.deepEqual(parseDayNote(form({ kind: 'late', minutes: '240' }), context), { ok: true, value: { kind: 'late', minutes: 240, atTime: null, pickupName: null, pickupPersonId: null } });
    for (const minutes of ['0', '241', '1.5', '-5', 'abc', '']) {
      const parsed = parseDayNote(form({ kind: 'late', minutes }), context);
      assert.equal(parsed.ok, false, minutes);
      assert.ok(!parsed.ok && parsed.errors.minutes, minutes);
    }
  });

  it('refuses any day but today', () => {
    const parsed = parseDayNote(form({ kind: 'late', minutes: '15', date: '2026-11-23' }), context);
    assert.ok(!parsed.ok && parsed.errors.form?.key === 'dayNotes.errors.notToday');
    assert.equal(parseDayNote(form({ kind: 'late', minutes: '15', date: '2026-11-24' }), context).ok, true);
  });

  it('an early pickup needs a time later than now', () => {
    assert.equal(parseDayNote(form({ kind: 'early', time: '14:30' }), context).ok, true);
    for (const time of ['10:00', '09:15', '24:00', '1430', '']) assert.equal(parseDayNote(form({ kind: 'early', time }), context).ok, false, time);
  });

  it('someone else picks up: from the list by id, or a typed name; never an empty one or a stranger id', () => {
    const listed = parseDayNote(form({ kind: 'other-pickup', pickupPerson: '7' }), context);
    assert.ok(listed.ok && listed.value.pickupName === 'Mormor Eva' && listed.value.pickupPersonId === 7);
    const typed = parseDayNote(form({ kind: 'other-pickup', pickupName: '  Moster   Anna ' }), context);
    assert.ok(typed.ok && typed.value.pickupName === 'Moster Anna' && typed.value.pickupPersonId === null);
    assert.equal(parseDayNote(form({ kind: 'other-pickup', pickupName: ' ' }), context).ok, false);
    assert.equal(parseDayNote(form({ kind: 'other-pickup', pickupPerson: '8' }), context).ok, false);
    assert.equal(parseDayNote(form({ kind: 'other-pickup', pickupName: 'x'.repeat(81) }), context).ok, false);
  });

  it('walking home only where it is offered', () => {
    assert.equal(parseDayNote(form({ kind: 'walks-home' }), context).ok, false);
    assert.equal(parseDayNote(form({ kind: 'walks-home' }), { ...context, walksHome: true }).ok, true);
  });

  it('says each note in a badge', () => {
    assert.deepEqual(badgeOf({ kind: 'late', minutes: 20, atTime: null, pickupName: null }), { key: 'dayNotes.badge.late', params: { minutes: 20 } });
    assert.deepEqual(badgeOf({ kind: 'early', minutes: null, atTime: '14:30', pickupName: null }), { key: 'dayNotes.badge.early', params: { time: '14:30' } });
    assert.deepEqual(badgeOf({ kind: 'other-pickup', minutes: null, atTime: null, pickupName: 'Mormor Eva' }), { key: 'dayNotes.badge.otherPickup', params: { name: 'Mormor Eva' } });
  });
});
