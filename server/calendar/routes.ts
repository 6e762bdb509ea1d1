// The calendar's pages: one's own calendar as a list, a week or a month (ISO week numbers), an event's page, the
// staff's form for a group's or a unit's new event, changing and removing one, the subscription settings and the feed.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { addDays, isDate, isoWeekday, mondayOf, mondayOfWeek, weekDays, weekKey } from '../kernel/dates.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, fields, flash, notFound, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { formatDate } from '../kernel/i18n.ts';
import { findSignedInAccount } from '../accounts/queries.ts';
import { loadActor } from '../people/relations.ts';
import { findUnit, groupWithUnit, groupsOfStaff, unitsHeadedBy } from '../people/queries.ts';
import { closedIn, occurrencesIn, scopeOf } from './calendar.ts';
import { feedAccount, feedOf, renewFeedToken } from './feed.ts';
import { eventById, feedTokenMadeAt, type CalendarEvent, type NewEvent } from './queries.ts';
import { BRING_ITEMS, eventVersion, firstOfMonth, monthGrid, NOTE_MAX_LENGTH, parseEvent, TITLE_MAX_LENGTH, type TypedEvent } from './rules.ts';
import { changeEvent, publishEvent, unpublishEvent } from './write.ts';

interface Deps { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> }

const MONTH: Intl.DateTimeFormatOptions = { month: 'long', year: 'numeric' };

/** The list view shows this many days from its first. */
const LIST_DAYS = 28;

type Place = { kind: 'group'; id: number; name: string; unitId: number; municipalityId: number } | { kind: 'unit'; id: number; name: string; unitId: number; municipalityId: number };

export function calendarRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;

  routes.get('/calendar', 'calendar.read', async (req, res, { actor }) => {
    const day = today(clock);
    const view = req.query.view === 'week' || req.query.view === 'month' ? req.query.view : 'list';
    const scope = await scopeOf(db, actor, day);
    const childNames = Object.fromEntries(scope.children.map((c) => [c.id, c.name]));
    const many = scope.children.length > 1 || (scope.children.length > 0 && (scope.groupIds.length > 0 || scope.unitIds.length > 0));
    let from: string;
    let to: string;
    let nav: Record<string, unknown>;
    if (view === 'week') {
      const monday = mondayOfWeek(String(req.query.week ?? '')) ?? mondayOf(day);
      from = monday;
      to = addDays(monday, 6);
      nav = { days: weekDays(monday), prev: weekKey(addDays(monday, -7)), next: weekKey(addDays(monday, 7)), key: weekKey(monday) };
    } else if (view === 'month') {
      const first = firstOfMonth(String(req.query.month ?? '')) ?? `${day.slice(0, 7)}-01`;
      const weeks = monthGrid(first);
      from = weeks[0][0];
      to = weeks[weeks.length - 1][6];
      const prev = addDays(first, -1).slice(0, 7);
      const next = monthAfter(first);
      nav = { weeks, month: first.slice(0, 7), first, prev, next };
    } else {
      const asked = String(req.query.from ?? '');
      from = isDate(asked) ? asked : day;
      to = addDays(from, LIST_DAYS - 1);
      nav = { prev: addDays(from, -LIST_DAYS), next: addDays(to, 1) };
    }
    const [occurrences, closed, places] = await Promise.all([occurrencesIn(db, scope, from, to), closedIn(db, scope, from, to), writablePlaces(db, actor)]);
    render(req, res, 'calendar/page', {
      view, from, to, today: day, occurrences, closed, childNames, many, places, nav,
      monthName: (first: string) => formatDate(first, req.language, MONTH), weekKey, nextDay: (d: string) => addDays(d, 1),
    });
  });

  routes.get('/calendar/events/:calendarEventId', 'calendarEvent.read', async (req, res, { actor, target }) => {
    const event = await eventById(db, target.id);
    if (!event) throw notFound();
    render(req, res, 'calendar/event', {
      event, canRemove: allows(actor, 'calendarEvent.delete', target), canChange: allows(actor, 'calendarEvent.update', target), isoWeekday,
    });
  });

  routes.post('/calendar/events/:calendarEventId/delete', 'calendarEvent.delete', async (req, res, { target }) => {
    const event = await eventById(db, target.id);
    if (event) await unpublishEvent(db, target.id, event.groupName ?? event.unitName, today(clock), clock.now());
    flash(req, 'calendar.removed');
    res.redirect(303, '/calendar');
  });

  const editForm = (req: Request, res: Response, event: CalendarEvent, values: Record<string, unknown>, errors: FieldErrors = {}, status?: number) => {
    const place: Place = event.groupId !== null
      ? { kind: 'group', id: event.groupId, name: event.groupName ?? '', unitId: event.unitId, municipalityId: event.municipalityId }
      : { kind: 'unit', id: event.unitId, name: event.unitName, unitId: event.unitId, municipalityId: event.municipalityId };
    render(req, res, 'calendar/new', {
      place, editing: true, values, errors, bringItems: BRING_ITEMS, titleMax: TITLE_MAX_LENGTH, noteMax: NOTE_MAX_LENGTH,
      action: `/calendar/events/${event.id}/edit`, back: `/calendar/events/${event.id}`,
    }, status ?? (Object.keys(errors).length ? 400 : 200));
  };

  routes.get('/calendar/events/:calendarEventId/edit', 'calendarEvent.update', async (req, res, { target }) => {
    const e = await eventById(db, target.id);
    if (!e) throw notFound();
    editForm(req, res, e, {
      title: e.title, note: e.note, date: e.date, allDay: e.startTime === null ? 'yes' : 'no', startTime: e.startTime ?? '', endTime: e.endTime ?? '',
      repeat: e.repeatUntil ? 'weekly' : 'none', repeatUntil: e.repeatUntil ?? '', bring: e.bring, version: eventVersion(e),
    });
  });

  routes.post('/calendar/events/:calendarEventId/edit', 'calendarEvent.update', async (req, res, { target }) => {
    const e = await eventById(db, target.id);
    if (!e) throw notFound();
    const typed = typedEvent(req.body);
    const parsed = parseEvent(typed, today(clock));
    // (the version the form was opened on: a change by someone else since is not overwritten unseen)
    const version = field(req.body, 'version') || undefined;
    if (!parsed.ok) return editForm(req, res, e, { ...typed, version }, parsed.errors);
    const changed = await changeEvent(db, e.id, parsed.value, e.groupName ?? e.unitName, today(clock), clock.now(), version);
    if (!changed.ok && changed.error === 'changed') {
      // Nothing saved: the form again as typed, with the event's new version (saving again overwrites knowingly).
      return editForm(req, res, e, { ...typed, version: changed.version }, { title: { key: 'calendar.errors.changedMeanwhile' } }, 409);
    }
    if (!changed.ok) throw notFound();
    flash(req, changed.told ? 'calendar.changedTold' : 'calendar.changed');
    res.redirect(303, `/calendar/events/${e.id}`);
  });

  const newEventForm = async (req: Request, res: Response, place: Place, values: Record<string, unknown> = {}, errors: FieldErrors = {}) => {
    const status = Object.keys(errors).length ? 400 : 200;
    render(req, res, 'calendar/new', {
      place, editing: false, values: { allDay: 'no', repeat: 'none', bring: [], ...values }, errors, bringItems: BRING_ITEMS,
      titleMax: TITLE_MAX_LENGTH, noteMax: NOTE_MAX_LENGTH, action: place.kind === 'group' ? `/groups/${place.id}/calendar` : `/units/${place.id}/calendar`,
      back: '/calendar',
    }, status);
  };

  const create = async (req: Request, res: Response, actor: Actor, place: Place) => {
    const typed = typedEvent(req.body);
    const parsed = parseEvent(typed, today(clock));
    if (!parsed.ok) return newEventForm(req, res, place, { ...typed }, parsed.errors);
    const event: NewEvent = {
      ...parsed.value, municipalityId: place.municipalityId, unitId: place.unitId, groupId: place.kind === 'group' ? place.id : null,
      by: actor.personId, at: clock.now(),
    };
    const id = await publishEvent(db, event, place.name, today(clock));
    flash(req, 'calendar.added');
    res.redirect(303, `/calendar/events/${id}`);
  };

  routes.get('/groups/:groupId/calendar/new', 'group.calendar.create', async (req, res) => newEventForm(req, res, await groupPlace(db, req)));
  routes.post('/groups/:groupId/calendar', 'group.calendar.create', async (req, res, { actor }) => create(req, res, actor, await groupPlace(db, req)));
  routes.get('/units/:unitId/calendar/new', 'unit.calendar.create', async (req, res) => newEventForm(req, res, await unitPlace(db, req)));
  routes.post('/units/:unitId/calendar', 'unit.calendar.create', async (req, res, { actor }) => create(req, res, actor, await unitPlace(db, req)));

  routes.get('/settings/calendar', 'account.calendarFeed.read', async (req, res, { account }) => {
    const madeAt = await feedTokenMadeAt(db, account.id);
    render(req, res, 'calendar/subscription', { madeAt: madeAt ?? null, url: null });
  });

  routes.post('/settings/calendar/feed', 'account.calendarFeed.renew', async (req, res, { account }) => {
    const token = await renewFeedToken(db, account.id, clock.now());
    // The URL is shown once, in this answer (private, no-store, like every personal page), and kept nowhere: not in
    // the session, not in a flash; only its hash is stored. Reloading would renew it again, so the page says so.
    const madeAt = await feedTokenMadeAt(db, account.id);
    render(req, res, 'calendar/subscription', { madeAt: madeAt ?? null, url: `${config.publicUrl}/calendar/feed/${token}.ics` });
  });

  // The feed: public (a phone calendar has no session), found by the secret token alone; a token that is not one is 404.
  routes.publicGet('/calendar/feed/:token.ics', async (req, res) => {
    const accountId = await feedAccount(db, String(req.params.token));
    const account = accountId === undefined ? undefined : await findSignedInAccount(db, accountId);
    if (!account) throw notFound();
    const day = today(clock);
    const actor = await loadActor(db, { id: account.id, person_id: account.personId }, 'password', day);
    const body = await feedOf(db, actor, account.language, day);
    res.status(200).type('text/calendar; charset=utf-8').set('Content-Disposition', 'inline; filename="vardag.ics"')
      .set('Cache-Control', 'private, no-store').send(body);
  });
}

function monthAfter(first: string): string {
  const d = new Date(`${first}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 7);
}

function typedEvent(body: unknown): TypedEvent {
  return {
    title: field(body, 'title'), note: field(body, 'note'), date: field(body, 'date'), allDay: field(body, 'allDay'),
    startTime: field(body, 'startTime'), endTime: field(body, 'endTime'), repeat: field(body, 'repeat'), repeatUntil: field(body, 'repeatUntil'),
    bring: fields(body, 'bring'),
  };
}

async function groupPlace(db: Db, req: Request): Promise<Place> {
  const group = await groupWithUnit(db, Number(req.params.groupId));
  if (!group) throw notFound();
  return { kind: 'group', id: group.id, name: group.name, unitId: group.unitId, municipalityId: group.municipalityId };
}

async function unitPlace(db: Db, req: Request): Promise<Place> {
  const unit = await findUnit(db, Number(req.params.unitId));
  if (!unit) throw notFound();
  return { kind: 'unit', id: unit.id, name: unit.name, unitId: unit.id, municipalityId: unit.municipalityId };
}

/** Where the user may add events: the groups they work in (and those of the units they head), and the units they head. */
async function writablePlaces(db: Db, actor: Actor): Promise<{ groups: { id: number; name: string; unitName: string }[]; units: { id: number; name: string }[] }> {
  const [groups, units] = await Promise.all([groupsOfStaff(db, actor), unitsHeadedBy(db, actor)]);
  return { groups: groups.map((g) => ({ id: g.id, name: g.name, unitName: g.unitName })), units };
}
