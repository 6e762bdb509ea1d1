// When a message was sent, as Vardag writes moments elsewhere: "tisdag 24 november 05:00" in Stockholm time, with the
// year only when it is not this year ("fredag 2 juli 2027 08:15"), in the reader's language (server/kernel/i18n.ts).
import { stockholmDate, stockholmTime, today, type Clock } from '../kernel/clock.ts';
import { formatDay, type Language } from '../kernel/i18n.ts';

/** The views' `when(iso)`: a message's moment for a reader of `language`, the year left out when it is this year. */
export function messageTime(language: Language, clock: Clock): (iso: string) => string {
  const year = today(clock).slice(0, 4);
  return (iso) => {
    const instant = new Date(iso);
    return Number.isNaN(instant.getTime()) ? '' : `${formatDay(stockholmDate(instant), language, year)} ${stockholmTime(instant)}`;
  };
}
