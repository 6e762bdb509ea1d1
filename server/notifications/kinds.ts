// What the bell says, and what a person chooses to hear about, when and how.
//
// A domain that notifies declares its kind where it sends it, with `defineNotificationKind` (absence declares
// 'unreportedAbsence', invitations 'childAdded'), and passes the declaration to notify(); the text of a kind is
// `notifications.kinds.<key>` in the catalogues. The kind names the topic it belongs to: the topics below are the news
// a person chooses about in "Notiser" (/settings/notifications): at once, in the evening summary or only in Vardag, and
// by which channels; one choice covering every kind of the topic (per child, for a guardian). A new kind is one
// declaration in its domain; a new topic is one line here. This module imports no feature domain, so every domain may
// import it.
import type { NotificationTiming } from '../../db/schema.ts';

/**
 * The topics of news, in the order the settings page lists them, and when each reaches a person until they choose:
 * messages at once, the rest in the evening summary.
 */
export const DEFAULT_TIMING = {
  messages: 'now', absence: 'summary', information: 'summary', calendar: 'summary', documentation: 'summary', blog: 'summary',
  // A child marked arrived or picked up on Today (server/attendance/notices.ts): nobody hears of it until they choose to.
  attendance: 'off',
} as const satisfies Record<string, NotificationTiming>;

export type NotificationTopic = keyof typeof DEFAULT_TIMING;
export const NOTIFICATION_TOPICS = Object.keys(DEFAULT_TIMING) as NotificationTopic[];
export const NOTIFICATION_TIMINGS: readonly NotificationTiming[] = ['now', 'summary', 'off'];
/** The channels besides Vardag itself (the bell or the envelope, always). SMS only where `SMS_TOPICS` says. */
export const NOTIFICATION_CHANNELS = ['email', 'push', 'sms'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
/** SMS costs money and wakes people: only for absence (a child who did not come). */
export const SMS_TOPICS: readonly NotificationTopic[] = ['absence'];
/**
 * The topics where 'off' means nothing at all, not even the bell (who writes them asks first: a tap on Today disturbs
 * nobody who did not choose it). Off until chosen; a posted form that leaves one out keeps what applies, and the
 * settings page's sentence leaves it out while off.
 */
export const QUIET_TOPICS: readonly NotificationTopic[] = ['attendance'];
/** The topics a guardian chooses per child (the rest once, for everything). */
export const CHILD_TOPICS: readonly NotificationTopic[] = ['messages', 'absence', 'documentation', 'attendance'];

export interface NotificationKind<Key extends string = string> {
  /** Stored with each notification; its text is `notifications.kinds.<key>`. */
  key: Key;
  /** The news it is part of, for the person's choice; null for a notice only ever shown in Vardag (the bell). */
  topic: NotificationTopic | null;
  /** Always delivered at once on every channel the person has, whatever they chose for the topic (a closed unit). */
  urgent?: boolean;
  /** Its params may be private: mail and push say only "Nytt meddelande från <from>", never the text itself. */
  sensitive?: boolean;
}

/** Declares a kind of notification, keeping its key as a literal type. */
export function defineNotificationKind<const Key extends string>(kind: NotificationKind<Key>): NotificationKind<Key> {
  return kind;
}
