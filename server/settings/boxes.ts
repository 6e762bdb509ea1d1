// The boxes of the guardian's start page (seed 000 #11), in the order the seed lists them.
export const BOXES = ['absence', 'information', 'calendar', 'contacts', 'documentation', 'blog', 'schedule', 'talks'] as const;
export type BoxKey = (typeof BOXES)[number];

export function isBox(value: string): value is BoxKey {
  return (BOXES as readonly string[]).includes(value);
}
