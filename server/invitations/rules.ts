// What an invitation is now, and when a held one goes out.
export type InvitationState = 'waiting' | 'sent' | 'opened' | 'used' | 'expired' | 'revoked';

export interface InvitationFacts {
  revokedAt: string | null;
  usedAt: string | null;
  latestKey: { expiresAt: string; openedAt: string | null } | undefined;
}

export function invitationState(facts: InvitationFacts, now: Date): InvitationState {
  if (facts.usedAt) return 'used';
  if (facts.revokedAt) return 'revoked';
  if (!facts.latestKey) return 'waiting';
  if (facts.latestKey.expiresAt <= now.toISOString()) return 'expired';
  return facts.latestKey.openedAt ? 'opened' : 'sent';
}

/** The day a held invitation is sent: `daysBefore` days before the first placement day, or today if that has passed. */
export function sendOn(placementStart: string, daysBefore: number, today: string): string {
  const d = new Date(`${placementStart}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - daysBefore);
  const day = d.toISOString().slice(0, 10);
  return day > today ? day : today;
}

export type KeyProblem = 'unknown' | 'used' | 'expired' | 'revoked';
