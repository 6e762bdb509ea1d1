// What the bell says, and what a person chooses to hear about by e-mail.
//
// A domain that notifies declares its kind where it sends it, with `defineNotificationKind` (absence declares
// 'unreportedAbsence', invitations 'childAdded'), and passes the declaration to notify(); the text of a kind is
// `notifications.kinds.<key>` in the catalogues. The kind names the topic it belongs to: the topics below are the news
// a person chooses about in "Mina inställningar" (by e-mail or not at all), one choice covering every kind of the
// topic. A new kind is one declaration in its domain; a new topic is one line here. This module imports no feature
// domain, so every domain may import it.
import type { NotificationChannel } from '../../db/schema.ts';

/**
 * The topics of news, in the order the settings page lists them, and how each reaches a person until they choose: by
 * e-mail what needs them (messages, absence, the unit's information), the rest not.
 */
export const DEFAULT_CHANNELS = {
  messages: 'email', absence: 'email', information: 'email', calendar: 'none', documentation: 'none', blog: 'none',
} as const satisfies Record<string, NotificationChannel>;

export type NotificationTopic = keyof typeof DEFAULT_CHANNELS;
export const NOTIFICATION_TOPICS = Object.keys(DEFAULT_CHANNELS) as NotificationTopic[];
export const NOTIFICATION_CHANNELS: readonly NotificationChannel[] = ['email', 'none'];

export interface NotificationKind<Key extends string = string> {
  /** Stored with each notification; its text is `notifications.kinds.<key>`. */
  key: Key;
  /** The news it is part of, for the person's choice; null for a notice only ever shown in Vardag (the bell). */
  topic: NotificationTopic | null;
}

/** Declares a kind of notification, keeping its key as a literal type. */
export function defineNotificationKind<const Key extends string>(kind: NotificationKind<Key>): NotificationKind<Key> {
  return kind;
}
