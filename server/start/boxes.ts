// The boxes of the start page, in the order they appear: the one list. Each box comes from its domain's
// box.ts; a feature that is not built yet says so, and a box never shows made-up content. The unit settings offer
// these keys (app.ts hands them over), so a new box is added here and nowhere else.
import { boxUrl, loadBox as loadDefinedBox, type BoxContext, type RenderedBox } from '../kernel/boxes.ts';
import { actionDefinition, type Action } from '../kernel/actions.ts';
import { findUnit, type ChildSummary } from '../people/queries.ts';
import { documentationNeedsStrongLogin } from '../documentation/settings.ts';
import { strongLoginUrl } from '../accounts/step-up.ts';
import { enabledBoxes } from '../settings/queries.ts';
import { today } from '../kernel/clock.ts';
import { decide, isStrongFor } from '../kernel/policy.ts';
import { locateChild } from '../people/relations.ts';
import { absenceBox } from '../absence/box.ts';
import { scheduleBox } from '../schedule/box.ts';
import { documentationBox } from '../documentation/box.ts';
import { blogBox } from '../documentation/blog-box.ts';
import { talksBox } from '../talks/box.ts';
import { calendarBox } from '../calendar/box.ts';
import { informationBox } from '../information/box.ts';
import { contactsBox } from '../contacts/box.ts';
import { assessmentBox } from '../assessment/box.ts';

export const BOXES = [
  absenceBox,
  informationBox,
  calendarBox,
  contactsBox,
  documentationBox,
  blogBox,
  scheduleBox,
  // Shown only while the child has a coming talk booked or times to book (server/talks/box.ts).
  talksBox,
  // A pupil's assessment, with the ways to the IUP and the extra adaptations: only for a child with a school placement.
  assessmentBox,
] as const;

export type BoxKey = (typeof BOXES)[number]['key'];
export const BOX_KEYS: readonly BoxKey[] = BOXES.map((box) => box.key);

/** The boxes of a child's start page: those the child's unit enabled and that have something to show. */
export async function boxesFor(context: BoxContext<ChildSummary>): Promise<RenderedBox<BoxKey>[]> {
  const enabled = await enabledBoxes(context.db, context.child.unitId, BOX_KEYS);
  const loaded = await Promise.all(BOX_KEYS.filter((key) => enabled[key]).map((key) => loadBox(context, key)));
  return loaded.filter((box) => box !== null);
}

/**
 * The boxes showing what an action allowed only with a strong login shows (the documentation, where the municipality
 * asks for it): on a weak session such a box says "Logga in med BankID för att se" in its place, with the way there
 * (step-up), instead of its content — not hidden, and never the content.
 */
const STRONG_BOX_ACTIONS: Partial<Record<BoxKey, Action>> = {
  documentation: 'child.portfolio.read', blog: 'group.blog.read', assessment: 'child.assessment.read',
};

/** What stands in a box's place on a weak session, where it says more than the way to BankID (the assessment: ask the school). */
const STEP_UP_VIEWS: Partial<Record<BoxKey, string>> = { assessment: '/assessment/step-up-box' };

/**
 * The action a box stands for where someone who sees the child's start page may still be refused it: a pupil with a
 * student account sees the guardian's page minus reporting absence, booking talks (seed 001) and the contact list of
 * the group's guardians. The action table decides (server/kernel/actions.ts); a box the viewer may not use is left out.
 */
const BOX_ACTIONS: Partial<Record<BoxKey, Action>> = {
  absence: 'child.absence.report', talks: 'child.talks.read', contacts: 'group.contacts.read', assessment: 'child.assessment.read',
};

async function viewerMayUse(context: BoxContext<ChildSummary>, key: BoxKey): Promise<boolean> {
  const action = BOX_ACTIONS[key];
  if (!action || !context.viewer) return true;
  // The child as the policy sees it (its groups, units, municipality); for the contact list, the child's groups. An
  // action the viewer may do once their login is strong counts: the box then shows the way there (needsStrongLogin).
  return decide(context.viewer, action, await locateChild(context.db, context.child.id, today(context.clock))) !== 'deny';
}

/** One box of the list by its key. */
export async function loadBox(context: BoxContext<ChildSummary>, key: BoxKey): Promise<RenderedBox<BoxKey> | null> {
  const definition = BOXES.find((box) => box.key === key);
  if (!definition) throw new Error(`No box ${key}`);
  if (!(await viewerMayUse(context, key))) return null;
  const locked = await needsStrongLogin(context, key);
  if (locked) return { key, view: STEP_UP_VIEWS[key] ?? '/accounts/step-up-box', url: boxUrl(context.child.id, key), data: locked };
  return loadDefinedBox<ChildSummary, BoxKey>(definition, context);
}

/** The way to a strong login in place of the box, when its content needs one the viewer's session does not have. */
async function needsStrongLogin({ db, child, viewer }: BoxContext<ChildSummary>, key: BoxKey): Promise<{ stepUpUrl: string } | null> {
  const action = STRONG_BOX_ACTIONS[key];
  if (!action) return null;
  const { strongLogin } = actionDefinition(action);
  if (!strongLogin) return null;
  const municipalityId = (await findUnit(db, child.unitId))?.municipalityId;
  if (municipalityId === undefined || (viewer && isStrongFor(viewer, { municipalityId }))) return null;
  if (strongLogin === 'municipality-setting' && !(await documentationNeedsStrongLogin(db, municipalityId))) return null;
  return { stepUpUrl: strongLoginUrl(`/children/${child.id}`, municipalityId) };
}
