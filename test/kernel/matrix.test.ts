// The permission matrix: every registered route, tried as every kind of user, and every allowed POST's effect on the
// database. The expected outcomes are written here by hand, not derived from the action table they check.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { CHEAP_HASHING, csrfFrom, demoPasswordHash, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { changedTables, groupId, municipalityId, personId, tableContents, unitId, watchWrites, type WriteWatch } from '../support/demo.ts';
import { enableEId, markSessionStrong, setDocumentationStrongLogin, signInStrong, signInWithSession } from '../support/strong-login.ts';
import { ACTORS, assertNamesOnlyVisibleChildren, loadChildren, notOnContactList, type ActorName, type PlacedChild } from '../support/visibility.ts';
import { actionDefinition } from '../../server/kernel/actions.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { DEFAULT_LANGUAGE, translator } from '../../server/kernel/i18n.ts';
import { composeMail } from '../../server/mail/compose.ts';
import { queueMail } from '../../server/mail/outbox.ts';
import { registerMailJobs } from '../../server/mail/sender.ts';
import { queueSms } from '../../server/sms/outbox.ts';
import { registerSmsJobs } from '../../server/sms/sender.ts';
import { createAccount } from '../../server/accounts/queries.ts';
import { requestClosure } from '../../server/accounts/closure-queries.ts';
import { createResetToken } from '../../server/accounts/reset-queries.ts';
import { addEmail, addVerifiedEmail, changeUsername, extraEmails, ownAccount, passwordHashOf, pendingMobile, sessionHandle, storeMobileCode } from '../../server/accounts/settings-queries.ts';
import { hashMobileCode } from '../../server/accounts/verify-mobile.ts';
import { findSignedInAccount, setLanguage } from '../../server/accounts/queries.ts';
import { openClosureRequest, withdrawClosure } from '../../server/accounts/closure-queries.ts';
import { hashPassword, loginKey, verifyPassword } from '../../server/accounts/passwords.ts';
import { forgetTrustedDevices, trustDevice, trustedDevicesOf } from '../../server/accounts/pin-queries.ts';
import { pinSecret } from '../../server/accounts/pin-rules.ts';
import { newToken } from '../../server/accounts/tokens.ts';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { today } from '../../server/kernel/clock.ts';
import { addDays, mondayOfWeek, weekKey, WEEKDAYS } from '../../server/kernel/dates.ts';
import { absenceById, absencesOf } from '../../server/absence/queries.ts';
import { attendancesOn, markAttendance } from '../../server/attendance/queries.ts';
import { careTimesOf, standardSchedules } from '../../server/schedule/queries.ts';
import { createInvitation, invitationById, issueKey } from '../../server/invitations/queries.ts';
import { childAddedNotification } from '../../server/invitations/invite.ts';
import { choicesOf, latestNotifications, notify, summaryHour } from '../../server/notifications/queries.ts';
import { NOTIFICATION_TOPICS } from '../../server/notifications/kinds.ts';
import { choiceField } from '../../server/notifications/rules.ts';
import { closedDays, enabledBoxes, groupCutoffs, openingHours, unitRules } from '../../server/settings/queries.ts';
import { holidaysBetween } from '../../server/settings/holidays.ts';
import { municipalityTerms } from '../../server/people/municipality-terms.ts';
import { currentStatements } from '../../server/about/queries.ts';
import { BOX_KEYS } from '../../server/start/boxes.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { retentionPeriods } from '../../server/privacy/queries.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { storedImport, storeImportFile } from '../../server/people/registry-sync.ts';
import { previewImport } from '../../server/registry-import/import.ts';
import { areaDetails, groupDetails, setUnitLogo, unitDetails, unitLogo } from '../../server/people/organisation.ts';
import { reencodeLogo, storeLogo } from '../../server/organisation/logo.ts';
import sharp from 'sharp';
import { groupsOfUnit } from '../../server/people/queries.ts';
import { addGuestbookEntry, childPage, pictureFileOf, setPictureFile } from '../../server/child-page/queries.ts';
import { encodePicture, storePicture } from '../../server/child-page/picture.ts';
import { documentationFeatures, saveDocumentationFeatures } from '../../server/settings/queries.ts';
import { currentAnswers } from '../../server/consent/queries.ts';
import { writeDemoPost } from '../../server/documentation/demo.ts';
import { documentationSettings } from '../../server/documentation/settings.ts';
import { addNote, noteById } from '../../server/notes/queries.ts';
import { addComment, addObservation, commentById, decideObservation, observationById } from '../../server/documentation/comments-queries.ts';
import { DEFAULT_DOCUMENTATION_SETTINGS } from '../../server/documentation/settings.ts';
import { mediaLimits, storeMedia } from '../../server/media/index.ts';
import { addMessage, addParticipants, addRecipients, createThread, setArchived } from '../../server/messages/queries.ts';
import { checkAndStore } from '../../server/messages/attachments.ts';
import { insertAttachments, insertItem } from '../../server/information/queries.ts';
import { addEvent } from '../../server/calendar/queries.ts';
import { renewFeedToken } from '../../server/calendar/feed.ts';
import { bookSlot, publishSlot } from '../../server/talks/queries.ts';
import { outOfOfficeOf, saveOutOfOffice } from '../../server/messages/out-of-office.ts';
import { devicesOf, saveSubscription } from '../../server/push/queries.ts';
import { choiceOf as contactChoiceOf } from '../../server/contacts/queries.ts';
import { deviceLabel } from '../../server/push/rules.ts';
import { addPasskey, passkeysOf, removePasskeysOf } from '../../server/passkeys/queries.ts';
import { SoftAuthenticator } from '../passkeys/authenticator.ts';
import nodeCrypto from 'node:crypto';
import { pendingEIdAgent } from '../support/e-id-pending.ts';
import { eIdConfigOf, loginSettingsOf, saveLoginSettings } from '../../server/e-id/settings.ts';
import { linkStaff, staffPersonForIdentity } from '../../server/e-id/staff-links.ts';
import { termOf } from '../../server/kernel/terms.ts';

/** A browser's push keys as its script posts them (a P-256 public key and a 16-byte auth secret, base64url). */
function pushKeysForm(): [string, string][] {
  const ecdh = nodeCrypto.createECDH('prime256v1');
  return [['p256dh', ecdh.generateKeys().toString('base64url')], ['auth', nodeCrypto.randomBytes(16).toString('base64url')]];
}

/** A device of the account that gets its push notifications. */
/** A browser with a PIN of the account's (a made-up token: probes remove it, never log in with it). */
async function probeTrustedDevice(t: TestApp, accountId: number): Promise<number> {
  return trustDevice(t.db, { accountId, tokenHash: newToken().hash, pinHash: 'probe', label: deviceLabel(undefined) }, undefined, t.clock.now());
}

/** A passkey of the account, made by a software authenticator (kept by the case's number, to log in with it). */
const probeAuthenticators = new Map<number, SoftAuthenticator>();
async function probePasskey(t: TestApp, accountId: number, n = -1): Promise<number> {
  const device = new SoftAuthenticator(new URL(t.config.publicUrl).origin);
  probeAuthenticators.set(n, device);
  await removePasskeysOf(t.db, accountId); // (an account keeps at most ten: each probe starts again)
  const added = await addPasskey(t.db, accountId, device.made(), t.clock.now());
  if (!added.ok) throw new Error(`no passkey: ${added.error}`);
  return added.id;
}

async function probeSubscription(t: TestApp, accountId: number, name: string): Promise<number> {
  const [[, p256dh], [, auth]] = pushKeysForm();
  const id = await saveSubscription(t.db, accountId, { endpoint: `https://fcm.googleapis.com/fcm/send/${name}`, p256dh, auth, label: deviceLabel(undefined) }, t.clock.now());
  if (id === undefined) throw new Error(`no device ${name}`);
  return id;
}

/** A registry file of one staff member of Förskolan Solrosen (a file without children ends no placement). */
const registryStaffNumber = (n: number) => identityNumber('1979-04-04', 500 + n);
const registryStaffFile = (n: number) => 'typ;personnummer;fornamn;efternamn;epost;barn;enhet;grupp;startdatum;roll\n'
  + `personal;${registryStaffNumber(n)};Matris;Personal${n};matris.personal${n}@example.com;;Förskolan Solrosen;;;personal\n`;

/**
 * 200 ok · 400 form refused · 404 not found · 401 refused login · 403 not for this kind of user (a PIN for staff) · 'login'
 * redirect to the login page · 'back' a redirect elsewhere
 */
type Outcome = 200 | 400 | 401 | 403 | 404 | 'login' | 'back';
type Row = Record<ActorName, Outcome>;

const signedIn = (outcome: Outcome): Row => ({ ...everyone(outcome), anonymous: 'login' });
function everyone(outcome: Outcome): Row {
  return Object.fromEntries(ACTORS.map((a) => [a, outcome])) as Row;
}

// The probe records: Elsa (Blåbär, Förskolan Solrosen, Demokommun) and her group, unit and municipality.
// Emma (vardnadshavare) and Johan (vardnadshavare2, other household) are Elsa's guardians; Karim (vardnadshavare3)
// is Nora's, who is also in Blåbär. pedagog is staff of Blåbär, pedagog2 of Lingon (same unit), pedagog3 of another
// unit; rektor heads Solrosen. larare2b teaches Oskar's class 2B at Björkskolan, fritids is staff of Oskar's fritids
// group Lärkan, rektor2 heads Vitsippan (another unit of Demokommun), elev is a pupil of 4A with a student account:
// none of them is anything to Elsa.
const CHILD_PAGE: Row = {
  anonymous: 'login', admin: 404, rektor: 404, pedagog: 404, pedagog2: 404, pedagog3: 404,
  vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 404, grannadmin: 404,
  larare2b: 404, fritids: 404, rektor2: 404, elev: 404,
};
const UNIT_SETTINGS = (ok: Outcome): Row => ({ ...signedIn(404), admin: ok, rektor: ok });
const STAFF_OF_ELSA = (ok: Outcome): Row => ({ ...signedIn(404), admin: ok, rektor: ok, pedagog: ok });
const ELSA_REPORTERS = (ok: Outcome): Row => ({ ...STAFF_OF_ELSA(ok), vardnadshavare: ok, vardnadshavare2: ok });
/** Every staff member and unit head, of any unit (not the admins, not the guardians, not the pupil). */
const ANY_STAFF = (ok: Outcome): Row => ({ ...signedIn(404), rektor: ok, pedagog: ok, pedagog2: ok, pedagog3: ok, larare2b: ok, fritids: ok, rektor2: ok });

/** The routes whose action needs a strong login where the record's municipality asks for it (documentation), by hand. */
const STRONG_ROUTES = new Set([
  'GET /children/:childId/page', 'GET /children/:childId/page/edit', 'POST /children/:childId/page', 'POST /children/:childId/picture',
  'POST /children/:childId/picture/delete', 'POST /children/:childId/guestbook', 'POST /children/:childId/guestbook/:entryId/remove',
  'GET /groups/:groupId/posts', 'GET /groups/:groupId/posts/new', 'POST /groups/:groupId/posts', 'GET /posts/:postId/edit',
  'POST /posts/:postId/edit', 'POST /posts/:postId/publish', 'POST /posts/:postId/media', 'POST /posts/:postId/media/:mediaId/delete',
  'POST /posts/:postId/delete', 'GET /children/:childId/portfolio', 'GET /groups/:groupId/blog', 'GET /posts/:publishedPostId',
  'GET /media/:postMediaId/download', 'GET /media/:postMediaId/:variant', 'GET /children/:childNotesId/notes',
  'POST /children/:childNotesId/notes', 'GET /notes/:noteId/edit', 'POST /notes/:noteId/edit', 'POST /notes/:noteId/delete',
  'GET /posts/:publishedPostId/comments', 'POST /posts/:publishedPostId/comments', 'GET /groups/:groupId/comments',
  'POST /comments/:postCommentId/approve', 'POST /observations/:homeObservationId/approve', 'POST /comments/:postCommentId/reject',
  'POST /observations/:homeObservationId/reject', 'GET /children/:childId/observations', 'POST /children/:childId/observations',
  'GET /observations/:homeObservationId/photo/:variant', 'GET /children/:childPortfolioId/portfolio/export',
  'GET /children/:childPortfolioId/portfolio/export/download',
]);

/**
 * The routes whose action always needs a strong login for the record's municipality (issue 25: a pupil's assessment,
 * development plan, talk notes and extra adaptations), by hand. A weak session of a user the row lets in gets what the
 * guard gives it (step-up; the matrix's demo has no e-ID: the page saying this needs BankID, 403) and writes nothing; a
 * strong one gets the row's outcome. The rows are the strong outcomes.
 */
const ALWAYS_STRONG = new Set([
  'GET /groups/:schoolClassId/assessment', 'POST /groups/:schoolClassId/assessment/publish', 'GET /children/:schoolChildId/assessment',
  'GET /children/:schoolChildId/assessment/edit', 'POST /children/:schoolChildId/assessment/edit', 'GET /children/:schoolChildId/assessment/print',
  'GET /children/:schoolChildId/plan', 'GET /children/:schoolChildId/plan/edit', 'POST /children/:schoolChildId/plan/edit',
  'POST /children/:schoolChildId/plan/sign', 'POST /children/:schoolChildId/plan/comments', 'POST /children/:schoolChildId/talk-notes',
  'GET /children/:schoolChildId/adaptations', 'GET /children/:schoolChildId/adaptations/new', 'POST /children/:schoolChildId/adaptations',
  'GET /adaptations/:adaptationId/edit', 'POST /adaptations/:adaptationId/edit', 'POST /adaptations/:adaptationId/end',
]);
/** What a weak session of a user the row lets in gets on an ALWAYS_STRONG route: the page saying it needs BankID. */
const WEAK_ON_ALWAYS_STRONG = 403;
const allowedOutcome = (outcome: Outcome) => outcome === 200 || outcome === 400 || outcome === 'back' || outcome === 403;

// A pupil's school records (issue 25), probed with Oskar (Björkskolan 2B, Emma's), class 2B and an adaptation of Oskar's:
// his guardians (Emma, vardnadshavare), the pupil himself (no account), the teachers of his class (larare2b) and
// Björkskolan's head (Bo, no login) — never the admin, never fritids staff (fritids works at Oskar's Lärkan), never the
// 4A pupil (elev: another pupil), never staff or heads of other units. Strong sessions: ALWAYS_STRONG.
const OSKAR_HOME_AND_CLASS = (ok: Outcome): Row => ({ ...signedIn(404), vardnadshavare: ok, larare2b: ok });
const OSKAR_CLASS = (ok: Outcome): Row => ({ ...signedIn(404), larare2b: ok });
/** Elsa's guardians, both households (Emma, vardnadshavare; Johan, vardnadshavare2), and nobody else. */
const ELSA_HOMES = (ok: Outcome): Row => ({ ...signedIn(404), vardnadshavare: ok, vardnadshavare2: ok });

/** Routes whose records belong to no municipality, so there is no "record of the other municipality" to try. */
const DATABASE_WIDE = new Set(['GET /demo/mailbox/:mailId']);

const MATRIX: Record<string, Row> = {
  'GET /login': { ...everyone('back'), anonymous: 200 },
  // the municipality's privacy notice and accessibility statement: public, linked from every footer
  'GET /privacy': everyone(200),
  'GET /accessibility': everyone(200),
  'POST /login': everyone(401), // with a wrong password
  'POST /language': everyone('back'),
  'GET /': signedIn(200),
  'POST /logout': signedIn('login'),
  // step-up (server/accounts/step-up.ts): the way to a strong login (no municipality of the demo has e-ID here: the page
  // saying so), and the form kept during it (none kept: to the start page)
  'GET /login/strong': signedIn(403),
  'GET /login/step-up': signedIn('back'),
  'GET /notifications': signedIn(200),
  'POST /notifications/read': signedIn('back'),
  // a notification of Emma's: it leads her on; nobody else finds it
  'GET /notifications/:notificationId': { ...signedIn(404), vardnadshavare: 'back' },
  'GET /messages': signedIn(200),
  'GET /children/:childId': CHILD_PAGE,
  'GET /children/:childId/boxes/absence': CHILD_PAGE,
  'GET /children/:childId/boxes/information': CHILD_PAGE,
  'GET /children/:childId/boxes/calendar': CHILD_PAGE,
  'GET /children/:childId/boxes/contacts': CHILD_PAGE,
  'GET /children/:childId/boxes/documentation': CHILD_PAGE,
  'GET /children/:childId/boxes/blog': CHILD_PAGE,
  'GET /children/:childId/boxes/schedule': CHILD_PAGE,
  'GET /children/:childId/boxes/talks': CHILD_PAGE, // (the demo's talk booked for Elsa, server/talks/demo.ts)
  'GET /children/:childId/info': {
    anonymous: 'login', admin: 200, rektor: 200, pedagog: 200, pedagog2: 404, pedagog3: 404,
    vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 404, grannadmin: 404,
    larare2b: 404, fritids: 404, rektor2: 404, elev: 404,
  },
  'GET /groups/:groupId': {
    anonymous: 'login', admin: 200, rektor: 200, pedagog: 200, pedagog2: 200, pedagog3: 404,
    vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200, grannadmin: 404,
    larare2b: 404, fritids: 404, rektor2: 404, elev: 404,
  },
  'GET /units/:unitId': {
    anonymous: 'login', admin: 200, rektor: 200, pedagog: 200, pedagog2: 200, pedagog3: 404,
    vardnadshavare: 404, vardnadshavare2: 404, vardnadshavare3: 404, grannadmin: 404,
    larare2b: 404, fritids: 404, rektor2: 404, elev: 404,
  },
  'GET /units/:unitId/settings': UNIT_SETTINGS(200),
  'GET /units/:unitId/settings/boxes': UNIT_SETTINGS(200),
  'GET /units/:unitId/settings/opening-hours': UNIT_SETTINGS(200),
  'GET /units/:unitId/settings/care-times': UNIT_SETTINGS(200),
  'GET /units/:unitId/settings/closed-days': UNIT_SETTINGS(200),
  'GET /units/:unitId/settings/holidays': UNIT_SETTINGS(200),
  'GET /units/:unitId/settings/history': UNIT_SETTINGS(200),
  'GET /units/:unitId/settings/documentation': UNIT_SETTINGS(200),
  'POST /units/:unitId/settings/documentation': UNIT_SETTINGS('back'),
  'POST /units/:unitId/settings/boxes': UNIT_SETTINGS('back'),
  'POST /units/:unitId/settings/opening-hours': UNIT_SETTINGS('back'),
  'POST /units/:unitId/settings/care-times': UNIT_SETTINGS('back'),
  'POST /units/:unitId/closed-days': UNIT_SETTINGS('back'),
  'POST /units/:unitId/closed-days/:closedDayId/delete': UNIT_SETTINGS('back'),
  'POST /units/:unitId/holidays': UNIT_SETTINGS('back'),
  'GET /municipalities/:municipalityId': { ...signedIn(404), admin: 200 },
  // absence and the day: Elsa's guardians (both households) and the staff of her group report; staff see Today
  'GET /children/:childId/absence': ELSA_REPORTERS(200),
  'POST /children/:childId/absences': ELSA_REPORTERS('back'),
  'POST /absences/:absenceId/cancel': ELSA_REPORTERS('back'),
  // undoing one's own report, withdrawing a report: Elsa's guardians only (staff remove a report with "Ta bort")
  'POST /children/:childId/absences/undo': { ...signedIn(404), vardnadshavare: 'back', vardnadshavare2: 'back' },
  'POST /absences/:absenceId/withdraw': { ...signedIn(404), vardnadshavare: 'back', vardnadshavare2: 'back' },
  'GET /groups/:groupId/today': STAFF_OF_ELSA(200),
  'POST /children/:childId/attendance': STAFF_OF_ELSA('back'),
  'POST /children/:childId/attendance/undo': STAFF_OF_ELSA('back'),
  'GET /groups/:groupId/today/:childId/times': STAFF_OF_ELSA(200),
  'POST /children/:childId/attendance/times': STAFF_OF_ELSA('back'),
  'GET /groups/:groupId/today/print': STAFF_OF_ELSA(200),
  // documentation: the staff of Elsa's group write its posts (a fresh draft of Blåbär with a photo per probe); a plain
  // form without a file is refused (400); deleting a post first asks (200)
  'GET /groups/:groupId/posts': STAFF_OF_ELSA(200),
  'GET /groups/:groupId/posts/new': STAFF_OF_ELSA(200),
  'POST /groups/:groupId/posts': STAFF_OF_ELSA('back'),
  'GET /posts/:postId/edit': STAFF_OF_ELSA(200),
  'POST /posts/:postId/edit': STAFF_OF_ELSA('back'),
  'POST /posts/:postId/publish': STAFF_OF_ELSA('back'),
  'POST /posts/:postId/media': STAFF_OF_ELSA(400),
  'POST /posts/:postId/media/:mediaId/delete': STAFF_OF_ELSA('back'),
  'POST /posts/:postId/delete': STAFF_OF_ELSA(200),
  // photo consent: Elsa's guardians (both households) give their own answer; the staff of her group record a paper
  // answer and read the group's reference list; both see her page
  'GET /children/:childId/consent': ELSA_REPORTERS(200),
  'POST /children/:childId/consent': { ...signedIn(404), vardnadshavare: 'back', vardnadshavare2: 'back' },
  'POST /children/:childId/consent/paper': STAFF_OF_ELSA('back'),
  'GET /groups/:groupId/consent': STAFF_OF_ELSA(200),
  // the contact list of Blåbär: its families (Karim, Nora's guardian, too: he reads it, never appears in it) and its staff;
  // each signed-in person keeps their own choice of what the other guardians see
  'GET /groups/:groupId/contacts': { ...STAFF_OF_ELSA(200), vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  'GET /settings/contacts': signedIn(200),
  'POST /settings/contacts': signedIn('back'),
  // messages: a thread between Emma (vardnadshavare) and Elsa's teacher is theirs alone; about Elsa her guardians (both
  // households) and her staff write; a bulletin to Blåbär its staff (head, admin), to Solrosen its head and the admin
  'GET /messages/:messageThreadId': { ...signedIn(404), vardnadshavare: 200, pedagog: 200 },
  'POST /messages/:messageThreadId/replies': { ...signedIn(404), vardnadshavare: 'back', pedagog: 'back' },
  'POST /messages/:messageThreadId/archive': { ...signedIn(404), vardnadshavare: 'back', pedagog: 'back' },
  'POST /messages/:messageThreadId/unarchive': { ...signedIn(404), vardnadshavare: 'back', pedagog: 'back' },
  'GET /children/:childId/messages/new': ELSA_REPORTERS(200),
  // messages' extras: a file sent by Emma to Elsa's teacher is theirs alone; only the teacher takes back their own message
  // to Emma; every staff member and head (in any unit) sets their own out-of-office
  'GET /messages/attachments/:messageAttachmentId': { ...signedIn(404), vardnadshavare: 200, pedagog: 200 },
  'POST /messages/:messageThreadId/messages/:messageId/retract': { ...signedIn(404), pedagog: 'back' },
  'GET /settings/out-of-office': ANY_STAFF(200),
  'POST /settings/out-of-office': ANY_STAFF(400), // (an empty form)
  'POST /settings/out-of-office/remove': ANY_STAFF('back'),
  'POST /children/:childId/messages': ELSA_REPORTERS('back'),
  'GET /groups/:groupId/bulletins/new': STAFF_OF_ELSA(200),
  'POST /groups/:groupId/bulletins': STAFF_OF_ELSA('back'),
  'GET /units/:unitId/bulletins/new': UNIT_SETTINGS(200),
  'POST /units/:unitId/bulletins': UNIT_SETTINGS('back'),
  // information: everyone's own list; an item of Blåbär (and its file) for Blåbär's families and Solrosen's staff; published
  // to Blåbär by its staff (head, admin), to Solrosen by its staff and head (and the admin), to Demokommun by its admin
  'GET /information': signedIn(200),
  'GET /information/:informationItemId': { ...STAFF_OF_ELSA(200), pedagog2: 200, vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  'GET /information/attachments/:informationAttachmentId': { ...STAFF_OF_ELSA(200), pedagog2: 200, vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  // editing and removing it: who may publish to Blåbär (Lingon's teacher of the same unit passes the action, not the route)
  'GET /information/:informationItemId/edit': STAFF_OF_ELSA(200),
  'POST /information/:informationItemId/edit': STAFF_OF_ELSA('back'),
  'GET /information/:informationItemId/remove': STAFF_OF_ELSA(200),
  'POST /information/:informationItemId/remove': STAFF_OF_ELSA('back'),
  'GET /groups/:groupId/information/new': STAFF_OF_ELSA(200),
  'POST /groups/:groupId/information': STAFF_OF_ELSA('back'),
  'GET /units/:unitId/information/new': { ...UNIT_SETTINGS(200), pedagog: 200, pedagog2: 200 },
  'POST /units/:unitId/information': { ...UNIT_SETTINGS('back'), pedagog: 'back', pedagog2: 'back' },
  'GET /municipalities/:municipalityId/information/new': { ...signedIn(404), admin: 200 },
  'POST /municipalities/:municipalityId/information': { ...signedIn(404), admin: 'back' },
  // the calendar: everyone's own; an event of Blåbär for Blåbär's families and Solrosen's staff, added and removed by
  // Blåbär's staff, a unit's event by its head; one's subscription, and the feed for whoever holds its secret URL
  'GET /calendar': signedIn(200),
  'GET /calendar/events/:calendarEventId': { ...STAFF_OF_ELSA(200), pedagog2: 200, vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  'POST /calendar/events/:calendarEventId/delete': STAFF_OF_ELSA('back'),
  'GET /calendar/events/:calendarEventId/edit': STAFF_OF_ELSA(200),
  'POST /calendar/events/:calendarEventId/edit': STAFF_OF_ELSA('back'),
  'GET /groups/:groupId/calendar/new': STAFF_OF_ELSA(200),
  'POST /groups/:groupId/calendar': STAFF_OF_ELSA('back'),
  'GET /units/:unitId/calendar/new': UNIT_SETTINGS(200),
  'POST /units/:unitId/calendar': UNIT_SETTINGS('back'),
  'GET /settings/calendar': signedIn(200),
  'POST /settings/calendar/feed': signedIn(200), // (the new URL shown once, in the answer itself)
  'GET /calendar/feed/:token.ics': everyone(200),
  // development talks: Elsa's times booked by her guardians; Blåbär's times published, booked for a guardian and reminded
  // by its staff and head (seen by the admin too); Solrosen's talk settings, its head's and the admin's
  'GET /children/:childId/talks': CHILD_PAGE,
  'GET /children/:childId/talks.ics': CHILD_PAGE,
  'POST /children/:childId/talks/book': { ...signedIn(404), vardnadshavare: 400, vardnadshavare2: 400 },
  'POST /children/:childId/talks/cancel': { ...signedIn(404), vardnadshavare: 400, vardnadshavare2: 400 },
  'GET /groups/:groupId/talks': STAFF_OF_ELSA(200),
  'POST /groups/:groupId/talks/slots': { ...signedIn(404), rektor: 400, pedagog: 400 },
  'POST /groups/:groupId/talks/slots/remove': { ...signedIn(404), rektor: 'back', pedagog: 'back' },
  'POST /groups/:groupId/talks/bookings': { ...signedIn(404), rektor: 400, pedagog: 400 },
  'POST /groups/:groupId/talks/bookings/cancel': { ...signedIn(404), rektor: 'back', pedagog: 'back' },
  'POST /groups/:groupId/talks/remind': { ...signedIn(404), rektor: 'back', pedagog: 'back' },
  'GET /units/:unitId/talks/settings': UNIT_SETTINGS(200),
  'POST /units/:unitId/talks/settings': UNIT_SETTINGS(400),
  // notes about Elsa (Solrosen uses notes in the demo): her guardians (both households) read, the staff of her group write
  'GET /children/:childNotesId/notes': ELSA_REPORTERS(200),
  'POST /children/:childNotesId/notes': STAFF_OF_ELSA('back'),
  'GET /notes/:noteId/edit': STAFF_OF_ELSA(200),
  'POST /notes/:noteId/edit': STAFF_OF_ELSA('back'),
  'POST /notes/:noteId/delete': STAFF_OF_ELSA('back'),
  // guardians' comments on a post of Blåbär, each family for its own child; the group's staff decide in their queue
  'GET /posts/:publishedPostId/comments': { ...STAFF_OF_ELSA(200), vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  'POST /posts/:publishedPostId/comments': { ...signedIn(404), vardnadshavare: 'back', vardnadshavare2: 'back', vardnadshavare3: 'back' },
  'GET /groups/:groupId/comments': STAFF_OF_ELSA(200),
  'POST /comments/:postCommentId/approve': STAFF_OF_ELSA('back'),
  'POST /comments/:postCommentId/reject': STAFF_OF_ELSA('back'),
  // home observations about Elsa: written by her guardians, decided by the staff of her group; an approved one's photo
  'GET /children/:childId/observations': ELSA_REPORTERS(200),
  'POST /children/:childId/observations': { ...signedIn(404), vardnadshavare: 'back', vardnadshavare2: 'back' },
  'POST /observations/:homeObservationId/approve': STAFF_OF_ELSA('back'),
  'POST /observations/:homeObservationId/reject': STAFF_OF_ELSA('back'),
  'GET /observations/:homeObservationId/photo/:variant': ELSA_REPORTERS(200),
  // reading documentation: Elsa's portfolio for her guardians (both households) and the staff of her group; Blåbär's blog,
  // a published post of Blåbär and its photo (which shows no child) for every family of Blåbär and its staff
  'GET /children/:childId/portfolio': ELSA_REPORTERS(200),
  'GET /groups/:groupId/blog': { ...STAFF_OF_ELSA(200), vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  'GET /posts/:publishedPostId': { ...STAFF_OF_ELSA(200), vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  'GET /media/:postMediaId/:variant': { ...STAFF_OF_ELSA(200), vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  'GET /media/:postMediaId/download': { ...STAFF_OF_ELSA(200), vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  // Elsa's portfolio as a ZIP: her guardians (both households) only, not staff; the terms' tick not sent: the page again (400)
  'GET /children/:childPortfolioId/portfolio/export': { ...signedIn(404), vardnadshavare: 200, vardnadshavare2: 200 },
  'GET /children/:childPortfolioId/portfolio/export/download': { ...signedIn(404), vardnadshavare: 400, vardnadshavare2: 400 },
  // the child's own page: seen and kept by Elsa's guardians (both households) and the staff of her group; the matrix's plain
  // forms carry no file (400) and a version of the page read before the demo saved it (400); greetings in the guestbook
  // (on at Solrosen for these probes), which the staff remove
  'GET /children/:childId/page': ELSA_REPORTERS(200),
  'GET /children/:childId/page/edit': ELSA_REPORTERS(200),
  'POST /children/:childId/page': ELSA_REPORTERS(400),
  'GET /children/:childId/picture': ELSA_REPORTERS(200),
  'POST /children/:childId/picture': ELSA_REPORTERS(400),
  'POST /children/:childId/picture/delete': ELSA_REPORTERS('back'),
  'POST /children/:childId/guestbook': ELSA_REPORTERS('back'),
  'POST /children/:childId/guestbook/:entryId/remove': STAFF_OF_ELSA('back'),
  // care times: Elsa's guardians (both households) and the staff of her group register; only staff comment a day and see her history
  'GET /children/:childId/schedule': ELSA_REPORTERS(200),
  'POST /children/:childId/schedule': ELSA_REPORTERS('back'),
  'GET /children/:childId/schedule/standard': ELSA_REPORTERS(200),
  'POST /children/:childId/schedule/standard': ELSA_REPORTERS('back'),
  'POST /children/:childId/schedule/comment': STAFF_OF_ELSA('back'),
  'GET /children/:childId/history': STAFF_OF_ELSA(200),
  // invitations: staff of Elsa's group (pedagog), the head of Solrosen and the admin; never guardians
  'GET /children/:childId/invitations/new': STAFF_OF_ELSA(200),
  'POST /children/:childId/invitations': STAFF_OF_ELSA(200), // without confirm=yes: the review page
  'GET /groups/:groupId/invitations': STAFF_OF_ELSA(200),
  'POST /invitations/:invitationId/resend': STAFF_OF_ELSA('back'),
  'POST /invitations/:invitationId/revoke': STAFF_OF_ELSA('back'),
  'POST /invitations/:invitationId/print': STAFF_OF_ELSA(200),
  // a guardian with a key: public; an unknown key is said to be unknown, to anyone
  // an account by e-ID (seed 004): public; without a pending e-ID login in the session the page says to log in with e-ID
  // again and its form is refused (the account made from a pending login: in EFFECTS)
  'GET /account/new/e-id': everyone(200),
  'POST /account/new/e-id': everyone(400),
  // student accounts (seed 001), probed with a pupil of Björkskolan's 4A (årskurs 4) without an account: of these actors
  // only the admin is staff of the pupil's class (larare2b teaches 2B, fritids works at Lärkan, elev is a classmate); the
  // letter is the answer of the POST. Blåbär's list of student accounts: its staff's, saying it is no school class
  'GET /children/:childId/student-account': { ...signedIn(404), admin: 200 },
  'POST /children/:childId/student-account': { ...signedIn(404), admin: 200 },
  'GET /groups/:groupId/student-accounts': STAFF_OF_ELSA(200),
  'GET /register_invite': everyone(200),
  'GET /register_invite/:key': everyone(200),
  'POST /register_invite': everyone(400),
  'GET /register_invite/:key/link': everyone(200),
  'POST /register_invite/link': { ...everyone(400), anonymous: 401 }, // anonymous with a wrong password; others: unknown key
  'GET /settings/invitation': signedIn(200),
  'POST /settings/invitation': signedIn(400), // an unknown key
  'GET /municipalities/:municipalityId/terms': { ...signedIn(404), admin: 200 },
  'POST /municipalities/:municipalityId/terms': { ...signedIn(404), admin: 'back' },
  'GET /municipalities/:municipalityId/notifications': { ...signedIn(404), admin: 200 },
  'POST /municipalities/:municipalityId/notifications': { ...signedIn(404), admin: 400 }, // without an hour
  // the municipality's statements and its audit trail: each admin for their own municipality (the pages reach it through them)
  'GET /admin/statements': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/statements/privacy': { ...signedIn(404), admin: 'back', grannadmin: 'back' },
  'POST /admin/statements/accessibility': { ...signedIn(404), admin: 'back', grannadmin: 'back' },
  // the municipality's documentation settings: each admin their own municipality's
  'GET /admin/documentation': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/documentation': { ...signedIn(404), admin: 'back', grannadmin: 'back' },
  // the municipality's login settings and its staff's e-ID links: each admin their own municipality's (the matrix's empty
  // form: no idle minutes, 400; a connection test of no issuer, 400 with the message at the field; a link or unlink of nobody, 404)
  'GET /admin/login': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/login': { ...signedIn(404), admin: 400, grannadmin: 400 },
  'POST /admin/login/test': { ...signedIn(404), admin: 400, grannadmin: 400 },
  'GET /admin/login/staff': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/login/staff/link': signedIn(404),
  'POST /admin/login/staff/unlink': signedIn(404),
  'GET /admin/audit': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'GET /admin/audit/export': { ...signedIn(404), admin: 200, grannadmin: 200 },
  // the registry import: each admin uploads for their own municipality; a file's preview and approval are its
  // municipality's admin's (the matrix's form has no approved digest: refused, nothing applied)
  'GET /admin/import': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/import': { ...signedIn(404), admin: 'back', grannadmin: 'back' },
  'GET /admin/import/:registryImportId': { ...signedIn(404), admin: 200 },
  'GET /admin/import/:registryImportId/reached.csv': { ...signedIn(404), admin: 200 },
  'POST /admin/import/:registryImportId/apply': { ...signedIn(404), admin: 400 },
  // marking an unreported absence, probed with Oskar (Björkskolan 2B; a preschool child has none): of these actors only the
  // admin and larare2b (his class's teacher) are staff of his; fritids staff is not (Lärkan is not a school group)
  'POST /children/:childId/absences/unreported': { ...signedIn(404), admin: 'back', larare2b: 'back' },
  // ...taking such a mark back (the same staff), and answering it: Oskar's guardian Emma (vardnadshavare) only
  'POST /absences/:absenceId/unreported/cancel': { ...signedIn(404), admin: 'back', larare2b: 'back' },
  'POST /absences/:absenceId/answer': { ...signedIn(404), vardnadshavare: 'back' },
  // the demo mailbox (the matrix runs on a demo database) holds the whole database's mail: both admins read it
  'GET /demo/mailbox': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'GET /demo/mailbox/:mailId': { ...signedIn(404), admin: 200, grannadmin: 200 },
  // the demo SMS outbox: each admin reads the SMS about their own municipality's children (grannadmin none of Oskar's)
  'GET /demo/sms': { ...signedIn(404), admin: 200, grannadmin: 200 },
  // the background jobs that gave up and the backups: the whole database's, as the job runner is, so every admin
  'GET /admin/jobs': { ...signedIn(404), admin: 200, grannadmin: 200 },
  // a forgotten password: public, the same answer for everyone; a valid link sets the password and sends to the login
  'GET /password/forgot': everyone(200),
  'POST /password/forgot': everyone(200),
  'GET /password/reset/:token': everyone(200),
  'POST /password/reset/:token': everyone('login'),
  'GET /email/verify/:token': everyone(200),
  'POST /email/verify/:token': everyone(200),
  // logging in with an SMS code: off in the demo's municipalities (not found); signed in, back to the start page. A code
  // asked for goes on to /login/sms/code, the same answer for any name; no code asked for goes back to /login/sms.
  'GET /login/sms': { ...everyone('back'), anonymous: 404 },
  'POST /login/sms': { ...everyone('back'), anonymous: 'login' },
  'GET /login/sms/code': { ...everyone('back'), anonymous: 'login' },
  'POST /login/sms/code': { ...everyone('back'), anonymous: 'login' },
  // logging in with e-ID (server/e-id/routes.ts): public; the matrix's demo database has no e-ID configured (only
  // `npm start` points the demo at its own provider), so the start says so to everyone; a callback with no login under
  // way in the session is refused, whoever sends it
  'GET /login/e-id': everyone(404),
  'GET /login/e-id/callback': everyone(400),
  // "Mina inställningar": each signed-in user, about their own account only
  'GET /settings': signedIn(200),
  'POST /settings/username': signedIn('back'), // the user's own username again
  'POST /settings/password': signedIn(400), // a wrong current password
  'POST /settings/emails': signedIn('back'),
  'POST /settings/emails/:emailId/remove': { ...signedIn(404), vardnadshavare: 'back' }, // an address of Emma's
  'POST /settings/emails/:emailId/make-login': { ...signedIn(404), vardnadshavare: 'back' },
  'POST /settings/mobile': signedIn('back'), // a number of the actor's own: a code is sent to it
  'POST /settings/mobile/resend': signedIn('back'), // a new code for that number
  'POST /settings/mobile/verify': signedIn(400), // without the code
  'POST /settings/mobile/cancel': signedIn('back'),
  'GET /settings/notifications': signedIn(200),
  'POST /settings/notifications': signedIn('back'),
  'POST /settings/sessions/end': signedIn('back'),
  'POST /settings/sessions/end-others': signedIn('back'),
  'POST /settings/close': signedIn('back'),
  'POST /settings/close/withdraw': signedIn('back'),
  // the devices that get one's push notifications: one's own only (a device of Emma's: nobody else finds it)
  'GET /settings/devices': signedIn(200),
  'POST /settings/devices': signedIn(400), // without a subscription
  'POST /settings/devices/:pushSubscriptionId/remove': { ...signedIn(404), vardnadshavare: 'back' },
  'POST /settings/devices/test': signedIn('back'),
  // passkeys: one's own (registering without the browser's answer is refused); a passkey of Emma's, removed by her only;
  // logging in with one is public (without a challenge asked for, back to the login page)
  'GET /settings/passkeys': signedIn(200),
  'POST /settings/passkeys/options': signedIn(200),
  'POST /settings/passkeys': signedIn(400),
  'POST /settings/passkeys/:passkeyId/remove': { ...signedIn(404), vardnadshavare: 'back' },
  'POST /login/passkey/options': everyone(200),
  'POST /login/passkey': everyone('login'),
  // a PIN on this browser (server/accounts/pin-routes.ts): one's own browsers only; a PIN chosen only by a guardian with
  // no staff or admin role (the others: 403; a guardian's form without a PIN: 400); a device of Emma's: nobody else finds it
  'GET /settings/pin': signedIn(200),
  'POST /settings/pin': { ...signedIn(403), vardnadshavare: 400, vardnadshavare2: 400, vardnadshavare3: 400 },
  'POST /settings/pin/:trustedDeviceId/remove': { ...signedIn(404), vardnadshavare: 'back' },
  // logging in with this browser's PIN: signed in, back to the start page; without the browser's cookie, to the login
  // page (GET), and a post without a PIN is refused at its field
  'GET /login/pin': { ...everyone('back'), anonymous: 'login' },
  'POST /login/pin': { ...everyone('back'), anonymous: 400 },
  // closing the account of a guardian of a Solrosen child: its head and the admin; nobody else, not even the guardian
  'GET /units/:unitId/closure-requests': UNIT_SETTINGS(200),
  'GET /municipalities/:municipalityId/closure-requests': { ...signedIn(404), admin: 200 },
  'POST /closure-requests/:closureRequestId/close': UNIT_SETTINGS('back'),
  // staff: the admin (all of the municipality's), the unit's head (those working in the unit); probed with a staff member
  // of Blåbär. The admin of Grannkommun may list and add, but not at a unit of Demokommun (the form's unit is refused)
  'GET /admin/staff': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'GET /admin/staff/new': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/staff': { ...signedIn(404), admin: 'back', grannadmin: 400 },
  'GET /units/:unitId/staff': UNIT_SETTINGS(200),
  'GET /units/:unitId/staff/new': UNIT_SETTINGS(200),
  'POST /units/:unitId/staff': UNIT_SETTINGS('back'),
  'GET /admin/staff/:staffMemberId': UNIT_SETTINGS(200),
  'POST /admin/staff/:staffMemberId/assignments': UNIT_SETTINGS('back'),
  'POST /admin/staff/:staffMemberId/invitation': UNIT_SETTINGS('back'),
  'POST /admin/staff/assignments/:staffAssignmentId/end': UNIT_SETTINGS('back'),
  // a staff member's name and contact details: the admin, and the head of the one unit they work in; the personnummer: the admin
  'GET /admin/staff/:staffDetailsId/edit': UNIT_SETTINGS(200),
  'POST /admin/staff/:staffDetailsId/edit': UNIT_SETTINGS('back'),
  'GET /admin/staff/:staffMemberId/identity': { ...signedIn(404), admin: 200 },
  'POST /admin/staff/:staffMemberId/identity': { ...signedIn(404), admin: 'back' },
  // privacy: a municipality's retention periods and its people's register extracts (probed with Emma), for its admin; and
  // each signed-in user's own extract
  'GET /municipalities/:municipalityId/privacy': { ...signedIn(404), admin: 200 },
  'POST /municipalities/:municipalityId/privacy/retention': { ...signedIn(404), admin: 'back' },
  'GET /admin/people/:personId/extract': { ...signedIn(404), admin: 200 },
  'GET /admin/people/:personId/extract/download': { ...signedIn(404), admin: 200 },
  'GET /settings/extract': signedIn(200),
  'GET /settings/extract/download': signedIn(200),
  // children and placements in the register: the admin (every child of the municipality), the unit's head (the unit's);
  // the admin of Grannkommun may list and add, but not in a group of Demokommun (the form's group is refused)
  'GET /admin/children': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'GET /admin/children/new': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/children': { ...signedIn(404), admin: 'back', grannadmin: 400 },
  'GET /units/:unitId/children': UNIT_SETTINGS(200),
  'GET /units/:unitId/children/new': UNIT_SETTINGS(200),
  'POST /units/:unitId/children': UNIT_SETTINGS('back'),
  'GET /admin/children/:registeredChildId': UNIT_SETTINGS(200),
  'GET /admin/children/:registeredChildId/edit': UNIT_SETTINGS(200),
  'POST /admin/children/:registeredChildId/edit': UNIT_SETTINGS('back'),
  'POST /children/:registeredChildId/placements': UNIT_SETTINGS('back'),
  'POST /children/:registeredChildId/guardians': UNIT_SETTINGS('back'),
  'GET /children/:registeredChildId/guardians/:guardianId': UNIT_SETTINGS(200),
  'POST /children/:registeredChildId/guardians/:guardianId': UNIT_SETTINGS('back'),
  'POST /children/:registeredChildId/guardians/:guardianId/end': UNIT_SETTINGS('back'),
  'GET /placements/:placementId': UNIT_SETTINGS(200),
  'POST /placements/:placementId/end': UNIT_SETTINGS('back'),
  'POST /placements/:placementId/move': UNIT_SETTINGS('back'),
  // the organisation: the admin's overview, areas and units (each admin in their own municipality); a unit's groups
  // for its head too. Ending or removing Blåbär is refused (children are placed in it): 400
  'GET /admin': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'GET /admin/areas': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/areas': { ...signedIn(404), admin: 'back', grannadmin: 'back' },
  'GET /admin/areas/:areaId': { ...signedIn(404), admin: 200 },
  'POST /admin/areas/:areaId': { ...signedIn(404), admin: 'back' },
  'POST /admin/areas/:areaId/remove': { ...signedIn(404), admin: 'back' },
  'GET /admin/units': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'GET /admin/units/new': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/units': { ...signedIn(404), admin: 'back', grannadmin: 'back' },
  'GET /admin/units/:unitId': { ...signedIn(404), admin: 200 },
  'POST /admin/units/:unitId': { ...signedIn(404), admin: 'back' },
  // closing Solrosen is refused (no day given; children are placed in it), reopening it too (it is open): 400
  'POST /admin/units/:unitId/close': { ...signedIn(404), admin: 400 },
  'POST /admin/units/:unitId/reopen': { ...signedIn(404), admin: 400 },
  // the unit's address and contact details: its head too
  'GET /units/:unitId/contact': UNIT_SETTINGS(200),
  'POST /units/:unitId/contact': UNIT_SETTINGS('back'),
  // a unit's logo: uploaded and removed by the admin (the matrix's plain form has no file: 400); seen by those of Solrosen
  'POST /admin/units/:unitId/logo': { ...signedIn(404), admin: 400 },
  'POST /admin/units/:unitId/logo/remove': { ...signedIn(404), admin: 'back' },
  'GET /units/:unitLogoId/logo': { ...signedIn(404), admin: 200, rektor: 200, pedagog: 200, pedagog2: 200, vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  // Solrosen's menu: read by those of Solrosen (its children's guardians, its staff and head, the admin), written by its staff
  'GET /units/:unitMenuId/menu': { ...signedIn(404), admin: 200, rektor: 200, pedagog: 200, pedagog2: 200, vardnadshavare: 200, vardnadshavare2: 200, vardnadshavare3: 200 },
  'GET /units/:unitId/menu/edit': { ...signedIn(404), admin: 200, rektor: 200, pedagog: 200, pedagog2: 200 },
  'POST /units/:unitId/menu': { ...signedIn(404), admin: 400, rektor: 400, pedagog: 400, pedagog2: 400 }, // (no week named)
  'GET /units/:unitId/groups': UNIT_SETTINGS(200),
  'POST /units/:unitId/groups': UNIT_SETTINGS('back'),
  'GET /units/:unitId/groups/:groupId': UNIT_SETTINGS(200),
  'POST /units/:unitId/groups/:groupId': UNIT_SETTINGS('back'),
  'POST /units/:unitId/groups/:groupId/end': UNIT_SETTINGS(400),
  'POST /units/:unitId/groups/:groupId/remove': UNIT_SETTINGS(400),
  // the municipality's assessment matrix (levels, subjects, abilities): each admin their own (weak is enough: it holds
  // nobody's data); an ability added to, or a level removed from, Demokommun's matrix by Grannkommun's admin: not found
  'GET /admin/assessment': { ...signedIn(404), admin: 200, grannadmin: 200 },
  'POST /admin/assessment/levels': { ...signedIn(404), admin: 'back', grannadmin: 'back' },
  'POST /admin/assessment/subjects': { ...signedIn(404), admin: 'back', grannadmin: 'back' },
  'POST /admin/assessment/abilities': { ...signedIn(404), admin: 'back', grannadmin: 404 },
  'POST /admin/assessment/remove': { ...signedIn(404), admin: 'back', grannadmin: 404 },
  // assessment: class 2B's overview and publishing its drafts; Oskar's assessments read by his home and class, written and
  // printed by his class's teachers
  'GET /groups/:schoolClassId/assessment': OSKAR_CLASS(200),
  'POST /groups/:schoolClassId/assessment/publish': OSKAR_CLASS('back'),
  'GET /children/:schoolChildId/assessment': OSKAR_HOME_AND_CLASS(200),
  'GET /children/:schoolChildId/assessment/edit': OSKAR_CLASS(200),
  'POST /children/:schoolChildId/assessment/edit': OSKAR_CLASS('back'),
  'GET /children/:schoolChildId/assessment/print': OSKAR_CLASS(200),
  // the start page's assessment box of Oskar: his guardian's start page (a weak session: the way to BankID in its place)
  'GET /children/:childId/boxes/assessment': { ...signedIn(404), vardnadshavare: 200 },
  // Oskar's development plan (IUP): read by his home and class, written and signed by his class's teachers, commented on
  // by his home; notes of his development talk written by his class's teachers
  'GET /children/:schoolChildId/plan': OSKAR_HOME_AND_CLASS(200),
  'GET /children/:schoolChildId/plan/edit': OSKAR_CLASS(200),
  'POST /children/:schoolChildId/plan/edit': OSKAR_CLASS('back'),
  'POST /children/:schoolChildId/plan/sign': OSKAR_CLASS('back'),
  'POST /children/:schoolChildId/plan/comments': { ...signedIn(404), vardnadshavare: 'back' },
  'POST /children/:schoolChildId/talk-notes': OSKAR_CLASS('back'),
  // Oskar's extra adaptations: read by his home and class, added, changed and ended by his class's teachers
  'GET /children/:schoolChildId/adaptations': OSKAR_HOME_AND_CLASS(200),
  'GET /children/:schoolChildId/adaptations/new': OSKAR_CLASS(200),
  'POST /children/:schoolChildId/adaptations': OSKAR_CLASS('back'),
  'GET /adaptations/:adaptationId/edit': OSKAR_CLASS(200),
  'POST /adaptations/:adaptationId/edit': OSKAR_CLASS('back'),
  'POST /adaptations/:adaptationId/end': OSKAR_CLASS('back'),
  // families (issue 26), probed with Elsa (Emma and Johan: two households): the two homes' patterns, read where the week
  // is read, set and ended by each guardian; a waiting conflict settled by whoever registers her care times
  'GET /children/:childId/schedule/homes': ELSA_REPORTERS(200),
  'POST /children/:childId/schedule/homes': ELSA_HOMES('back'),
  'POST /children/:childId/schedule/homes/end': ELSA_HOMES('back'),
  'POST /children/:childId/schedule/conflicts': ELSA_REPORTERS('back'),
  // same-day notes: written by her guardians, taken back by them or put away by Blåbär's staff and Solrosen's head (not
  // the admin: a note is the day's, not the register's)
  'GET /children/:childId/day-notes': ELSA_HOMES(200),
  'POST /children/:childId/day-notes': ELSA_HOMES('back'),
  'POST /day-notes/:dayNoteId/cancel': { ...ELSA_HOMES('back'), pedagog: 'back', rektor: 'back' },
  // the pickup list and emergency contacts: kept by her guardians, read by Blåbär's staff too (not the head, the admin,
  // Lingon's staff); walking home alone: Oskar's (fritids at Lärkan), Emma's answer alone — not his fritids staff
  'GET /children/:childId/pickup': { ...ELSA_HOMES(200), pedagog: 200 },
  'POST /children/:childId/pickup': ELSA_HOMES('back'),
  'POST /pickup-persons/:pickupPersonId': ELSA_HOMES('back'),
  'POST /pickup-persons/:pickupPersonId/remove': ELSA_HOMES('back'),
  'POST /children/:childId/walk-home': { ...signedIn(404), vardnadshavare: 'back' },
  // who may not pick her up: read by Blåbär's staff and Solrosen's head, recorded and ended by the head alone; never a
  // guardian, never the admin
  'GET /children/:childId/pickup-bans': { ...signedIn(404), pedagog: 200, rektor: 200 },
  'POST /children/:childId/pickup-bans': { ...signedIn(404), rektor: 'back' },
  'POST /pickup-bans/:pickupBanId/end': { ...signedIn(404), rektor: 'back' },
};

// Details beside a child on its info page (GET /children/:childId/info): whose address and contact details (e-mail,
// phone) each actor sees, written out by hand from person.address.read and person.contact.read. Elsa lives with Emma;
// Johan is her guardian in another household. Nora and her guardian Leila have protected identity: their addresses
// are shown to nobody, Leila's contact details to staff only; Karim, Nora's other guardian, has none. An actor not
// listed gets 404 and none of the details.
type Detail = `${string} ${'address' | 'contact'}`;
const ELSA_FAMILY = ['Elsa Andersson', 'Emma Andersson', 'Johan Berg'];
const NORA_FAMILY = ['Nora Haddad', 'Leila Haddad', 'Karim Haddad'];
const ALL_OF_ELSAS: Detail[] = ['Elsa address', 'Emma address', 'Emma contact', 'Johan address', 'Johan contact'];
const STAFF_SEE_OF_NORAS: Detail[] = ['Leila contact', 'Karim address', 'Karim contact'];
const DETAILS: Record<'Elsa' | 'Nora', { family: string[]; seen: Partial<Record<ActorName, Detail[]>> }> = {
  Elsa: { family: ELSA_FAMILY, seen: {
    admin: ALL_OF_ELSAS, rektor: ALL_OF_ELSAS, pedagog: ALL_OF_ELSAS,
    vardnadshavare: ['Elsa address', 'Emma address', 'Emma contact'], // her own household, not Johan's
    vardnadshavare2: ['Johan address', 'Johan contact'], // his own, nothing of the household Elsa is registered in
  } },
  Nora: { family: NORA_FAMILY, seen: {
    admin: STAFF_SEE_OF_NORAS, rektor: STAFF_SEE_OF_NORAS, pedagog: STAFF_SEE_OF_NORAS,
    vardnadshavare3: ['Karim address', 'Karim contact'], // his own only: Leila's are protected even from him
  } },
};

// Every allowed POST shows its effect. For each POST route, as each kind of actor allowed to post it, a valid form
// (written here per route) gets the route's success answer and changes the rows the route is for: the check reads
// them back, and no table changes but those named. The first test fails for a POST route without an entry here.

/** Elsa, her group, unit and municipality, and Oskar (school class 2B): the records the cases work on. */
interface Own { childId: number; groupId: number; unitId: number; municipalityId: number; oskarId: number }

interface EffectCase {
  t: TestApp;
  actor: ActorName;
  /** The account that posts (ids 0 for anonymous). */
  account: { id: number; personId: number };
  own: Own;
  /** What `prepare` made for this case: ids for the path (they override `own`'s), and values for the form and the check. */
  made: Record<string, number | string>;
  /** A number of this case alone, for values no other case posts. */
  n: number;
}

interface Effect {
  /** Who posts it: each kind of actor the matrix allows (a guardian, staff, a unit's head, an admin, a student). */
  by: readonly ActorName[];
  prepare?: (c: EffectCase) => Promise<Record<string, number | string>>;
  form: (c: EffectCase) => [string, string][] | Promise<[string, string][]>;
  /** Sent as htmx sends them: the answer is then a fragment. */
  headers?: Record<string, string>;
  /** Sends the form itself (a file upload) in place of the plain form of `form`. */
  send?: (c: EffectCase, agent: Agent, target: string) => Promise<request.Response>;
  /** The success answer: a 303 to this place, or a 200 page like this. */
  answer: (c: EffectCase) => { to: string | RegExp } | { page: RegExp };
  /** The tables whose rows must change, and those that may change with them (a notification, a mail's job). */
  changes: readonly string[];
  mayChange?: readonly string[];
  /** The change the route is for, read back from the database (the agent is the one that posted). */
  check: (c: EffectCase, agent: Agent) => Promise<void>;
  /** Puts back a demo login's name, password, language or e-mail, so that later cases sign in as before. */
  restore?: (c: EffectCase) => Promise<void>;
}

const EVERY_KIND: readonly ActorName[] = ['admin', 'rektor', 'pedagog', 'larare2b', 'vardnadshavare', 'elev', 'grannadmin'];
const HEADS_OF_ELSA: readonly ActorName[] = ['admin', 'rektor'];
const STAFF_OF_ELSAS: readonly ActorName[] = ['admin', 'rektor', 'pedagog'];
const REPORTERS_OF_ELSA: readonly ActorName[] = [...STAFF_OF_ELSAS, 'vardnadshavare', 'vardnadshavare2'];
const GUARDIAN_LOGINS: readonly ActorName[] = ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3'];
const SV = translator(DEFAULT_LANGUAGE);
/** A Swedish text of the catalogue, as a pattern. */
const said = (key: string) => SV(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const FROM_ABSENCE_BOX = { 'HX-Request': 'true', 'HX-Target': 'box-absence' };
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Guardians of Solrosen's children (Blåbär, Lingon) without an account, none with protected identity: the first is
 * the one every invitation case invites; each other is handed to one case, which makes their account.
 */
const guardiansWithoutAccount = async (t: TestApp) => t.db.selectFrom('guardianships')
  .leftJoin('accounts', 'accounts.person_id', 'guardianships.guardian_id')
  .innerJoin('placements', 'placements.child_id', 'guardianships.child_id').innerJoin('groups', 'groups.id', 'placements.group_id')
  .innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
  .select(['guardianships.guardian_id as guardianId', 'guardianships.child_id as childId', 'groups.name as group'])
  .where('groups.name', 'in', ['Blåbär', 'Lingon']).where('accounts.id', 'is', null).where('persons.protected_identity', '=', 0)
  .orderBy('groups.name').orderBy('guardianships.guardian_id').execute();
let invitee: { guardianId: number; childId: number } | undefined;
const handedOut = new Set<number>();

/** The guardian (of a Blåbär child) whom the invitation cases invite, again and again. */
async function inviteeOf(t: TestApp): Promise<{ guardianId: number; childId: number }> {
  invitee ??= (await guardiansWithoutAccount(t)).find((g) => g.group === 'Blåbär');
  if (!invitee) throw new Error('No Blåbär guardian without an account to invite');
  return invitee;
}

/** A pupil of 4A (årskurs 4) with no account and no letter yet, for a student account. */
async function freshPupilOf4A(t: TestApp): Promise<number> {
  const pupil = await t.db.selectFrom('placements').select('child_id').where('group_id', '=', await groupId(t.db, '4A'))
    .where('child_id', 'not in', t.db.selectFrom('accounts').select('person_id'))
    .where('child_id', 'not in', t.db.selectFrom('invitations').select('guardian_id')).orderBy('child_id').executeTakeFirst();
  if (!pupil) throw new Error('No pupil of 4A without an account or a letter is left');
  return pupil.child_id;
}

async function spareGuardian(t: TestApp): Promise<{ guardianId: number; childId: number }> {
  const { guardianId: invited } = await inviteeOf(t);
  const spare = (await guardiansWithoutAccount(t)).find((g) => g.guardianId !== invited && !handedOut.has(g.guardianId));
  if (!spare) throw new Error('No guardian without an account is left for the effect cases');
  handedOut.add(spare.guardianId);
  return spare;
}

/** An account of a spare guardian (see above), with the demo password. */
/** A spare account with a verified mobile number of its own, in a municipality that lets its people log in with an SMS code. */
async function smsLoginAccount(c: EffectCase): Promise<Record<string, number | string>> {
  const { id } = await spareAccount(c);
  const mobile = `+467090${String(c.n).padStart(5, '0')}`;
  await c.t.db.updateTable('accounts').set({ mobile }).where('id', '=', id).execute();
  const at = c.t.clock.now().toISOString();
  await c.t.db.insertInto('login_settings').values({ municipality_id: c.own.municipalityId, sms_code_login: 1, changed_by: 1, changed_at: at })
    .onConflict((oc) => oc.column('municipality_id').doUpdateSet({ sms_code_login: 1 })).execute();
  return { account: id, mobile };
}

/** The broker the login settings' cases configure, switched on for a case and off again after it (the demo has no e-ID). */
const MATRIX_ISSUER = 'https://broker.example.se/oidc';
async function matrixEIdOn(c: EffectCase): Promise<void> {
  await saveLoginSettings(c.t.db, c.own.municipalityId, { eId: { enabled: true, issuer: MATRIX_ISSUER, clientId: 'vardag', personnummerClaim: 'personal_number',
    strongAcr: ['urn:loa3'], staffMatch: 'subject' }, login: await loginSettingsOf(c.t.db, c.own.municipalityId) }, 1, c.t.clock.now());
}
async function matrixEIdOff(c: EffectCase): Promise<void> {
  await c.t.db.deleteFrom('staff_e_id_links').where('municipality_id', '=', c.own.municipalityId).execute();
  await c.t.db.deleteFrom('e_id_settings').where('municipality_id', '=', c.own.municipalityId).execute();
  await c.t.db.updateTable('login_settings').set({ strong_idle_minutes: 20 }).where('municipality_id', '=', c.own.municipalityId).execute();
}

/** SMS code login off again, as the demo has it. */
async function smsLoginOff(c: EffectCase): Promise<void> {
  await c.t.db.updateTable('login_settings').set({ sms_code_login: 0 }).where('municipality_id', '=', c.own.municipalityId).execute();
}

async function spareAccount(c: EffectCase): Promise<{ id: number; personId: number; childId: number }> {
  const { guardianId, childId } = await spareGuardian(c.t);
  const id = await createAccount(c.t.db, { personId: guardianId, username: `effekt-${c.n}`, email: null, passwordHash: await demoPasswordHash() }, c.t.clock.now());
  return { id, personId: guardianId, childId };
}

/** An invitation of the guardian for the child, sent today with a key by e-mail; its key as typed. */
async function invitationWithKey(c: EffectCase, guardianId: number, childId: number, email: string | null): Promise<{ id: number; key: string }> {
  const now = c.t.clock.now();
  const id = await createInvitation(c.t.db, { guardianId, childId, email, language: 'sv', sendOn: today(c.t.clock), municipalityId: c.own.municipalityId, by: 1, now });
  return { id, key: await issueKey(c.t.db, id, 'email', now) };
}

/** A guardian's current photo consent answer about Elsa. */
async function consentOf(c: EffectCase, guardianId: number) {
  return (await currentAnswers(c.t.db, [c.own.childId])).find((a) => a.guardianId === guardianId);
}

/** The first guardian of a child (Emma for Elsa). */
async function childGuardian(c: EffectCase, childId: number): Promise<number> {
  return (await c.t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', childId).orderBy('guardian_id').executeTakeFirstOrThrow()).guardian_id;
}

/** The first child of a guardian (Elsa for Emma and Johan, Nora for Karim). */
async function childOf(c: EffectCase, guardianId: number): Promise<number> {
  return (await c.t.db.selectFrom('guardianships').select('child_id').where('guardian_id', '=', guardianId).orderBy('child_id').executeTakeFirstOrThrow()).child_id;
}

async function sessionsOfAccount(c: EffectCase, accountId: number): Promise<string[]> {
  return (await c.t.db.selectFrom('sessions').select('sid').where('account_id', '=', accountId).execute()).map((s) => s.sid);
}

async function keysOf(c: EffectCase, invitationId: number) {
  return c.t.db.selectFrom('invitation_keys').select(['id', 'delivery', 'revoked_at', 'used_at']).where('invitation_id', '=', invitationId).orderBy('id').execute();
}

async function mailsTo(c: EffectCase, address: string): Promise<number> {
  return (await c.t.db.selectFrom('mail_outbox').select('id').where('recipient', '=', address).execute()).length;
}

/** A second session of the case's account (on another device), and its id. */
async function secondSession(c: EffectCase): Promise<{ sid: string; handle: string }> {
  const before = await sessionsOfAccount(c, c.account.id);
  await signIn(c.t.app, c.actor);
  const sid = (await sessionsOfAccount(c, c.account.id)).find((s) => !before.includes(s));
  if (!sid) throw new Error(`No second session of ${c.actor}`);
  return { sid, handle: sessionHandle(sid) };
}

/** A report for the child on a day ahead, made the way the database holds one. */
async function absenceAhead(c: EffectCase, date: string): Promise<number> {
  const { id } = await c.t.db.insertInto('absences').values({ child_id: c.own.childId, date, starts: null, ends: null, kind: 'reported',
    comment: `Effekt ${c.n}`, created_by: c.account.id, created_at: c.t.clock.now().toISOString() })
    .onConflict((oc) => oc.columns(['child_id', 'date']).where('cancelled_at', 'is', null).doUpdateSet({ comment: `Effekt ${c.n}` })) // one in force a day
    .returning('id').executeTakeFirstOrThrow();
  return id;
}

/** A mark of unreported absence of the child on the school's last open day before today, made the way the database holds one. */
async function markOf(t: TestApp, childId: number, by = 1): Promise<number> {
  const date = addDays(today(t.clock), -1);
  const { id } = await t.db.insertInto('absences').values({ child_id: childId, date, starts: null, ends: null, kind: 'unreported',
    comment: null, created_by: by, created_at: t.clock.now().toISOString() })
    .onConflict((oc) => oc.columns(['child_id', 'date']).where('cancelled_at', 'is', null).doUpdateSet({ kind: 'unreported', guardian_answer: null }))
    .returning('id').executeTakeFirstOrThrow();
  return id;
}

const scheduleWeek = (c: EffectCase) => {
  // (May to September: no other case registers these weeks; not week 25, whose Friday is Midsummer Eve, a closed day)
  const week = `2027-W${20 + (c.n % 19) + (c.n % 19 >= 5 ? 1 : 0)}`;
  const monday = mondayOfWeek(week)!;
  return { week, days: [0, 1, 2, 3, 4].map((d) => addDays(monday, d)), starts: `08:${pad(c.n % 60)}` };
};
/** Blåbär's time to change the next day by, different in each case; the unit's other groups none. */
const cutoffOf = (c: EffectCase, group: number) => (group === c.own.groupId ? `17:${pad(c.n % 60)}` : '');
const standardStarts = (c: EffectCase) => `07:${pad(c.n % 60)}`;
const HIDDEN_BOXES = BOX_KEYS.filter((b) => b !== 'absence' && b !== 'schedule');
const hiddenBox = (c: EffectCase) => HIDDEN_BOXES[c.n % HIDDEN_BOXES.length];

let placedChildren = 0;

/**
 * A child placed in the group for 2026, with a guardian: the children admin's routes change a child's placements and
 * guardians, so each probe and case gets its own (none of the demo's, whose placements the other routes count on).
 */
async function placedChild(t: TestApp, group: number): Promise<{ childId: number; placementId: number; guardianId: number }> {
  const n = placedChildren++;
  const { municipality_id } = await t.db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id').select('units.municipality_id')
    .where('groups.id', '=', group).executeTakeFirstOrThrow();
  const person = (first: string) => t.db.insertInto('persons').values({ municipality_id, first_name: first, last_name: `Provbarn${n}`,
    protected_identity: 0, created_at: '2026-11-01T00:00:00Z' }).returning('id').executeTakeFirstOrThrow();
  const [child, guardian] = [await person('Probe'), await person('Probeförälder')];
  const placement = await t.db.insertInto('placements').values({ child_id: child.id, group_id: group, start_date: '2026-01-01', end_date: '2026-12-31',
    hour_limit: 'none' }).returning('id').executeTakeFirstOrThrow();
  await t.db.insertInto('guardianships').values({ guardian_id: guardian.id, child_id: child.id, other_household: 0 }).execute();
  return { childId: child.id, placementId: placement.id, guardianId: guardian.id };
}

const placementsOfChild = async (c: EffectCase) => (await c.t.db.selectFrom('placements').select(['group_id', 'start_date', 'end_date'])
  .where('child_id', '=', Number(c.made.registeredChildId)).orderBy('start_date').execute()).map((p) => [p.group_id, p.start_date, p.end_date]);

/** A child added on the admin pages: a person of the group's municipality, placed in it from the form's first day. */
const ADD_CHILD: Omit<Effect, 'by' | 'prepare'> = {
  form: (c) => [['first_name', 'Tilda'], ['last_name', `Tillagd${c.n}`], ['birth_date', '2023-04-05'], ['group', String(c.made.group)],
    ['start_date', '2026-12-01']],
  answer: () => ({ to: /^\/admin\/children\/\d+$/ }),
  changes: ['persons', 'placements', 'register_changes'],
  check: async (c) => {
    const child = await c.t.db.selectFrom('persons').select(['id', 'birth_date']).where('last_name', '=', `Tillagd${c.n}`).executeTakeFirstOrThrow();
    assert.equal(child.birth_date, '2023-04-05');
    const placed = await c.t.db.selectFrom('placements').select(['group_id', 'start_date', 'end_date']).where('child_id', '=', child.id).execute();
    assert.deepEqual(placed, [{ group_id: Number(c.made.group), start_date: '2026-12-01', end_date: null }]);
  },
};

let staffMade = 0;

/** A staff member of the group (Blåbär for Demokommun) without an account, made for one probe or case: ending uses it up. */
async function freshStaff(t: TestApp, at: { municipalityId: number; unitId: number; groupId: number }): Promise<{ personId: number; assignmentId: number }> {
  const n = staffMade++;
  const person = await t.db.insertInto('persons').values({ municipality_id: at.municipalityId, first_name: 'Matris', last_name: `Personal${n}`,
    protected_identity: 0, email: `matris-personal-${n}@example.com`, created_at: t.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
  const assignment = await t.db.insertInto('staff_assignments').values({ person_id: person.id, unit_id: at.unitId, group_id: at.groupId, role: 'staff' })
    .returning('id').executeTakeFirstOrThrow();
  return { personId: person.id, assignmentId: assignment.id };
}

const staffRows = (c: EffectCase, personId: number) => c.t.db.selectFrom('staff_assignments')
  .select(['unit_id', 'group_id', 'role', 'start_date', 'end_date']).where('person_id', '=', personId).orderBy('id').execute();
const staffChanges = (c: EffectCase, entity: 'person' | 'staff_assignment', id: number) => c.t.db.selectFrom('register_changes')
  .select(['change', 'field', 'new_value', 'changed_by']).where('entity', '=', entity).where('entity_id', '=', id).orderBy('id').execute();
const newStaffForm = (c: EffectCase, unit: number): [string, string][] => [['firstName', 'Effekt'], ['lastName', `Personal${c.n}`],
  ['email', `effekt-personal-${c.n}@example.com`], ['unit', String(unit)], ['group', ''], ['role', 'staff'], ['invite', 'yes']];
async function addedStaff(c: EffectCase, unit: number): Promise<void> {
  const person = await c.t.db.selectFrom('persons').select(['id', 'municipality_id', 'email']).where('last_name', '=', `Personal${c.n}`)
    .where('first_name', '=', 'Effekt').executeTakeFirstOrThrow();
  assert.deepEqual(await staffRows(c, person.id), [{ unit_id: unit, group_id: null, role: 'staff', start_date: today(c.t.clock), end_date: null }]);
  assert.deepEqual((await staffChanges(c, 'person', person.id)).map((r) => [r.change, r.changed_by]), [['created', c.account.personId]]);
  assert.equal(await mailsTo(c, `effekt-personal-${c.n}@example.com`), 1, 'invited');
}

/** A draft of Elsa's group with one photo showing no child, as the post form would have left it. */
let draftsMade = 0;
async function draftOf(t: TestApp, at: { municipalityId: number; unitId: number; groupId: number }): Promise<{ postId: number; mediaId: number }> {
  const author = (await t.db.selectFrom('staff_assignments').select('person_id').where('group_id', '=', at.groupId).orderBy('id').executeTakeFirstOrThrow()).person_id;
  const post = await writeDemoPost(t.db, t.dir, { ...at, authorId: author, kind: 'group', title: `Utkast ${draftsMade}`, body: 'Text',
    publishedAt: null, media: [{ stored: 40 + (draftsMade++ % 5), tagged: 'none' }] });
  return { postId: post.id, mediaId: post.mediaIds[0] };
}
/** The edit form of such a draft, as its page sends it. */
const draftForm = (c: EffectCase, title: string): [string, string][] => [['version', '1'], ['kind', 'group'], ['title', title], ['body', 'Text'],
  ['reflection', ''], [`nochildren-${c.made.mediaId}`, 'yes']];
const postOfCase = (c: EffectCase) => c.t.db.selectFrom('posts').select(['status', 'title', 'author_id', 'version']).where('id', '=', Number(c.made.postId)).executeTakeFirst();
const mediaOfCase = (c: EffectCase) => c.t.db.selectFrom('post_media').select(['id', 'caption']).where('post_id', '=', Number(c.made.postId)).orderBy('id').execute();

/** A free talk time of Elsa's group, this case's own (pedagog holds it, on a day of its own in March 2027). */
async function talkSlotOf(c: EffectCase): Promise<number> {
  const pedagog = await c.t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
  const slot = await publishSlot(c.t.db, { groupId: c.own.groupId, staffPersonId: pedagog.person_id, by: pedagog.id, at: c.t.clock.now(),
    date: new Date(Date.UTC(2027, 2, 1 + c.n)).toISOString().slice(0, 10), start: '10:00', end: '10:30', place: 'Matrisrummet', videoUrl: null });
  if (!slot.ok) throw new Error('talk time overlaps');
  return slot.id;
}
/** Elsa's booked talk of this case (the family's one, home 0). */
async function talkBookingOf(c: EffectCase): Promise<{ booking: number }> {
  const slotId = await talkSlotOf(c);
  const booked = await bookSlot(c.t.db, { childId: c.own.childId, slotId, household: 0, by: c.account.id || 1, at: c.t.clock.now(), today: '2026-11-24', byStaff: true });
  if (!booked.ok) throw new Error(`talk not booked: ${booked.error}`);
  const row = await c.t.db.selectFrom('talk_bookings').select('id').where('slot_id', '=', slotId).executeTakeFirstOrThrow();
  return { booking: row.id };
}

// ---- A pupil's school records (issue 25): the records the probes and the effect cases work on ----

/** Demokommun's matrix as the demo seeds it, class 2B and the term of the tests' day. */
interface SchoolRecords {
  class2b: number; term: string; teacher: number;
  /** Each subject's id and its abilities' ids, by name; each level's id by name, in order. */
  subjects: Map<string, { id: number; abilities: number[] }>; levels: { id: number; name: string }[];
}
const schoolRecordsOf = new WeakMap<TestApp, Promise<SchoolRecords>>();
function schoolRecords(t: TestApp): Promise<SchoolRecords> {
  let made = schoolRecordsOf.get(t);
  if (!made) {
    made = (async () => {
      const municipality = await municipalityId(t.db, 'Demokommun');
      const subjects = new Map<string, { id: number; abilities: number[] }>();
      for (const s of await t.db.selectFrom('assessment_subjects').select(['id', 'name']).where('municipality_id', '=', municipality).execute()) {
        const abilities = await t.db.selectFrom('assessment_abilities').select('id').where('subject_id', '=', s.id).orderBy('position').orderBy('id').execute();
        subjects.set(s.name, { id: s.id, abilities: abilities.map((a) => a.id) });
      }
      const levels = await t.db.selectFrom('assessment_levels').select(['id', 'name']).where('municipality_id', '=', municipality)
        .where('name', 'in', ['Arbetar mot', 'Uppnår', 'Fördjupar']).orderBy('position').execute();
      return { class2b: await groupId(t.db, '2B'), term: termOf(today(t.clock)), teacher: (await accountOf(t, 'larare2b')).personId, subjects, levels };
    })();
    schoolRecordsOf.set(t, made);
  }
  return made;
}
/** A subject of the demo's matrix (its id and abilities). */
async function subjectOf(t: TestApp, name: 'Svenska' | 'Matematik' | 'Engelska'): Promise<{ id: number; abilities: number[] }> {
  const subject = (await schoolRecords(t)).subjects.get(name);
  if (!subject) throw new Error(`No subject ${name} in Demokommun's assessment matrix`);
  return subject;
}

/** The pupil's assessment of the subject in the tests' term, with its marks (ability id → level id). */
async function assessmentOf(t: TestApp, childId: number, subjectId: number) {
  const { term } = await schoolRecords(t);
  const row = await t.db.selectFrom('assessments').select(['id', 'status', 'comment', 'version', 'group_id', 'updated_by'])
    .where('child_id', '=', childId).where('subject_id', '=', subjectId).where('term', '=', term).executeTakeFirst();
  if (!row) return undefined;
  const marks = await t.db.selectFrom('assessment_marks').select(['ability_id', 'level_id']).where('assessment_id', '=', row.id).execute();
  return { ...row, marks: new Map(marks.map((m) => [m.ability_id, m.level_id])) };
}

/** The assessment form of the pupil's subject as its page sends it: for each ability the level after the one saved. */
async function assessmentForm(t: TestApp, childId: number, subjectName: 'Svenska' | 'Matematik' | 'Engelska', comment: string, action: 'draft' | 'publish'): Promise<[string, string][]> {
  const { term, levels } = await schoolRecords(t);
  const subject = await subjectOf(t, subjectName);
  const saved = await assessmentOf(t, childId, subject.id);
  const next = (ability: number) => {
    const at = levels.findIndex((l) => l.id === saved?.marks.get(ability));
    return levels[(at + 1) % levels.length].id;
  };
  return [['subject', String(subject.id)], ['term', term], ['comment', comment], ...subject.abilities.map((a): [string, string] => [`level-${a}`, String(next(a))]),
    ['version', String(saved?.version ?? 0)], ['action', action]];
}

/** The pupil's development plan of the tests' term (the demo's IUP of Oskar), made unsigned again: a signed plan is not edited. */
async function unsignedPlanOf(t: TestApp, childId: number): Promise<{ id: number; version: number }> {
  const { term } = await schoolRecords(t);
  await t.db.updateTable('development_plans').set({ signed_at: null, signed_by: null }).where('child_id', '=', childId).where('term', '=', term).execute();
  const plan = await t.db.selectFrom('development_plans').select(['id', 'version']).where('child_id', '=', childId).where('term', '=', term).executeTakeFirst();
  if (!plan) throw new Error('No development plan of the term for the probe pupil (the demo gives Oskar one)');
  return plan;
}
const planRow = (t: TestApp, planId: number) => t.db.selectFrom('development_plans')
  .select(['goals', 'school_does', 'pupil_does', 'guardians_do', 'signed_at', 'signed_by', 'version', 'group_id', 'updated_by']).where('id', '=', planId).executeTakeFirstOrThrow();

/** A talk of the pupil's held in 2B before today (a slot of Tove's and its booking, no longer coming), once per test app. */
const heldTalksMade = new WeakMap<TestApp, Promise<number>>();
function heldTalkOf(t: TestApp, childId: number): Promise<number> {
  let made = heldTalksMade.get(t);
  if (!made) {
    made = (async () => {
      const { class2b, teacher } = await schoolRecords(t);
      const by = (await accountOf(t, 'larare2b')).id;
      const at = t.clock.now().toISOString();
      const slot = await t.db.insertInto('talk_slots').values({ group_id: class2b, staff_person_id: teacher, date: addDays(today(t.clock), -3), start_time: '15:00',
        end_time: '15:30', place: 'Matrisrummet', video_url: null, created_by_account_id: by, created_at: at }).returning('id').executeTakeFirstOrThrow();
      return (await t.db.insertInto('talk_bookings').values({ slot_id: slot.id, child_id: childId, household: 0, active_key: null, booked_by_account_id: by,
        booked_at: at, reminded_at: at }).returning('id').executeTakeFirstOrThrow()).id;
    })();
    heldTalksMade.set(t, made);
  }
  return made;
}
const talkNoteOf = (t: TestApp, bookingId: number) => t.db.selectFrom('talk_notes').select(['body', 'version', 'updated_by', 'child_id'])
  .where('booking_id', '=', bookingId).executeTakeFirst();

/** A current extra adaptation of the child, written in its first group by that group's first staff member; each call its own. */
async function freshAdaptation(t: TestApp, childId: number): Promise<number> {
  const placement = await t.db.selectFrom('placements').select('group_id').where('child_id', '=', childId).orderBy('start_date').orderBy('id').executeTakeFirstOrThrow();
  const author = (await t.db.selectFrom('staff_assignments').select('person_id').where('group_id', '=', placement.group_id).orderBy('id').executeTakeFirstOrThrow()).person_id;
  const day = today(t.clock);
  const at = t.clock.now().toISOString();
  return (await t.db.insertInto('extra_adaptations').values({ child_id: childId, group_id: placement.group_id, what: 'Matrisens anpassning',
    decided_by: 'Klassläraren', decided_on: addDays(day, -10), review_by: addDays(day, 80), ended_on: null, created_at: at, created_by: author,
    updated_at: at, updated_by: author }).returning('id').executeTakeFirstOrThrow()).id;
}
const adaptationRow = (t: TestApp, id: number) => t.db.selectFrom('extra_adaptations')
  .select(['child_id', 'group_id', 'what', 'decided_by', 'decided_on', 'review_by', 'ended_on', 'version', 'updated_by']).where('id', '=', id).executeTakeFirstOrThrow();
/** The adaptation form as its page sends it. */
const adaptationForm = (day: string, what: string): [string, string][] => [['what', what], ['decidedBy', 'Klassläraren och specialpedagogen'],
  ['decidedOn', day], ['reviewBy', addDays(day, 90)]];

/** A level of the municipality's assessment matrix that no assessment uses, to remove; each call its own. */
let levelsMade = 0;
async function freshLevel(t: TestApp, municipality: number): Promise<number> {
  const n = levelsMade++;
  return (await t.db.insertInto('assessment_levels').values({ municipality_id: municipality, name: `Matrisnivå ${n}`, position: 100 + n })
    .returning('id').executeTakeFirstOrThrow()).id;
}
/** A subject of the municipality's assessment matrix made for the matrix (abilities are added to it, never to the demo's). */
let subjectsMade = 0;
async function freshSubject(t: TestApp, municipality: number): Promise<number> {
  const n = subjectsMade++;
  return (await t.db.insertInto('assessment_subjects').values({ municipality_id: municipality, name: `Matrisämne ${n}`, position: 100 + n })
    .returning('id').executeTakeFirstOrThrow()).id;
}
/** The admin's own municipality (Demokommun's admin, Grannkommun's grannadmin). */
async function adminMunicipality(c: EffectCase): Promise<number> {
  return (await c.t.db.selectFrom('municipality_admins').select('municipality_id').where('person_id', '=', c.account.personId).executeTakeFirstOrThrow()).municipality_id;
}
const matrixChanges = (c: EffectCase, municipality: number) => c.t.db.selectFrom('assessment_matrix_changes').select(['change', 'changed_by'])
  .where('municipality_id', '=', municipality).orderBy('id', 'desc').executeTakeFirstOrThrow();

// ---- Families (issue 26): the records the probes and the effect cases work on ----

/** The days the matrix sets the two homes' patterns from and settles conflicts on: far ahead, in no week another probe saves. */
const HOMES_FROM = '2030-01-07';
const HOMES_END = '2030-06-03';
const CONFLICT_DAY = '2030-03-05';
/** Each guardian of Elsa's their own weekdays (Emma Monday and Tuesday, Johan Wednesday and Thursday): never a shared day. */
const homesWeekdays = (actor: ActorName) => (actor === 'vardnadshavare2' ? ['3', '4'] : ['1', '2']);

/** A same-day note of today about the child, written by its first guardian; each call its own. */
async function freshDayNote(t: TestApp, childId: number): Promise<number> {
  const by = await firstGuardian(t, childId);
  return (await t.db.insertInto('day_notes').values({ child_id: childId, date: today(t.clock), kind: 'late', minutes: 20, at_time: null, pickup_name: null,
    pickup_person_id: null, written_by: by, created_at: t.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow()).id;
}
/** A person on the child's pickup list, added by its first guardian; each call its own (version 1). */
async function freshPickupPerson(t: TestApp, childId: number, kind: 'pickup' | 'emergency' = 'pickup'): Promise<number> {
  const by = await firstGuardian(t, childId);
  const at = t.clock.now().toISOString();
  return (await t.db.insertInto('pickup_persons').values({ child_id: childId, kind, name: 'Mormor Matris', relation: 'Mormor', phone: '+46701112233',
    created_by: by, created_at: at, updated_by: by, updated_at: at }).returning('id').executeTakeFirstOrThrow()).id;
}
/** A person who may not pick the child up, recorded in the unit; each call its own. */
async function freshPickupBan(t: TestApp, childId: number, unitId: number): Promise<number> {
  return (await t.db.insertInto('pickup_bans').values({ child_id: childId, unit_id: unitId, name: 'Okänd Matrisperson', reason: 'Beslut av tingsrätten',
    recorded_by: 1, recorded_at: t.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow()).id;
}
/** The guardian's own days of the child from HOMES_FROM (their weekdays), in force until ended: what ending ends. */
async function homesOf(t: TestApp, childId: number, guardian: ActorName): Promise<number> {
  const person = (await accountOf(t, guardian)).personId;
  return (await t.db.insertInto('care_home_patterns').values({ child_id: childId, guardian_id: person, kind: 'weekdays', weekdays: homesWeekdays(guardian).join(','),
    valid_from: HOMES_FROM, valid_to: null, created_by: person, created_at: t.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow()).id;
}
/** Johan's registration of the day, waiting beside the day's care time (the only one waiting that day). */
async function freshConflict(t: TestApp, childId: number, date = CONFLICT_DAY): Promise<number> {
  const johan = (await accountOf(t, 'vardnadshavare2')).personId;
  const at = t.clock.now().toISOString();
  await t.db.updateTable('care_time_conflicts').set({ settled_at: at, settled_by: johan }).where('child_id', '=', childId).where('date', '=', date)
    .where('settled_at', 'is', null).execute();
  return (await t.db.insertInto('care_time_conflicts').values({ child_id: childId, date, starts: '09:00', ends: '14:00', day_off: 0, registered_by: johan,
    created_at: at }).returning('id').executeTakeFirstOrThrow()).id;
}
async function firstGuardian(t: TestApp, childId: number): Promise<number> {
  return (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', childId).orderBy('guardian_id').executeTakeFirstOrThrow()).guardian_id;
}
const pickupPersonRow = (t: TestApp, id: number) => t.db.selectFrom('pickup_persons').select(['child_id', 'kind', 'name', 'relation', 'phone', 'removed_at', 'version', 'updated_by'])
  .where('id', '=', id).executeTakeFirstOrThrow();

const EFFECTS: Record<string, Effect | Effect[]> = {
  // documentation: a new draft, a save, publishing, a photo uploaded, a photo removed, a post deleted
  'POST /groups/:groupId/posts': {
    by: STAFF_OF_ELSAS,
    form: (c) => [['kind', 'group'], ['title', `Effekt ${c.n}`], ['body', 'Text'], ['reflection', '']],
    answer: () => ({ to: /^\/posts\/\d+\/edit$/ }),
    changes: ['posts'],
    check: async (c) => {
      const made = await c.t.db.selectFrom('posts').select(['status', 'group_id', 'author_id']).where('title', '=', `Effekt ${c.n}`).execute();
      assert.deepEqual(made, [{ status: 'draft', group_id: c.own.groupId, author_id: c.account.personId }]);
    },
  },
  'POST /posts/:postId/edit': {
    by: STAFF_OF_ELSAS,
    prepare: (c) => draftOf(c.t, c.own),
    form: (c) => [...draftForm(c, `Ändrad ${c.n}`), [`caption-${c.made.mediaId}`, `Bildtext ${c.n}`]],
    answer: (c) => ({ to: `/posts/${c.made.postId}/edit` }),
    changes: ['posts', 'post_media'],
    check: async (c) => {
      const post = await postOfCase(c);
      assert.deepEqual([post?.status, post?.title, post?.version], ['draft', `Ändrad ${c.n}`, 2]);
      assert.deepEqual((await mediaOfCase(c)).map((m) => m.caption), [`Bildtext ${c.n}`]);
    },
  },
  'POST /posts/:postId/publish': {
    by: STAFF_OF_ELSAS,
    prepare: (c) => draftOf(c.t, c.own),
    form: (c) => draftForm(c, `Publicerad ${c.n}`),
    answer: (c) => ({ to: `/groups/${c.own.groupId}/posts` }),
    changes: ['posts'],
    check: async (c) => assert.deepEqual([(await postOfCase(c))?.status, (await postOfCase(c))?.title], ['published', `Publicerad ${c.n}`]),
  },
  'POST /posts/:postId/media': {
    by: STAFF_OF_ELSAS,
    prepare: (c) => draftOf(c.t, c.own),
    form: () => [],
    send: async (c, agent, target) => agent.post(target).field('_csrf', csrfFrom((await agent.get('/')).text))
      .attach('files', await sharp({ create: { width: 30, height: 20, channels: 3, background: { r: c.n % 256, g: 9, b: 9 } } }).jpeg().toBuffer(), 'effekt.jpg'),
    answer: (c) => ({ to: `/posts/${c.made.postId}/edit#media` }),
    changes: ['post_media'],
    check: async (c) => assert.equal((await mediaOfCase(c)).length, 2, 'the draft\'s photo and the new one'),
  },
  'POST /posts/:postId/media/:mediaId/delete': {
    by: STAFF_OF_ELSAS,
    prepare: (c) => draftOf(c.t, c.own),
    form: () => [],
    answer: (c) => ({ to: `/posts/${c.made.postId}/edit#media` }),
    changes: ['post_media', 'jobs'], // (its files' sweep, a grace later: documentation/media-sweep.ts)
    check: async (c) => assert.deepEqual(await mediaOfCase(c), []),
  },
  'POST /posts/:postId/delete': {
    by: STAFF_OF_ELSAS,
    prepare: (c) => draftOf(c.t, c.own),
    form: () => [['confirm', 'yes']],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/posts` }),
    changes: ['posts', 'post_media', 'jobs'], // (its files' sweep, a grace later: documentation/media-sweep.ts)
    check: async (c) => assert.equal(await postOfCase(c), undefined),
  },
  'POST /login': {
    by: ['anonymous'], // (logging in as each kind of user: every case here starts with a login)
    prepare: async (c) => {
      const { id } = await accountOf(c.t, 'pedagog');
      return { account: id, sessions: (await sessionsOfAccount(c, id)).length };
    },
    form: () => [['username', 'pedagog'], ['password', DEMO_PASSWORD]],
    answer: () => ({ to: '/' }),
    changes: [], mayChange: ['accounts'], // (the time of the last login, the same when the clock stands still)
    check: async (c, agent) => {
      assert.equal((await sessionsOfAccount(c, Number(c.made.account))).length, Number(c.made.sessions) + 1, 'a session of the account');
      assert.equal((await agent.get('/settings')).status, 200, 'signed in');
    },
  },
  'POST /language': [{
    by: EVERY_KIND,
    form: () => [['language', 'en'], ['next', '/']],
    answer: () => ({ to: '/' }),
    changes: ['accounts'],
    check: async (c) => assert.equal((await ownAccount(c.t.db, c.account.id))?.language, 'en'),
    restore: (c) => setLanguage(c.t.db, c.account.id, 'sv'),
  }, {
    by: ['anonymous'],
    form: () => [['language', 'en'], ['next', '/login']],
    answer: () => ({ to: '/login' }),
    changes: [],
    check: async (_c, agent) => assert.match((await agent.get('/login')).text, /<html[^>]* lang="en"/),
  }],
  'POST /logout': {
    by: EVERY_KIND,
    prepare: async (c) => ({ sessions: (await sessionsOfAccount(c, c.account.id)).length }),
    form: () => [],
    answer: () => ({ to: '/login' }),
    changes: [],
    check: async (c, agent) => {
      assert.equal((await sessionsOfAccount(c, c.account.id)).length, Number(c.made.sessions) - 1, 'the session is gone');
      assert.match((await agent.get('/')).headers.location ?? '', /^\/login/, 'signed out');
    },
  },
  'POST /notifications/read': {
    by: EVERY_KIND,
    prepare: async (c) => {
      await notify(c.t.db, { accountIds: [c.account.id], kind: childAddedNotification, params: { child: 'Elsa' }, url: '/', at: c.t.clock.now() });
      return {};
    },
    form: () => [],
    answer: () => ({ to: '/notifications' }),
    changes: ['notifications'],
    check: async (c) => assert.deepEqual((await latestNotifications(c.t.db, c.account.id)).filter((n) => !n.read), [], 'all read'),
  },
  'POST /units/:unitId/settings/boxes': {
    by: HEADS_OF_ELSA,
    form: (c) => BOX_KEYS.filter((b) => b !== hiddenBox(c)).map((b) => ['boxes', b]),
    answer: (c) => ({ to: `/units/${c.own.unitId}/settings/boxes` }),
    changes: ['unit_boxes', 'settings_changes'],
    check: async (c) => assert.deepEqual(await enabledBoxes(c.t.db, c.own.unitId, BOX_KEYS),
      Object.fromEntries(BOX_KEYS.map((b) => [b, b !== hiddenBox(c)]))),
  },
  // notes stay on (the matrix's notes probes need them); the guestbook is turned the other way
  'POST /units/:unitId/settings/documentation': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => ({ guestbook: (await documentationFeatures(c.t.db, c.own.unitId)).guestbook ? '' : 'on' }),
    form: (c) => [['notes', 'on'], ['guestbook', String(c.made.guestbook)]],
    answer: (c) => ({ to: `/units/${c.own.unitId}/settings/documentation` }),
    changes: ['unit_settings', 'settings_changes'],
    check: async (c) => assert.deepEqual(await documentationFeatures(c.t.db, c.own.unitId), { notes: true, guestbook: c.made.guestbook === 'on' }),
  },
  'POST /units/:unitId/settings/opening-hours': {
    by: HEADS_OF_ELSA,
    form: (c) => WEEKDAYS.flatMap((d) => [[`opens_${d}`, `06:${pad(10 + (c.n % 20))}`], [`closes_${d}`, '18:00']] as [string, string][]),
    answer: (c) => ({ to: `/units/${c.own.unitId}/settings/opening-hours` }),
    changes: ['unit_opening_hours', 'settings_changes'],
    check: async (c) => {
      const hours = await openingHours(c.t.db, c.own.unitId);
      for (const d of WEEKDAYS) assert.deepEqual(hours[d], { opens: `06:${pad(10 + (c.n % 20))}`, closes: '18:00' }, `weekday ${d}`);
    },
  },
  'POST /units/:unitId/settings/care-times': {
    by: HEADS_OF_ELSA,
    form: async (c) => [['lock_days', '0'], ['plan_ahead_months', '12'], ['invite_days_before', String(20 + (c.n % 40))],
      ...(await groupCutoffs(c.t.db, c.own.unitId)).map((g) => [`cutoff_${g.groupId}`, cutoffOf(c, g.groupId)] as [string, string])],
    answer: (c) => ({ to: `/units/${c.own.unitId}/settings/care-times` }),
    changes: ['unit_settings', 'group_settings', 'settings_changes'],
    check: async (c) => {
      assert.deepEqual(await unitRules(c.t.db, c.own.unitId), { lockDays: 0, planAheadMonths: 12, inviteDaysBefore: 20 + (c.n % 40) });
      const cutoffs = await groupCutoffs(c.t.db, c.own.unitId);
      assert.deepEqual(cutoffs.map((g) => g.cutoff ?? ''), cutoffs.map((g) => cutoffOf(c, g.groupId)));
    },
  },
  'POST /units/:unitId/closed-days': {
    by: HEADS_OF_ELSA,
    form: (c) => [['date', addDays('2028-06-01', c.n)], ['reason', `Studiedag ${c.actor}`]],
    answer: (c) => ({ to: `/units/${c.own.unitId}/settings/closed-days` }),
    changes: ['unit_closed_days', 'settings_changes'],
    check: async (c) => {
      const date = addDays('2028-06-01', c.n);
      assert.deepEqual((await closedDays(c.t.db, c.own.unitId, date, date)).map((d) => d.reason), [`Studiedag ${c.actor}`]);
    },
  },
  'POST /units/:unitId/closed-days/:closedDayId/delete': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => {
      const day = await c.t.db.insertInto('unit_closed_days').values({ unit_id: c.own.unitId, date: addDays('2028-09-01', c.n), reason: 'Planeringsdag' })
        .returning('id').executeTakeFirstOrThrow();
      return { closedDayId: day.id };
    },
    form: () => [],
    answer: (c) => ({ to: `/units/${c.own.unitId}/settings/closed-days` }),
    changes: ['unit_closed_days', 'settings_changes'],
    check: async (c) => assert.deepEqual(await closedDays(c.t.db, c.own.unitId, addDays('2028-09-01', c.n), addDays('2028-09-01', c.n)), []),
  },
  'POST /units/:unitId/holidays': {
    by: HEADS_OF_ELSA,
    form: (c) => [['date', holidaysBetween('2030-01-01', '2039-12-31')[c.n % 100].date], ['open', 'yes']],
    answer: (c) => ({ to: `/units/${c.own.unitId}/settings/holidays` }),
    changes: ['unit_open_holidays', 'settings_changes'],
    check: async (c) => {
      const date = holidaysBetween('2030-01-01', '2039-12-31')[c.n % 100].date;
      assert.deepEqual(await closedDays(c.t.db, c.own.unitId, date, date), []);
    },
  },
  'POST /admin/import': {
    by: ['admin'],
    form: (c) => [['text', registryStaffFile(c.n)]],
    answer: () => ({ to: /^\/admin\/import\/\d+$/ }),
    changes: ['registry_imports'],
    check: async (c) => {
      const stored = await c.t.db.selectFrom('registry_imports').select(['municipality_id', 'content']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(stored, { municipality_id: c.own.municipalityId, content: registryStaffFile(c.n) });
    },
  },
  'POST /admin/import/:registryImportId/apply': {
    by: ['admin'],
    prepare: async (c) => ({ registryImportId: await storeImportFile(c.t.db, {
      municipalityId: c.own.municipalityId, fileName: 'personal.csv', encoding: 'utf-8', content: registryStaffFile(c.n), by: c.account.personId, at: c.t.clock.now(),
    }) }),
    form: async (c) => {
      const preview = await previewImport(c.t.db, { municipalityId: c.own.municipalityId, text: registryStaffFile(c.n), encoding: 'utf-8', today: today(c.t.clock) });
      return [['digest', preview.plan?.digest ?? '']];
    },
    answer: (c) => ({ to: `/admin/import/${c.made.registryImportId}` }),
    changes: ['persons', 'staff_assignments', 'register_changes', 'registry_imports'],
    check: async (c) => {
      const person = await c.t.db.selectFrom('persons').innerJoin('staff_assignments', 'staff_assignments.person_id', 'persons.id')
        .select(['persons.last_name', 'staff_assignments.unit_id', 'staff_assignments.role']).where('persons.identity_number', '=', registryStaffNumber(c.n)).executeTakeFirstOrThrow();
      assert.deepEqual(person, { last_name: `Personal${c.n}`, unit_id: c.own.unitId, role: 'staff' });
      const stored = await storedImport(c.t.db, Number(c.made.registryImportId));
      assert.ok(stored?.appliedAt && stored.content === '');
    },
  },
  'POST /municipalities/:municipalityId/terms': {
    by: ['admin'],
    form: (c) => [['terms', `Bilder får bara laddas ner för privat bruk (${c.n}).`], ['invitation_valid_days', String(10 + (c.n % 40))]],
    answer: (c) => ({ to: `/municipalities/${c.own.municipalityId}/terms` }),
    changes: ['municipalities', 'settings_changes'],
    check: async (c) => {
      const terms = await municipalityTerms(c.t.db, c.own.municipalityId);
      assert.equal(terms?.termsOfUse, `Bilder får bara laddas ner för privat bruk (${c.n}).`);
      assert.equal(terms?.invitationValidDays, 10 + (c.n % 40));
    },
  },
  'POST /municipalities/:municipalityId/notifications': {
    by: ['admin'],
    form: (c) => [['summary_hour', String(14 + (c.n % 8))]],
    answer: (c) => ({ to: `/municipalities/${c.own.municipalityId}/notifications` }),
    changes: ['notification_settings', 'notification_settings_changes'],
    prepare: async (c) => {
      // a different hour from the one stored, so the change is kept
      if ((await summaryHour(c.t.db, c.own.municipalityId)) === 14 + (c.n % 8)) c.n++;
      return {};
    },
    check: async (c) => assert.equal(await summaryHour(c.t.db, c.own.municipalityId), 14 + (c.n % 8)),
  },
  'POST /municipalities/:municipalityId/privacy/retention': {
    by: ['admin'],
    form: (c) => [...PERSONAL_DATA.rules().map((r): [string, string] => [`months_${r.kind}`, String(r.kind === 'absences' ? 13 + (c.n % 50) : r.defaultMonths)]),
      ...PERSONAL_DATA.timedRules().map((r): [string, string] => [`days_${r.kind}`, String(r.defaultDays)])],
    answer: (c) => ({ to: `/municipalities/${c.own.municipalityId}/privacy#retention` }),
    changes: ['retention_period_changes', 'retention_periods'],
    check: async (c) => {
      assert.equal((await retentionPeriods(c.t.db, c.own.municipalityId)).get('absences'), 13 + (c.n % 50));
    },
  },
  'POST /admin/areas': {
    by: ['admin', 'grannadmin'],
    form: (c) => [['name', `Område ${c.n}`]],
    answer: () => ({ to: /^\/admin\/areas\/\d+$/ }),
    changes: ['areas', 'register_changes'],
    check: async (c) => {
      const area = await c.t.db.selectFrom('areas').select('municipality_id').where('name', '=', `Område ${c.n}`).executeTakeFirstOrThrow();
      assert.equal(area.municipality_id, c.actor === 'admin' ? c.own.municipalityId : await municipalityId(c.t.db, 'Grannkommun'));
    },
  },
  'POST /admin/areas/:areaId': {
    by: ['admin'],
    prepare: async (c) => ({ areaId: await probeArea(c.t, c.own.municipalityId) }),
    form: (c) => [['name', `Omdöpt område ${c.n}`]],
    answer: (c) => ({ to: `/admin/areas/${c.made.areaId}` }),
    changes: ['areas', 'register_changes'],
    check: async (c) => assert.equal((await areaDetails(c.t.db, Number(c.made.areaId)))?.name, `Omdöpt område ${c.n}`),
  },
  'POST /admin/areas/:areaId/remove': {
    by: ['admin'],
    prepare: async (c) => ({ areaId: await probeArea(c.t, c.own.municipalityId) }),
    form: () => [],
    answer: () => ({ to: '/admin/areas' }),
    changes: ['areas', 'register_changes'],
    check: async (c) => assert.equal(await areaDetails(c.t.db, Number(c.made.areaId)), undefined),
  },
  'POST /admin/units': {
    by: ['admin', 'grannadmin'],
    form: (c) => [['name', `Enheten ${c.n}`], ['kind', 'school'], ['city', 'Demostad']],
    answer: () => ({ to: /^\/admin\/units\/\d+$/ }),
    changes: ['units', 'register_changes'],
    check: async (c) => {
      const unit = await c.t.db.selectFrom('units').select(['kind', 'city']).where('name', '=', `Enheten ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual(unit, { kind: 'school', city: 'Demostad' });
    },
  },
  'POST /admin/units/:unitId': {
    by: ['admin'],
    prepare: async (c) => ({ unitId: (await c.t.db.insertInto('units').values({ municipality_id: c.own.municipalityId, area_id: null,
      name: `Provenheten ${c.n}`, kind: 'preschool', street_address: null, postal_code: null, city: null, phone: null, email: null })
      .returning('id').executeTakeFirstOrThrow()).id }),
    form: (c) => [['name', `Provenheten ${c.n}`], ['phone', '08-123 456 78']],
    answer: (c) => ({ to: `/admin/units/${c.made.unitId}` }),
    changes: ['units', 'register_changes'],
    check: async (c) => assert.equal((await unitDetails(c.t.db, Number(c.made.unitId)))?.phone, '08-123 456 78'),
  },
  'POST /admin/units/:unitId/close': {
    by: ['admin'],
    prepare: async (c) => ({ unitId: await probeUnit(c) }),
    form: (c) => [['closed_on', addDays('2027-01-01', c.n)]],
    answer: (c) => ({ to: `/admin/units/${c.made.unitId}` }),
    changes: ['units', 'register_changes'],
    check: async (c) => assert.equal((await unitDetails(c.t.db, Number(c.made.unitId)))?.closedOn, addDays('2027-01-01', c.n)),
  },
  'POST /admin/units/:unitId/reopen': {
    by: ['admin'],
    prepare: async (c) => {
      const id = await probeUnit(c);
      await c.t.db.updateTable('units').set({ closed_on: '2026-11-01' }).where('id', '=', id).execute();
      return { unitId: id };
    },
    form: () => [],
    answer: (c) => ({ to: `/admin/units/${c.made.unitId}` }),
    changes: ['units', 'register_changes'],
    check: async (c) => assert.equal((await unitDetails(c.t.db, Number(c.made.unitId)))?.closedOn, null),
  },
  'POST /units/:unitId/contact': {
    by: HEADS_OF_ELSA,
    form: (c) => [['street_address', `Solrosvägen ${c.n}`], ['postal_code', '123 45'], ['city', 'Demostad'], ['phone', '08-123 456 78'], ['email', 'solrosen@demokommun.se']],
    answer: (c) => ({ to: `/units/${c.own.unitId}/contact` }),
    changes: ['units', 'register_changes'],
    check: async (c) => assert.equal((await unitDetails(c.t.db, c.own.unitId))?.streetAddress, `Solrosvägen ${c.n}`),
  },
  'POST /admin/units/:unitId/logo': {
    by: ['admin'],
    prepare: async (c) => ({ unitId: await probeUnit(c) }),
    form: () => [],
    send: async (_c, agent, target) => agent.post(target).field('_csrf', csrfFrom((await agent.get('/')).text))
      .attach('logo', await probeImage(), { filename: 'logo.png', contentType: 'image/png' }),
    answer: (c) => ({ to: `/admin/units/${c.made.unitId}` }),
    changes: ['units', 'register_changes'],
    check: async (c) => assert.equal((await unitLogo(c.t.db, Number(c.made.unitId)))?.width, 40),
  },
  'POST /admin/units/:unitId/logo/remove': {
    by: ['admin'],
    prepare: async (c) => {
      const id = await probeUnit(c);
      await giveLogo(c.t, id);
      return { unitId: id };
    },
    form: () => [],
    answer: (c) => ({ to: `/admin/units/${c.made.unitId}` }),
    changes: ['units', 'register_changes'],
    check: async (c) => assert.equal(await unitLogo(c.t.db, Number(c.made.unitId)), null),
  },
  'POST /units/:unitId/groups': {
    by: HEADS_OF_ELSA,
    form: (c) => [['name', `Gruppen ${c.n}`]],
    answer: (c) => ({ to: `/units/${c.own.unitId}/groups` }),
    changes: ['groups', 'register_changes'],
    check: async (c) => assert.ok((await groupsOfUnit(c.t.db, c.own.unitId)).some((g) => g.name === `Gruppen ${c.n}`)),
  },
  'POST /units/:unitId/groups/:groupId': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => ({ groupId: await probeGroup(c.t, c.own.unitId) }),
    form: (c) => [['name', `Omdöpt grupp ${c.n}`]],
    answer: (c) => ({ to: `/units/${c.own.unitId}/groups/${c.made.groupId}` }),
    changes: ['groups', 'register_changes'],
    check: async (c) => assert.equal((await groupDetails(c.t.db, Number(c.made.groupId)))?.name, `Omdöpt grupp ${c.n}`),
  },
  'POST /units/:unitId/groups/:groupId/end': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => ({ groupId: await probeGroup(c.t, c.own.unitId) }),
    form: () => [],
    answer: (c) => ({ to: `/units/${c.own.unitId}/groups/${c.made.groupId}` }),
    changes: ['groups', 'register_changes'],
    check: async (c) => assert.equal((await groupDetails(c.t.db, Number(c.made.groupId)))?.endedOn, today(c.t.clock)),
  },
  'POST /units/:unitId/groups/:groupId/remove': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => ({ groupId: await probeGroup(c.t, c.own.unitId) }),
    form: () => [],
    answer: (c) => ({ to: `/units/${c.own.unitId}/groups` }),
    changes: ['groups', 'register_changes'],
    check: async (c) => assert.equal(await groupDetails(c.t.db, Number(c.made.groupId)), undefined),
  },
  'POST /admin/statements/privacy': {
    by: ['admin'],
    form: (c) => [['purpose', `Att stödja kontakten mellan hem och förskola (${c.n}).`], ['controller', 'Barn- och utbildningsnämnden']],
    answer: (c) => ({ to: `/admin/statements?municipality=${c.own.municipalityId}#privacy` }),
    changes: ['municipality_statements'],
    check: async (c) => {
      const { privacy } = await currentStatements(c.t.db, c.own.municipalityId);
      assert.equal(privacy.purpose, `Att stödja kontakten mellan hem och förskola (${c.n}).`);
      assert.equal(privacy.controller, 'Barn- och utbildningsnämnden');
    },
  },
  'POST /admin/documentation': {
    by: ['admin'],
    form: (c) => [['municipality', String(c.own.municipalityId)], ['image_max_mb', '25'], ['video_max_mb', '200'], ['video_max_seconds', '120'],
      ['audio_max_mb', '25'], ['audio_max_seconds', '300'], ['export_grace_days', String(100 + c.n)]],
    answer: (c) => ({ to: `/admin/documentation?municipality=${c.own.municipalityId}` }),
    changes: ['documentation_settings', 'documentation_settings_changes'],
    check: async (c) => assert.equal((await documentationSettings(c.t.db, c.own.municipalityId)).exportGraceDays, 100 + c.n),
    restore: async (c) => { await c.t.db.deleteFrom('documentation_settings').where('municipality_id', '=', c.own.municipalityId).execute(); },
  },
  // the login settings: the e-ID broker and the idle minutes saved, each change kept; a connection test saves nothing
  'POST /admin/login': {
    by: ['admin'],
    form: (c) => [['municipality', String(c.own.municipalityId)], ['e_id_enabled', 'yes'], ['issuer', 'https://broker.example.se/oidc'],
      ['client_id', 'vardag'], ['personnummer_claim', 'personal_number'], ['strong_acr', 'urn:loa3'], ['staff_match', 'subject'],
      ['strong_idle_minutes', String(5 + (c.n % 400))]],
    answer: (c) => ({ to: `/admin/login?municipality=${c.own.municipalityId}` }),
    changes: ['e_id_settings', 'login_settings', 'login_settings_changes'],
    check: async (c) => {
      assert.equal((await loginSettingsOf(c.t.db, c.own.municipalityId)).strongIdleMinutes, 5 + (c.n % 400));
      assert.equal((await eIdConfigOf(c.t.db, c.own.municipalityId))?.issuer, 'https://broker.example.se/oidc');
    },
    restore: async (c) => { await matrixEIdOff(c); },
  },
  'POST /admin/login/test': {
    by: ['admin'],
    // a closed loopback port (the test installation may ask one): the result box says it failed, nothing is saved
    form: (c) => [['municipality', String(c.own.municipalityId)], ['issuer', 'http://127.0.0.1:9/oidc']],
    answer: () => ({ page: new RegExp(said('loginAdmin.test.failed')) }),
    changes: [],
    check: async () => {},
  },
  // a staff member linked to an identity at the broker, and unlinked; each change kept
  'POST /admin/login/staff/link': {
    by: ['admin'],
    prepare: async (c) => {
      await matrixEIdOn(c);
      return { person: (await freshStaff(c.t, c.own)).personId };
    },
    form: (c) => [['municipality', String(c.own.municipalityId)], ['person', String(c.made.person)], [`identity-${c.made.person}`, `matris-${c.n}`]],
    answer: (c) => ({ to: `/admin/login/staff?municipality=${c.own.municipalityId}` }),
    changes: ['staff_e_id_links', 'login_settings_changes'],
    check: async (c) => assert.equal((await staffPersonForIdentity(c.t.db, c.own.municipalityId, { issuer: MATRIX_ISSUER, subject: `matris-${c.n}` }))?.personId, c.made.person),
    restore: async (c) => { await matrixEIdOff(c); },
  },
  'POST /admin/login/staff/unlink': {
    by: ['admin'],
    prepare: async (c) => {
      await matrixEIdOn(c);
      const { personId } = await freshStaff(c.t, c.own);
      await linkStaff(c.t.db, { municipalityId: c.own.municipalityId, personId, issuer: MATRIX_ISSUER, match: 'subject', identity: `matris-${c.n}` }, 1, c.t.clock.now());
      return { person: personId };
    },
    form: (c) => [['municipality', String(c.own.municipalityId)], ['person', String(c.made.person)]],
    answer: (c) => ({ to: `/admin/login/staff?municipality=${c.own.municipalityId}` }),
    changes: ['staff_e_id_links', 'login_settings_changes'],
    check: async (c) => assert.equal(await staffPersonForIdentity(c.t.db, c.own.municipalityId, { issuer: MATRIX_ISSUER, subject: `matris-${c.n}` }), null),
    restore: async (c) => { await matrixEIdOff(c); },
  },
  'POST /admin/statements/accessibility': {
    by: ['admin'],
    form: (c) => [['compliance', 'partial'], ['feedback_email', `tillganglighet${c.n}@demokommun.se`]],
    answer: (c) => ({ to: `/admin/statements?municipality=${c.own.municipalityId}#accessibility` }),
    changes: ['municipality_statements'],
    check: async (c) => {
      const { accessibility } = await currentStatements(c.t.db, c.own.municipalityId);
      assert.equal(accessibility.compliance, 'partial');
      assert.equal(accessibility.feedbackEmail, `tillganglighet${c.n}@demokommun.se`);
    },
  },
  'POST /children/:childId/absences': [{
    by: REPORTERS_OF_ELSA,
    form: (c) => [['when', 'range'], ['from', '2027-02-01'], ['to', '2027-02-02'], ['comment', `Effekt ${c.n}`]],
    answer: (c) => ({ to: `/children/${c.own.childId}/absence` }),
    changes: ['absences', 'care_history'],
    check: async (c) => {
      const made = (await absencesOf(c.t.db, [c.own.childId], '2027-02-01', '2027-02-02')).filter((a) => a.comment === `Effekt ${c.n}`);
      assert.deepEqual(made.map((a) => [a.date, a.kind, a.starts]), [['2027-02-01', 'reported', null], ['2027-02-02', 'reported', null]]);
    },
  }, {
    by: ['vardnadshavare', 'pedagog'],
    headers: FROM_ABSENCE_BOX,
    form: (c) => [['when', 'range'], ['from', '2027-02-03'], ['to', ''], ['comment', `Effekt ${c.n}`]],
    answer: () => ({ page: new RegExp(`^<section class="box" id="box-absence"[\\s\\S]*${said('absence.reported')}`) }),
    changes: ['absences', 'care_history'],
    check: async (c) => {
      const made = (await absencesOf(c.t.db, [c.own.childId], '2027-02-03', '2027-02-03')).filter((a) => a.comment === `Effekt ${c.n}`);
      assert.equal(made.length, 1, 'a report of the day');
    },
  }],
  'POST /absences/:absenceId/cancel': [{
    by: REPORTERS_OF_ELSA,
    prepare: async (c) => ({ absenceId: await absenceAhead(c, '2026-12-03') }),
    form: () => [],
    answer: (c) => ({ to: `/children/${c.own.childId}/absence` }),
    changes: ['absences', 'care_history'],
    check: async (c) => assert.equal(await absenceById(c.t.db, Number(c.made.absenceId)), undefined, 'no longer reported'),
  }, {
    by: ['vardnadshavare', 'pedagog'],
    headers: FROM_ABSENCE_BOX,
    prepare: async (c) => ({ absenceId: await absenceAhead(c, '2026-12-04') }),
    form: () => [],
    answer: () => ({ page: new RegExp(`^<section class="box" id="box-absence"[\\s\\S]*${said('absence.cancelled')}`) }),
    changes: ['absences', 'care_history'],
    check: async (c) => assert.equal(await absenceById(c.t.db, Number(c.made.absenceId)), undefined, 'no longer reported'),
  }],
  'POST /children/:childId/absences/unreported': {
    by: ['admin', 'larare2b'],
    prepare: async (c) => ({ childId: c.own.oskarId, twoB: await groupId(c.t.db, '2B') }),
    form: (c) => [['date', today(c.t.clock)], ['from', `08:${pad(c.n % 60)}`], ['to', '09:30'], ['confirmed', 'yes']],
    answer: (c) => ({ to: `/groups/${c.made.twoB}/today` }),
    changes: ['absences', 'care_history', 'notifications'], mayChange: ['sms_outbox', 'jobs'], // (an SMS once per child and day)
    check: async (c) => {
      const marked = await absencesOf(c.t.db, [c.own.oskarId], today(c.t.clock), today(c.t.clock));
      assert.deepEqual(marked.map((a) => [a.kind, a.starts, a.ends]), [['unreported', `08:${pad(c.n % 60)}`, '09:30']]);
    },
  },
  'POST /absences/:absenceId/unreported/cancel': {
    by: ['admin', 'larare2b'],
    prepare: async (c) => ({ absenceId: await markOf(c.t, c.own.oskarId) }),
    form: () => [['next', '/groups/1/today']],
    answer: () => ({ to: '/groups/1/today' }),
    changes: ['absences', 'care_history'], mayChange: ['notifications'],
    check: async (c) => assert.equal(await absenceById(c.t.db, Number(c.made.absenceId)), undefined, 'the mark is taken back'),
  },
  // the municipality's assessment matrix: each admin their own; every change kept with who made it
  'POST /admin/assessment/levels': {
    by: ['admin', 'grannadmin'],
    form: (c) => [['name', `Effektnivå ${c.n}`]],
    answer: () => ({ to: /^\/admin\/assessment(\?|#|$)/ }),
    changes: ['assessment_levels', 'assessment_matrix_changes'],
    check: async (c) => {
      const municipality = await adminMunicipality(c);
      const level = await c.t.db.selectFrom('assessment_levels').select('municipality_id').where('name', '=', `Effektnivå ${c.n}`).execute();
      assert.deepEqual(level, [{ municipality_id: municipality }]);
      assert.equal((await matrixChanges(c, municipality)).changed_by, c.account.personId);
    },
  },
  'POST /admin/assessment/subjects': {
    by: ['admin', 'grannadmin'],
    form: (c) => [['name', `Effektämne ${c.n}`]],
    answer: () => ({ to: /^\/admin\/assessment(\?|#|$)/ }),
    changes: ['assessment_subjects', 'assessment_matrix_changes'],
    check: async (c) => {
      const municipality = await adminMunicipality(c);
      const subject = await c.t.db.selectFrom('assessment_subjects').select('municipality_id').where('name', '=', `Effektämne ${c.n}`).execute();
      assert.deepEqual(subject, [{ municipality_id: municipality }]);
      assert.equal((await matrixChanges(c, municipality)).changed_by, c.account.personId);
    },
  },
  'POST /admin/assessment/abilities': {
    by: ['admin', 'grannadmin'],
    prepare: async (c) => ({ subject: await freshSubject(c.t, await adminMunicipality(c)) }),
    form: (c) => [['subjectId', String(c.made.subject)], ['name', `Effektförmåga ${c.n}`]],
    answer: () => ({ to: /^\/admin\/assessment(\?|#|$)/ }),
    changes: ['assessment_abilities', 'assessment_matrix_changes'],
    check: async (c) => {
      const abilities = await c.t.db.selectFrom('assessment_abilities').select('name').where('subject_id', '=', Number(c.made.subject)).execute();
      assert.deepEqual(abilities, [{ name: `Effektförmåga ${c.n}` }]);
      assert.equal((await matrixChanges(c, await adminMunicipality(c))).changed_by, c.account.personId);
    },
  },
  'POST /admin/assessment/remove': {
    by: ['admin', 'grannadmin'],
    prepare: async (c) => ({ level: await freshLevel(c.t, await adminMunicipality(c)) }),
    form: (c) => [['kind', 'level'], ['id', String(c.made.level)]],
    answer: () => ({ to: /^\/admin\/assessment(\?|#|$)/ }),
    changes: ['assessment_levels', 'assessment_matrix_changes'],
    check: async (c) => {
      assert.equal(await c.t.db.selectFrom('assessment_levels').select('id').where('id', '=', Number(c.made.level)).executeTakeFirst(), undefined);
      assert.equal((await matrixChanges(c, await adminMunicipality(c))).changed_by, c.account.personId);
    },
  },
  // assessment: class 2B's drafts of a subject published (Oskar's Engelska, a draft again for the case); Oskar's Svenska
  // saved by his teacher, each ability a level higher than before
  'POST /groups/:schoolClassId/assessment/publish': {
    by: ['larare2b'],
    prepare: async (c) => {
      const { class2b, term } = await schoolRecords(c.t);
      const english = await subjectOf(c.t, 'Engelska');
      await c.t.db.updateTable('assessments').set({ status: 'draft', published_at: null }).where('child_id', '=', c.own.oskarId)
        .where('subject_id', '=', english.id).where('term', '=', term).execute();
      return { schoolClassId: class2b, subject: english.id, term };
    },
    form: (c) => [['term', String(c.made.term)], ['subject', String(c.made.subject)]],
    answer: (c) => ({ to: new RegExp(`^/groups/${c.made.schoolClassId}/assessment(\\?|#|$)`) }),
    changes: ['assessments'], mayChange: ['notifications', 'jobs'],
    check: async (c) => assert.equal((await assessmentOf(c.t, c.own.oskarId, Number(c.made.subject)))?.status, 'published'),
  },
  'POST /children/:schoolChildId/assessment/edit': {
    by: ['larare2b'],
    prepare: async (c) => ({ schoolChildId: c.own.oskarId }),
    form: (c) => assessmentForm(c.t, c.own.oskarId, 'Svenska', `Effekt ${c.n}`, 'publish'),
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.oskarId}/assessment(\\?|#|$)`) }),
    changes: ['assessments', 'assessment_marks'], mayChange: ['notifications', 'jobs'],
    check: async (c) => {
      const { class2b } = await schoolRecords(c.t);
      const saved = await assessmentOf(c.t, c.own.oskarId, (await subjectOf(c.t, 'Svenska')).id);
      assert.deepEqual([saved?.comment, saved?.status, saved?.group_id, saved?.updated_by], [`Effekt ${c.n}`, 'published', class2b, c.account.personId]);
      assert.equal(saved?.marks.size, (await subjectOf(c.t, 'Svenska')).abilities.length);
    },
  },
  // Oskar's development plan: saved and signed by his teacher, commented on by Emma; a note of his held talk
  'POST /children/:schoolChildId/plan/edit': {
    by: ['larare2b'],
    prepare: async (c) => ({ schoolChildId: c.own.oskarId, ...(await unsignedPlanOf(c.t, c.own.oskarId)) }),
    form: (c) => [['goals', `Mål ${c.n}`], ['schoolDoes', 'Läser med Oskar varje dag'], ['pupilDoes', 'Läser hemma'], ['guardiansDo', 'Frågar om boken'],
      ['version', String(c.made.version)]],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.oskarId}/plan(\\?|#|$)`) }),
    changes: ['development_plans'],
    check: async (c) => {
      const plan = await planRow(c.t, Number(c.made.id));
      assert.deepEqual([plan.goals, plan.school_does, plan.pupil_does, plan.guardians_do, plan.version, plan.updated_by, plan.signed_at],
        [`Mål ${c.n}`, 'Läser med Oskar varje dag', 'Läser hemma', 'Frågar om boken', Number(c.made.version) + 1, c.account.personId, null]);
    },
  },
  'POST /children/:schoolChildId/plan/sign': {
    by: ['larare2b'],
    prepare: async (c) => ({ schoolChildId: c.own.oskarId, ...(await unsignedPlanOf(c.t, c.own.oskarId)) }),
    form: (c) => [['version', String(c.made.version)]],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.oskarId}/plan(\\?|#|$)`) }),
    changes: ['development_plans'],
    check: async (c) => {
      const plan = await planRow(c.t, Number(c.made.id));
      assert.deepEqual([plan.signed_at, plan.signed_by], [c.t.clock.now().toISOString(), c.account.personId]);
    },
  },
  'POST /children/:schoolChildId/plan/comments': {
    by: ['vardnadshavare'],
    prepare: async (c) => ({ schoolChildId: c.own.oskarId, ...(await unsignedPlanOf(c.t, c.own.oskarId)) }),
    form: (c) => [['comment', `Kommentar ${c.n}`]],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.oskarId}/plan(\\?|#|$)`) }),
    changes: ['development_plan_comments'],
    check: async (c) => {
      const comments = await c.t.db.selectFrom('development_plan_comments').select(['plan_id', 'author_id']).where('body', '=', `Kommentar ${c.n}`).execute();
      assert.deepEqual(comments, [{ plan_id: Number(c.made.id), author_id: c.account.personId }]);
    },
  },
  'POST /children/:schoolChildId/talk-notes': {
    by: ['larare2b'],
    prepare: async (c) => {
      const booking = await heldTalkOf(c.t, c.own.oskarId);
      return { schoolChildId: c.own.oskarId, booking, version: (await talkNoteOf(c.t, booking))?.version ?? '' };
    },
    form: (c) => [['bookingId', String(c.made.booking)], ['body', `Samtalsanteckning ${c.n}`], ['version', String(c.made.version)]],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.oskarId}/plan(\\?|#|$)`) }),
    changes: ['talk_notes'],
    check: async (c) => {
      const note = await talkNoteOf(c.t, Number(c.made.booking));
      assert.deepEqual([note?.body, note?.child_id, note?.updated_by], [`Samtalsanteckning ${c.n}`, c.own.oskarId, c.account.personId]);
    },
  },
  // Oskar's extra adaptations: added, changed and ended by his teacher, in his class 2B
  'POST /children/:schoolChildId/adaptations': {
    by: ['larare2b'],
    prepare: async (c) => ({ schoolChildId: c.own.oskarId }),
    form: (c) => adaptationForm(today(c.t.clock), `Effektanpassning ${c.n}`),
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.oskarId}/adaptations(\\?|#|$)`) }),
    changes: ['extra_adaptations'],
    check: async (c) => {
      const made = await c.t.db.selectFrom('extra_adaptations').select(['child_id', 'group_id', 'decided_on', 'review_by', 'ended_on', 'created_by'])
        .where('what', '=', `Effektanpassning ${c.n}`).execute();
      const day = today(c.t.clock);
      assert.deepEqual(made, [{ child_id: c.own.oskarId, group_id: (await schoolRecords(c.t)).class2b, decided_on: day, review_by: addDays(day, 90), ended_on: null,
        created_by: c.account.personId }]);
    },
  },
  'POST /adaptations/:adaptationId/edit': {
    by: ['larare2b'],
    prepare: async (c) => ({ adaptationId: await freshAdaptation(c.t, c.own.oskarId) }),
    form: (c) => [...adaptationForm(addDays(today(c.t.clock), -5), `Ändrad anpassning ${c.n}`), ['version', '1']],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.oskarId}/adaptations(\\?|#|$)`) }),
    changes: ['extra_adaptations'],
    check: async (c) => {
      const row = await adaptationRow(c.t, Number(c.made.adaptationId));
      const day = addDays(today(c.t.clock), -5);
      assert.deepEqual([row.what, row.decided_on, row.review_by, row.version, row.updated_by, row.ended_on],
        [`Ändrad anpassning ${c.n}`, day, addDays(day, 90), 2, c.account.personId, null]);
    },
  },
  'POST /adaptations/:adaptationId/end': {
    by: ['larare2b'],
    prepare: async (c) => ({ adaptationId: await freshAdaptation(c.t, c.own.oskarId) }),
    form: () => [['version', '1']],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.oskarId}/adaptations(\\?|#|$)`) }),
    changes: ['extra_adaptations'],
    check: async (c) => {
      const row = await adaptationRow(c.t, Number(c.made.adaptationId));
      assert.deepEqual([row.ended_on, row.version, row.updated_by, row.what], [today(c.t.clock), 2, c.account.personId, 'Matrisens anpassning']);
    },
  },
  'POST /absences/:absenceId/answer': {
    by: ['vardnadshavare'],
    prepare: async (c) => ({ absenceId: await markOf(c.t, c.own.oskarId) }),
    form: (c) => [['answer', `Svar ${c.n}`]],
    answer: (c) => ({ to: `/children/${c.own.oskarId}/absence` }),
    changes: ['absences'],
    check: async (c) => assert.equal((await absenceById(c.t.db, Number(c.made.absenceId)))?.answer?.text, `Svar ${c.n}`),
  },
  'POST /children/:childId/absences/undo': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    prepare: async (c) => ({ absenceId: await absenceAhead(c, '2026-12-07') }),
    form: (c) => [['absence', String(c.made.absenceId)]],
    answer: (c) => ({ to: `/children/${c.own.childId}/absence` }),
    changes: ['absences', 'care_history'],
    check: async (c) => assert.equal(await absenceById(c.t.db, Number(c.made.absenceId)), undefined, 'the report is undone'),
  },
  'POST /absences/:absenceId/withdraw': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    prepare: async (c) => {
      // (not checked in today: the Today cases may have checked her in)
      await c.t.db.deleteFrom('attendances').where('child_id', '=', c.own.childId).where('date', '=', today(c.t.clock)).execute();
      return { absenceId: await absenceAhead(c, today(c.t.clock)) };
    },
    form: () => [],
    answer: (c) => ({ to: `/children/${c.own.childId}/absence` }),
    changes: ['absences', 'care_history'],
    check: async (c) => assert.equal(await absenceById(c.t.db, Number(c.made.absenceId)), undefined, 'withdrawn'),
  },
  'POST /children/:childId/attendance': [{
    by: STAFF_OF_ELSAS,
    prepare: async (c) => {
      await c.t.db.deleteFrom('attendances').where('child_id', '=', c.own.childId).where('date', '=', today(c.t.clock)).execute();
      return {};
    },
    form: (c) => [['event', 'arrive'], ['group', String(c.own.groupId)]],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/today#child-${c.own.childId}` }),
    changes: ['attendances', 'care_history'],
    check: async (c) => {
      const marked = (await attendancesOn(c.t.db, [c.own.childId], today(c.t.clock), c.own.groupId)).get(c.own.childId);
      assert.deepEqual(marked && { arrived: marked.arrivedAt !== null, left: marked.leftAt }, { arrived: true, left: null });
    },
  }, {
    by: ['pedagog'],
    headers: { 'HX-Request': 'true' },
    form: (c) => [['event', 'leave'], ['group', String(c.own.groupId)]],
    answer: () => ({ page: /^<div id="today-list"/ }),
    changes: ['attendances', 'care_history'],
    check: async (c) => {
      const marked = (await attendancesOn(c.t.db, [c.own.childId], today(c.t.clock), c.own.groupId)).get(c.own.childId);
      assert.notEqual(marked?.leftAt ?? null, null, 'left');
    },
  }],
  'POST /children/:childId/attendance/undo': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => {
      await c.t.db.deleteFrom('attendances').where('child_id', '=', c.own.childId).where('date', '=', today(c.t.clock)).execute();
      await markAttendance(c.t.db, { childId: c.own.childId, groupId: c.own.groupId, date: today(c.t.clock), event: 'arrive', time: '09:58', by: 1, now: c.t.clock.now() });
      return {};
    },
    form: (c) => [['event', 'arrive'], ['group', String(c.own.groupId)]],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/today#child-${c.own.childId}` }),
    changes: ['attendances', 'care_history'],
    check: async (c) => assert.equal((await attendancesOn(c.t.db, [c.own.childId], today(c.t.clock), c.own.groupId)).get(c.own.childId), undefined, 'not come'),
  },
  'POST /children/:childId/attendance/times': {
    by: STAFF_OF_ELSAS,
    form: (c) => [['group', String(c.own.groupId)], ['date', today(c.t.clock)], ['arrived', `07:${pad(c.n % 60)}`], ['left', '']],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/today#child-${c.own.childId}` }),
    changes: ['attendances', 'care_history'],
    check: async (c) => {
      const marked = (await attendancesOn(c.t.db, [c.own.childId], today(c.t.clock), c.own.groupId)).get(c.own.childId);
      assert.deepEqual(marked && [marked.arrivedAt, marked.leftAt], [`07:${pad(c.n % 60)}`, null]);
    },
  },
  'POST /children/:childId/schedule': {
    by: REPORTERS_OF_ELSA,
    form: (c) => {
      const { week, days, starts } = scheduleWeek(c);
      return [['week', week], ...days.flatMap((d) => [[`starts_${d}`, starts], [`ends_${d}`, '15:00']] as [string, string][])];
    },
    answer: (c) => ({ to: `/children/${c.own.childId}/schedule?week=${scheduleWeek(c).week}` }),
    changes: ['care_times', 'care_history'],
    check: async (c) => {
      const { days, starts } = scheduleWeek(c);
      const saved = await careTimesOf(c.t.db, c.own.childId, days[0], days[4]);
      assert.deepEqual(days.map((d) => [saved.get(d)?.starts, saved.get(d)?.ends]), days.map(() => [starts, '15:00']));
    },
  },
  'POST /children/:childId/schedule/standard': {
    by: REPORTERS_OF_ELSA,
    form: (c) => WEEKDAYS.flatMap((d) => [[`starts_${d}`, standardStarts(c)], [`ends_${d}`, '16:00']] as [string, string][]),
    answer: (c) => ({ to: `/children/${c.own.childId}/schedule/standard` }),
    changes: ['standard_schedules', 'standard_care_times'], mayChange: ['care_history'],
    check: async (c) => {
      const schedules = await standardSchedules(c.t.db, c.own.childId, today(c.t.clock), '2027-12-31');
      const newest = schedules.reduce((a, b) => (b.id > a.id ? b : a));
      assert.deepEqual(WEEKDAYS.map((d) => [newest.days.get(d)?.starts, newest.days.get(d)?.ends]), WEEKDAYS.map(() => [standardStarts(c), '16:00']));
    },
  },
  'POST /children/:childId/schedule/comment': {
    by: STAFF_OF_ELSAS,
    form: (c) => [['date', '2026-12-08'], ['staff_comment', `Utflykt ${c.n}`]],
    answer: (c) => ({ to: `/children/${c.own.childId}/schedule?week=${weekKey('2026-12-08')}#day_2026-12-08` }),
    changes: ['care_times'], mayChange: ['care_history'],
    check: async (c) => assert.equal((await careTimesOf(c.t.db, c.own.childId, '2026-12-08', '2026-12-08')).get('2026-12-08')?.staffComment, `Utflykt ${c.n}`),
  },
  // messages: a new one about Elsa (a guardian to Blåbär's staff, staff to all her guardians), a reply, the archive; a
  // bulletin is accepted with its fan-out job (the job reaches the guardians)
  'POST /children/:childId/messages': {
    by: REPORTERS_OF_ELSA,
    form: (c) => [['to', GUARDIAN_LOGINS.includes(c.actor) ? `group:${c.own.groupId}` : 'guardians'], ['subject', `Matrisens meddelande ${c.n}`], ['body', 'Hej']],
    answer: () => ({ to: /^\/messages\/\d+$/ }),
    changes: ['message_threads', 'message_participants', 'messages', 'message_recipients', 'notifications'], mayChange: ['jobs'],
    check: async (c) => {
      const thread = await c.t.db.selectFrom('message_threads').select(['id', 'child_id', 'kind']).where('subject', '=', `Matrisens meddelande ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual({ child: thread.child_id, kind: thread.kind }, { child: c.own.childId, kind: 'direct' });
      const reached = await c.t.db.selectFrom('message_recipients').innerJoin('messages', 'messages.id', 'message_recipients.message_id')
        .select('message_recipients.account_id').where('messages.thread_id', '=', thread.id).execute();
      assert.ok(reached.length > 0 && reached.every((r) => r.account_id !== c.account.id));
    },
  },
  'POST /messages/:messageThreadId/replies': {
    by: ['vardnadshavare', 'pedagog'],
    prepare: async (c) => ({ messageThreadId: await freshThread(c.t, c.own) }),
    form: (c) => [['body', `Matrisens svar ${c.n}`]],
    answer: (c) => ({ to: new RegExp(`^/messages/${c.made.messageThreadId}#message-\\d+$`) }),
    changes: ['messages', 'message_recipients', 'notifications'], mayChange: ['jobs', 'message_participants'],
    check: async (c) => {
      const sent = await c.t.db.selectFrom('messages').select(['thread_id', 'sender_account_id']).where('body', '=', `Matrisens svar ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual(sent, { thread_id: Number(c.made.messageThreadId), sender_account_id: c.account.id });
    },
  },
  'POST /messages/:messageThreadId/archive': {
    by: ['vardnadshavare', 'pedagog'],
    prepare: async (c) => ({ messageThreadId: await freshThread(c.t, c.own) }),
    form: () => [],
    answer: () => ({ to: '/messages' }),
    changes: ['message_participants'],
    check: async (c) => {
      const row = await c.t.db.selectFrom('message_participants').select('archived_at').where('thread_id', '=', Number(c.made.messageThreadId))
        .where('account_id', '=', c.account.id).executeTakeFirstOrThrow();
      assert.notEqual(row.archived_at, null);
    },
  },
  'POST /messages/:messageThreadId/unarchive': {
    by: ['vardnadshavare', 'pedagog'],
    prepare: async (c) => {
      const messageThreadId = await freshThread(c.t, c.own);
      await setArchived(c.t.db, messageThreadId, c.account.id, c.t.clock.now());
      return { messageThreadId };
    },
    form: () => [],
    answer: (c) => ({ to: `/messages/${c.made.messageThreadId}` }),
    changes: ['message_participants'],
    check: async (c) => {
      const row = await c.t.db.selectFrom('message_participants').select('archived_at').where('thread_id', '=', Number(c.made.messageThreadId))
        .where('account_id', '=', c.account.id).executeTakeFirstOrThrow();
      assert.equal(row.archived_at, null);
    },
  },
  'POST /groups/:groupId/bulletins': {
    by: STAFF_OF_ELSAS,
    form: (c) => [['subject', `Matrisens utskick ${c.n}`], ['body', 'Till alla']],
    answer: () => ({ to: /^\/messages\/\d+$/ }),
    changes: ['message_threads', 'message_participants', 'messages', 'jobs'],
    check: async (c) => {
      const thread = await c.t.db.selectFrom('message_threads').select(['kind', 'group_id']).where('subject', '=', `Matrisens utskick ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual(thread, { kind: 'bulletin', group_id: c.own.groupId });
    },
  },
  // development talks: a time published by Blåbär's teacher or Solrosen's head, removed; booked and cancelled by Elsa's
  // guardians or for them; those without a talk reminded; Solrosen's settings saved
  'POST /groups/:groupId/talks/slots': {
    by: ['rektor', 'pedagog'],
    form: (c) => [['date', `2027-02-${pad(1 + (c.n % 28))}`], ['start', `${pad(7 + (c.n % 12))}:00`], ['length', '20'], ['place', 'Matrisrummet']],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/talks` }),
    changes: ['talk_slots'],
    mayChange: ['notifications', 'jobs'],
    check: async (c) => {
      const row = await c.t.db.selectFrom('talk_slots').select(['group_id', 'staff_person_id']).where('date', '=', `2027-02-${pad(1 + (c.n % 28))}`)
        .where('start_time', '=', `${pad(7 + (c.n % 12))}:00`).where('staff_person_id', '=', c.account.personId).executeTakeFirstOrThrow();
      assert.equal(row.group_id, c.own.groupId);
    },
  },
  'POST /groups/:groupId/talks/slots/remove': {
    by: ['rektor', 'pedagog'],
    prepare: async (c) => ({ slot: await talkSlotOf(c) }),
    form: (c) => [['slot', String(c.made.slot)]],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/talks` }),
    changes: ['talk_slots'],
    check: async (c) => assert.equal(await c.t.db.selectFrom('talk_slots').select('id').where('id', '=', Number(c.made.slot)).executeTakeFirst(), undefined),
  },
  'POST /groups/:groupId/talks/bookings': {
    by: ['rektor', 'pedagog'],
    prepare: async (c) => ({ slot: await talkSlotOf(c) }),
    form: (c) => [['child', String(c.own.childId)], ['slot', String(c.made.slot)]],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/talks` }),
    changes: ['talk_bookings', 'notifications'], mayChange: ['jobs'], // (the family hears that staff booked for them)
    check: async (c) => {
      const row = await c.t.db.selectFrom('talk_bookings').select('child_id').where('slot_id', '=', Number(c.made.slot)).executeTakeFirstOrThrow();
      assert.equal(row.child_id, c.own.childId);
    },
  },
  'POST /groups/:groupId/talks/bookings/cancel': {
    by: ['rektor', 'pedagog'],
    prepare: async (c) => talkBookingOf(c),
    form: (c) => [['child', String(c.own.childId)], ['booking', String(c.made.booking)]],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/talks` }),
    changes: ['talk_bookings', 'notifications'], mayChange: ['jobs'], // (the family hears that staff cancelled)
    check: async (c) => assert.equal(await c.t.db.selectFrom('talk_bookings').select('id').where('id', '=', Number(c.made.booking)).executeTakeFirst(), undefined),
  },
  'POST /groups/:groupId/talks/remind': {
    by: ['rektor', 'pedagog'],
    form: () => [],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/talks` }),
    changes: ['notifications'],
    mayChange: ['jobs'],
    check: async (c) => {
      const rows = await c.t.db.selectFrom('notifications').select('id').where('kind', '=', 'talkBookingReminder').execute();
      assert.ok(rows.length > 0);
    },
  },
  'POST /children/:childId/talks/book': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    prepare: async (c) => ({ slot: await talkSlotOf(c) }),
    form: (c) => [['slot', String(c.made.slot)]],
    answer: (c) => ({ to: `/children/${c.own.childId}/talks` }),
    changes: ['talk_bookings'],
    check: async (c) => {
      const row = await c.t.db.selectFrom('talk_bookings').select(['child_id', 'booked_by_account_id']).where('slot_id', '=', Number(c.made.slot)).executeTakeFirstOrThrow();
      assert.deepEqual(row, { child_id: c.own.childId, booked_by_account_id: c.account.id });
    },
  },
  'POST /children/:childId/talks/cancel': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    prepare: async (c) => talkBookingOf(c),
    form: (c) => [['booking', String(c.made.booking)]],
    answer: (c) => ({ to: `/children/${c.own.childId}/talks` }),
    changes: ['talk_bookings'],
    check: async (c) => assert.equal(await c.t.db.selectFrom('talk_bookings').select('id').where('id', '=', Number(c.made.booking)).executeTakeFirst(), undefined),
  },
  'POST /units/:unitId/talks/settings': {
    by: HEADS_OF_ELSA,
    form: (c) => [['deadlineDays', String(1 + (c.n % 5))], ['twoHomes', 'together']],
    answer: (c) => ({ to: `/units/${c.own.unitId}/talks/settings` }),
    changes: ['talk_settings'],
    check: async (c) => {
      const row = await c.t.db.selectFrom('talk_settings').select(['deadline_days', 'updated_by_account_id']).where('unit_id', '=', c.own.unitId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { deadline_days: 1 + (c.n % 5), updated_by_account_id: c.account.id });
    },
  },
  // Solrosen's lunch of Monday 7 December written by its teacher, its head and the admin, each from the version they read
  'POST /units/:unitId/menu': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => {
      const row = await c.t.db.selectFrom('menu_days').select('version').where('unit_id', '=', c.own.unitId).where('date', '=', '2026-12-07').executeTakeFirst();
      return { version: row?.version ?? 0 };
    },
    form: (c) => [['week', '2026-W50'], ['version-2026-12-07', String(c.made.version)], ['lunch-2026-12-07', `Matrisens lunch ${c.n}`]],
    answer: (c) => ({ to: `/units/${c.own.unitId}/menu?week=2026-W50` }),
    changes: ['menu_days'],
    check: async (c) => {
      const row = await c.t.db.selectFrom('menu_days').select(['lunch', 'updated_by_account_id']).where('unit_id', '=', c.own.unitId).where('date', '=', '2026-12-07').executeTakeFirstOrThrow();
      assert.deepEqual(row, { lunch: `Matrisens lunch ${c.n}`, updated_by_account_id: c.account.id });
    },
  },
  // information published to Blåbär, to Solrosen and to Demokommun, its families notified
  'POST /groups/:groupId/information': {
    by: STAFF_OF_ELSAS,
    form: (c) => [['title', `Matrisens information ${c.n}`], ['body', 'Till alla']],
    answer: () => ({ to: /^\/information\/\d+$/ }),
    changes: ['information_items', 'notifications'],
    mayChange: ['jobs'],
    check: async (c) => {
      const item = await c.t.db.selectFrom('information_items').select(['group_id', 'unit_id']).where('title', '=', `Matrisens information ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual(item, { group_id: c.own.groupId, unit_id: null });
    },
  },
  'POST /units/:unitId/information': {
    by: ['admin', 'rektor', 'pedagog'],
    form: (c) => [['title', `Matrisens information ${c.n}`], ['body', 'Till alla'], ['pinned', '1']],
    answer: () => ({ to: /^\/information\/\d+$/ }),
    changes: ['information_items', 'notifications'],
    mayChange: ['jobs'],
    check: async (c) => {
      const item = await c.t.db.selectFrom('information_items').select(['group_id', 'unit_id', 'pinned']).where('title', '=', `Matrisens information ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual(item, { group_id: null, unit_id: c.own.unitId, pinned: 1 });
    },
  },
  'POST /municipalities/:municipalityId/information': {
    by: ['admin'],
    form: (c) => [['title', `Matrisens information ${c.n}`], ['body', 'Till alla'], ['expiresOn', '2026-12-31']],
    answer: () => ({ to: /^\/information\/\d+$/ }),
    changes: ['information_items', 'jobs'], // (every family of the municipality is told by the job information.fanout)
    check: async (c) => {
      const item = await c.t.db.selectFrom('information_items').select(['group_id', 'unit_id', 'municipality_id', 'expires_on'])
        .where('title', '=', `Matrisens information ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual(item, { group_id: null, unit_id: null, municipality_id: c.own.municipalityId, expires_on: '2026-12-31' });
    },
  },
  // an information item of Blåbär edited (nobody notified again) and one removed with its file
  'POST /information/:informationItemId/edit': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => freshInformation(c.t, c.own, (await accountOf(c.t, 'pedagog')).id),
    form: (c) => [['title', `Ändrad av matrisen ${c.n}`], ['body', 'Ny text'], ['pinned', '1'], ['removeFiles', String(c.made.informationAttachmentId)]],
    answer: (c) => ({ to: `/information/${c.made.informationItemId}` }),
    changes: ['information_items', 'information_attachments'],
    check: async (c) => {
      const item = await c.t.db.selectFrom('information_items').select(['title', 'body', 'pinned']).where('id', '=', Number(c.made.informationItemId)).executeTakeFirstOrThrow();
      assert.deepEqual(item, { title: `Ändrad av matrisen ${c.n}`, body: 'Ny text', pinned: 1 });
      assert.equal(await c.t.db.selectFrom('information_attachments').select('id').where('id', '=', Number(c.made.informationAttachmentId)).executeTakeFirst(), undefined);
    },
  },
  'POST /information/:informationItemId/remove': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => freshInformation(c.t, c.own, (await accountOf(c.t, 'pedagog')).id),
    form: () => [],
    answer: () => ({ to: '/information' }),
    changes: ['information_items', 'information_attachments'],
    check: async (c) => assert.equal(await c.t.db.selectFrom('information_items').select('id').where('id', '=', Number(c.made.informationItemId)).executeTakeFirst(), undefined),
  },
  // a calendar event added to Blåbär and to Solrosen, its families notified; one removed; a subscription made
  'POST /groups/:groupId/calendar': {
    by: STAFF_OF_ELSAS,
    form: (c) => [['title', `Matrisens händelse ${c.n}`], ['date', '2026-12-03'], ['startTime', '09:00'], ['endTime', '10:00'], ['bring', 'rainClothes']],
    answer: () => ({ to: /^\/calendar\/events\/\d+$/ }),
    changes: ['calendar_events', 'calendar_revisions', 'notifications'],
    mayChange: ['jobs'],
    check: async (c) => {
      const event = await c.t.db.selectFrom('calendar_events').select(['group_id', 'unit_id', 'bring']).where('title', '=', `Matrisens händelse ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual(event, { group_id: c.own.groupId, unit_id: c.own.unitId, bring: 'rainClothes' });
    },
  },
  'POST /units/:unitId/calendar': {
    by: HEADS_OF_ELSA,
    form: (c) => [['title', `Matrisens händelse ${c.n}`], ['date', '2026-12-03'], ['allDay', 'yes'], ['repeat', 'weekly'], ['repeatUntil', '2027-01-28']],
    answer: () => ({ to: /^\/calendar\/events\/\d+$/ }),
    changes: ['calendar_events', 'calendar_revisions', 'notifications'],
    mayChange: ['jobs'],
    check: async (c) => {
      const event = await c.t.db.selectFrom('calendar_events').select(['group_id', 'unit_id', 'repeat_until', 'start_time'])
        .where('title', '=', `Matrisens händelse ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual(event, { group_id: null, unit_id: c.own.unitId, repeat_until: '2027-01-28', start_time: null });
    },
  },
  'POST /calendar/events/:calendarEventId/delete': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => ({ calendarEventId: await freshCalendarEvent(c.t, c.own) }),
    form: () => [],
    answer: () => ({ to: '/calendar' }),
    changes: ['calendar_events', 'calendar_revisions', 'notifications'], // (its families told: the event was ahead)
    mayChange: ['jobs'],
    check: async (c) => assert.equal(await c.t.db.selectFrom('calendar_events').select('id').where('id', '=', Number(c.made.calendarEventId)).executeTakeFirst(), undefined),
  },
  'POST /calendar/events/:calendarEventId/edit': { // (moved to another day: its families told)
    by: STAFF_OF_ELSAS,
    prepare: async (c) => ({ calendarEventId: await freshCalendarEvent(c.t, c.own) }),
    form: (c) => [['title', `Ändrad av matrisen ${c.n}`], ['date', '2026-12-04'], ['startTime', '09:00'], ['endTime', '10:00']],
    answer: (c) => ({ to: `/calendar/events/${c.made.calendarEventId}` }),
    changes: ['calendar_events', 'calendar_revisions', 'notifications'],
    mayChange: ['jobs'],
    check: async (c) => {
      const event = await c.t.db.selectFrom('calendar_events').select(['title', 'date', 'start_time']).where('id', '=', Number(c.made.calendarEventId)).executeTakeFirstOrThrow();
      assert.deepEqual(event, { title: `Ändrad av matrisen ${c.n}`, date: '2026-12-04', start_time: '09:00' });
    },
  },
  'POST /settings/calendar/feed': {
    by: EVERY_KIND,
    form: () => [],
    answer: () => ({ page: /value="http[^"]+\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics"/ }),
    changes: ['calendar_feed_tokens'],
    check: async (c) => assert.ok(await c.t.db.selectFrom('calendar_feed_tokens').select('account_id').where('account_id', '=', c.account.id).executeTakeFirst()),
  },
  // a message the teacher sent Emma taken back (its text emptied); one's out-of-office set and turned off
  'POST /messages/:messageThreadId/messages/:messageId/retract': {
    by: ['pedagog'],
    prepare: async (c) => {
      const messageThreadId = await freshThread(c.t, c.own);
      const emma = (await accountOf(c.t, 'vardnadshavare')).id;
      const messageId = await addMessage(c.t.db, { threadId: messageThreadId, senderAccountId: c.account.id, body: `Fel familj ${c.n}`, at: c.t.clock.now() });
      await addRecipients(c.t.db, messageId, [emma]);
      return { messageThreadId, messageId };
    },
    form: () => [],
    answer: (c) => ({ to: `/messages/${c.made.messageThreadId}` }),
    changes: ['messages', 'message_participants'], // (Emma's unread count on her own row: one less)
    check: async (c) => {
      const row = await c.t.db.selectFrom('messages').select(['body', 'retracted_at']).where('id', '=', Number(c.made.messageId)).executeTakeFirstOrThrow();
      assert.equal(row.body, '');
      assert.notEqual(row.retracted_at, null);
    },
  },
  'POST /settings/out-of-office': {
    by: ['rektor', 'pedagog', 'larare2b'],
    form: (c) => [['firstDay', today(c.t.clock)], ['lastDay', addDays(today(c.t.clock), 3)], ['body', `Borta ${c.n}`]],
    answer: () => ({ to: '/settings/out-of-office' }),
    changes: ['out_of_office'],
    check: async (c) => assert.equal((await outOfOfficeOf(c.t.db, c.account.id))?.body, `Borta ${c.n}`),
  },
  'POST /settings/contacts': {
    by: EVERY_KIND,
    // never 'phone', which the matrix's own probe posts: each case changes the row
    form: (c) => [['shows', ['email', 'both', 'none'][c.n % 3]]],
    answer: () => ({ to: '/settings/contacts' }),
    changes: ['contact_visibility'],
    check: async (c) => assert.equal((await contactChoiceOf(c.t.db, c.account.personId))?.shows, ['email', 'both', 'none'][c.n % 3]),
  },
  'POST /settings/out-of-office/remove': {
    by: ['rektor', 'pedagog', 'larare2b'],
    prepare: async (c) => {
      await saveOutOfOffice(c.t.db, c.account.id, { firstDay: today(c.t.clock), lastDay: today(c.t.clock), body: 'Borta' }, c.t.clock.now());
      return {};
    },
    form: () => [],
    answer: () => ({ to: '/settings/out-of-office' }),
    changes: ['out_of_office'],
    check: async (c) => assert.equal(await outOfOfficeOf(c.t.db, c.account.id), undefined),
  },
  'POST /units/:unitId/bulletins': {
    by: HEADS_OF_ELSA,
    form: (c) => [['subject', `Matrisens utskick ${c.n}`], ['body', 'Till alla'], ['urgent', '1']],
    answer: () => ({ to: /^\/messages\/\d+$/ }),
    changes: ['message_threads', 'message_participants', 'messages', 'jobs'],
    check: async (c) => {
      const thread = await c.t.db.selectFrom('message_threads').select(['kind', 'unit_id', 'urgent']).where('subject', '=', `Matrisens utskick ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual(thread, { kind: 'bulletin', unit_id: c.own.unitId, urgent: 1 });
    },
  },
  // notes about Elsa: written, changed (at the version read) and removed by the staff of her group
  'POST /children/:childNotesId/notes': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => ({ childNotesId: c.own.childId }),
    form: (c) => [['body', `Matrisens anteckning ${c.n}`]],
    answer: (c) => ({ to: `/children/${c.own.childId}/notes` }),
    changes: ['notes'],
    check: async (c) => {
      const note = await c.t.db.selectFrom('notes').select(['child_id', 'author_id']).where('body', '=', `Matrisens anteckning ${c.n}`).executeTakeFirst();
      assert.deepEqual(note, { child_id: c.own.childId, author_id: c.account.personId });
    },
  },
  'POST /notes/:noteId/edit': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => ({ noteId: await freshNote(c.t, c.own.childId, c.own.unitId) }),
    form: (c) => [['body', `Ändrad anteckning ${c.n}`], ['version', '1']],
    answer: (c) => ({ to: `/children/${c.own.childId}/notes` }),
    changes: ['notes'],
    check: async (c) => assert.equal((await noteById(c.t.db, Number(c.made.noteId)))?.body, `Ändrad anteckning ${c.n}`),
  },
  'POST /notes/:noteId/delete': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => ({ noteId: await freshNote(c.t, c.own.childId, c.own.unitId) }),
    form: () => [],
    answer: (c) => ({ to: `/children/${c.own.childId}/notes` }),
    changes: ['notes'],
    check: async (c) => assert.equal(await noteById(c.t.db, Number(c.made.noteId)), undefined),
  },
  // a guardian's comment on a post of Blåbär, for their own child there, waiting for the staff, who approve or reject it
  'POST /posts/:publishedPostId/comments': {
    by: GUARDIAN_LOGINS,
    prepare: async (c) => ({ publishedPostId: await blabarPost(c.t, c.own) }),
    form: (c) => [['body', `Kommentar ${c.n}`]],
    answer: (c) => ({ to: `/posts/${c.made.publishedPostId}/comments` }),
    changes: ['post_comments'],
    check: async (c) => {
      const comment = await c.t.db.selectFrom('post_comments').select(['child_id', 'author_id', 'status']).where('body', '=', `Kommentar ${c.n}`).executeTakeFirst();
      assert.deepEqual(comment, { child_id: await childOf(c, c.account.personId), author_id: c.account.personId, status: 'pending' });
    },
  },
  ...Object.fromEntries((['approve', 'reject'] as const).flatMap((verb) => [
    [`POST /comments/:postCommentId/${verb}`, {
      by: STAFF_OF_ELSAS,
      prepare: async (c: EffectCase) => ({ postCommentId: await freshComment(c.t, c.own, await blabarPost(c.t, c.own)) }),
      form: () => [],
      answer: (c: EffectCase) => ({ to: `/groups/${c.own.groupId}/comments` }),
      changes: ['post_comments'],
      check: async (c: EffectCase) => assert.equal((await commentById(c.t.db, Number(c.made.postCommentId)))?.status, verb === 'approve' ? 'approved' : 'rejected'),
    } satisfies Effect],
    [`POST /observations/:homeObservationId/${verb}`, {
      by: STAFF_OF_ELSAS,
      prepare: async (c: EffectCase) => ({ homeObservationId: await freshObservation(c.t, c.own, 'pending') }),
      form: () => [],
      answer: (c: EffectCase) => ({ to: `/groups/${c.own.groupId}/comments` }),
      changes: ['home_observations'],
      check: async (c: EffectCase) => assert.equal((await observationById(c.t.db, Number(c.made.homeObservationId)))?.status, verb === 'approve' ? 'approved' : 'rejected'),
    } satisfies Effect],
  ])),
  // a guardian's home observation about Elsa, with a photo (a multipart form, its token first)
  'POST /children/:childId/observations': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    form: () => [],
    send: async (c, agent, target) => agent.post(target).field('_csrf', csrfFrom((await agent.get('/')).text)).field('body', `Hemma ${c.n}`)
      .attach('photo', await probeImage(c.n), { filename: 'hemma.png', contentType: 'image/png' }),
    answer: (c) => ({ to: `/children/${c.own.childId}/observations` }),
    changes: ['home_observations'],
    check: async (c) => {
      const made = await c.t.db.selectFrom('home_observations').select(['child_id', 'group_id', 'author_id', 'status', 'photo_key'])
        .where('body', '=', `Hemma ${c.n}`).executeTakeFirstOrThrow();
      assert.deepEqual({ ...made, photo_key: made.photo_key !== null },
        { child_id: c.own.childId, group_id: c.own.groupId, author_id: c.account.personId, status: 'pending', photo_key: true });
    },
  },
  // the child's own page: its text (at the version the page was read at), its picture replaced and taken away, greetings
  'POST /children/:childId/page': {
    by: REPORTERS_OF_ELSA,
    prepare: async (c) => ({ version: (await childPage(c.t.db, c.own.childId)).version }),
    form: (c) => [['presentation', `Matrisens presentation ${c.n}`], ['version', String(c.made.version)]],
    answer: (c) => ({ to: `/children/${c.own.childId}/page` }),
    changes: ['child_pages'],
    check: async (c) => assert.equal((await childPage(c.t.db, c.own.childId)).presentation, `Matrisens presentation ${c.n}`),
  },
  'POST /children/:childId/picture': {
    by: REPORTERS_OF_ELSA,
    prepare: async (c) => ({ was: (await pictureFileOf(c.t.db, c.own.childId)) ?? '' }),
    form: () => [],
    send: async (c, agent, target) => agent.post(target).field('_csrf', csrfFrom((await agent.get('/')).text))
      .attach('picture', await probeImage(c.n), { filename: 'bild.png', contentType: 'image/png' }),
    answer: (c) => ({ to: `/children/${c.own.childId}/page` }),
    changes: ['child_pages'],
    check: async (c) => {
      const now = await pictureFileOf(c.t.db, c.own.childId);
      assert.ok(now && now !== c.made.was, 'a new picture');
    },
  },
  'POST /children/:childId/picture/delete': {
    by: REPORTERS_OF_ELSA,
    prepare: async (c) => {
      await givePicture(c.t, c.own.childId);
      return {};
    },
    form: () => [],
    answer: (c) => ({ to: `/children/${c.own.childId}/page` }),
    changes: ['child_pages'],
    check: async (c) => assert.equal(await pictureFileOf(c.t.db, c.own.childId), null),
  },
  'POST /children/:childId/guestbook': {
    by: REPORTERS_OF_ELSA,
    prepare: async (c) => {
      await useGuestbook(c.t, c.own.unitId);
      return {};
    },
    form: (c) => [['greeting', `Hälsning ${c.n}`]],
    answer: (c) => ({ to: `/children/${c.own.childId}/page#guestbook` }),
    changes: ['guestbook_entries'],
    check: async (c) => {
      const entry = await c.t.db.selectFrom('guestbook_entries').select(['child_id', 'author_id']).where('body', '=', `Hälsning ${c.n}`).executeTakeFirst();
      assert.deepEqual(entry, { child_id: c.own.childId, author_id: c.account.personId });
    },
  },
  'POST /children/:childId/guestbook/:entryId/remove': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => ({ entryId: await freshGreeting(c.t, c.own.childId, c.own.unitId) }),
    form: () => [],
    answer: (c) => ({ to: `/children/${c.own.childId}/page#guestbook` }),
    changes: ['guestbook_entries'],
    check: async (c) => assert.equal(await c.t.db.selectFrom('guestbook_entries').select('id').where('id', '=', Number(c.made.entryId)).executeTakeFirst(), undefined),
  },
  // a guardian's own answer, the opposite of the current one (an unchanged answer stores nothing)
  'POST /children/:childId/consent': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    prepare: async (c) => ({ answer: (await consentOf(c, c.account.personId))?.answer === 'yes' ? 'no' : 'yes' }),
    form: (c) => [['answer', String(c.made.answer)]],
    answer: (c) => ({ to: `/children/${c.own.childId}/consent` }),
    changes: ['photo_consents'],
    check: async (c) => {
      const now = await consentOf(c, c.account.personId);
      assert.deepEqual([now?.answer, now?.source, now?.recordedBy], [c.made.answer, 'guardian', c.account.personId]);
    },
  },
  // staff enter Emma's answer from paper, dated today, with their own name
  'POST /children/:childId/consent/paper': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => {
      const emma = await childGuardian(c, c.own.childId);
      return { guardian: emma, answer: (await consentOf(c, emma))?.answer === 'yes' ? 'no' : 'yes' };
    },
    form: (c) => [['guardian', String(c.made.guardian)], ['paper_answer', String(c.made.answer)], ['answered_on', '2026-11-20']],
    answer: (c) => ({ to: `/children/${c.own.childId}/consent` }),
    changes: ['photo_consents'],
    check: async (c) => {
      const now = await consentOf(c, Number(c.made.guardian));
      assert.deepEqual([now?.answer, now?.source, now?.answeredOn, now?.recordedBy], [c.made.answer, 'paper', '2026-11-20', c.account.personId]);
    },
  },
  'POST /children/:childId/invitations': [{
    by: STAFF_OF_ELSAS, // a guardian without an account: an invitation with a key, mailed
    prepare: async (c) => {
      const { guardianId, childId } = await inviteeOf(c.t);
      return { childId, guardianId, email: `inbjuden-${c.n}@example.com` };
    },
    form: (c) => [['invite', String(c.made.guardianId)], [`email_${c.made.guardianId}`, String(c.made.email)], [`language_${c.made.guardianId}`, 'sv'], ['confirm', 'yes']],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/invitations` }),
    changes: ['invitations', 'invitation_children', 'invitation_keys', 'mail_outbox'], mayChange: ['jobs'],
    check: async (c) => {
      const made = await c.t.db.selectFrom('invitations').innerJoin('invitation_children', 'invitation_children.invitation_id', 'invitations.id')
        .select(['invitations.id', 'invitations.email', 'invitation_children.child_id']).where('invitations.guardian_id', '=', Number(c.made.guardianId))
        .where('invitations.revoked_at', 'is', null).execute();
      assert.deepEqual(made.map((i) => [i.email, i.child_id]), [[c.made.email, c.made.childId]], 'an open invitation for the child');
      assert.equal((await keysOf(c, made[0].id)).length, 1, 'a key');
      assert.equal(await mailsTo(c, String(c.made.email)), 1, 'mailed');
    },
  }, {
    by: ['pedagog'], // a guardian with an account (Emma): the child comes to her as a notification
    prepare: async (c) => ({ emma: (await accountOf(c.t, 'vardnadshavare')).id, guardianId: (await accountOf(c.t, 'vardnadshavare')).personId }),
    form: (c) => [['invite', String(c.made.guardianId)], [`email_${c.made.guardianId}`, ''], [`language_${c.made.guardianId}`, 'sv'], ['confirm', 'yes']],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/invitations` }),
    changes: ['notifications'],
    check: async (c) => {
      const [newest] = await latestNotifications(c.t.db, Number(c.made.emma));
      assert.deepEqual([newest?.kind, newest?.url], [childAddedNotification.key, `/children/${c.own.childId}`]);
    },
  }],
  'POST /invitations/:invitationId/resend': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => {
      const { guardianId, childId } = await inviteeOf(c.t);
      const email = `igen-${c.n}@example.com`;
      return { invitationId: (await invitationWithKey(c, guardianId, childId, email)).id, email };
    },
    form: () => [],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/invitations` }),
    changes: ['invitation_keys', 'mail_outbox'], mayChange: ['jobs'],
    check: async (c) => {
      const keys = await keysOf(c, Number(c.made.invitationId));
      assert.deepEqual(keys.map((k) => [k.delivery, k.revoked_at !== null]), [['email', true], ['email', false]], 'a new key, the old one revoked');
      assert.equal(await mailsTo(c, String(c.made.email)), 1, 'mailed');
    },
  },
  'POST /invitations/:invitationId/revoke': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => {
      const { guardianId, childId } = await inviteeOf(c.t);
      return { invitationId: (await invitationWithKey(c, guardianId, childId, null)).id };
    },
    form: () => [],
    answer: (c) => ({ to: `/groups/${c.own.groupId}/invitations` }),
    changes: ['invitations'], mayChange: ['invitation_keys'],
    check: async (c) => assert.equal((await invitationById(c.t.db, Number(c.made.invitationId), c.t.clock.now()))?.state, 'revoked'),
  },
  'POST /invitations/:invitationId/print': {
    by: STAFF_OF_ELSAS,
    prepare: async (c) => {
      const { guardianId, childId } = await inviteeOf(c.t);
      return { invitationId: (await invitationWithKey(c, guardianId, childId, null)).id };
    },
    form: () => [],
    answer: () => ({ page: /<svg[\s\S]*\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b/ }), // the QR code and the key
    changes: ['invitation_keys'],
    check: async (c) => {
      const keys = await keysOf(c, Number(c.made.invitationId));
      assert.deepEqual(keys.map((k) => [k.delivery, k.revoked_at !== null]), [['email', true], ['paper', false]], 'a paper key, the old one revoked');
    },
  },
  'POST /account/new/e-id': {
    by: ['anonymous'],
    prepare: async (c) => {
      let spare = await spareGuardian(c.t);
      // (a guardian with protected identity gets no account by e-ID: the next one)
      while ((await c.t.db.selectFrom('persons').select('protected_identity').where('id', '=', spare.guardianId).executeTakeFirstOrThrow()).protected_identity === 1) {
        spare = await spareGuardian(c.t);
      }
      const person = await c.t.db.selectFrom('persons').select('municipality_id').where('id', '=', spare.guardianId).executeTakeFirstOrThrow();
      return { guardianId: spare.guardianId, municipality: person.municipality_id };
    },
    send: async (c, _agent, target) => {
      const { agent } = await pendingEIdAgent(c.t, { municipalityId: Number(c.made.municipality), personId: Number(c.made.guardianId), acr: 'loa3' });
      const page = await agent.get(target);
      return agent.post(target).type('form').send(new URLSearchParams({
        _csrf: csrfFrom(page.text), email: `e-id-${c.n}@example.com`, email_confirm: `e-id-${c.n}@example.com`, username: `e-id-${c.n}`,
        language: 'sv', terms: 'yes',
      }).toString());
    },
    form: () => [],
    answer: () => ({ to: '/' }),
    changes: ['accounts', 'account_emails', 'jobs', 'mail_outbox'], // (the typed address, unconfirmed, and its link by mail)
    check: async (c) => {
      const account = await c.t.db.selectFrom('accounts').select(['id', 'username', 'email']).where('person_id', '=', Number(c.made.guardianId)).executeTakeFirstOrThrow();
      assert.deepEqual({ username: account.username, email: account.email }, { username: `e-id-${c.n}`, email: null }, 'no login e-mail before it is confirmed');
      const typed = (await extraEmails(c.t.db, account.id)).find((e) => e.email === `e-id-${c.n}@example.com`);
      assert.ok(typed && !typed.verified, 'the typed address, waiting for its link');
    },
  },
  'POST /children/:childId/student-account': {
    by: ['admin'],
    prepare: async (c) => ({ childId: await freshPupilOf4A(c.t) }),
    form: () => [],
    answer: () => ({ page: /<svg[\s\S]*\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b/ }), // the QR code and the key
    changes: ['invitations', 'invitation_children', 'invitation_keys'],
    check: async (c) => {
      const invitation = await c.t.db.selectFrom('invitations').innerJoin('invitation_keys', 'invitation_keys.invitation_id', 'invitations.id')
        .innerJoin('invitation_children', 'invitation_children.invitation_id', 'invitations.id')
        .select(['invitation_children.child_id', 'invitation_keys.delivery']).where('invitations.guardian_id', '=', Number(c.made.childId)).execute();
      assert.deepEqual(invitation, [{ child_id: Number(c.made.childId), delivery: 'paper' }], 'an invitation of the pupil themself, a paper key');
    },
  },
  'POST /register_invite': {
    by: ['anonymous'],
    prepare: async (c) => {
      const { guardianId, childId } = await spareGuardian(c.t);
      const email = `ny-${c.n}@example.com`;
      return { guardianId, email, key: (await invitationWithKey(c, guardianId, childId, email)).key };
    },
    form: (c) => [['key', String(c.made.key)], ['username', `ny-${c.n}`], ['email', String(c.made.email)], ['email_confirm', String(c.made.email)],
      ['name', 'Ny Förälder'], ['password', 'blå cykel i regnet'], ['terms', 'yes']],
    answer: () => ({ to: '/' }),
    changes: ['accounts', 'invitations', 'invitation_keys'], mayChange: ['account_emails', 'notifications', 'mail_outbox', 'jobs'],
    check: async (c, agent) => {
      const account = await c.t.db.selectFrom('accounts').select(['id', 'username']).where('person_id', '=', Number(c.made.guardianId)).executeTakeFirst();
      assert.equal(account?.username, `ny-${c.n}`, 'an account for the guardian');
      const used = await c.t.db.selectFrom('invitations').select('used_by_account').where('guardian_id', '=', Number(c.made.guardianId)).execute();
      assert.deepEqual(used.map((i) => i.used_by_account), [account.id], 'the invitation used by it');
      assert.equal((await agent.get('/settings')).status, 200, 'signed in');
    },
  },
  'POST /register_invite/link': [{
    by: ['anonymous'], // Karim's key, with his username and password
    prepare: async (c) => {
      const karim = await accountOf(c.t, 'vardnadshavare3');
      return { karim: karim.id, ...(await invitationWithKey(c, karim.personId, await childOf(c, karim.personId), null)) };
    },
    form: (c) => [['key', String(c.made.key)], ['username', 'vardnadshavare3'], ['password', DEMO_PASSWORD]],
    answer: () => ({ to: '/' }),
    changes: ['invitations', 'invitation_keys'],
    check: async (c, agent) => {
      await assertUsedBy(c, Number(c.made.karim));
      assert.equal((await agent.get('/settings')).status, 200, 'signed in');
    },
  }, {
    by: GUARDIAN_LOGINS, // a signed-in guardian's own key
    prepare: async (c) => ({ ...(await invitationWithKey(c, c.account.personId, await childOf(c, c.account.personId), null)) }),
    form: (c) => [['key', String(c.made.key)]],
    answer: () => ({ to: '/' }),
    changes: ['invitations', 'invitation_keys'],
    check: (c) => assertUsedBy(c, c.account.id),
  }],
  'POST /settings/invitation': {
    by: GUARDIAN_LOGINS,
    prepare: async (c) => ({ ...(await invitationWithKey(c, c.account.personId, await childOf(c, c.account.personId), null)) }),
    form: (c) => [['key', String(c.made.key)]],
    answer: () => ({ to: '/' }),
    changes: ['invitations', 'invitation_keys'],
    check: (c) => assertUsedBy(c, c.account.id),
  },
  'POST /password/forgot': {
    by: ['anonymous'],
    prepare: async (c) => {
      const { id } = await spareAccount(c);
      const email = `glomt-${c.n}@example.com`;
      await c.t.db.updateTable('accounts').set({ email, email_key: email }).where('id', '=', id).execute();
      return { account: id, email };
    },
    form: (c) => [['name', `effekt-${c.n}`]],
    answer: () => ({ page: new RegExp(said('password.sent.title')) }),
    changes: ['password_reset_tokens', 'mail_outbox'], mayChange: ['jobs'],
    check: async (c) => {
      const tokens = await c.t.db.selectFrom('password_reset_tokens').select('id').where('account_id', '=', Number(c.made.account)).execute();
      assert.equal(tokens.length, 1, 'a link');
      assert.equal(await mailsTo(c, String(c.made.email)), 1, 'mailed');
    },
  },
  'POST /password/reset/:token': {
    by: ['anonymous', 'vardnadshavare'], // (anyone with the link: it is the mail that proves who it is)
    prepare: async (c) => {
      const { id } = await spareAccount(c);
      return { account: id, token: await createResetToken(c.t.db, id, c.t.clock.now()) };
    },
    form: (c) => [['password', `ny cykel i regnet ${c.n}`]],
    answer: () => ({ to: '/login' }),
    changes: ['accounts', 'password_reset_tokens'],
    check: async (c) => assert.ok(await verifyPassword(await passwordHashOf(c.t.db, Number(c.made.account)), `ny cykel i regnet ${c.n}`), 'the new password'),
  },
  'POST /login/sms': {
    by: ['anonymous'],
    prepare: (c) => smsLoginAccount(c),
    form: (c) => [['name', `effekt-${c.n}`]],
    answer: () => ({ to: '/login/sms/code' }),
    changes: ['sms_login_codes', 'sms_outbox'], mayChange: ['jobs'],
    check: async (c) => {
      const codes = await c.t.db.selectFrom('sms_login_codes').select('code_hash').where('account_id', '=', Number(c.made.account)).execute();
      assert.equal(codes.length, 1, 'a code');
      const sms = await c.t.db.selectFrom('sms_outbox').select('message').where('recipient', '=', String(c.made.mobile)).execute();
      assert.match(sms.map((m) => m.message).join(), /^Vardag: Din inloggningskod är \d{6}\./, 'texted');
    },
    restore: (c) => smsLoginOff(c),
  },
  'POST /login/sms/code': {
    by: ['anonymous'],
    prepare: (c) => smsLoginAccount(c),
    // (asks for the code first, in the same browser, then types in the code the SMS brought)
    send: async (c, agent, target) => {
      await postForm(agent, '/login/sms', '/login/sms', { name: `effekt-${c.n}` });
      const sms = await c.t.db.selectFrom('sms_outbox').select('message').where('recipient', '=', String(c.made.mobile)).executeTakeFirstOrThrow();
      return postForm(agent, '/login/sms/code', target, { code: sms.message.match(/\d{6}/)?.[0] ?? '' });
    },
    form: () => [],
    answer: () => ({ to: '/' }),
    changes: ['accounts', 'sms_login_codes', 'sms_outbox'], mayChange: ['jobs'],
    check: async (c, agent) => {
      assert.equal((await agent.get('/settings')).status, 200, 'signed in');
      const codes = await c.t.db.selectFrom('sms_login_codes').select('used_at').where('account_id', '=', Number(c.made.account)).execute();
      assert.ok(codes.length === 1 && codes[0].used_at, 'the code used');
    },
    restore: (c) => smsLoginOff(c),
  },
  'POST /email/verify/:token': {
    by: ['anonymous', 'vardnadshavare'],
    prepare: async (c) => {
      const { id } = await spareAccount(c);
      const email = `verifiera-${c.n}@example.com`;
      const added = await addEmail(c.t.db, { id, email: null }, email, c.t.clock.now());
      if (!added.ok) throw new Error(added.error);
      return { account: id, email, token: added.token };
    },
    form: () => [],
    answer: (c) => ({ page: new RegExp(String(c.made.email)) }),
    changes: ['account_emails'],
    check: async (c) => assert.deepEqual((await extraEmails(c.t.db, Number(c.made.account))).map((e) => [e.email, e.verified]), [[c.made.email, true]]),
  },
  'POST /settings/username': {
    by: EVERY_KIND,
    form: (c) => [['username', `${c.actor}-nytt`]],
    answer: () => ({ to: '/settings#username-section' }),
    changes: ['accounts'],
    check: async (c) => assert.equal((await ownAccount(c.t.db, c.account.id))?.username, `${c.actor}-nytt`),
    restore: async (c) => assert.ok(await changeUsername(c.t.db, c.account.id, c.actor)),
  },
  'POST /settings/password': {
    by: EVERY_KIND,
    prepare: async (c) => ({ hash: await passwordHashOf(c.t.db, c.account.id) }),
    form: (c) => [['current_password', DEMO_PASSWORD], ['new_password', `ny cykel i regnet ${c.n}`]],
    answer: () => ({ to: '/settings#password-section' }),
    changes: ['accounts'], mayChange: ['trusted_devices'], // (a browser with a PIN the probes left: a new password forgets it)
    check: async (c) => assert.ok(await verifyPassword(await passwordHashOf(c.t.db, c.account.id), `ny cykel i regnet ${c.n}`), 'the new password'),
    restore: async (c) => { await c.t.db.updateTable('accounts').set({ password_hash: String(c.made.hash) }).where('id', '=', c.account.id).execute(); },
  },
  'POST /settings/emails': {
    by: EVERY_KIND,
    form: (c) => [['email', `${c.actor}-effekt@example.com`]],
    answer: () => ({ to: '/settings#email-section' }),
    changes: ['account_emails', 'mail_outbox'], mayChange: ['jobs'],
    check: async (c) => {
      const emails = await extraEmails(c.t.db, c.account.id);
      assert.deepEqual(emails.filter((e) => e.email === `${c.actor}-effekt@example.com`).map((e) => e.verified), [false], 'an address to verify');
      assert.equal(await mailsTo(c, `${c.actor}-effekt@example.com`), 1, 'the link mailed');
    },
  },
  'POST /settings/emails/:emailId/remove': {
    by: EVERY_KIND,
    prepare: async (c) => ({ emailId: await verifiedAddress(c, `bort-${c.n}@example.com`) }),
    form: () => [],
    answer: () => ({ to: '/settings#email-section' }),
    changes: ['account_emails'],
    check: async (c) => assert.deepEqual((await extraEmails(c.t.db, c.account.id)).filter((e) => e.id === Number(c.made.emailId)), []),
  },
  'POST /settings/emails/:emailId/make-login': {
    by: EVERY_KIND,
    prepare: async (c) => ({ emailId: await verifiedAddress(c, `login-${c.n}@example.com`), email: (await ownAccount(c.t.db, c.account.id))?.email ?? '' }),
    form: () => [],
    answer: () => ({ to: '/settings#email-section' }),
    changes: ['accounts', 'account_emails'],
    check: async (c) => assert.equal((await ownAccount(c.t.db, c.account.id))?.email, `login-${c.n}@example.com`),
    restore: async (c) => {
      const email = String(c.made.email) || null;
      await c.t.db.updateTable('accounts').set({ email, email_key: email && loginKey(email) }).where('id', '=', c.account.id).execute();
      await c.t.db.deleteFrom('account_emails').where('id', '=', Number(c.made.emailId)).execute();
    },
  },
  // a mobile number: a code by SMS first; the number becomes the account's when the code comes back
  'POST /settings/mobile': {
    by: EVERY_KIND,
    form: (c) => [['mobile', mobileOf(c)]],
    answer: () => ({ to: '/settings#mobile-section' }),
    changes: ['account_mobile_verifications', 'sms_outbox'], mayChange: ['jobs'],
    check: async (c) => {
      assert.deepEqual(await pendingMobile(c.t.db, c.account.id, c.t.clock.now()), { mobile: e164(c), codeSent: true, expired: false, attempts: 0 });
      assert.equal(await smsTo(c, e164(c)), 1, 'the code sent');
    },
  },
  'POST /settings/mobile/resend': {
    by: EVERY_KIND,
    prepare: async (c) => ({ hash: await pendingCode(c, '000000') }),
    form: () => [],
    answer: () => ({ to: '/settings#mobile-section' }),
    changes: ['account_mobile_verifications', 'sms_outbox'], mayChange: ['jobs'],
    check: async (c) => {
      const row = await c.t.db.selectFrom('account_mobile_verifications').select('code_hash').where('account_id', '=', c.account.id).executeTakeFirst();
      assert.notEqual(row?.code_hash, c.made.hash, 'a new code');
      assert.equal(await smsTo(c, e164(c)), 1, 'sent');
    },
  },
  'POST /settings/mobile/verify': {
    by: EVERY_KIND,
    prepare: async (c) => ({ hash: await pendingCode(c, '424242') }),
    form: () => [['code', '424242']],
    answer: () => ({ to: '/settings#mobile-section' }),
    changes: ['accounts', 'account_mobile_verifications'],
    check: async (c) => {
      assert.equal((await ownAccount(c.t.db, c.account.id))?.mobile, e164(c), 'now the account number');
      assert.equal(await pendingMobile(c.t.db, c.account.id, c.t.clock.now()), undefined, 'none waiting');
    },
  },
  'POST /settings/mobile/cancel': {
    by: EVERY_KIND,
    prepare: async (c) => ({ hash: await pendingCode(c, '000000') }),
    form: () => [],
    answer: () => ({ to: '/settings#mobile-section' }),
    changes: ['account_mobile_verifications'],
    check: async (c) => assert.equal(await pendingMobile(c.t.db, c.account.id, c.t.clock.now()), undefined, 'none waiting'),
  },
  'POST /settings/notifications': {
    by: EVERY_KIND,
    // the section about everything (a guardian's children's sections are posted as shown)
    form: () => [],
    send: async (c, agent, target) => {
      const page = await agent.get('/settings/notifications');
      // every child's section as shown, then the probe's choices on top
      const shown = [...page.text.matchAll(/<option value="(now|summary|off)" selected>/g)].length;
      assert.ok(shown >= NOTIFICATION_TOPICS.length, 'the page shows a choice per topic');
      const fields: [string, string][] = [['_csrf', csrfFrom(page.text)]];
      for (const m of page.text.matchAll(/<select id="([^"]+)" name="[^"]+">\s*(?:<option[^>]*>[^<]*<\/option>\s*)*/g)) {
        const selected = m[0].match(/<option value="([a-z]+)" selected>/)?.[1];
        if (selected) fields.push([m[1], selected]);
      }
      const mine = NOTIFICATION_TOPICS.flatMap((topic, i): [string, string][] => [
        [choiceField(0, topic, 'timing'), i === c.n % NOTIFICATION_TOPICS.length ? 'off' : 'summary'], [choiceField(0, topic, 'email'), '1']]);
      const names = new Set(mine.map(([name]) => name));
      return agent.post(target).type('form').send(new URLSearchParams([...fields.filter(([name]) => !names.has(name)), ...mine]).toString());
    },
    answer: () => ({ to: '/settings/notifications' }),
    changes: ['notification_choices'],
    check: async (c) => {
      const stored = (await choicesOf(c.t.db, [c.account.id])).get(c.account.id) ?? [];
      for (const [i, topic] of NOTIFICATION_TOPICS.entries()) {
        const choice = stored.find((s) => s.topic === topic && s.childId === 0);
        assert.equal(choice?.timing, i === c.n % NOTIFICATION_TOPICS.length ? 'off' : 'summary', topic);
        assert.equal(choice?.email, true);
        assert.equal(choice?.push, false, 'not ticked');
      }
    },
  },
  'POST /settings/sessions/end': {
    by: EVERY_KIND,
    prepare: (c) => secondSession(c),
    form: (c) => [['session', String(c.made.handle)]],
    answer: () => ({ to: '/settings#sessions-section' }),
    changes: [],
    check: async (c, agent) => {
      assert.ok(!(await sessionsOfAccount(c, c.account.id)).includes(String(c.made.sid)), 'the other session ended');
      assert.equal((await agent.get('/settings')).status, 200, 'this one goes on');
    },
  },
  'POST /settings/sessions/end-others': {
    by: EVERY_KIND,
    prepare: (c) => secondSession(c),
    form: () => [],
    answer: () => ({ to: '/settings#sessions-section' }),
    changes: [],
    check: async (c, agent) => {
      assert.ok(!(await sessionsOfAccount(c, c.account.id)).includes(String(c.made.sid)), 'the other session ended');
      assert.equal((await agent.get('/settings')).status, 200, 'this one goes on');
    },
  },
  'POST /settings/close': {
    by: EVERY_KIND,
    form: () => [['confirm_close', 'yes']],
    answer: () => ({ to: '/settings#close-section' }),
    changes: ['account_closure_requests'], mayChange: ['notifications'], // (the heads or admins who handle it are told)
    check: async (c) => assert.notEqual(await openClosureRequest(c.t.db, c.account.id), undefined, 'an open request'),
    restore: async (c) => { await withdrawClosure(c.t.db, c.account.id, c.t.clock.now()); },
  },
  'POST /settings/close/withdraw': {
    by: EVERY_KIND,
    prepare: async (c) => ({ request: (await requestClosure(c.t.db, c.account.id, c.t.clock.now())).id }),
    form: () => [],
    answer: () => ({ to: '/settings#close-section' }),
    changes: ['account_closure_requests'],
    check: async (c) => assert.equal(await openClosureRequest(c.t.db, c.account.id), undefined, 'no open request'),
  },
  'POST /settings/devices': {
    by: EVERY_KIND,
    form: (c) => [['endpoint', `https://fcm.googleapis.com/fcm/send/${c.actor}-${c.n}`], ...pushKeysForm()],
    answer: () => ({ to: '/settings/devices' }),
    // (the installation's key pair is made at the first need; past ten devices the oldest goes, with its pushes)
    changes: ['push_subscriptions'], mayChange: ['push_keys', 'push_outbox'],
    check: async (c) => assert.ok((await devicesOf(c.t.db, c.account.id)).length > 0, 'the device is listed'),
  },
  'POST /settings/devices/:pushSubscriptionId/remove': {
    by: EVERY_KIND,
    prepare: async (c) => ({ pushSubscriptionId: await probeSubscription(c.t, c.account.id, `remove-${c.n}`) }),
    form: () => [],
    answer: () => ({ to: '/settings/devices' }),
    changes: ['push_subscriptions'],
    check: async (c) => assert.equal((await devicesOf(c.t.db, c.account.id)).some((d) => d.id === Number(c.made.pushSubscriptionId)), false),
  },
  'POST /settings/pin': {
    by: ['vardnadshavare'], // (a guardian without staff roles: the others are refused, see MATRIX)
    form: () => [['pin', '2580'], ['repeat', '2580']],
    answer: () => ({ to: '/settings/pin' }),
    changes: ['trusted_devices'],
    check: async (c) => assert.ok((await trustedDevicesOf(c.t.db, c.account.id)).length > 0, 'a browser with a PIN'),
    // (a later case, the guardian's new password, would forget it: a change of its own)
    restore: async (c) => forgetTrustedDevices(c.t.db, c.account.id),
  },
  'POST /settings/pin/:trustedDeviceId/remove': {
    by: ['vardnadshavare'],
    prepare: async (c) => ({ trustedDeviceId: await probeTrustedDevice(c.t, c.account.id) }),
    form: () => [],
    answer: () => ({ to: '/settings/pin' }),
    changes: ['trusted_devices'],
    check: async (c) => assert.equal((await trustedDevicesOf(c.t.db, c.account.id)).some((d) => d.id === Number(c.made.trustedDeviceId)), false),
  },
  'POST /login/pin': {
    by: ['anonymous'],
    // (a spare guardian's browser with the PIN 2580: its cookie goes with the login page and the post)
    prepare: async (c) => {
      const { id } = await spareAccount(c);
      const { token, hash } = newToken();
      const pinHash = await hashPassword(pinSecret(token, '2580'), CHEAP_HASHING);
      await trustDevice(c.t.db, { accountId: id, tokenHash: hash, pinHash, label: deviceLabel(undefined) }, undefined, c.t.clock.now());
      return { account: id, token };
    },
    send: async (c, agent, target) => {
      const cookie = `vardag.device=${c.made.token}`;
      const page = await agent.get('/login').set('Cookie', cookie);
      return agent.post(target).set('Cookie', cookie).type('form').send({ _csrf: csrfFrom(page.text), pin: '2580', next: '/' });
    },
    form: () => [],
    answer: () => ({ to: '/' }),
    changes: ['trusted_devices'], mayChange: ['accounts', 'login_limits'], // (its last use; the time of the last login; the address's count, taken back)
    check: async (c, agent) => {
      assert.equal((await agent.get('/settings')).status, 200, 'signed in');
      assert.equal((await findSignedInAccount(c.t.db, Number(c.made.account)))?.id, Number(c.made.account));
    },
  },
  'POST /settings/passkeys/options': {
    by: EVERY_KIND,
    form: () => [],
    answer: () => ({ page: /"challenge":"[\w-]{20,}"/ }),
    changes: [], // (the challenge is kept in the session)
    check: async () => {},
  },
  'POST /settings/passkeys': {
    by: EVERY_KIND,
    form: () => [],
    send: async (c, agent, target) => {
      const token = csrfFrom((await agent.get('/settings/passkeys')).text);
      const options = await agent.post('/settings/passkeys/options').set('x-csrf-token', token).set('accept', 'application/json').type('form').send({});
      const answer = new SoftAuthenticator(new URL(c.t.config.publicUrl).origin).create(options.body as { challenge: string });
      return agent.post(target).type('form').send({ _csrf: token, name: `Matris ${c.n}`, response: JSON.stringify(answer) });
    },
    answer: () => ({ to: '/settings/passkeys' }),
    changes: ['passkeys'],
    check: async (c) => assert.ok((await passkeysOf(c.t.db, c.account.id)).some((p) => p.name === `Matris ${c.n}`), 'the passkey is listed'),
  },
  'POST /settings/passkeys/:passkeyId/remove': {
    by: EVERY_KIND,
    prepare: async (c) => ({ passkeyId: await probePasskey(c.t, c.account.id) }),
    form: () => [],
    answer: () => ({ to: '/settings/passkeys' }),
    changes: ['passkeys'],
    check: async (c) => assert.equal((await passkeysOf(c.t.db, c.account.id)).some((p) => p.id === Number(c.made.passkeyId)), false),
  },
  'POST /login/passkey/options': {
    by: ['anonymous'],
    form: () => [],
    answer: () => ({ page: /"challenge":"[\w-]{20,}"/ }),
    changes: [], // (the challenge is kept in the visitor's new session)
    check: async () => {},
  },
  'POST /login/passkey': {
    by: ['anonymous'], // (a passkey of pedagog's, answered by its software authenticator)
    prepare: async (c) => ({ passkeyId: await probePasskey(c.t, (await accountOf(c.t, 'pedagog')).id, c.n) }),
    form: () => [],
    send: async (c, agent, target) => {
      const token = csrfFrom((await agent.get('/login')).text);
      const options = await agent.post('/login/passkey/options').set('x-csrf-token', token).set('accept', 'application/json').type('form').send({});
      const answer = probeAuthenticators.get(c.n)?.get(options.body as { challenge: string });
      return agent.post(target).type('form').send({ _csrf: token, response: JSON.stringify(answer), next: '/settings' });
    },
    answer: () => ({ to: '/settings' }),
    changes: ['passkeys'], mayChange: ['accounts', 'login_limits'], // (when it was used; the time of the last login)
    check: async (_c, agent) => assert.equal((await agent.get('/settings')).status, 200, 'signed in'),
  },
  'POST /settings/devices/test': {
    by: EVERY_KIND,
    prepare: async (c) => ({ pushSubscriptionId: await probeSubscription(c.t, c.account.id, `test-${c.n}`) }),
    form: () => [],
    answer: () => ({ to: '/settings/devices' }),
    changes: ['push_outbox', 'jobs'],
    check: async (c) => {
      const queued = await c.t.db.selectFrom('push_outbox').select('id').where('subscription_id', '=', Number(c.made.pushSubscriptionId)).execute();
      assert.equal(queued.length, 1, 'a test push for the device');
    },
  },
  'POST /admin/children': {
    ...ADD_CHILD,
    by: ['admin', 'grannadmin'], // each in a group of their own municipality
    prepare: async (c) => ({ group: c.actor === 'grannadmin' ? await groupId(c.t.db, 'Ekollon') : c.own.groupId }),
  },
  'POST /units/:unitId/children': { ...ADD_CHILD, by: HEADS_OF_ELSA, prepare: async (c) => ({ group: c.own.groupId }) },
  'POST /children/:registeredChildId/placements': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => {
      const lingon = await groupId(c.t.db, 'Lingon');
      return { registeredChildId: (await placedChild(c.t, lingon)).childId, lingon };
    },
    form: (c) => [['group', String(c.own.groupId)], ['start_date', '2027-01-01']],
    answer: (c) => ({ to: `/admin/children/${c.made.registeredChildId}` }),
    changes: ['placements', 'register_changes'],
    check: async (c) => assert.deepEqual(await placementsOfChild(c),
      [[Number(c.made.lingon), '2026-01-01', '2026-12-31'], [c.own.groupId, '2027-01-01', null]]),
  },
  'POST /children/:registeredChildId/guardians': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => ({ registeredChildId: (await placedChild(c.t, c.own.groupId)).childId, number: identityNumber('1984-02-03', 500 + c.n) }),
    form: (c) => [['guardian_identity_number', String(c.made.number)], ['guardian_first_name', 'Vera'], ['guardian_last_name', `Vårdnad${c.n}`]],
    answer: (c) => ({ to: `/admin/children/${c.made.registeredChildId}` }),
    changes: ['persons', 'guardianships', 'register_changes'],
    check: async (c) => {
      const guardian = await c.t.db.selectFrom('persons').select('id').where('identity_number', '=', String(c.made.number)).executeTakeFirstOrThrow();
      const linked = await c.t.db.selectFrom('guardianships').select('child_id').where('guardian_id', '=', guardian.id).execute();
      assert.deepEqual(linked, [{ child_id: Number(c.made.registeredChildId) }]);
    },
  },
  'POST /children/:registeredChildId/guardians/:guardianId': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => {
      const { childId, guardianId } = await placedChild(c.t, c.own.groupId);
      return { registeredChildId: childId, guardianId };
    },
    form: (c) => [['email', `vardnad-${c.n}@example.com`], ['phone', '070-123 45 67']],
    answer: (c) => ({ to: `/admin/children/${c.made.registeredChildId}` }),
    changes: ['persons', 'register_changes'],
    check: async (c) => assert.deepEqual(await c.t.db.selectFrom('persons').select(['email', 'phone']).where('id', '=', Number(c.made.guardianId)).executeTakeFirst(),
      { email: `vardnad-${c.n}@example.com`, phone: '070-123 45 67' }),
  },
  'POST /children/:registeredChildId/guardians/:guardianId/end': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => {
      const { childId, guardianId } = await placedChild(c.t, c.own.groupId);
      return { registeredChildId: childId, guardianId };
    },
    form: () => [['reason', 'custody-changed'], ['confirm_last', 'yes']], // (the probe child's only guardian)
    answer: (c) => ({ to: `/admin/children/${c.made.registeredChildId}` }),
    changes: ['guardianships', 'register_changes'],
    check: async (c) => assert.deepEqual(await c.t.db.selectFrom('guardianships').select('id').where('child_id', '=', Number(c.made.registeredChildId)).execute(), []),
  },
  'POST /admin/children/:registeredChildId/edit': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => ({ registeredChildId: (await placedChild(c.t, c.own.groupId)).childId }),
    form: (c) => [['first_name', 'Rättad'], ['last_name', `Provbarn${c.n}`], ['identity_number', identityNumber('2022-02-02', 600 + c.n)]],
    answer: (c) => ({ to: `/admin/children/${c.made.registeredChildId}` }),
    changes: ['persons', 'register_changes'],
    check: async (c) => {
      const child = await c.t.db.selectFrom('persons').select(['first_name', 'identity_number', 'birth_date']).where('id', '=', Number(c.made.registeredChildId)).executeTakeFirstOrThrow();
      assert.deepEqual(child, { first_name: 'Rättad', identity_number: identityNumber('2022-02-02', 600 + c.n), birth_date: '2022-02-02' });
    },
  },
  'POST /placements/:placementId/end': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => {
      const { childId, placementId } = await placedChild(c.t, c.own.groupId);
      return { registeredChildId: childId, placementId };
    },
    form: () => [['end_date', '2026-12-20']],
    answer: (c) => ({ to: `/admin/children/${c.made.registeredChildId}` }),
    changes: ['placements', 'register_changes'],
    check: async (c) => assert.deepEqual(await placementsOfChild(c), [[c.own.groupId, '2026-01-01', '2026-12-20']]),
  },
  'POST /placements/:placementId/move': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => {
      const lingon = await groupId(c.t.db, 'Lingon');
      const { childId, placementId } = await placedChild(c.t, lingon);
      return { registeredChildId: childId, placementId, lingon };
    },
    form: (c) => [['group', String(c.own.groupId)], ['move_date', '2026-12-01']],
    answer: (c) => ({ to: `/admin/children/${c.made.registeredChildId}` }),
    changes: ['placements', 'register_changes'],
    check: async (c) => assert.deepEqual(await placementsOfChild(c),
      [[Number(c.made.lingon), '2026-01-01', '2026-11-30'], [c.own.groupId, '2026-12-01', '2026-12-31']]),
  },
  'POST /admin/staff': {
    by: ['admin'],
    form: (c) => newStaffForm(c, c.own.unitId),
    answer: () => ({ to: /^\/admin\/staff\/\d+$/ }),
    changes: ['persons', 'staff_assignments', 'register_changes', 'invitations', 'invitation_keys', 'mail_outbox'], mayChange: ['jobs'],
    check: (c) => addedStaff(c, c.own.unitId),
  },
  'POST /units/:unitId/staff': {
    by: HEADS_OF_ELSA,
    form: (c) => newStaffForm(c, c.own.unitId),
    answer: () => ({ to: /^\/admin\/staff\/\d+$/ }),
    changes: ['persons', 'staff_assignments', 'register_changes', 'invitations', 'invitation_keys', 'mail_outbox'], mayChange: ['jobs'],
    check: (c) => addedStaff(c, c.own.unitId),
  },
  'POST /admin/staff/:staffMemberId/assignments': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => ({ staffMemberId: (await freshStaff(c.t, c.own)).personId }),
    form: (c) => [['unit', String(c.own.unitId)], ['group', ''], ['role', 'unit_head'], ['startDate', '2026-12-01'], ['endDate', '2026-12-20']],
    answer: (c) => ({ to: `/admin/staff/${c.made.staffMemberId}` }),
    changes: ['staff_assignments', 'register_changes'],
    check: async (c) => assert.deepEqual((await staffRows(c, Number(c.made.staffMemberId)))[1],
      { unit_id: c.own.unitId, group_id: null, role: 'unit_head', start_date: '2026-12-01', end_date: '2026-12-20' }),
  },
  'POST /admin/staff/:staffMemberId/invitation': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => ({ staffMemberId: (await freshStaff(c.t, c.own)).personId }),
    form: () => [],
    answer: (c) => ({ to: `/admin/staff/${c.made.staffMemberId}` }),
    changes: ['invitations', 'invitation_keys', 'mail_outbox'], mayChange: ['jobs'],
    check: async (c) => {
      const person = await c.t.db.selectFrom('persons').select('email').where('id', '=', Number(c.made.staffMemberId)).executeTakeFirstOrThrow();
      assert.equal(await mailsTo(c, person.email ?? ''), 1);
    },
  },
  'POST /admin/staff/assignments/:staffAssignmentId/end': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => {
      const made = await freshStaff(c.t, c.own);
      return { staffMemberId: made.personId, staffAssignmentId: made.assignmentId };
    },
    form: () => [['lastDay', '2026-12-31']],
    answer: (c) => ({ to: `/admin/staff/${c.made.staffMemberId}` }),
    changes: ['staff_assignments', 'register_changes'],
    check: async (c) => {
      assert.equal((await staffRows(c, Number(c.made.staffMemberId)))[0].end_date, '2026-12-31');
      assert.deepEqual((await staffChanges(c, 'staff_assignment', Number(c.made.staffAssignmentId))).map((r) => [r.change, r.new_value, r.changed_by]),
        [['ended', '2026-12-31', c.account.personId]]);
    },
  },
  'POST /admin/staff/:staffDetailsId/edit': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => ({ staffDetailsId: (await freshStaff(c.t, c.own)).personId }),
    form: (c) => [['firstName', 'Ändrad'], ['lastName', `Personal${c.n}`], ['email', `andrad-personal-${c.n}@example.com`], ['phone', '070-123 45 67']],
    answer: (c) => ({ to: `/admin/staff/${c.made.staffDetailsId}` }),
    changes: ['persons', 'register_changes'],
    check: async (c) => {
      const person = await c.t.db.selectFrom('persons').select(['first_name', 'last_name', 'email', 'phone']).where('id', '=', Number(c.made.staffDetailsId))
        .executeTakeFirstOrThrow();
      assert.deepEqual(person, { first_name: 'Ändrad', last_name: `Personal${c.n}`, email: `andrad-personal-${c.n}@example.com`, phone: '070-123 45 67' });
      assert.deepEqual((await staffChanges(c, 'person', Number(c.made.staffDetailsId))).map((r) => [r.field, r.changed_by]),
        [['first_name', c.account.personId], ['last_name', c.account.personId], ['email', c.account.personId], ['phone', c.account.personId]]);
    },
  },
  'POST /admin/staff/:staffMemberId/identity': {
    by: ['admin'],
    prepare: async (c) => ({ staffMemberId: (await freshStaff(c.t, c.own)).personId }),
    form: (c) => [['identity', identityNumber('1979-04-04', 700 + c.n)]],
    answer: (c) => ({ to: `/admin/staff/${c.made.staffMemberId}` }),
    changes: ['persons', 'register_changes'],
    check: async (c) => {
      const person = await c.t.db.selectFrom('persons').select('identity_number').where('id', '=', Number(c.made.staffMemberId)).executeTakeFirstOrThrow();
      assert.equal(person.identity_number, identityNumber('1979-04-04', 700 + c.n));
      assert.deepEqual((await staffChanges(c, 'person', Number(c.made.staffMemberId))).map((r) => [r.field, r.new_value, r.changed_by]),
        [['identity_number', null, c.account.personId]]);
    },
  },
  'POST /closure-requests/:closureRequestId/close': {
    by: HEADS_OF_ELSA,
    prepare: async (c) => {
      const { id } = await spareAccount(c);
      return { holder: id, closureRequestId: (await requestClosure(c.t.db, id, c.t.clock.now())).id };
    },
    form: (c) => [['next', `/units/${c.own.unitId}/closure-requests`]],
    answer: (c) => ({ to: `/units/${c.own.unitId}/closure-requests` }),
    changes: ['accounts', 'account_closure_requests'], mayChange: ['notifications', 'mail_outbox', 'jobs'],
    check: async (c) => {
      assert.equal(await findSignedInAccount(c.t.db, Number(c.made.holder)), undefined, 'the account is closed');
      assert.equal(await openClosureRequest(c.t.db, Number(c.made.holder)), undefined, 'the request handled');
    },
  },
  // families (issue 26): a guardian's own days of Elsa (each a Monday of its own in 2031 on), ended from a day on; a conflict
  // settled, the day as it stands kept
  'POST /children/:childId/schedule/homes': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    prepare: async (c) => ({ from: addDays('2031-01-06', 7 * c.n) }),
    form: (c) => [['kind', 'weekdays'], ...homesWeekdays(c.actor).map((d): [string, string] => ['weekdays', d]), ['from', String(c.made.from)]],
    answer: (c) => ({ to: `/children/${c.own.childId}/schedule/homes` }),
    changes: ['care_home_patterns', 'care_history'],
    check: async (c) => {
      const saved = await c.t.db.selectFrom('care_home_patterns').select(['kind', 'weekdays', 'valid_to', 'created_by']).where('child_id', '=', c.own.childId)
        .where('guardian_id', '=', c.account.personId).where('valid_from', '=', String(c.made.from)).execute();
      assert.deepEqual(saved, [{ kind: 'weekdays', weekdays: homesWeekdays(c.actor).join(','), valid_to: null, created_by: c.account.personId }]);
    },
  },
  'POST /children/:childId/schedule/homes/end': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    prepare: async (c) => ({ pattern: await homesOf(c.t, c.own.childId, c.actor) }),
    form: () => [['end_from', HOMES_END]],
    answer: (c) => ({ to: `/children/${c.own.childId}/schedule/homes` }),
    changes: ['care_home_patterns'], mayChange: ['care_history'],
    check: async (c) => {
      const mine = await c.t.db.selectFrom('care_home_patterns').select(['id', 'valid_from', 'valid_to']).where('child_id', '=', c.own.childId)
        .where('guardian_id', '=', c.account.personId).execute();
      assert.deepEqual(mine.filter((p) => p.valid_from <= HOMES_END && (p.valid_to === null || p.valid_to >= HOMES_END)), [], 'no day of mine from the end on');
      assert.equal(mine.find((p) => p.id === Number(c.made.pattern))?.valid_to, addDays(HOMES_END, -1), 'the last day: the day before');
    },
  },
  'POST /children/:childId/schedule/conflicts': {
    by: REPORTERS_OF_ELSA,
    prepare: async (c) => ({ conflict: await freshConflict(c.t, c.own.childId) }),
    // (mine: the day as it stands for anyone but Johan, whose registration waits; Johan's "theirs" is the same)
    form: (c) => [['date', CONFLICT_DAY], ['choice', c.actor === 'vardnadshavare2' ? 'theirs' : 'mine']],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.childId}/schedule\\?week=2030-W10#clashes$`) }),
    changes: ['care_time_conflicts', 'care_history'], mayChange: ['notifications'],
    check: async (c) => {
      const row = await c.t.db.selectFrom('care_time_conflicts').select(['settled_at', 'settled_by']).where('id', '=', Number(c.made.conflict)).executeTakeFirstOrThrow();
      assert.equal(row.settled_by, c.account.personId);
      assert.ok(row.settled_at);
      assert.equal((await careTimesOf(c.t.db, c.own.childId, CONFLICT_DAY, CONFLICT_DAY)).get(CONFLICT_DAY)?.starts, undefined, 'the waiting times were not kept');
    },
  },
  // a same-day note: "Vi blir sena (ca N min)" for today, by either home; taken back or put away, by who may
  'POST /children/:childId/day-notes': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    form: (c) => [['kind', 'late'], ['minutes', String(5 + (c.n % 200))]],
    answer: (c) => ({ to: `/children/${c.own.childId}/day-notes` }),
    changes: ['day_notes'], mayChange: ['notifications'],
    check: async (c) => {
      const notes = await c.t.db.selectFrom('day_notes').select(['date', 'kind', 'minutes', 'written_by', 'cancelled_at']).where('child_id', '=', c.own.childId)
        .where('minutes', '=', 5 + (c.n % 200)).where('written_by', '=', c.account.personId).execute();
      assert.deepEqual(notes, [{ date: today(c.t.clock), kind: 'late', minutes: 5 + (c.n % 200), written_by: c.account.personId, cancelled_at: null }]);
    },
  },
  'POST /day-notes/:dayNoteId/cancel': {
    by: ['vardnadshavare', 'vardnadshavare2', 'pedagog', 'rektor'],
    prepare: async (c) => ({ dayNoteId: await freshDayNote(c.t, c.own.childId) }),
    form: () => [],
    answer: (c) => ({ to: `/children/${c.own.childId}/day-notes` }),
    changes: ['day_notes'],
    check: async (c) => {
      const note = await c.t.db.selectFrom('day_notes').select(['cancelled_at', 'cancelled_by']).where('id', '=', Number(c.made.dayNoteId)).executeTakeFirstOrThrow();
      assert.equal(note.cancelled_by, c.account.personId);
      assert.ok(note.cancelled_at);
    },
  },
  // the pickup list: a person added, changed and removed by either home (version-checked), each change in the history
  'POST /children/:childId/pickup': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    form: (c) => [['kind', c.n % 2 ? 'emergency' : 'pickup'], ['name', `Morfar Effekt ${c.n}`], ['relation', 'Morfar'], ['phone', '070-222 33 44']],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.childId}/pickup(\\?|#|$)`) }),
    changes: ['pickup_persons'], mayChange: ['care_history'],
    check: async (c) => {
      const added = await c.t.db.selectFrom('pickup_persons').select(['child_id', 'kind', 'relation', 'phone', 'created_by', 'removed_at'])
        .where('name', '=', `Morfar Effekt ${c.n}`).execute();
      assert.deepEqual(added, [{ child_id: c.own.childId, kind: c.n % 2 ? 'emergency' : 'pickup', relation: 'Morfar', phone: '+46702223344',
        created_by: c.account.personId, removed_at: null }]);
    },
  },
  'POST /pickup-persons/:pickupPersonId': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    prepare: async (c) => ({ pickupPersonId: await freshPickupPerson(c.t, c.own.childId) }),
    form: (c) => [['name', `Mormor Ändrad ${c.n}`], ['relation', 'Mormor'], ['phone', '070-999 88 77'], ['version', '1']],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.childId}/pickup(\\?|#|$)`) }),
    changes: ['pickup_persons'], mayChange: ['care_history'],
    check: async (c) => {
      const row = await pickupPersonRow(c.t, Number(c.made.pickupPersonId));
      assert.deepEqual([row.name, row.phone, row.version, row.updated_by, row.removed_at], [`Mormor Ändrad ${c.n}`, '+46709998877', 2, c.account.personId, null]);
    },
  },
  'POST /pickup-persons/:pickupPersonId/remove': {
    by: ['vardnadshavare', 'vardnadshavare2'],
    prepare: async (c) => ({ pickupPersonId: await freshPickupPerson(c.t, c.own.childId, 'emergency') }),
    form: () => [['version', '1']],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.childId}/pickup(\\?|#|$)`) }),
    changes: ['pickup_persons'], mayChange: ['care_history'],
    check: async (c) => {
      const row = await pickupPersonRow(c.t, Number(c.made.pickupPersonId));
      assert.ok(row.removed_at, 'removed (the row kept)');
      assert.equal(row.child_id, c.own.childId);
    },
  },
  // walking home alone from fritids: Emma's yes for Oskar (the permission taken away first, so that each case gives it)
  'POST /children/:childId/walk-home': {
    by: ['vardnadshavare'],
    prepare: async (c) => {
      await c.t.db.deleteFrom('walk_home_permissions').where('child_id', '=', c.own.oskarId).execute();
      return { childId: c.own.oskarId };
    },
    form: () => [['allowed', 'yes']],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.oskarId}/pickup(\\?|#|$)`) }),
    changes: ['walk_home_permissions'], mayChange: ['care_history'],
    check: async (c) => {
      const row = await c.t.db.selectFrom('walk_home_permissions').select('allowed_by').where('child_id', '=', c.own.oskarId).execute();
      assert.deepEqual(row, [{ allowed_by: c.account.personId }]);
    },
  },
  // who may not pick up: recorded by Solrosen's head in Solrosen, ended by them
  'POST /children/:childId/pickup-bans': {
    by: ['rektor'],
    form: (c) => [['name', `Okänd Effekt ${c.n}`], ['reason', 'Beslut av tingsrätten']],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.childId}/pickup-bans(\\?|#|$)`) }),
    changes: ['pickup_bans'], mayChange: ['care_history'],
    check: async (c) => {
      const bans = await c.t.db.selectFrom('pickup_bans').select(['child_id', 'unit_id', 'reason', 'recorded_by', 'ended_at']).where('name', '=', `Okänd Effekt ${c.n}`).execute();
      assert.deepEqual(bans, [{ child_id: c.own.childId, unit_id: c.own.unitId, reason: 'Beslut av tingsrätten', recorded_by: c.account.personId, ended_at: null }]);
    },
  },
  'POST /pickup-bans/:pickupBanId/end': {
    by: ['rektor'],
    prepare: async (c) => ({ pickupBanId: await freshPickupBan(c.t, c.own.childId, c.own.unitId) }),
    form: () => [],
    answer: (c) => ({ to: new RegExp(`^/children/${c.own.childId}/pickup-bans(\\?|#|$)`) }),
    changes: ['pickup_bans'], mayChange: ['care_history'],
    check: async (c) => {
      const ban = await c.t.db.selectFrom('pickup_bans').select(['ended_at', 'ended_by']).where('id', '=', Number(c.made.pickupBanId)).executeTakeFirstOrThrow();
      assert.equal(ban.ended_by, c.account.personId);
      assert.ok(ban.ended_at);
    },
  },
};

/** A mobile number of this case alone, as typed and as stored. */
const mobileOf = (c: EffectCase) => `070${String(c.n).padStart(7, '0')}`;
const e164 = (c: EffectCase) => `+4670${String(c.n).padStart(7, '0')}`;

/** The case's number waiting with a code, as after "Spara" on the settings page; the code's hash. */
async function pendingCode(c: EffectCase, code: string): Promise<string> {
  const hash = hashMobileCode(c.account.id, code);
  await storeMobileCode(c.t.db, c.account.id, e164(c), { hash, expiresAt: new Date(c.t.clock.now().getTime() + 10 * 60_000) }, c.t.clock.now());
  return hash;
}

async function smsTo(c: EffectCase, number: string): Promise<number> {
  return (await c.t.db.selectFrom('sms_outbox').select('id').where('recipient', '=', number).execute()).length;
}

async function accountOf(t: TestApp, username: string): Promise<{ id: number; personId: number }> {
  return t.db.selectFrom('accounts').select(['id', 'person_id as personId']).where('username', '=', username).executeTakeFirstOrThrow();
}

async function assertUsedBy(c: EffectCase, accountId: number): Promise<void> {
  const invitation = await invitationById(c.t.db, Number(c.made.id), c.t.clock.now());
  assert.equal(invitation?.state, 'used', 'the invitation is used');
  const row = await c.t.db.selectFrom('invitations').select('used_by_account').where('id', '=', Number(c.made.id)).executeTakeFirstOrThrow();
  assert.equal(row.used_by_account, accountId, 'by the account');
}

/** A verified extra address of the case's account, and its id. */
async function verifiedAddress(c: EffectCase, email: string): Promise<number> {
  await addVerifiedEmail(c.t.db, c.account.id, email, c.t.clock.now());
  const added = (await extraEmails(c.t.db, c.account.id)).find((e) => e.email === email);
  if (!added) throw new Error(`No address ${email}`);
  return added.id;
}

describe('the permission matrix', () => {
  let t: TestApp;
  const agents = new Map<ActorName, Agent>();
  let ids: Record<'own' | 'foreign', Record<string, number>>;
  let closedDaysMade = 0;
  let demoMailId = 0;
  let oskarId = 0;
  let probeAddresses = 0;
  let elsaGuardian = 0;
  let pupilOf4A = 0;
  let allChildren: PlacedChild[];
  let writes: WriteWatch;

  before(async () => {
    // Every actor signs in from the one test address, and all of them try the same unknown key and wrong passwords:
    // the login limits (per address, per account and per key) are raised here, as they have tests of their own.
    t = await startTestApp({ env: { LOGIN_LIMIT_PER_ADDRESS: '1000', LOGIN_LIMIT_PER_ACCOUNT: '1000' } });
    for (const actor of ACTORS) agents.set(actor, actor === 'anonymous' ? request.agent(t.app) : await signIn(t.app, actor));
    const demo = { childId: await personId(t.db, 'Elsa', 'Andersson'), groupId: await groupId(t.db, 'Blåbär'),
      unitId: await unitId(t.db, 'Förskolan Solrosen'), municipalityId: await municipalityId(t.db, 'Demokommun') };
    const granne = { childId: (await childrenOf(t, 'Ekollon'))[0].id, groupId: await groupId(t.db, 'Ekollon'),
      unitId: await unitId(t.db, 'Förskolan Ekorren'), municipalityId: await municipalityId(t.db, 'Grannkommun') };
    ids = { own: demo, foreign: granne };
    demoMailId = await deliveredDemoMail(t);
    oskarId = await personId(t.db, 'Oskar', 'Andersson');
    await deliveredDemoSms(t, oskarId);
    elsaGuardian = (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', demo.childId).executeTakeFirstOrThrow()).guardian_id;
    allChildren = await loadChildren(t); // (and the student's own name among what they may see)
    // Elsa's two homes (the demo's alternating weeks, when seeded) end with 2026 here: the probes' weeks of 2027 are then
    // registered by whoever posts them (no conflict between two probes), and the homes' probes set days from 2030 on
    await t.db.updateTable('care_home_patterns').set({ valid_to: '2026-12-31' }).where('child_id', '=', demo.childId).where('valid_to', 'is', null).execute();
    writes = await watchWrites(t.db);
  });
  after(() => t.close());

  it('covers every registered route, and only those', () => {
    const registered = t.routes.entries.map((e) => `${e.method} ${e.path}`).sort();
    assert.deepEqual(registered, Object.keys(MATRIX).sort());
  });

  it('tries weak sessions on exactly the routes whose action may need a strong login', () => {
    const needing = (strongLogin: true | 'municipality-setting') => t.routes.entries
      .filter((e) => e.access !== 'public' && actionDefinition(e.access).strongLogin === strongLogin).map((e) => `${e.method} ${e.path}`).sort();
    assert.deepEqual([...STRONG_ROUTES].sort(), needing('municipality-setting'));
    assert.deepEqual([...ALWAYS_STRONG].sort(), needing(true));
  });

  for (const [route, row] of Object.entries(MATRIX)) {
    const [method, path] = route.split(' ');
    // (a route that always needs a strong login: the row's outcome with a strong session, and a weak one tried too)
    const alwaysStrong = ALWAYS_STRONG.has(route);
    describe(route, () => {
      for (const actor of ACTORS) {
        const strong = alwaysStrong && actor !== 'anonymous';
        it(`as ${actor}${strong ? ', strong' : ''}: ${row[actor]}`, async () => {
          const agent = strong ? await strongAgentFor(actor) : await agentFor(actor, method, path);
          const target = fill(path, await probe('own', path));
          if (method === 'POST') await writes.clear();
          const res = await call(agent, method, target, actor);
          assertOutcome(res, row[actor], `${route} as ${actor}`);
          const text = res.text ?? ''; // (an image has none)
          if (res.status === 200) assertNamesOnlyVisibleChildren(notOnContactList(allChildren, path, text), text, actor, route);
          assert.doesNotMatch(text, /Hemlig väg|462 99/, `${route} as ${actor} shows the protected address`);
          // (the assessment box on a weak session: the way to BankID in its place, never what it holds)
          if (path.endsWith('/boxes/assessment') && res.status === 200) assert.match(text, new RegExp(said('stepUp.box.link')), `${route} as ${actor}`);
          // (A public route that sends to the login page did its work: setting a password with a link does.)
          const refused = res.status === 404 || res.status === 401 || (row[actor] === 'login' && !isPublic(method, path));
          if (method === 'POST' && refused) {
            assert.deepEqual(await writes.written(), [], `refused ${route} as ${actor} wrote rows`);
          }
        });

        if (strong) {
          // A weak session (a password) of a user the row lets in, and one strong only by Grannkommun's e-ID (Grannkommun
          // decided what is strong, not the pupil's municipality): the page saying this needs BankID, nothing written; a
          // user the row refuses is refused as before (not found: the rules first).
          const weakOutcome = allowedOutcome(row[actor]) ? WEAK_ON_ALWAYS_STRONG : row[actor];
          const sessions: ['weak' | 'strong only in Grannkommun', () => Promise<Agent>][] = [['weak', () => agentFor(actor, method, path)]];
          if (allowedOutcome(row[actor])) sessions.push(['strong only in Grannkommun', () => strongAgentFor(actor, ids.foreign.municipalityId)]);
          for (const [session, agentOf] of sessions) {
            it(`as ${actor}, ${session}: ${weakOutcome}`, async () => {
              const agent = await agentOf();
              const target = fill(path, await probe('own', path));
              if (method === 'POST') await writes.clear();
              const res = await call(agent, method, target, actor);
              assertOutcome(res, weakOutcome, `${route} as ${actor}, ${session}`);
              if (weakOutcome === WEAK_ON_ALWAYS_STRONG) assert.match(res.text, new RegExp(said('stepUp.unavailable.title')), `${route} as ${actor}, ${session}`);
              if (method === 'POST') assert.deepEqual(await writes.written(), [], `${route} as ${actor}, ${session}, wrote rows`);
            });
          }
        }

        if (/:[a-zA-Z]+Id\b/.test(path)) {
          if (!DATABASE_WIDE.has(route)) it(`as ${actor}: a record of the other municipality is not found`, async () => {
            const other = fill(path, await probe(actor === 'grannadmin' ? 'own' : 'foreign', path));
            const agent = strong ? await strongAgentFor(actor) : await agentFor(actor, method, path);
            await writes.clear();
            const res = await call(agent, method, other, actor);
            assertOutcome(res, actor === 'anonymous' ? 'login' : 404, `${route} as ${actor}, other municipality`);
            if (method === 'POST') assert.deepEqual(await writes.written(), [], `${route} as ${actor} wrote rows`);
          });
          it(`as ${actor}: an id that does not exist and one that is not a number are not found`, async () => {
            const agent = strong ? await strongAgentFor(actor) : await agentFor(actor, method, path);
            for (const bad of ['987654', 'abc', '0', '1e3']) {
              const target = path.replace(/:[a-zA-Z]+/g, bad);
              assertOutcome(await call(agent, method, target, actor), actor === 'anonymous' ? 'login' : 404, `${target} as ${actor}`);
            }
          });
        }
      }
    });
  }

  // Weak and strong sessions (issue 24): with Demokommun asking for a strong login for documentation and having e-ID,
  // each route whose action needs it (written here by hand) sends a weak session of an allowed user to the e-ID login
  // (step-up), writing nothing, and lets a strong one do what the matrix says; every other page is the same for a strong one.
  describe('weak and strong sessions, Demokommun asking for a strong login', () => {
    const strongAgents = new Map<ActorName, { agent: Agent; sid: string }>();
    const weakAgents = new Map<ActorName, Agent>();
    let eIdBefore: Record<string, unknown>[] = [];
    before(async () => {
      eIdBefore = await t.db.selectFrom('e_id_settings').selectAll().execute();
      await enableEId(t.db, ids.own.municipalityId);
      await setDocumentationStrongLogin(t.db, ids.own.municipalityId, true);
      for (const actor of ACTORS) {
        if (actor === 'anonymous') continue;
        strongAgents.set(actor, await signInStrong(t.app, t.db, actor, t.clock.now()));
        weakAgents.set(actor, await signIn(t.app, actor));
      }
    });
    after(async () => {
      await setDocumentationStrongLogin(t.db, ids.own.municipalityId, false);
      await t.db.deleteFrom('e_id_settings').execute();
      for (const row of eIdBefore) await t.db.insertInto('e_id_settings').values(row as never).execute();
    });

    const allowed = (outcome: Outcome) => outcome === 200 || outcome === 400 || outcome === 'back' || outcome === 403;
    // With e-ID in Demokommun, the way to a strong login leads its users to it (Grannkommun has none: the page saying so).
    const withEId: Record<string, Row> = { 'GET /login/strong': { ...signedIn('login'), grannadmin: 403 } };
    for (const [route, row] of Object.entries({ ...MATRIX, ...withEId })) {
      const [method, path] = route.split(' ');
      const strong = STRONG_ROUTES.has(route) || ALWAYS_STRONG.has(route);
      if (method === 'POST' && !strong) continue; // (a POST that needs no strong login is the main matrix's, weak)
      if (route === 'GET /login/e-id') continue; // (with e-ID it goes to the provider, here a made-up one: test/e-id/ tries it)
      describe(route, () => {
        for (const actor of ACTORS) {
          if (actor === 'anonymous') continue;
          const weakOutcome = strong && allowed(row[actor]) ? 'step-up' : row[actor];
          // A weak session on a page that needs no strong login is the main matrix's (its sessions are all weak); here a
          // strong session is tried on every page (a strong login must never widen what the matrix allows).
          if (strong) it(`as ${actor}, weak: ${weakOutcome}`, async () => {
            const target = fill(path, await probe('own', path));
            if (method === 'POST') await writes.clear();
            const res = await call(weakAgents.get(actor)!, method, target, actor);
            if (weakOutcome === 'step-up') {
              assert.equal(res.status, 303, `${route} as ${actor}, weak: ${res.status}`);
              assert.match(res.headers.location, /^\/login\/e-id\?next=%2F/, `${route} as ${actor}, weak`);
            } else {
              assertOutcome(res, weakOutcome, `${route} as ${actor}, weak`);
            }
            if (method === 'POST' && weakOutcome === 'step-up') assert.deepEqual(await writes.written(), [], `${route} as ${actor}, weak, wrote rows`);
          });
          it(`as ${actor}, strong: ${row[actor]}`, async () => {
            const { agent, sid } = strongAgents.get(actor)!;
            await markSessionStrong(t.db, sid, t.clock.now()); // (whatever the clock did since)
            const target = fill(path, await probe('own', path));
            const res = await call(agent, method, target, actor);
            assertOutcome(res, row[actor], `${route} as ${actor}, strong`);
          });
        }
      });
    }
  });

  for (const [child, { family, seen }] of Object.entries(DETAILS)) {
    describe(`GET /children/:childId/info of ${child}: addresses and contact details`, () => {
      for (const actor of ACTORS) {
        const expected = seen[actor];
        it(`as ${actor}: ${expected ? (expected.join(', ') || 'the page, none of the details') : 'not found, none of the details'}`, async () => {
          const people = await Promise.all(family.map((name) => t.db.selectFrom('persons')
            .select(['id', 'first_name', 'street_address', 'postal_code', 'email', 'phone'])
            .where('first_name', '=', name.split(' ')[0]).where('last_name', '=', name.split(' ')[1]).executeTakeFirstOrThrow()));
          const id = people[0].id;
          const res = await agents.get(actor)!.get(`/children/${id}/info`);
          if (!expected) assertOutcome(res, actor === 'anonymous' ? 'login' : 404, `${child}'s info as ${actor}`);
          else assert.equal(res.status, 200, `${child}'s info as ${actor}`);
          const shown: Detail[] = [];
          for (const p of people) {
            if (p.street_address && res.text.includes(`${p.street_address}, ${p.postal_code}`)) shown.push(`${p.first_name} address`);
            if ((p.email && res.text.includes(p.email)) || (p.phone && res.text.includes(p.phone))) shown.push(`${p.first_name} contact`);
          }
          assert.deepEqual(shown.sort(), [...(expected ?? [])].sort(), `${child}'s info as ${actor}`);
          if (expected) for (const p of people.filter((q) => q.email && q.phone)) {
            assert.equal(res.text.includes(p.email!), res.text.includes(p.phone!), `${p.first_name}: e-mail and phone go together`);
          }
        });
      }
    });
  }

  // The school records' two people the actors leave out (seed 001): the pupil with a student account, who reads their own
  // assessment, plan and adaptations and writes none, and the school's head (Bo, no demo login: one made here), who does
  // what the class's teachers do, for every class of the school, writing in the pupil's first school class.
  describe('a pupil’s school records: the pupil themself and the school’s head', () => {
    const SELF: [string, Outcome][] = [
      ['GET /children/:self/assessment', 200], ['GET /children/:self/plan', 200], ['GET /children/:self/adaptations', 200],
      ['GET /children/:self/assessment/edit', 404], ['GET /children/:self/assessment/print', 404], ['GET /children/:self/plan/edit', 404],
      ['GET /children/:self/adaptations/new', 404], ['GET /children/:self/boxes/assessment', 200],
    ];
    for (const [route, outcome] of SELF) {
      const path = route.slice(4).replace(':self', '');
      it(`${route} as elev (their own), strong: ${outcome}; weak: ${outcome === 200 && !route.includes('/boxes/') ? WEAK_ON_ALWAYS_STRONG : outcome}`, async () => {
        const self = (await accountOf(t, 'elev')).personId;
        const target = `/children/${self}${path.slice('/children/'.length)}${path.endsWith('/assessment/edit') ? `?subject=${(await subjectOf(t, 'Svenska')).id}` : ''}`;
        assertOutcome(await (await strongAgentFor('elev')).get(target), outcome, `${target} as elev, strong`);
        const weak = outcome === 200 && !route.includes('/boxes/') ? WEAK_ON_ALWAYS_STRONG : outcome;
        assertOutcome(await agents.get('elev')!.get(target), weak, `${target} as elev, weak`);
      });
    }

    let head: Agent | undefined;
    async function headAgent(): Promise<Agent> {
      if (head) return head;
      const school = await unitId(t.db, 'Björkskolan');
      const { person_id } = await t.db.selectFrom('staff_assignments').select('person_id').where('unit_id', '=', school).where('role', '=', 'unit_head')
        .orderBy('id').executeTakeFirstOrThrow();
      await createAccount(t.db, { personId: person_id, username: 'matrisrektorbjork', email: null, passwordHash: await demoPasswordHash() }, t.clock.now());
      head = (await signInStrong(t.app, t.db, 'matrisrektorbjork', t.clock.now())).agent;
      return head;
    }
    it('the school’s head reads and writes Oskar’s and the 4A pupil’s records, and the classes’ overviews', async () => {
      const agent = await headAgent();
      const { class2b } = await schoolRecords(t);
      const class4a = await groupId(t.db, '4A');
      const elev = (await accountOf(t, 'elev')).personId;
      const svenska = (await subjectOf(t, 'Svenska')).id;
      for (const child of [oskarId, elev]) {
        for (const page of ['assessment', `assessment/edit?subject=${svenska}`, 'assessment/print', 'plan', 'plan/edit', 'adaptations', 'adaptations/new']) {
          if (page === 'plan/edit') await unsignedPlanOf(t, child).catch(() => undefined); // (the 4A pupil may have no plan this term)
          assertOutcome(await agent.get(`/children/${child}/${page}`), 200, `/children/${child}/${page} as the head`);
        }
      }
      for (const group of [class2b, class4a]) assertOutcome(await agent.get(`/groups/${group}/assessment`), 200, `/groups/${group}/assessment as the head`);
      // not the fritids' children as such: Lärkan is no school class (not found), though Bo heads the fritids too
      assertOutcome(await agent.get(`/groups/${await groupId(t.db, 'Lärkan')}/assessment`), 404, 'Lärkan\'s assessment as the head');
    });
    it('the school’s head adds an adaptation of Oskar’s in his school class 2B', async () => {
      const agent = await headAgent();
      const res = await postForm(agent, '/', `/children/${oskarId}/adaptations`, adaptationForm(today(t.clock), 'Rektorns anpassning'));
      assertOutcome(res, 'back', 'the head adds an adaptation');
      const made = await t.db.selectFrom('extra_adaptations').select(['group_id', 'child_id']).where('what', '=', 'Rektorns anpassning').execute();
      assert.deepEqual(made, [{ group_id: (await schoolRecords(t)).class2b, child_id: oskarId }]);
    });
  });

  // ...and who is not let in though near: a teacher of another class of the same school (Helena, 4A: a login made here),
  // 2B's teacher on class 4A, and Grannkommun's admin naming Demokommun in the matrix's forms.
  describe('a pupil’s school records: another class’s teacher, another class, another municipality’s matrix', () => {
    it('the teacher of 4A finds none of Oskar’s (2B) records, strong, and writes nothing', async () => {
      const helena = await personId(t.db, 'Helena', 'Vik');
      await createAccount(t.db, { personId: helena, username: 'matrislarare4a', email: null, passwordHash: await demoPasswordHash() }, t.clock.now());
      const agent = (await signInStrong(t.app, t.db, 'matrislarare4a', t.clock.now())).agent;
      const svenska = (await subjectOf(t, 'Svenska')).id;
      for (const page of ['assessment', `assessment/edit?subject=${svenska}`, 'assessment/print', 'plan', 'plan/edit', 'adaptations', 'adaptations/new']) {
        assertOutcome(await agent.get(`/children/${oskarId}/${page}`), 404, `Oskar's ${page} as 4A's teacher`);
      }
      assertOutcome(await agent.get(`/groups/${(await schoolRecords(t)).class2b}/assessment`), 404, '2B\'s assessment as 4A\'s teacher');
      assertOutcome(await agent.get(`/adaptations/${await freshAdaptation(t, oskarId)}/edit`), 404, 'an adaptation of Oskar\'s as 4A\'s teacher');
      await writes.clear();
      assertOutcome(await postForm(agent, '/', `/children/${oskarId}/adaptations`, adaptationForm(today(t.clock), 'Fel klass')), 404, 'adding as 4A\'s teacher');
      assertOutcome(await postForm(agent, '/', `/children/${oskarId}/assessment/edit`, await assessmentForm(t, oskarId, 'Svenska', 'Fel klass', 'publish')), 404,
        'assessing as 4A\'s teacher');
      assert.deepEqual(await writes.written(), [], '4A\'s teacher wrote rows');
      // (their own class: its overview)
      assertOutcome(await agent.get(`/groups/${await groupId(t.db, '4A')}/assessment`), 200, '4A\'s assessment as its teacher');
    });

    it('2B’s teacher finds no overview of 4A and publishes nothing there', async () => {
      const class4a = await groupId(t.db, '4A');
      const agent = await strongAgentFor('larare2b');
      assertOutcome(await agent.get(`/groups/${class4a}/assessment`), 404, '4A\'s assessment as 2B\'s teacher');
      await writes.clear();
      const { term } = await schoolRecords(t);
      assertOutcome(await postForm(agent, '/', `/groups/${class4a}/assessment/publish`, [['term', term], ['subject', String((await subjectOf(t, 'Svenska')).id)]]),
        404, 'publishing 4A\'s as 2B\'s teacher');
      assert.deepEqual(await writes.written(), [], '2B\'s teacher wrote rows');
    });

    it('Grannkommun’s admin naming Demokommun in the matrix’s page and forms: not found, nothing written', async () => {
      const agent = agents.get('grannadmin')!;
      const demokommun = String(ids.own.municipalityId);
      assertOutcome(await agent.get(`/admin/assessment?municipality=${demokommun}`), 404, 'Demokommun\'s matrix as grannadmin');
      await writes.clear();
      for (const [path, form] of [['/admin/assessment/levels', [['name', 'Grannens nivå']]], ['/admin/assessment/subjects', [['name', 'Grannens ämne']]],
        ['/admin/assessment/remove', [['kind', 'level'], ['id', String(await freshLevel(t, ids.own.municipalityId))]]]] as [string, [string, string][]][]) {
        await writes.clear();
        assertOutcome(await postForm(agent, '/', path, [['municipality', demokommun], ...form]), 404, `${path} naming Demokommun as grannadmin`);
        assert.deepEqual(await writes.written(), [], `${path} naming Demokommun as grannadmin wrote rows`);
      }
    });
  });

  // Families (issue 26): what the rows cannot say — whose eyes a pickup list and a ban reach on the other pages (Today, its
  // print, the child's card, the contact list), the audit row of each ban read, and the near misses the probes leave out.
  describe('families: the pickup list and who may not pick up, seen where they are shown', () => {
    const has = (text: string, name: string) => text.includes(name);

    it('shows a protected child’s pickup list (Nora) to her guardian and Blåbär’s staff alone: not the head, the admin, Lingon, the contact list or another’s print', async () => {
      const nora = await personId(t.db, 'Nora', 'Haddad');
      const hidden = 'Hemlig Hämtare';
      const karim = (await accountOf(t, 'vardnadshavare3')).personId;
      const at = t.clock.now().toISOString();
      const person = (await t.db.insertInto('pickup_persons').values({ child_id: nora, kind: 'pickup', name: hidden, relation: 'Faster', phone: '+46705550101',
        created_by: karim, created_at: at, updated_by: karim, updated_at: at }).returning('id').executeTakeFirstOrThrow()).id;
      try {
        const blabar = ids.own.groupId;
        for (const actor of ['vardnadshavare3', 'pedagog'] as const) {
          const res = await agents.get(actor)!.get(`/children/${nora}/pickup`);
          assertOutcome(res, 200, `Nora's pickup list as ${actor}`);
          assert.ok(has(res.text, hidden), `Nora's pickup list as ${actor} names ${hidden}`);
        }
        for (const actor of ['rektor', 'admin', 'pedagog2', 'vardnadshavare', 'vardnadshavare2'] as const) {
          assertOutcome(await agents.get(actor)!.get(`/children/${nora}/pickup`), 404, `Nora's pickup list as ${actor}`);
        }
        // the staff's pages: the group's staff see it on Today and on her card; the head and the admin on neither, nor in their print
        for (const page of [`/groups/${blabar}/today`, `/children/${nora}/info`]) {
          assert.ok(has((await agents.get('pedagog')!.get(page)).text, hidden), `${page} as pedagog names ${hidden}`);
        }
        for (const actor of ['rektor', 'admin'] as const) {
          for (const page of [`/groups/${blabar}/today`, `/groups/${blabar}/today/print`, `/children/${nora}/info`]) {
            const res = await agents.get(actor)!.get(page);
            assertOutcome(res, 200, `${page} as ${actor}`);
            assert.ok(!has(res.text, hidden), `${page} as ${actor} names Nora's pickup person`);
          }
        }
        for (const actor of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3', 'pedagog', 'rektor', 'admin'] as const) {
          assert.ok(!has((await agents.get(actor)!.get(`/groups/${blabar}/contacts`)).text, hidden), `the contact list as ${actor} names Nora's pickup person`);
        }
      } finally {
        await t.db.updateTable('pickup_persons').set({ removed_at: at }).where('id', '=', person).execute();
      }
    });

    it('shows who may not pick Elsa up to Blåbär’s staff and the head (each read audited), never to a guardian or the admin', async () => {
      const banned = 'Förbjuden Matrishämtare';
      const ban = await t.db.insertInto('pickup_bans').values({ child_id: ids.own.childId, unit_id: ids.own.unitId, name: banned, reason: 'Beslut av tingsrätten',
        recorded_by: (await accountOf(t, 'rektor')).personId, recorded_at: t.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
      const elsa = ids.own.childId;
      const blabar = ids.own.groupId;
      const banReads = async (actor: ActorName, after: number) => t.db.selectFrom('audit_trail').select(['child_id']).where('id', '>', after)
        .where('action', '=', 'child.pickupBans.read').where('account_id', '=', (await accountOf(t, actor)).id).execute();
      const lastAudit = async () => (await t.db.selectFrom('audit_trail').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0;
      try {
        for (const [actor, page] of [['pedagog', `/groups/${blabar}/today`], ['pedagog', `/children/${elsa}/info`], ['pedagog', `/children/${elsa}/pickup-bans`],
          ['rektor', `/children/${elsa}/pickup-bans`], ['rektor', `/children/${elsa}/info`]] as [ActorName, string][]) {
          const before = Number(await lastAudit());
          const res = await agents.get(actor)!.get(page);
          assertOutcome(res, 200, `${page} as ${actor}`);
          assert.ok(has(res.text, banned), `${page} as ${actor} shows the ban`);
          assert.deepEqual(await banReads(actor, before), [{ child_id: elsa }], `${page} as ${actor}: one audit row of the ban read`);
        }
        for (const actor of ['vardnadshavare', 'vardnadshavare2'] as const) {
          for (const page of ['/', `/children/${elsa}`, `/children/${elsa}/info`, `/children/${elsa}/pickup`, `/children/${elsa}/day-notes`, `/children/${elsa}/schedule`,
            `/children/${elsa}/schedule/homes`]) {
            const res = await agents.get(actor)!.get(page);
            assert.ok(!has(res.text ?? '', banned), `${page} as ${actor} (${res.status}) shows the ban`);
          }
        }
        for (const page of [`/groups/${blabar}/today`, `/groups/${blabar}/today/print`, `/children/${elsa}/info`]) {
          const res = await agents.get('admin')!.get(page);
          assertOutcome(res, 200, `${page} as admin`);
          assert.ok(!has(res.text, banned), `${page} as admin shows the ban`);
        }
      } finally {
        await t.db.updateTable('pickup_bans').set({ ended_at: t.clock.now().toISOString(), ended_by: 1 }).where('id', '=', ban.id).execute();
      }
    });

    it('ends a ban only in the unit it was recorded in: one recorded in another unit is not found for Solrosen’s head, nothing written', async () => {
      const humlan = await t.db.selectFrom('groups').select('unit_id').where('id', '=', await groupId(t.db, 'Humlan')).executeTakeFirstOrThrow();
      const elsewhere = await freshPickupBan(t, ids.own.childId, humlan.unit_id);
      for (const actor of ['rektor', 'rektor2', 'pedagog'] as const) {
        await writes.clear();
        assertOutcome(await postForm(agents.get(actor)!, '/', `/pickup-bans/${elsewhere}/end`, []), 404, `a ban of Elsa's recorded elsewhere, ended as ${actor}`);
        assert.deepEqual(await writes.written(), [], `${actor} wrote rows`);
      }
    });

    it('says at the form that walking home is for fritids (Elsa is in preschool), and saves nothing', async () => {
      await writes.clear();
      const res = await postForm(agents.get('vardnadshavare')!, '/', `/children/${ids.own.childId}/walk-home`, [['allowed', 'yes']]);
      assertOutcome(res, 400, 'walking home for Elsa as Emma');
      assert.match(res.text, new RegExp(said('pickup.errors.notInFritids')));
      assert.deepEqual(await writes.written(), [], 'walking home for Elsa wrote rows');
    });

    it('refuses a note for a child of someone else’s and a note for yesterday, saving nothing', async () => {
      await writes.clear();
      assertOutcome(await postForm(agents.get('vardnadshavare3')!, '/', `/children/${ids.own.childId}/day-notes`, [['kind', 'late'], ['minutes', '20']]), 404,
        'a note for Elsa as Karim');
      const yesterday = await postForm(agents.get('vardnadshavare')!, '/', `/children/${ids.own.childId}/day-notes`,
        [['kind', 'late'], ['minutes', '20'], ['date', addDays(today(t.clock), -1)]]);
      assertOutcome(yesterday, 400, 'a note for yesterday');
      assert.deepEqual(await writes.written(), [], 'refused notes wrote rows');
    });
  });

  describe('every allowed POST shows its effect', () => {
    let effectCases = 0;

    it('has a valid form and an effect for every POST route, and only those', () => {
      const posts = t.routes.entries.filter((e) => e.method === 'POST').map((e) => `POST ${e.path}`);
      assert.deepEqual(posts.filter((r) => !(r in EFFECTS)).map((r) => `add a valid form for ${r} to EFFECTS`), []);
      assert.deepEqual(Object.keys(EFFECTS).filter((r) => !posts.includes(r)).map((r) => `${r} is in EFFECTS but not a route`), []);
    });

    for (const [route, effects] of Object.entries(EFFECTS)) {
      for (const effect of [effects].flat()) {
        for (const actor of effect.by) {
          it(`${route} as ${actor}${effect.headers ? ', htmx' : ''}: ${effect.changes.join(', ') || 'the session'}`, async () => {
            if (actor === 'anonymous') assert.ok(isPublic('POST', route.slice(5)), `${route} is not public`);
            await showsEffect(route, effect, actor);
          });
        }
      }
    }

    async function showsEffect(route: string, effect: Effect, actor: ActorName) {
      const label = `${route} as ${actor}`;
      const agent = actor === 'anonymous' ? request.agent(t.app)
        : ALWAYS_STRONG.has(route) ? (await signInStrong(t.app, t.db, actor, t.clock.now())).agent : await signIn(t.app, actor);
      const c: EffectCase = {
        t, actor, account: actor === 'anonymous' ? { id: 0, personId: 0 } : await accountOf(t, actor),
        own: { ...ids.own, oskarId } as Own, made: {}, n: effectCases++,
      };
      c.made = effect.prepare ? await effect.prepare(c) : {};
      const target = fill(route.slice(5), { ...c.own, ...c.made });
      const before = await tableContents(t.db);
      const res = effect.send ? await effect.send(c, agent, target)
        : await postForm(agent, actor === 'anonymous' ? '/login' : '/', target, await effect.form(c), effect.headers);
      try {
        const answer = effect.answer(c);
        const got = `${res.status} ${res.headers.location ?? ''} ${res.text?.match(/<(?:div|p) class="error[\s\S]{0,300}/)?.[0] ?? ''}`;
        if ('to' in answer) {
          assert.equal(res.status, 303, `${label}: ${got}`);
          if (typeof answer.to === 'string') assert.equal(res.headers.location, answer.to, label);
          else assert.match(res.headers.location, answer.to, label);
        } else {
          assert.equal(res.status, 200, `${label}: ${got}`);
          assert.match(res.text, answer.page, label);
        }
        const changed = changedTables(before, await tableContents(t.db));
        assert.deepEqual(effect.changes.filter((table) => !changed.includes(table)), [], `${label} did not change these tables`);
        assert.deepEqual(changed.filter((table) => !effect.changes.includes(table) && !effect.mayChange?.includes(table)), [], `${label} changed other tables too`);
        await effect.check(c, agent);
      } finally {
        await effect.restore?.(c);
      }
    }
  });

  /** The probe ids of one municipality; a route that deletes a closed day gets a fresh one, since it uses it up. */
  async function probe(side: 'own' | 'foreign', path: string): Promise<Record<string, number | string>> {
    // a pupil's school records: Oskar (2B) and his class, an adaptation of his; the other side's child (in no school) and group
    if (path.includes(':schoolChildId')) {
      if (side === 'own' && path.includes('/plan')) await unsignedPlanOf(t, oskarId); // (a signed plan is not edited or signed again)
      if (path.endsWith('/talk-notes')) await heldTalkOf(t, oskarId); // (the talk whose note the form writes)
      return { ...ids[side], schoolChildId: side === 'own' ? oskarId : ids[side].childId };
    }
    if (path.includes(':schoolClassId')) return { ...ids[side], schoolClassId: side === 'own' ? (await schoolRecords(t)).class2b : ids[side].groupId };
    if (path.includes(':adaptationId')) return { ...ids[side], adaptationId: await freshAdaptation(t, side === 'own' ? oskarId : ids[side].childId) };
    if (path === '/children/:childId/boxes/assessment') return { ...ids[side], childId: side === 'own' ? oskarId : ids[side].childId };
    // families (issue 26): walking home is Oskar's (fritids); a fresh note, pickup person and ban (in the side's unit) of the
    // side's child; each of Elsa's guardians their own days before they end them; Johan's registration waiting on a day
    if (path.endsWith('/walk-home')) return { ...ids[side], childId: side === 'own' ? oskarId : ids[side].childId };
    if (path.includes(':dayNoteId')) return { ...ids[side], dayNoteId: await freshDayNote(t, ids[side].childId) };
    if (path.includes(':pickupPersonId')) return { ...ids[side], pickupPersonId: await freshPickupPerson(t, ids[side].childId) };
    if (path.includes(':pickupBanId')) return { ...ids[side], pickupBanId: await freshPickupBan(t, ids[side].childId, ids[side].unitId) };
    if (path.endsWith('/schedule/homes/end') && side === 'own') for (const guardian of ['vardnadshavare', 'vardnadshavare2'] as const) await homesOf(t, ids.own.childId, guardian);
    if (path.endsWith('/schedule/conflicts')) await freshConflict(t, ids[side].childId);
    // the matrix's forms: a fresh level of Demokommun's to remove, a subject of Demokommun's own to add abilities to
    if (path === '/admin/assessment/remove') probeLevel = await freshLevel(t, ids.own.municipalityId);
    if (path === '/admin/assessment/abilities') probeSubject ||= await freshSubject(t, ids.own.municipalityId);
    // the children admin's: a child of their own for the routes that change one, Elsa (or Grannkommun's) to read
    if (path.startsWith('/children/:registeredChildId') || path.includes(':placementId') || path.endsWith('/:registeredChildId/edit')) {
      const placed = await placedChild(t, side === 'own' ? await groupId(t.db, 'Lingon') : ids[side].groupId);
      return { ...ids[side], registeredChildId: placed.childId, placementId: placed.placementId, guardianId: placed.guardianId };
    }
    if (path.includes(':registeredChildId')) return { ...ids[side], registeredChildId: ids[side].childId };
    if (path.includes(':childPortfolioId')) return { ...ids[side], childPortfolioId: ids[side].childId };
    if (path.endsWith('/absences/unreported')) return { ...ids[side], childId: side === 'own' ? oskarId : ids[side].childId };
    if (path.endsWith('/student-account')) {
      if (side === 'own' && !pupilOf4A) pupilOf4A = await freshPupilOf4A(t);
      return { ...ids[side], childId: side === 'own' ? pupilOf4A : ids[side].childId };
    }
    if (path.includes(':invitationId')) return { ...ids[side], invitationId: await freshInvitation(side) };
    if (path.endsWith('/answer') || path.endsWith('/unreported/cancel')) return { ...ids[side], absenceId: await freshMark(side) };
    if (path.includes(':absenceId')) return { ...ids[side], absenceId: await freshAbsence(side) };
    if (path.includes(':key')) return { ...ids[side], key: 'AAAABBBBCCCC' };
    if (path.includes(':mailId')) return { ...ids[side], mailId: demoMailId };
    if (path.startsWith('/calendar/feed/')) return { ...ids[side], token: await renewFeedToken(t.db, (await accountOf(t, 'vardnadshavare')).id, t.clock.now()) };
    if (path.includes(':calendarEventId')) return { ...ids[side], calendarEventId: await freshCalendarEvent(t, { municipalityId: ids[side].municipalityId, unitId: ids[side].unitId, groupId: ids[side].groupId }) };
    if (path.includes(':token')) return { ...ids[side], token: await freshToken(path) };
    if (path.includes(':emailId')) return { ...ids[side], emailId: await freshEmail(side) };
    if (path.includes(':notificationId')) return { ...ids[side], notificationId: await freshNotification(side) };
    if (path.includes(':trustedDeviceId')) {
      const owner = side === 'own' ? (await accountOf(t, 'vardnadshavare')).id : await probeAccount('foreign');
      return { ...ids[side], trustedDeviceId: await probeTrustedDevice(t, owner) };
    }
    if (path.includes(':passkeyId')) {
      const owner = side === 'own' ? (await accountOf(t, 'vardnadshavare')).id : await probeAccount('foreign');
      return { ...ids[side], passkeyId: await probePasskey(t, owner) };
    }
    if (path.includes(':pushSubscriptionId')) {
      const owner = side === 'own' ? (await accountOf(t, 'vardnadshavare')).id : await probeAccount('foreign');
      return { ...ids[side], pushSubscriptionId: await probeSubscription(t, owner, `probe-${side}-${probeAddresses++}`) };
    }
    if (path.includes(':closureRequestId')) return { ...ids[side], closureRequestId: await freshClosureRequest(side) };
    if (path.includes(':registryImportId')) {
      return { ...ids[side], registryImportId: await storeImportFile(t.db, {
        municipalityId: ids[side].municipalityId, fileName: 'personal.csv', encoding: 'utf-8', content: registryStaffFile(900 + closedDaysMade++), by: 1, at: t.clock.now(),
      }) };
    }
    if (path.includes(':areaId')) return { ...ids[side], areaId: await probeArea(t, ids[side].municipalityId) };
    if (path.includes(':postId')) {
      const { municipalityId, unitId, groupId } = ids[side];
      const draft = await draftOf(t, { municipalityId, unitId, groupId });
      probeDrafts.set(draft.postId, draft.mediaId);
      return { ...ids[side], ...draft };
    }
    if (path.includes(':publishedPostId') || path.includes(':postMediaId')) return { ...ids[side], ...(await probePost(side)), variant: 'thumb.jpg' };
    if (path.includes(':childNotesId')) return { ...ids[side], childNotesId: ids[side].childId };
    if (path.includes(':noteId')) return { ...ids[side], noteId: await freshNote(t, ids[side].childId, ids[side].unitId) };
    if (path.includes(':informationItemId') || path.includes(':informationAttachmentId')) {
      const item = await freshInformation(t, { groupId: ids[side].groupId, municipalityId: ids[side].municipalityId }, (await accountOf(t, side === 'own' ? 'pedagog' : 'grannadmin')).id);
      return { ...ids[side], ...item };
    }
    if (path.includes(':messageAttachmentId')) {
      const thread = await freshThread(t, { ...ids[side], oskarId } as Own, side === 'own' ? undefined : await probeAccount('foreign'));
      return { ...ids[side], messageAttachmentId: await freshAttachment(t, thread) };
    }
    if (path.includes(':messageId')) { // the teacher's message to Emma (own); the foreign guardian's own message (foreign)
      const messageThreadId = await freshThread(t, { ...ids[side], oskarId } as Own, side === 'own' ? undefined : await probeAccount('foreign'));
      const first = await t.db.selectFrom('messages').select('id').where('thread_id', '=', messageThreadId).executeTakeFirstOrThrow();
      if (side === 'foreign') return { ...ids[side], messageThreadId, messageId: first.id };
      const messageId = await addMessage(t.db, { threadId: messageThreadId, senderAccountId: (await accountOf(t, 'pedagog')).id, body: 'Till Emma', at: t.clock.now() });
      await addRecipients(t.db, messageId, [(await accountOf(t, 'vardnadshavare')).id]);
      return { ...ids[side], messageThreadId, messageId };
    }
    if (path.includes(':messageThreadId')) {
      return { ...ids[side], messageThreadId: await freshThread(t, { ...ids[side], oskarId } as Own, side === 'own' ? undefined : await probeAccount('foreign')) };
    }
    if (path.includes(':postCommentId')) return { ...ids[side], postCommentId: await freshComment(t, { childId: ids[side].childId }, (await probePost(side)).publishedPostId) };
    if (path.includes(':homeObservationId')) return { ...ids[side], homeObservationId: await freshObservation(t, { childId: ids[side].childId, groupId: ids[side].groupId }, 'approved'), variant: 'thumb.jpg' };
    if (path.includes(':entryId')) return { ...ids[side], entryId: await freshGreeting(t, ids[side].childId, ids[side].unitId) };
    if (path.endsWith('/guestbook')) await useGuestbook(t, ids[side].unitId);
    if (path.endsWith('/picture')) await givePicture(t, ids[side].childId);
    if (path.includes(':unitMenuId')) return { ...ids[side], unitMenuId: ids[side].unitId };
    if (path.includes(':unitLogoId')) {
      await giveLogo(t, ids[side].unitId);
      return { ...ids[side], unitLogoId: ids[side].unitId };
    }
    if (path.includes(':personId')) return { ...ids[side], personId: await guardianOf(ids[side].childId) };
    if (path.includes(':staffMemberId') || path.includes(':staffAssignmentId') || path.includes(':staffDetailsId')) {
      const made = await freshStaff(t, { municipalityId: ids[side].municipalityId, unitId: ids[side].unitId, groupId: ids[side].groupId });
      return { ...ids[side], staffMemberId: made.personId, staffAssignmentId: made.assignmentId, staffDetailsId: made.personId };
    }
    if (!path.includes(':closedDayId')) return ids[side];
    // (in 2029, so that the probes' closed days that stay never fall on a week the schedule probes save in 2027)
    const date = new Date(Date.UTC(2029, 0, 1 + closedDaysMade++)).toISOString().slice(0, 10);
    const day = await t.db.insertInto('unit_closed_days').values({ unit_id: ids[side].unitId, date, reason: 'Planeringsdag' })
      .returning('id').executeTakeFirstOrThrow();
    return { ...ids[side], closedDayId: day.id };
  }

  /** A published post of the side's probe group with one photo showing no child (made once a side: reading changes nothing). */
  /** Each probe's draft (see draftOf) and its photo, for the form that saves or publishes it. */
  const probeDrafts = new Map<number, number>();
  const probePosts = new Map<'own' | 'foreign', { publishedPostId: number; postMediaId: number }>();
  async function probePost(side: 'own' | 'foreign'): Promise<{ publishedPostId: number; postMediaId: number }> {
    const made = probePosts.get(side);
    if (made) return made;
    const author = (await t.db.selectFrom('staff_assignments').select('person_id').where('group_id', '=', ids[side].groupId).orderBy('id').executeTakeFirstOrThrow()).person_id;
    const post = await writeDemoPost(t.db, t.dir, { municipalityId: ids[side].municipalityId, unitId: ids[side].unitId, groupId: ids[side].groupId,
      authorId: author, kind: 'group', title: 'Matrisens inlägg', publishedAt: t.clock.now().toISOString(), media: [{ stored: 30, tagged: 'none' }] });
    const ids_ = { publishedPostId: post.id, postMediaId: post.mediaIds[0] };
    probePosts.set(side, ids_);
    return ids_;
  }

  /** An open invitation with a key for a guardian of the side's probe child; each call gets its own, as revoking uses it up. */
  /** The first guardian of a child (Emma for Elsa). */
  async function guardianOf(childId: number): Promise<number> {
    return (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', childId).orderBy('guardian_id').executeTakeFirstOrThrow()).guardian_id;
  }

  async function freshInvitation(side: 'own' | 'foreign'): Promise<number> {
    const child = ids[side].childId;
    const guardian = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).executeTakeFirstOrThrow();
    const municipality = ids[side].municipalityId;
    const now = new Date().toISOString();
    const { id } = await t.db.insertInto('invitations').values({ municipality_id: municipality, guardian_id: guardian.guardian_id,
      email: 'probe@example.com', language: 'sv', send_on: '2026-11-24', created_by: 1, created_at: now }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('invitation_children').values({ invitation_id: id, child_id: child }).execute();
    await t.db.insertInto('invitation_keys').values({ invitation_id: id, key_hash: `probe-${id}`, delivery: 'email', created_at: now,
      expires_at: '2099-01-01T00:00:00Z' }).execute();
    return id;
  }

  /** A guardian in the side's probe group with an account of its own (not a demo login, since probes change it). */
  async function probeAccount(side: 'own' | 'foreign'): Promise<number> {
    const username = `probe-${side}`;
    const existing = await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirst();
    if (existing) return existing.id;
    const guardian = await t.db.selectFrom('guardianships').leftJoin('accounts', 'accounts.person_id', 'guardianships.guardian_id')
      .innerJoin('placements', 'placements.child_id', 'guardianships.child_id')
      .select('guardianships.guardian_id').where('placements.group_id', '=', ids[side].groupId)
      .where('accounts.id', 'is', null).orderBy('guardianships.guardian_id').executeTakeFirstOrThrow();
    return createAccount(t.db, { personId: guardian.guardian_id, username, email: null, passwordHash: await demoPasswordHash() }, t.clock.now());
  }

  /** A fresh link of the probe account: a "Glömt lösenord?" link or a link to verify an added address. */
  async function freshToken(path: string): Promise<string> {
    const account = await probeAccount('own');
    if (path.startsWith('/password/reset/')) return createResetToken(t.db, account, t.clock.now());
    const added = await addEmail(t.db, { id: account, email: null }, `probe-${probeAddresses++}@example.com`, t.clock.now());
    if (!added.ok) throw new Error(added.error);
    return added.token;
  }

  /** A verified extra address of Emma's (vardnadshavare) or, for the other side, of the Grannkommun probe account. */
  /** A notification of Emma's (own side) or of an account of Grannkommun's, leading to the start page. */
  async function freshNotification(side: 'own' | 'foreign'): Promise<number> {
    const owner = side === 'own'
      ? (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id
      : await probeAccount('foreign');
    const { id } = await t.db.insertInto('notifications').values({ account_id: owner, child_id: null, kind: 'childAdded', params: '{"child":"Elsa"}',
      url: '/', created_at: t.clock.now().toISOString(), read_at: null, topic: null }).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  async function freshEmail(side: 'own' | 'foreign'): Promise<number> {
    const owner = side === 'own'
      ? (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id
      : await probeAccount('foreign');
    const email = `probe-${probeAddresses++}@example.com`;
    const { id } = await t.db.insertInto('account_emails').values({ account_id: owner, email, email_key: email,
      created_at: t.clock.now().toISOString(), verified_at: t.clock.now().toISOString(), token_hash: null, token_expires_at: null })
      .returning('id').executeTakeFirstOrThrow();
    return id;
  }

  /** An open request to close the side's probe account (reopened first, as an earlier probe may have closed it). */
  async function freshClosureRequest(side: 'own' | 'foreign'): Promise<number> {
    const account = await probeAccount(side);
    await t.db.updateTable('accounts').set({ closed_at: null }).where('id', '=', account).execute();
    return (await requestClosure(t.db, account, t.clock.now())).id;
  }

  function isPublic(method: string, path: string): boolean {
    return t.routes.entries.some((e) => e.method === method && e.path === path && e.access === 'public');
  }

  /** A report for the side's probe child on a day ahead; each call gets its own, as cancelling uses it up. */
  async function freshAbsence(side: 'own' | 'foreign'): Promise<number> {
    const { id } = await t.db.insertInto('absences').values({ child_id: ids[side].childId, date: '2026-12-03', starts: null, ends: null,
      kind: 'reported', comment: null, created_by: 1, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['child_id', 'date']).where('cancelled_at', 'is', null).doUpdateSet({ comment: null })) // one in force a day
      .returning('id').executeTakeFirstOrThrow();
    return id;
  }

  /** A school's mark of unreported absence of the side's probe pupil (Oskar; the other side's child is in no school). */
  async function freshMark(side: 'own' | 'foreign'): Promise<number> {
    return markOf(t, side === 'own' ? oskarId : ids[side].childId);
  }

  async function agentFor(actor: ActorName, method: string, path: string): Promise<Agent> {
    // Setting a password with a link starts this browser afresh, so that probe gets a fresh login too.
    if (method === 'POST' && path.startsWith('/password/reset/') && actor !== 'anonymous') return signIn(t.app, actor);
    // Logging out ends the session, so that probe gets a fresh login of its own.
    if (method === 'POST' && path === '/logout' && actor !== 'anonymous') return signIn(t.app, actor);
    // An SMS code asked for stays in the browser's session: each SMS login probe is a fresh browser that asked for none.
    if (path.startsWith('/login/sms') && actor === 'anonymous') return request.agent(t.app);
    return agents.get(actor)!;
  }

  let matrixGuardians = 0;
  let matrixStaff = 0;
  let newClosedDays = 0;
  let probeNames = 0;
  async function call(agent: Agent, method: string, path: string, actor: ActorName) {
    if (method === 'GET') return agent.get(`${path}${await probeQuery(path)}`);
    return postForm(agent, actor === 'anonymous' ? '/login' : '/', path, (await schoolForm(path, actor)) ?? validForm(path, actor));
  }

  /**
   * An agent of the actor whose session is strong (re-marked before each use, whatever the clock did since; signed in
   * again when a probe ended the session), for the records of every municipality or of the one given.
   */
  const strongSessions = new Map<string, { agent: Agent; sid: string }>();
  async function strongAgentFor(actor: ActorName, onlyIn?: number): Promise<Agent> {
    if (actor === 'anonymous') return agents.get(actor)!;
    const key = `${actor} ${onlyIn ?? 'everywhere'}`;
    let made = strongSessions.get(key);
    if (made && !(await t.db.selectFrom('sessions').select('sid').where('sid', '=', made.sid).executeTakeFirst())) made = undefined;
    if (!made) {
      made = await signInWithSession(t.app, actor);
      strongSessions.set(key, made);
    }
    await markSessionStrong(t.db, made.sid, t.clock.now(), undefined, onlyIn === undefined ? undefined : [onlyIn]);
    return made.agent;
  }

  /** The query a page is asked with: the assessment form of Oskar's Svenska this term. */
  async function probeQuery(path: string): Promise<string> {
    if (!/^\/children\/\d+\/assessment\/edit$/.test(path)) return '';
    const { term } = await schoolRecords(t);
    return `?subject=${(await subjectOf(t, 'Svenska')).id}&term=${term}`;
  }

  /**
   * A valid form for each POST of a pupil's school records and of the assessment matrix, read from the database as its
   * page would send it (the versions saved, a fresh level to remove, a subject of the matrix's own to add abilities to).
   */
  let probeSubject = 0;
  let probeLevel = 0;
  async function schoolForm(path: string, actor: ActorName): Promise<[string, string][] | undefined> {
    const n = `${ACTORS.indexOf(actor)}-${probeNames++}`;
    if (path === '/admin/assessment/levels') return [['name', `Provnivå ${n}`]];
    if (path === '/admin/assessment/subjects') return [['name', `Provämne ${n}`]];
    // (Demokommun's subject and level, made by the probe: Grannkommun's admin does not find them)
    if (path === '/admin/assessment/abilities') return [['subjectId', String(probeSubject)], ['name', `Provförmåga ${n}`]];
    if (path === '/admin/assessment/remove') return [['kind', 'level'], ['id', String(probeLevel)]];
    // (the id of the path, or 0 where it is none: the probes of ids that do not exist post these forms too)
    const id = /^[1-9]\d{0,8}$/.test(path.split('/')[2] ?? '') ? Number(path.split('/')[2]) : 0;
    const child = id;
    if (/^\/groups\/\d+\/assessment\/publish$/.test(path)) {
      return [['term', (await schoolRecords(t)).term], ['subject', String((await subjectOf(t, 'Engelska')).id)]];
    }
    if (/^\/children\/\d+\/assessment\/edit$/.test(path)) return assessmentForm(t, child, 'Svenska', `Från matrisen (${actor})`, 'publish');
    if (/^\/children\/\d+\/plan\/(edit|sign)$/.test(path)) {
      const plan = await t.db.selectFrom('development_plans').select('version').where('child_id', '=', child).where('term', '=', (await schoolRecords(t)).term).executeTakeFirst();
      const version: [string, string] = ['version', plan ? String(plan.version) : ''];
      if (path.endsWith('/sign')) return [version];
      return [['goals', `Mål från matrisen (${actor})`], ['schoolDoes', 'Läser'], ['pupilDoes', 'Läser'], ['guardiansDo', 'Läser'], version];
    }
    if (/^\/children\/\d+\/plan\/comments$/.test(path)) return [['comment', `Från matrisen (${actor})`]];
    if (/^\/children\/\d+\/talk-notes$/.test(path)) {
      const booking = await heldTalkOf(t, oskarId);
      return [['bookingId', String(booking)], ['body', `Från matrisen (${actor})`], ['version', String((await talkNoteOf(t, booking))?.version ?? '')]];
    }
    if (/^\/children\/\d+\/adaptations$/.test(path)) return adaptationForm(today(t.clock), `Från matrisen (${actor})`);
    if (/^\/adaptations\/\d+\/(edit|end)$/.test(path)) {
      const saved = await t.db.selectFrom('extra_adaptations').select('version').where('id', '=', id).executeTakeFirst();
      const version: [string, string] = ['version', String(saved?.version ?? 1)];
      return path.endsWith('/end') ? [version] : [...adaptationForm(today(t.clock), `Ändrad av matrisen (${actor})`), version];
    }
    return undefined;
  }

  /** A valid form for each POST route, so that a refusal can only come from the policy. */
  function validForm(path: string, actor: ActorName): [string, string][] {
    if (path === '/login') return [['username', actor === 'anonymous' ? 'admin' : actor], ['password', 'fel-losenord']];
    // families (issue 26): each guardian their own weekdays; the end of them; a conflict settled keeping the day as it stands
    if (/^\/children\/\d+\/schedule\/homes$/.test(path)) return [['kind', 'weekdays'], ...homesWeekdays(actor).map((d): [string, string] => ['weekdays', d]), ['from', HOMES_FROM]];
    if (/^\/children\/\d+\/schedule\/homes\/end$/.test(path)) return [['end_from', HOMES_END]];
    if (/^\/children\/\d+\/schedule\/conflicts$/.test(path)) return [['date', CONFLICT_DAY], ['choice', actor === 'vardnadshavare2' ? 'theirs' : 'mine']];
    if (/^\/children\/\d+\/day-notes$/.test(path)) return [['kind', 'late'], ['minutes', '20']];
    if (/^\/children\/\d+\/pickup$/.test(path)) return [['kind', 'pickup'], ['name', `Morfar ${actor}`], ['relation', 'Morfar'], ['phone', '070-222 33 44']];
    if (/^\/pickup-persons\/\d+$/.test(path)) return [['name', `Mormor ${actor}`], ['relation', 'Mormor'], ['phone', '070-999 88 77'], ['version', '1']];
    if (/^\/pickup-persons\/\d+\/remove$/.test(path)) return [['version', '1']];
    if (/^\/children\/\d+\/walk-home$/.test(path)) return [['allowed', 'yes']];
    if (/^\/children\/\d+\/pickup-bans$/.test(path)) return [['name', `Okänd ${actor}`], ['reason', 'Beslut av tingsrätten']];
    if (/^\/(day-notes|pickup-bans)\/\d+\/(cancel|end)$/.test(path)) return [];
    if (/^\/groups\/\d+\/posts$/.test(path)) return [['kind', 'group'], ['title', 'Matrisinlägg'], ['body', 'Text']];
    if (/^\/posts\/\d+\/(edit|publish)$/.test(path)) {
      const postId = Number(path.split('/')[2]);
      return [['version', '1'], ['kind', 'group'], ['title', 'Matrisinlägg'], ['body', 'Text'], [`nochildren-${probeDrafts.get(postId)}`, 'yes']];
    }
    if (/^\/posts\/\d+\/comments$/.test(path)) return [['body', `Från matrisen (${actor})`]]; // (a guardian's comment)
    if (/^\/posts\/\d+\//.test(path)) return []; // a photo uploaded without a file, removed; the post's deletion asked about
    if (path === '/admin/children' || /^\/units\/\d+\/children$/.test(path)) {
      return [['first_name', 'Matris'], ['last_name', `Barn${ACTORS.indexOf(actor)}`], ['birth_date', '2023-01-01'], ['group', String(ids.own.groupId)], ['start_date', '2026-12-01']];
    }
    if (/^\/children\/\d+\/placements$/.test(path)) return [['group', String(ids.own.groupId)], ['start_date', '2027-01-01']];
    if (/^\/children\/\d+\/guardians$/.test(path)) {
      return [['guardian_identity_number', identityNumber('1983-03-03', 100 + matrixGuardians++)], ['guardian_first_name', 'Matris'], ['guardian_last_name', 'Förälder']];
    }
    if (/^\/placements\/\d+\/end$/.test(path)) return [['end_date', '2026-12-20']];
    if (/^\/children\/\d+\/guardians\/\d+$/.test(path)) return [['email', 'matris.vardnad@example.com']];
    if (/^\/children\/\d+\/guardians\/\d+\/end$/.test(path)) return [['reason', 'custody-changed'], ['confirm_last', 'yes']];
    if (/^\/admin\/children\/\d+\/edit$/.test(path)) return [['first_name', 'Rättad'], ['last_name', 'Matrisbarn'], ['birth_date', '2022-02-02']];
    if (/^\/placements\/\d+\/move$/.test(path)) return [['group', String(ids.own.groupId)], ['move_date', '2026-12-01']];
    if (path === '/admin/staff' || /^\/units\/\d+\/staff$/.test(path)) {
      return [['firstName', 'Matris'], ['lastName', `Ny${matrixStaff}`], ['email', `matris-ny-${matrixStaff++}@example.com`], ['unit', String(ids.own.unitId)],
        ['group', String(ids.own.groupId)], ['role', 'staff']];
    }
    if (/^\/admin\/staff\/\d+\/assignments$/.test(path)) return [['unit', String(ids.own.unitId)], ['group', ''], ['role', 'staff'], ['startDate', '2026-12-01']];
    if (/^\/admin\/staff\/assignments\/\d+\/end$/.test(path)) return [['lastDay', '2026-12-31']];
    if (/^\/admin\/staff\/\d+\/edit$/.test(path)) return [['firstName', 'Matris'], ['lastName', 'Ändrad'], ['email', ''], ['phone', '']];
    if (/^\/admin\/staff\/\d+\/identity$/.test(path)) return [['identity', identityNumber('1978-03-03', 100 + matrixStaff++)]];
    if (path.endsWith('/absences/unreported')) return [['from', '08:00'], ['to', '09:00'], ['confirmed', 'yes']]; // today's first lesson
    if (path.endsWith('/answer')) return [['answer', 'Han var hos tandläkaren.']];
    if (path === '/admin/import') return [['text', registryStaffFile(800 + ACTORS.indexOf(actor))]];
    if (path === '/language') return [['language', 'sv'], ['next', '/']];
    if (path.endsWith('/settings/boxes')) return BOX_KEYS.map((b) => ['boxes', b]); // (every box on)
    if (path.endsWith('/settings/opening-hours')) return [1, 2, 3, 4, 5].flatMap((d) => [[`opens_${d}`, '06:30'], [`closes_${d}`, '18:00']] as [string, string][]);
    if (path.endsWith('/settings/care-times')) return [['lock_days', '0'], ['plan_ahead_months', '12'], ['invite_days_before', '14']];
    if (path.endsWith('/holidays')) return [['date', '2027-12-24'], ['open', 'yes']];
    if (path.endsWith('/closed-days')) return [['date', new Date(Date.UTC(2028, 0, 1 + newClosedDays++)).toISOString().slice(0, 10)], ['reason', 'Studiedag']];
    if (path.endsWith('/terms')) return [['terms', 'Bilder får bara laddas ner för privat bruk.']];
    if (path === '/admin/documentation') return [['image_max_mb', '25'], ['video_max_mb', '200'], ['video_max_seconds', '120'], ['audio_max_mb', '25'],
      ['audio_max_seconds', '300'], ['export_grace_days', '90']];
    if (path.endsWith('/privacy/retention')) {
      return [...PERSONAL_DATA.rules().map((r): [string, string] => [`months_${r.kind}`, String(r.defaultMonths)]),
        ...PERSONAL_DATA.timedRules().map((r): [string, string] => [`days_${r.kind}`, String(r.defaultDays)])];
    }
    if (path.endsWith('/absences')) return [['when', 'range'], ['from', '2026-12-02']];
    if (path.endsWith('/attendance')) return [['event', 'arrive'], ['group', String(ids.own.groupId)]];
    if (path.endsWith('/attendance/undo')) return [['event', 'arrive'], ['group', String(ids.own.groupId)]];
    if (path.endsWith('/attendance/times')) return [['group', String(ids.own.groupId)], ['date', '2026-11-24'], ['arrived', '08:00'], ['left', '']];
    if (path.endsWith('/schedule')) { // each actor its own week of 2027, so that no save meets another's (a conflict)
      const n = ACTORS.indexOf(actor);
      const monday = new Date(Date.UTC(2027, 0, 11 + 7 * n)).toISOString().slice(0, 10);
      return [['week', `2027-W${String(2 + n).padStart(2, '0')}`], [`starts_${monday}`, '08:00'], [`ends_${monday}`, '15:00']];
    }
    if (path.endsWith('/schedule/standard')) return [['starts_1', '08:00'], ['ends_1', '15:00']];
    if (path.endsWith('/schedule/comment')) return [['date', '2026-12-01'], ['staff_comment', 'Utflykt']];
    if (path.endsWith('/consent')) return [['answer', 'yes']];
    if (path.endsWith('/settings/documentation')) return [['notes', 'on'], ['guestbook', 'on']];
    if (/^\/children\/\d+\/notes$/.test(path) || path.endsWith('/comments') || path.endsWith('/observations')) return [['body', `Från matrisen (${actor})`]];
    if (/^\/messages\/\d+\/replies$/.test(path)) return [['body', `Svar från matrisen (${actor})`]];
    if (/^\/children\/\d+\/messages$/.test(path)) {
      return [['to', ['vardnadshavare', 'vardnadshavare2'].includes(actor) ? `group:${ids.own.groupId}` : 'guardians'], ['subject', 'Matrisen'], ['body', 'Hej']];
    }
    if (path.endsWith('/bulletins')) return [['subject', 'Matrisens utskick'], ['body', 'Till alla']];
    if (path.endsWith('/information')) return [['title', 'Matrisens information'], ['body', 'Till alla']];
    if (/^\/information\/\d+\/edit$/.test(path)) return [['title', 'Ändrad av matrisen'], ['body', 'Till alla']];
    if (/^\/calendar\/events\/\d+\/edit$/.test(path)) return [['title', 'Ändrad av matrisen'], ['date', '2026-12-04'], ['allDay', 'yes']];
    if (path.endsWith('/calendar')) return [['title', 'Matrisens händelse'], ['date', '2026-12-03'], ['allDay', 'yes']];
    if (/^\/notes\/\d+\/edit$/.test(path)) return [['body', `Ändrad av matrisen (${actor})`], ['version', '1']];
    if (/^\/children\/\d+\/page$/.test(path)) return [['presentation', 'Matrisen'], ['version', '0']];
    if (path.endsWith('/guestbook')) return [['greeting', `Hälsning från ${actor}`]];
    if (path.endsWith('/consent/paper')) return [['guardian', String(elsaGuardian)], ['paper_answer', 'yes'], ['answered_on', '']];
    if (path.endsWith('/invitations')) return [['invite', String(elsaGuardian)], [`email_${elsaGuardian}`, 'probe@example.com'], [`language_${elsaGuardian}`, 'sv']];
    if (path === '/register_invite') return [['key', 'AAAA-BBBB-CCCC'], ['username', 'ny förälder'], ['email', 'ny@example.com'],
      ['email_confirm', 'ny@example.com'], ['name', 'Ny Förälder'], ['password', 'blå cykel i regnet'], ['terms', 'yes']];
    if (path === '/register_invite/link') return [['key', 'AAAA-BBBB-CCCC'], ['username', actor === 'anonymous' ? 'admin' : actor], ['password', 'fel-losenord']];
    if (path === '/settings/invitation') return [['key', 'AAAA-BBBB-CCCC']];
    if (path === '/password/forgot') return [['name', actor === 'anonymous' ? 'admin' : actor]];
    if (path === '/login/sms') return [['name', actor === 'anonymous' ? 'admin' : actor]];
    if (path === '/login/sms/code') return [['code', '123456']];
    if (path.startsWith('/password/reset/')) return [['password', 'blå-cykel-regn-tisdag']];
    if (path === '/settings/username') return [['username', actor]];
    if (path === '/settings/password') return [['current_password', 'fel-losenord'], ['new_password', 'blå-cykel-regn-tisdag']];
    if (path === '/settings/emails') return [['email', `${actor}-extra@example.com`]];
    if (path === '/settings/mobile') return [['mobile', `070-123 45 ${String(ACTORS.indexOf(actor)).padStart(2, '0')}`]]; // (codes are limited per number)
    if (path === '/settings/mobile/verify') return [['code', '']];
    if (path === '/settings/contacts') return [['shows', 'phone']];
    if (path === '/settings/notifications') return ['messages', 'absence', 'information', 'calendar', 'documentation', 'blog'].map((k) => [`c0_${k}_timing`, 'summary']);
    if (path === '/settings/sessions/end') return [['session', 'no-such-session']];
    if (path === '/settings/close') return [['confirm_close', 'yes']];
    if (path.endsWith('/close')) return [['next', '/']];
    if (path === '/admin/areas' || /^\/admin\/areas\/\d+$/.test(path)) return [['name', `Provområde ${ACTORS.indexOf(actor)}-${probeNames++}`]];
    if (path === '/admin/units') return [['name', `Provenhet ${ACTORS.indexOf(actor)}-${probeNames++}`], ['kind', 'preschool']];
    if (/^\/admin\/units\/\d+$/.test(path)) return [['name', 'Förskolan Solrosen']]; // (its own name: nothing changes)
    if (/^\/units\/\d+\/groups$/.test(path)) return [['name', `Provgrupp ${ACTORS.indexOf(actor)}-${probeNames++}`]];
    if (/^\/units\/\d+\/groups\/\d+$/.test(path)) return [['name', 'Blåbär']]; // (its own name: nothing changes)
    return [];
  }
});

function fill(path: string, ids: Record<string, number | string>): string {
  return path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`No probe id for :${name}`);
    return String(ids[name]);
  });
}

function assertOutcome(res: request.Response, expected: Outcome, label: string) {
  if (expected === 'login') {
    assert.equal(res.status, 303, `${label}: ${res.status}`);
    assert.match(res.headers.location, /^\/login/, label);
  } else if (expected === 'back') {
    assert.equal(res.status, 303, `${label}: ${res.status}`);
    assert.doesNotMatch(res.headers.location, /^\/login/, label);
  } else {
    assert.equal(res.status, expected, `${label}: ${res.status}`);
  }
}

async function childrenOf(t: TestApp, group: string) {
  return t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
    .select('placements.child_id as id').where('groups.name', '=', group).execute();
}


/** A mail delivered to the demo mailbox, the way a demo database without SMTP_URL delivers every mail. */
async function deliveredDemoMail(t: TestApp): Promise<number> {
  const mail = composeMail('test-mail', DEFAULT_LANGUAGE, { publicUrl: 'http://localhost:3000' });
  const id = await queueMail(t.db, { to: 'probe@example.com', ...mail }, t.clock.now());
  const runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
  registerMailJobs(runner, { db: t.db, clock: t.clock, transport: 'demo-mailbox', from: 'Vardag <no-reply@localhost>' });
  await runner.runDue();
  await runner.stop();
  return id;
}

/** An SMS about Oskar delivered to the demo SMS outbox, the way a demo database without SMS_GATEWAY_URL delivers every SMS. */
async function deliveredDemoSms(t: TestApp, oskar: number): Promise<void> {
  await queueSms(t.db, { to: '+46701234567', message: 'Vardag: Oskar har ogiltig frånvaro i dag.', childId: oskar, day: '2026-11-23' }, t.clock.now());
  const runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
  registerSmsJobs(runner, { db: t.db, clock: t.clock, gateway: 'demo-outbox', from: 'Vardag' });
  await runner.runDue();
  await runner.stop();
}

/** A small image, as a logo to upload (or a child's picture: `n` gives each its own colour). */
const probeImage = (n = 0) => sharp({ create: { width: 40, height: 20, channels: 3, background: { r: (10 + n * 37) % 256, g: (120 + n * 91) % 256, b: 60 } } }).png().toBuffer();

/** Gives the child a picture on its own page, stored as an upload stores it (once), as saved by its first guardian. */
async function givePicture(t: TestApp, child: number): Promise<void> {
  if (await pictureFileOf(t.db, child)) return;
  const image = await encodePicture(await probeImage());
  if (!image.ok) throw new Error(image.error);
  const guardian = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).orderBy('guardian_id').executeTakeFirstOrThrow();
  await setPictureFile(t.db, child, await storePicture(t.config.dataDir, child, image.image), { personId: guardian.guardian_id, at: t.clock.now().toISOString() });
}

/** Turns the unit's guestbook on (its notes as they were). */
async function useGuestbook(t: TestApp, unit: number): Promise<void> {
  const features = await documentationFeatures(t.db, unit);
  if (features.guestbook) return;
  const { municipality_id } = await t.db.selectFrom('units').select('municipality_id').where('id', '=', unit).executeTakeFirstOrThrow();
  await saveDocumentationFeatures(t.db, unit, { ...features, guestbook: true }, { municipalityId: municipality_id, unitId: unit, by: 1, at: t.clock.now() });
}

/** A greeting in the child's guestbook (the unit's guestbook on), from its first guardian; each call its own, as removing uses it up. */
async function freshGreeting(t: TestApp, child: number, unit: number): Promise<number> {
  await useGuestbook(t, unit);
  const guardian = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).orderBy('guardian_id').executeTakeFirstOrThrow();
  return addGuestbookEntry(t.db, child, 'En hälsning att ta bort', false, { personId: guardian.guardian_id, at: t.clock.now().toISOString() });
}

/** A fresh unit of the actor's municipality, for a probe that changes one. */
async function probeUnit(c: EffectCase): Promise<number> {
  return (await c.t.db.insertInto('units').values({ municipality_id: c.own.municipalityId, area_id: null, name: `Logoenheten ${c.n}`, kind: 'preschool',
    street_address: null, postal_code: null, city: null, phone: null, email: null }).returning('id').executeTakeFirstOrThrow()).id;
}

/** Gives the unit a logo, stored as an upload stores it (once: the matrix's probes of a logo ask for it again and again). */
async function giveLogo(t: TestApp, unit: number): Promise<void> {
  if (await unitLogo(t.db, unit)) return;
  const image = await reencodeLogo(await probeImage());
  if (!image.ok) throw new Error(image.error);
  await setUnitLogo(t.db, unit, await storeLogo(t.config.dataDir, unit, image), { source: 'admin', personId: null, at: t.clock.now() });
}

/** A fresh area of the municipality, for a probe that renames or removes one. */
let probeRecords = 0;
async function probeArea(t: TestApp, municipality: number): Promise<number> {
  return (await t.db.insertInto('areas').values({ municipality_id: municipality, name: `Provområdet ${probeRecords++}` })
    .returning('id').executeTakeFirstOrThrow()).id;
}

/** A fresh empty group of the unit, for a probe that renames, ends or removes one. */
async function probeGroup(t: TestApp, unit: number): Promise<number> {
  return (await t.db.insertInto('groups').values({ unit_id: unit, name: `Provgruppen ${probeRecords++}` }).returning('id').executeTakeFirstOrThrow()).id;
}

/**
 * A thread about the side's probe child: from Emma (vardnadshavare) to Elsa's teacher (pedagog), or in the other
 * municipality from its probe account to itself alone.
 */
async function freshThread(t: TestApp, own: { childId: number; groupId: number; unitId: number; municipalityId: number }, account?: number): Promise<number> {
  const idOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const [from, to] = account ? [account, undefined] : [await idOf('vardnadshavare'), await idOf('pedagog')];
  const at = t.clock.now();
  const threadId = await createThread(t.db, { municipalityId: own.municipalityId, subject: 'Matrisens tråd', kind: 'direct', childId: own.childId,
    groupId: own.groupId, unitId: own.unitId, urgent: false, sensitive: false, by: from, at });
  await addParticipants(t.db, threadId, [{ accountId: from, role: 'guardian' }, ...(to ? [{ accountId: to, role: 'staff' as const }] : [])]);
  const messageId = await addMessage(t.db, { threadId, senderAccountId: from, body: 'Hej från matrisen', at });
  if (to) await addRecipients(t.db, messageId, [to]);
  return threadId;
}

/** A calendar event of the side's probe group (Blåbär, or Grannkommun's). */
async function freshCalendarEvent(t: TestApp, own: { municipalityId: number; unitId: number; groupId: number }): Promise<number> {
  const by = (await t.db.selectFrom('staff_assignments').select('person_id').where('group_id', '=', own.groupId).orderBy('id').executeTakeFirstOrThrow()).person_id;
  return addEvent(t.db, { municipalityId: own.municipalityId, unitId: own.unitId, groupId: own.groupId, title: 'Matrisens händelse', note: '', date: '2026-12-03',
    allDay: true, startTime: null, endTime: null, repeatUntil: null, bring: [], by, at: t.clock.now() });
}

/** An information item of the side's probe group with a PDF attached (its file stored as a published one is). */
async function freshInformation(t: TestApp, own: { groupId: number; municipalityId: number }, accountId: number): Promise<{ informationItemId: number; informationAttachmentId: number }> {
  const at = t.clock.now();
  const informationItemId = await insertItem(t.db, { municipalityId: own.municipalityId, scope: { kind: 'group', groupId: own.groupId }, title: 'Matrisens information',
    body: 'Hej', linkUrl: null, pinned: false, expiresOn: null, accountId, at });
  const file = path.join(t.dir, `probe-information-${informationItemId}.pdf`);
  await fs.writeFile(file, `%PDF-1.4\n% Matrisens brev ${informationItemId}\n%%EOF\n`);
  const stored = await checkAndStore(t.dir, file, 'brev.pdf');
  if (!stored.ok) throw new Error(`the probe file was refused: ${stored.error}`);
  await insertAttachments(t.db, informationItemId, [stored], at);
  const row = await t.db.selectFrom('information_attachments').select('id').where('item_id', '=', informationItemId).executeTakeFirstOrThrow();
  return { informationItemId, informationAttachmentId: row.id };
}

/** A PDF attached to the thread's first message (its file stored as a sent one is). */
async function freshAttachment(t: TestApp, threadId: number): Promise<number> {
  const message = await t.db.selectFrom('messages').select('id').where('thread_id', '=', threadId).orderBy('id').executeTakeFirstOrThrow();
  const file = path.join(t.dir, `probe-${threadId}.pdf`);
  await fs.writeFile(file, `%PDF-1.4\n% Matrisens bilaga ${threadId}\n%%EOF\n`);
  const stored = await checkAndStore(t.dir, file, 'lapp.pdf');
  if (!stored.ok) throw new Error(`the probe attachment was refused: ${stored.error}`);
  const row = await t.db.insertInto('message_attachments').values({ message_id: message.id, media_key: stored.key, name: stored.name, mime: stored.mime,
    size: stored.size, created_at: t.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A note about the child written in the unit; each call its own, as changing and removing use it up. */
async function freshNote(t: TestApp, child: number, unit: number): Promise<number> {
  const author = (await t.db.selectFrom('staff_assignments').select('person_id').where('unit_id', '=', unit).orderBy('id').executeTakeFirstOrThrow()).person_id;
  return addNote(t.db, { childId: child, unitId: unit, body: 'Matrisens anteckning', by: author, at: t.clock.now() });
}

/** A published post of the probe group (made once per test app), for the comment cases. */
const blabarPosts = new WeakMap<TestApp, number>();
async function blabarPost(t: TestApp, own: { municipalityId: number; unitId: number; groupId: number }): Promise<number> {
  const made = blabarPosts.get(t);
  if (made) return made;
  const author = (await t.db.selectFrom('staff_assignments').select('person_id').where('group_id', '=', own.groupId).orderBy('id').executeTakeFirstOrThrow()).person_id;
  const post = await writeDemoPost(t.db, t.dir, { municipalityId: own.municipalityId, unitId: own.unitId, groupId: own.groupId, authorId: author,
    kind: 'group', title: 'Kommentarernas inlägg', publishedAt: t.clock.now().toISOString() });
  blabarPosts.set(t, post.id);
  return post.id;
}

/** A waiting comment of the child's first guardian on the post, in the child's portfolio; each call its own. */
async function freshComment(t: TestApp, own: { childId: number }, post: number): Promise<number> {
  const guardian = (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', own.childId).orderBy('guardian_id').executeTakeFirstOrThrow()).guardian_id;
  return addComment(t.db, { postId: post, childId: own.childId, by: guardian, body: 'Matrisens kommentar', at: t.clock.now() });
}

/** A home observation of the child's first guardian, with a photo, sent to the child's group; each call its own. */
let observationPhotos = 0;
async function freshObservation(t: TestApp, own: { childId: number; groupId: number }, status: 'pending' | 'approved'): Promise<number> {
  const guardian = (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', own.childId).orderBy('guardian_id').executeTakeFirstOrThrow()).guardian_id;
  const file = path.join(t.dir, `observation-${observationPhotos++}.png`);
  await fs.writeFile(file, await probeImage(observationPhotos));
  const stored = await storeMedia(t.config.dataDir, { path: file, originalName: 'hemma.png', size: (await fs.stat(file)).size }, mediaLimits(DEFAULT_DOCUMENTATION_SETTINGS));
  if (!stored.ok) throw new Error(stored.error);
  const { key, mime, width, height } = stored.media;
  const id = await addObservation(t.db, { childId: own.childId, groupId: own.groupId, by: guardian, body: 'Matrisens observation', at: t.clock.now(), photo: { key, mime, width, height } });
  if (status === 'approved') await decideObservation(t.db, id, 'approved', guardian, t.clock.now());
  return id;
}
