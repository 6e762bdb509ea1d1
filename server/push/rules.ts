// Pure rules of web push: which subscriptions are taken (an https push service only), a device's name from its
// browser, and the push's Topic from its delivery key.
import crypto from 'node:crypto';

export interface NewSubscription { endpoint: string; p256dh: string; auth: string; label: string }

export type SubscriptionCheck =
  | { ok: true; subscription: NewSubscription }
  /** 'scheme': not an https address of a known push service; 'invalid': not a browser's subscription. */
  | { ok: false; error: 'scheme' | 'invalid' };

/** Longer endpoints than any push service's are refused (they are kept and sent to on every push). */
export const MAX_ENDPOINT = 1000;

/**
 * The browsers' own push services (Chrome, Edge, Firefox, Safari and those built on them), by host or by a host's
 * ending. The server posts to a subscription's address, so an address anywhere else (an IP address, a host inside the
 * municipality's network) would let any signed-in user make it send requests there.
 */
export const PUSH_SERVICE_HOSTS: readonly string[] = ['fcm.googleapis.com', 'android.googleapis.com', 'web.push.apple.com'];
export const PUSH_SERVICE_ENDINGS: readonly string[] = ['.push.services.mozilla.com', '.notify.windows.com', '.push.apple.com'];

/**
 * Whether an endpoint is one Vardag will send to: https on the default port to a known push service, no user name or
 * password in it. `loopbackHttp` (tests only, NODE_ENV=test) also lets http://127.0.0.1 stand in for a push service.
 */
export function endpointAllowed(endpoint: string, loopbackHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (loopbackHttp && url.protocol === 'http:' && url.hostname === '127.0.0.1') return true;
  const host = url.hostname.toLowerCase();
  return url.protocol === 'https:' && url.port === ''
    && (PUSH_SERVICE_HOSTS.includes(host) || PUSH_SERVICE_ENDINGS.some((ending) => host.endsWith(ending)));
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** A key of the subscription, base64url as the browser gives it, of the length RFC 8291 says (65 and 16 bytes). */
function keyOf(text: string, bytes: number): string | undefined {
  if (!BASE64URL.test(text) || text.length > 200) return undefined;
  const raw = Buffer.from(text, 'base64url');
  if (raw.length !== bytes || (bytes === 65 && raw[0] !== 4)) return undefined;
  return raw.toString('base64url');
}

/** The subscription a browser's script posted (`PushSubscription.toJSON()`'s endpoint and keys), checked. */
export function checkSubscription(
  fields: { endpoint: string; p256dh: string; auth: string }, userAgent: string | undefined, loopbackHttp: boolean,
): SubscriptionCheck {
  const endpoint = fields.endpoint.trim();
  if (!endpoint || endpoint.length > MAX_ENDPOINT) return { ok: false, error: 'invalid' };
  if (!endpointAllowed(endpoint, loopbackHttp)) return { ok: false, error: /^[a-z][a-z0-9+.-]*:/i.test(endpoint) ? 'scheme' : 'invalid' };
  const p256dh = keyOf(fields.p256dh.trim(), 65);
  const auth = keyOf(fields.auth.trim(), 16);
  if (!p256dh || !auth) return { ok: false, error: 'invalid' };
  return { ok: true, subscription: { endpoint, p256dh, auth, label: deviceLabel(userAgent) } };
}

const BROWSERS: [RegExp, string][] = [
  [/SamsungBrowser\//, 'Samsung Internet'], [/Edg(A|iOS)?\//, 'Edge'], [/OPR\/|Opera/, 'Opera'], [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'], [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'], [/iPhone/, 'iPhone'], [/iPad/, 'iPad'], [/Windows/, 'Windows'], [/Mac OS X|Macintosh/, 'Mac'],
  [/CrOS/, 'ChromeOS'], [/Linux/, 'Linux'],
];

/** "Chrome · Android": the browser and system a device is told apart by on the devices page (names, not translated). */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  return [browser, system].filter(Boolean).join(' · ') || '?';
}

/**
 * The push's Topic header (RFC 8030 §5.4: at most 32 URL-safe base64 characters): the same for every attempt of one
 * delivery, so a push service holding an undelivered push replaces it instead of showing it twice.
 */
export function topicOf(deliveryKey: string): string {
  return crypto.createHash('sha256').update(deliveryKey).digest('base64url').slice(0, 32);
}

/** A push is worth showing for a day; after that the push service may drop it (the bell still has it). */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;
