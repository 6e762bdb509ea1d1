// "Notiser" in "Mina inställningar" (/settings/notifications): per topic of news (and, for a guardian, per child) when it
// reaches the person (at once, in the evening summary, only in Vardag) and by which channels; one sentence says what
// will happen. And the municipality's hour of the evening summary, for its admin.
import type { Request, Response } from 'express';
import type { Clock } from '../kernel/clock.ts';
import { today } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, flash, type Located, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { childrenOfGuardian } from '../people/queries.ts';
import { devicesOf } from '../push/queries.ts';
import { NOTIFICATION_TIMINGS, NOTIFICATION_TOPICS, SMS_TOPICS, type NotificationTopic } from './kinds.ts';
import { choicesOf, saveChoices, saveSummaryHour, summaryHour, summaryHourChanges } from './queries.ts';
import type { RecipientDirectory } from './recipients.ts';
import { applicableChoice, choiceField, parseChoices, sentenceParts, smsWanted, SUMMARY_HOURS, topicsOfSection, type Choice } from './rules.ts';

interface Deps { db: Db; clock: Clock; recipients: RecipientDirectory }

export function notificationSettingsRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/settings/notifications', 'account.settings.read', (req, res, { account }) => renderChoices(req, res, deps, account));

  routes.post('/settings/notifications', 'account.settings.update', async (req, res, { account }) => {
    const sections = await sectionsOf(deps, account.personId);
    const parsed = parseChoices((name) => field(req.body, name), sections.map((s) => s.childId));
    if (!parsed.ok) return renderChoices(req, res, deps, account, parsed.errors);
    await saveChoices(db, account.id, parsed.value);
    flash(req, 'notificationSettings.saved');
    res.redirect(303, '/settings/notifications');
  });

  routes.get('/municipalities/:municipalityId/notifications', 'municipality.notifications.update', (req, res, { target }) => renderHour(req, res, deps, target));

  routes.post('/municipalities/:municipalityId/notifications', 'municipality.notifications.update', async (req, res, { account, target }) => {
    const hour = Number(field(req.body, 'summary_hour'));
    if (!SUMMARY_HOURS.includes(hour)) return renderHour(req, res, deps, target, { summary_hour: { key: 'notificationSettings.errors.hourMissing' } });
    await saveSummaryHour(db, target.id, hour, account.id, clock.now());
    flash(req, 'notificationSettings.saved');
    res.redirect(303, `/municipalities/${target.id}/notifications`);
  });
}

interface Section { childId: number; childName?: string; topics: readonly NotificationTopic[] }

/** The sections of the page: everything (child 0), then each of a guardian's children with the topics about one child. */
async function sectionsOf({ db, clock }: Deps, personId: number): Promise<Section[]> {
  const children = await childrenOfGuardian(db, personId, today(clock));
  return [
    { childId: 0, topics: topicsOfSection(0) },
    ...children.map((c) => ({ childId: c.id, childName: c.firstName, topics: topicsOfSection(c.id) })),
  ];
}

async function renderChoices(
  req: Request, res: Response, deps: Deps, account: { id: number; personId: number }, errors: FieldErrors = {},
): Promise<void> {
  const [sections, stored, recipients, devices] = await Promise.all([
    sectionsOf(deps, account.personId), choicesOf(deps.db, [account.id]), deps.recipients.notificationRecipients(deps.db, [account.id]), devicesOf(deps.db, account.id),
  ]);
  const recipient = recipients.get(account.id);
  const hour = recipient ? await summaryHour(deps.db, recipient.municipalityId) : 18;
  const mine = stored.get(account.id) ?? [];
  const values: Record<string, string> = {};
  for (const s of sections) {
    for (const topic of s.topics) {
      // a child's section shows what applies to the child: their own choice, else the one for all
      const c = applicableChoice(mine, topic, s.childId || null);
      values[choiceField(s.childId, topic, 'timing')] = c.timing;
      for (const ch of ['email', 'push', 'sms'] as const) values[choiceField(s.childId, topic, ch)] = c[ch] ? '1' : '';
    }
  }
  if (hasErrors(errors)) {
    for (const key of Object.keys(values)) values[key] = field(req.body, key);
  }
  const general = Object.fromEntries(NOTIFICATION_TOPICS.map((topic) => [topic, applicableChoice(mine, topic, null)])) as Record<NotificationTopic, Choice>;
  const t = req.t;
  const list = (items: string[]) => new Intl.ListFormat(req.language.locale, { type: 'conjunction' }).format(items);
  const reachable = { email: recipient?.email != null, push: devices.length > 0, sms: true };
  const parts = sentenceParts(general, reachable).map((p, i, all) => t(`notificationSettings.sentence.${p.timing}`, {
    topics: i === all.length - 1 && all.length > 1 ? t('notificationSettings.sentence.rest') : list(p.topics.map((topic) => t(`accountSettings.notifications.kinds.${topic}`).toLocaleLowerCase(req.language.locale))),
    channels: list([t('notificationSettings.sentence.channel.vardag'), ...p.channels.map((ch) => t(`notificationSettings.sentence.channel.${ch}`))].slice(p.channels.length ? 1 : 0)),
    hour: String(hour),
  }));
  // (the SMS about a child absent without a word from home: for a guardian, if it reaches any of their children)
  const sms = sections.some((s) => s.childId !== 0 && smsWanted(mine, 'absence', s.childId)) ? ` ${t('notificationSettings.sentence.sms')}` : '';
  const sentence = t('notificationSettings.sentence.whole', { parts: list(parts) }) + sms;
  render(req, res, 'notifications/settings', {
    title: t('notificationSettings.title'), sections, values, errors, sentence, hour, timings: NOTIFICATION_TIMINGS, smsTopics: SMS_TOPICS,
    hasEmail: recipient?.email != null, fieldName: choiceField,
  }, hasErrors(errors) ? 400 : 200);
}

async function renderHour(req: Request, res: Response, { db }: Deps, target: Located, errors: FieldErrors = {}): Promise<void> {
  const [hour, changes] = await Promise.all([summaryHour(db, target.id), summaryHourChanges(db, target.id)]);
  render(req, res, 'notifications/municipality', {
    title: req.t('notificationSettings.municipality.title'), municipalityId: target.id, hours: SUMMARY_HOURS, changes, errors,
    values: { summary_hour: hasErrors(errors) ? field(req.body, 'summary_hour') : String(hour) },
  }, hasErrors(errors) ? 400 : 200);
}
