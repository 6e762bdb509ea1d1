// Pure rules of notifications: which choice applies to a notification, whether a municipality's evening summary is
// due, and what the choices page says will happen.
import type { NotificationTiming } from '../../db/schema.ts';
import {
  CHILD_TOPICS, DEFAULT_TIMING, NOTIFICATION_TOPICS, QUIET_TOPICS, SMS_TOPICS, type NotificationChannel, type NotificationTopic,
} from './kinds.ts';

/** When and how one topic (for one child, or 0 for all) reaches a person. */
export interface Choice { timing: NotificationTiming; email: boolean; push: boolean; sms: boolean }

/** A stored choice: topic, child (0: all children and news about none). */
export interface StoredChoice extends Choice { topic: string; childId: number }

/** The hour (Europe/Stockholm) of the evening summary unless the municipality set another. */
export const DEFAULT_SUMMARY_HOUR = 18;
/** The hours an admin may choose for the summary: the afternoon and evening, when guardians read. */
export const SUMMARY_HOURS: readonly number[] = [14, 15, 16, 17, 18, 19, 20, 21];

/**
 * The choice for a topic until the person makes one: the topic's time, by e-mail and push, and by SMS where the topic
 * has SMS (a child marked absent without a word from home: every guardian got that SMS before choices existed).
 */
export function defaultChoice(topic: NotificationTopic): Choice {
  return { timing: DEFAULT_TIMING[topic], email: true, push: true, sms: SMS_TOPICS.includes(topic) };
}

/**
 * Whether a topic's SMS (the unreported-absence SMS, sent at once whatever the timing) may go to a person about a child:
 * its own box, SMS, ticked for the topic (the child's choice, else the one for all, else the default). The timing is
 * about the notification's e-mail and push; only the SMS box turns the SMS off.
 */
export function smsWanted(stored: readonly StoredChoice[], topic: NotificationTopic, childId: number | null): boolean {
  return applicableChoice(stored, topic, childId).sms;
}

/**
 * The choice that applies to a notification of `topic` about `childId`: the person's choice for that child, else
 * their choice for all, else the default. An urgent kind always goes at once, by e-mail and push whatever was chosen
 * (SMS only if chosen).
 */
export function applicableChoice(
  stored: readonly StoredChoice[], topic: NotificationTopic, childId: number | null, urgent = false,
): Choice {
  const forChild = childId ? stored.find((c) => c.topic === topic && c.childId === childId) : undefined;
  const chosen = forChild ?? stored.find((c) => c.topic === topic && c.childId === 0) ?? defaultChoice(topic);
  const sms = chosen.sms && SMS_TOPICS.includes(topic);
  if (urgent) return { timing: 'now', email: true, push: true, sms };
  return { timing: chosen.timing, email: chosen.email, push: chosen.push, sms };
}

export function isTopic(topic: string | null): topic is NotificationTopic {
  return topic !== null && (NOTIFICATION_TOPICS as readonly string[]).includes(topic);
}

/** The topics chosen per child (for a guardian's child), or all of them for the section about everything (child 0). */
export function topicsOfSection(childId: number): readonly NotificationTopic[] {
  return childId === 0 ? NOTIFICATION_TOPICS : CHILD_TOPICS;
}

/** The form's field for one part of one choice: `c0_messages_timing`, `c12_absence_sms`. */
export function choiceField(childId: number, topic: string, part: 'timing' | NotificationChannel): string {
  return `c${childId}_${topic}_${part}`;
}

/**
 * The choices of a posted form for the given sections (child ids, 0 first): a timing for every topic of the section
 * about everything and for each topic of a child's section that is posted (else an error at its field), the channels
 * ticked. SMS is kept only for the topics that have it.
 */
export function parseChoices(
  form: (name: string) => string, sections: readonly number[],
): { ok: true; value: StoredChoice[] } | { ok: false; errors: Record<string, { key: string }> } {
  const value: StoredChoice[] = [];
  const errors: Record<string, { key: string }> = {};
  for (const childId of sections) {
    for (const topic of topicsOfSection(childId)) {
      const timing = form(choiceField(childId, topic, 'timing'));
      // a child's section not posted, or a quiet topic left out: what applies stays
      if ((childId !== 0 || QUIET_TOPICS.includes(topic)) && timing === '') continue;
      if (!(['now', 'summary', 'off'] as string[]).includes(timing)) {
        errors[choiceField(childId, topic, 'timing')] = { key: 'notificationSettings.errors.timingMissing' };
        continue;
      }
      const ticked = (part: NotificationChannel) => form(choiceField(childId, topic, part)) === '1';
      value.push({
        topic, childId, timing: timing as NotificationTiming, email: ticked('email'), push: ticked('push'),
        sms: SMS_TOPICS.includes(topic) && ticked('sms'),
      });
    }
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

/**
 * Whether a municipality's summary of `day` is due at `now`: the Stockholm date is that day and its hour has come.
 * Returns the day to claim, or undefined before the hour.
 */
export function summaryDay(stockholm: { date: string; time: string }, hour: number): string | undefined {
  return Number(stockholm.time.slice(0, 2)) >= hour ? stockholm.date : undefined;
}

/** One group of topics that reach the person the same way, for the page's sentence. */
export interface SentencePart { topics: NotificationTopic[]; timing: NotificationTiming; channels: NotificationChannel[] }

/**
 * The general choices (child 0) grouped by how they reach the person, the largest group last (it becomes "the rest"),
 * for "Du får meddelanden direkt via e-post och resten i en sammanfattning kl. 18." Only channels that can reach the
 * person count (`reachable`: an e-mail address, a device for push): news chosen by e-mail for someone without an
 * address, or with no channel at all, is only in Vardag (the bell and the envelope), and the sentence says so. The SMS
 * about absence has its own sentence (smsWanted).
 */
export function sentenceParts(choices: Record<NotificationTopic, Choice>, reachable: Record<NotificationChannel, boolean>): SentencePart[] {
  const groups = new Map<string, SentencePart>();
  for (const topic of NOTIFICATION_TOPICS) {
    const c = choices[topic];
    if (c.timing === 'off' && QUIET_TOPICS.includes(topic)) continue; // (off: nothing at all, not "only in Vardag")
    // (SMS is not how news reaches the person: it is the one SMS about a child absent without a word, see smsWanted)
    const channels = (['email', 'push'] as const).filter((ch) => c[ch] && reachable[ch]);
    const timing = channels.length === 0 ? 'off' : c.timing;
    const key = `${timing}:${timing === 'off' ? '' : channels.join(',')}`;
    const group = groups.get(key) ?? { topics: [], timing, channels: timing === 'off' ? [] : channels };
    group.topics.push(topic);
    groups.set(key, group);
  }
  const parts = [...groups.values()];
  const largest = parts.reduce((a, b) => (b.topics.length > a.topics.length ? b : a));
  return [...parts.filter((p) => p !== largest), largest];
}
