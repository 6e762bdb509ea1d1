// The cookie that makes a browser a trusted device: a random token (32 bytes, base64url), httpOnly, sent only to this
// site's own pages and forms (sameSite lax), secure when PUBLIC_URL is https. The database keeps only its SHA-256.
import type { Request, Response } from 'express';
import { cookieValue } from '../kernel/csrf.ts';
import { DEVICE_UNUSED_DAYS } from './pin-rules.ts';
import { looksLikeToken } from './tokens.ts';

export const DEVICE_COOKIE = 'vardag.device';

/** The device token this browser sent, if it looks like one of ours at all. */
export function deviceToken(req: Request): string | undefined {
  const value = cookieValue(req.get('cookie'), DEVICE_COOKIE);
  return value && looksLikeToken(value) ? value : undefined;
}

/** Whether this browser says it is a trusted device (the login page then offers the PIN; the PIN's post checks it). */
export function hasDeviceToken(req: Request): boolean {
  return deviceToken(req) !== undefined;
}

const options = (publicUrl: string) => ({ httpOnly: true, sameSite: 'lax', secure: publicUrl.startsWith('https:'), path: '/' }) as const;

/** Set when a PIN is chosen and renewed at each PIN login: it lasts as long as an unused device is kept. */
export function setDeviceCookie(res: Response, publicUrl: string, token: string): void {
  res.cookie(DEVICE_COOKIE, token, { ...options(publicUrl), maxAge: DEVICE_UNUSED_DAYS * 86_400_000 });
}

export function clearDeviceCookie(res: Response, publicUrl: string): void {
  res.clearCookie(DEVICE_COOKIE, options(publicUrl));
}
