// Every "now" and "today" in Vardag comes from a Clock, so tests can set the day. Day boundaries are Stockholm's.
export interface Clock { now(): Date }

export const TIME_ZONE = 'Europe/Stockholm';
export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests: starts at the given instant and moves only when told. */
export class FixedClock implements Clock {
  private current: Date;
  constructor(iso: string) { this.current = new Date(iso); }
  now(): Date { return new Date(this.current); }
  set(iso: string): void { this.current = new Date(iso); }
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

let lastMinute = Number.NaN;
let lastDate = '';

/**
 * The calendar date in Stockholm, as YYYY-MM-DD. Formatting takes microseconds and a request asks for today a dozen
 * times, so the last minute's answer is kept (time zones change the date on whole minutes).
 */
export function stockholmDate(instant: Date): string {
  const minute = Math.floor(instant.getTime() / 60_000);
  if (minute !== lastMinute) {
    lastDate = dayFormat.format(instant);
    lastMinute = minute;
  }
  return lastDate;
}

export function today(clock: Clock): string {
  return stockholmDate(clock.now());
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

let lastTimeMinute = Number.NaN;
let lastTime = '';

/** The clock time in Stockholm, as HH:MM (kept for the minute, as the date is). */
export function stockholmTime(instant: Date): string {
  const minute = Math.floor(instant.getTime() / 60_000);
  if (minute !== lastTimeMinute) {
    lastTime = timeFormat.format(instant);
    lastTimeMinute = minute;
  }
  return lastTime;
}
