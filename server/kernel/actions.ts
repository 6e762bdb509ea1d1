// Every action in Vardag, declared once with the rules that allow it. Routes name an action; the policy decides.
// Read it as: "<action> is allowed for <rules>". A record that is not yours answers 404 (see policy.ts).

/** What an action is about; its id comes from the route parameter of the same name (`:childId`...). */
export type TargetKind = 'none' | 'child' | 'group' | 'unit' | 'municipality' | 'personOfChild' | 'invitation'
  | 'closureRequest' // a request to close an account: where the account holder's children are (staff: the municipality)
  | 'staffMember' // a person with a staff assignment, now or once: their municipality, the units where it has not ended
  | 'staffAssignment' // a staff assignment: its unit (and group) and municipality
  | 'staffDetails' // a staff member's name and contact details: their municipality, and their one unit while every assignment not ended is there and their identity is not protected
  | 'absence' // an absence report: where its child is
  | 'area' // an area of a municipality's units: its municipality
  | 'registeredChild' // a child in the register, placed now, later or before: the child's municipality, the units placed in now or later
  | 'placement' // a child's placement: its group, unit and municipality
  | 'person' // any person of the register (for their register extract): their municipality
  | 'registryImport' // an uploaded registry file waiting for approval: its municipality
  | 'unitLogo' // a unit's logo: the unit, its municipality and the children placed in it now or later
  | 'post' // a documentation post: its group, unit and municipality; a portfolio post's children, else the group's children now
  | 'publishedPost' // a published post, to read: its group (and a portfolio post's children's groups now); whose portfolio or group it is in
  | 'postMedia' // a photo, video or sound of a post: as its post, but only the children whose guardians may see it (the photo rule)
  | 'childNotes' // a child's notes (server/notes/): the child in those of its units that use notes (none: not found)
  | 'note' // a note about a child (server/notes/): the child in the unit the note was written in, while it uses notes
  | 'postComment' // a guardian's comment on a post in their child's portfolio: the child, in the post's group
  | 'homeObservation' // a guardian's home observation for their child's portfolio: the child, in the group it went to
  | 'childPortfolio' // a child's portfolio to download: the child while placed, and for the municipality's grace period after the last placement ended
  | 'messageThread' // a message thread (server/messages/): its municipality and the accounts taking part in it (`accountIds`)
  | 'messageAttachment' // a file attached to a message: its thread's municipality and the accounts that see the message (its sender and recipients)
  | 'pushSubscription' // a device's push subscription (server/push/): the one account it belongs to (`accountIds`)
  | 'passkey' // a passkey (server/passkeys/): the one account it belongs to (`accountIds`)
  | 'trustedDevice' // a browser with a PIN (server/accounts/pin*.ts): the one account it belongs to (`accountIds`)
  | 'informationItem' // an information item (server/information/): its group, unit or municipality, and the children placed there now
  | 'informationAttachment' // a file of an information item: as its item
  | 'calendarEvent' // a calendar event (server/calendar/): its group (or every group of its unit), unit, municipality and the children placed there now
  | 'schoolChild' // a pupil's school records (assessment, development plan, extra adaptations): the child, in its school classes (the actions count `school-groups`)
  | 'schoolClass' // a school class (a group of a unit of kind 'school'; any other group: not found)
  | 'adaptation' // an extra adaptation of a pupil (server/adaptations/): its child, in its school classes
  | 'dayNote' // a same-day note (server/day-notes/): its child, where the child is placed now
  | 'pickupPerson' // a person on a child's pickup list or emergency contacts (server/pickup/): its child
  | 'pickupBan' // a person who may not pick a child up (server/pickup/): its child, in the unit it was recorded in
  | 'unitMenu'; // a unit's menu (server/menu/): the unit, its municipality and the children placed in it now or later

/** The kinds of record that are about exactly one child (the child itself, an absence's child): the child an audit row names. */
export const ONE_CHILD_KINDS: ReadonlySet<TargetKind> = new Set<TargetKind>(['child', 'absence', 'registeredChild', 'placement', 'childNotes', 'note', 'postComment', 'homeObservation', 'childPortfolio', 'schoolChild', 'adaptation', 'dayNote', 'pickupPerson', 'pickupBan']);

export type Rule =
  | 'signed-in'              // any signed-in user, about themselves (start page, logout)
  | 'guardian-of-child'      // a legal guardian of the child (or of a child in the group)
  | 'student-self'           // the child themself, with a student account
  | 'staff-of-group'         // staff assigned to the child's group / the group
  | 'staff-of-unit'          // staff assigned anywhere in the unit
  | 'head-of-unit'           // unit head (rektor/förskolechef) of the unit
  | 'admin-of-municipality'  // municipality administrator of the record's municipality
  | 'self'                   // the person is the user themself
  | 'same-household-guardian' // a guardian of the child living in the child's registered household, about that household
  | 'participant'            // an account taking part in the record (a message thread's participants: Location.accountIds)
  | 'any-staff'              // staff (or a unit head) with an assignment in any unit, about themselves (their out-of-office)
  | 'any-admin';             // an administrator of any municipality (the demo mailbox, which is the whole database's)

/**
 * Which of a child's groups an action counts, when not all of them: the rules are asked about each counted group (its
 * unit and its municipality) on its own, and a child in none of them is not found.
 * - 'school-groups': the child's groups in a school (unit kind 'school') whose placement has started: fritids staff, a
 *   preschool's head and the teacher of a class the child only joins later do not mark school absence.
 * - 'chosen-group': the one group named by the posted form's `field`, which must be one of the child's (the guard
 *   reads it into Location.chosenGroupId; without one, or with another group, the action is denied): a check-in
 *   belongs to that group's Today, so a teacher of the class cannot check the child out of fritids.
 */
export type GroupScope = { scope: 'school-groups' } | { scope: 'chosen-group'; field: string };

export interface ActionDefinition {
  target: TargetKind;
  allow: readonly Rule[];
  /** For an action on a child: only some of the child's groups count (see GroupScope). */
  only?: GroupScope;
  /**
   * Needs a strong (BankID/SSO) login; step-up plugs in here. 'municipality-setting': only where the record's
   * municipality asks for it (its documentation settings; the guard asks app.ts's `strongLoginRequired`).
   */
  strongLogin?: boolean | 'municipality-setting';
  /** For details of a person with protected identity: 'hide' shows them to nobody, 'staff-only' drops guardian rules. */
  protectedIdentity?: 'hide' | 'staff-only';
  /**
   * Reads or changes a child's documentation, notes, absence or care-time comments or contact details (later:
   * assessment): every allowed request of it leaves a row in the audit trail (server/audit/), a write in its transaction.
   */
  audited?: true;
  /**
   * About something the child's family is never shown (who may not pick the child up): its audit rows stay out of the
   * family's register extract too, which would otherwise say that such a record exists.
   */
  keptFromFamily?: true;
}

const STAFF_OF_CHILD: readonly Rule[] = ['staff-of-group', 'head-of-unit', 'admin-of-municipality'];
/** A pupil's class teachers and the school's head: never the admin, never fritids staff (the actions count `school-groups`). */
const SCHOOL_STAFF: readonly Rule[] = ['staff-of-group', 'head-of-unit'];
const PUPIL_HOME_AND_SCHOOL: readonly Rule[] = ['guardian-of-child', 'student-self', ...SCHOOL_STAFF];
const SCHOOL: GroupScope = { scope: 'school-groups' };

// `satisfies`, not `as const`: mutation testing (stryker.config.mjs) skips everything that stands under an `as`.
export const actions = {
  // the user's own pages
  'start.read': { target: 'none', allow: ['signed-in'] },
  'session.end': { target: 'none', allow: ['signed-in'] },
  // step-up (server/accounts/step-up.ts): the way to a strong login from a weak session (to the municipality's e-ID, or a
  // page saying it has none), and the form kept while it happened, shown once to be sent again
  'session.strong.start': { target: 'none', allow: ['signed-in'] },
  'session.stepUp.read': { target: 'none', allow: ['signed-in'] },
  'account.language.update': { target: 'none', allow: ['signed-in'] },
  'notifications.read': { target: 'none', allow: ['signed-in'] },
  'messages.read': { target: 'none', allow: ['signed-in'] },
  'account.settings.read': { target: 'none', allow: ['signed-in'] },
  'account.settings.update': { target: 'none', allow: ['signed-in'] },
  'account.closure.request': { target: 'none', allow: ['signed-in'] },
  'account.invitation.use': { target: 'none', allow: ['signed-in'] },
  // the installable app and web push (server/push/): one's own devices that get push notifications (`/settings/devices`),
  // a new one subscribed from the page's script, a test push to them; a device removed by the account it belongs to only
  'account.devices.read': { target: 'none', allow: ['signed-in'] },
  'account.devices.subscribe': { target: 'none', allow: ['signed-in'] },
  'account.devices.test': { target: 'none', allow: ['signed-in'] },
  'pushSubscription.remove': { target: 'pushSubscription', allow: ['participant'] },
  // passkeys (server/passkeys/, `/settings/passkeys`): one's own passkeys listed, a new one registered (options, then the
  // browser's answer; where the municipality counts passkeys as strong, only from a strong session: checked in the
  // handler), one removed by the account it belongs to only. Logging in with one is public (/login/passkey).
  'account.passkeys.read': { target: 'none', allow: ['signed-in'] },
  'account.passkeys.register': { target: 'none', allow: ['signed-in'] },
  'passkey.remove': { target: 'passkey', allow: ['participant'] },
  // a PIN on a trusted device (server/accounts/pin-routes.ts, `/settings/pin`): one's own browsers with a PIN listed, a
  // PIN chosen for this browser (only a guardian without staff or admin roles, right after a login not made with a PIN:
  // checked in the handler by pin-rules.ts), one removed by the account it belongs to only. Logging in with it is public
  'account.pin.read': { target: 'none', allow: ['signed-in'] },
  'account.pin.set': { target: 'none', allow: ['signed-in'] },
  'trustedDevice.remove': { target: 'trustedDevice', allow: ['participant'] },

  // a child
  'child.start.read': { target: 'child', allow: ['guardian-of-child', 'student-self'] },
  // audited: the page shows the guardians' addresses and contact details
  'child.info.read': { target: 'child', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], audited: true },
  // audited: absences carry comments (the page lists them; a report writes one)
  'child.absence.report': { target: 'child', allow: ['guardian-of-child', ...STAFF_OF_CHILD], audited: true },
  'absence.cancel': { target: 'absence', allow: ['guardian-of-child', ...STAFF_OF_CHILD], audited: true },
  // "Ångra" right after a report: the guardian's own report of moments ago (the report's ids, checked against the account)
  'child.absence.undoReport': { target: 'child', allow: ['guardian-of-child'], audited: true },
  // "Ta tillbaka": a guardian withdraws a report of today (or later) while the child has not been checked in
  'absence.withdraw': { target: 'absence', allow: ['guardian-of-child'], audited: true },
  // a guardian's short answer to the school about an unreported absence
  'absence.answer': { target: 'absence', allow: ['guardian-of-child'], audited: true },
  // arrived / left: staff of the group whose Today it is (one of the child's), its unit's head, the admin
  'child.attendance.update': { target: 'child', allow: STAFF_OF_CHILD, only: { scope: 'chosen-group', field: 'group' } },
  // care times (Tidsregistrering): a student sees their own fritids times; a guardian or staff registers them, not the student
  // audited: the week shows the guardians' comments on days and the staff's notes; a save writes the day's comment
  'child.schedule.read': { target: 'child', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], audited: true },
  'child.schedule.update': { target: 'child', allow: ['guardian-of-child', ...STAFF_OF_CHILD], audited: true },
  'child.schedule.comment': { target: 'child', allow: STAFF_OF_CHILD, audited: true },
  // audited: every change of care times and absence with its comments, who and when
  'child.history.read': { target: 'child', allow: STAFF_OF_CHILD, audited: true },
  // school staff mark an absence as unreported (ogiltig frånvaro): staff of the child's class, the school's head, the admin
  'child.absence.markUnreported': { target: 'child', allow: STAFF_OF_CHILD, only: { scope: 'school-groups' }, audited: true },
  // ...and undo the mark (before its SMS went), or take it back afterwards: the same staff
  'absence.unreported.cancel': { target: 'absence', allow: STAFF_OF_CHILD, only: { scope: 'school-groups' }, audited: true },

  // details of a person seen beside a child (a guardian on the child's page, the child themself)
  'person.contact.read': {
    target: 'personOfChild', allow: ['self', 'same-household-guardian', ...STAFF_OF_CHILD], protectedIdentity: 'staff-only',
  },
  'person.address.read': {
    target: 'personOfChild', allow: ['self', 'same-household-guardian', ...STAFF_OF_CHILD], protectedIdentity: 'hide',
  },

  // invitations of a child's guardians (they sit where the child is)
  // audited: shows who will be reached, with their addresses and e-mail, and stores an e-mail address
  'child.invitations.create': { target: 'child', allow: STAFF_OF_CHILD, audited: true },
  'group.invitations.read': { target: 'group', allow: ['staff-of-group', 'head-of-unit', 'admin-of-municipality'] },
  'invitation.manage': { target: 'invitation', allow: STAFF_OF_CHILD },
  // student accounts (server/students/): a pupil from school year 3 (students/rules.ts) gets a one-time letter with a key
  // (an invitation of the pupil themself, registered at /register_invite), made by the staff of the pupil's school class,
  // the school's head or the admin — never by fritids staff or a preschool; the class's list of pupils and their accounts
  'child.studentAccount.manage': { target: 'child', allow: STAFF_OF_CHILD, only: { scope: 'school-groups' } },
  'group.studentAccounts.read': { target: 'group', allow: STAFF_OF_CHILD },

  // a group (avdelning/klass)
  'group.read': { target: 'group', allow: ['guardian-of-child', 'staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },
  'group.children.read': { target: 'group', allow: ['staff-of-group', 'head-of-unit', 'admin-of-municipality'] },
  'group.today.read': { target: 'group', allow: ['staff-of-group', 'head-of-unit', 'admin-of-municipality'] },
  // the printed list of the day carries the guardians' phone numbers out of the house: each print is in the audit trail
  'group.today.print': { target: 'group', allow: ['staff-of-group', 'head-of-unit', 'admin-of-municipality'], audited: true },
  // documentation (server/documentation/): the group's posts for its staff (drafts and published, theirs and colleagues'),
  // writing one to the group, its blog or chosen children's portfolios, its photos, videos and sound; audited: the posts
  // are the children's documentation (portfolios among them)
  'group.posts.read': { target: 'group', allow: ['staff-of-group', 'head-of-unit', 'admin-of-municipality'], audited: true, strongLogin: 'municipality-setting' },
  'group.posts.create': { target: 'group', allow: ['staff-of-group', 'head-of-unit', 'admin-of-municipality'], audited: true, strongLogin: 'municipality-setting' },
  'post.update': { target: 'post', allow: ['staff-of-group', 'head-of-unit', 'admin-of-municipality'], audited: true, strongLogin: 'municipality-setting' },
  'post.delete': { target: 'post', allow: ['staff-of-group', 'head-of-unit', 'admin-of-municipality'], audited: true, strongLogin: 'municipality-setting' },
  // reading documentation (server/documentation/reading.ts): a child's portfolio (the posts to the child and the group's
  // posts), the group's blog, one post and its photos, videos and sound; audited: a portfolio is the child's documentation.
  // A photo is sent only to whom the photo rule lets see it (read-queries.ts): a photo goes no further than its post.
  'child.portfolio.read': {
    target: 'child', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], audited: true, strongLogin: 'municipality-setting',
  },
  'group.blog.read': { target: 'group', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], strongLogin: 'municipality-setting' },
  'post.read': {
    target: 'publishedPost', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], audited: true, strongLogin: 'municipality-setting',
  },
  // each thumbnail of a page is a request of its own: the page's read is in the audit trail, a saved copy is too
  'postMedia.read': { target: 'postMedia', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], strongLogin: 'municipality-setting' },
  'postMedia.download': {
    target: 'postMedia', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], audited: true, strongLogin: 'municipality-setting',
  },
  // the whole portfolio as one ZIP (server/documentation/export.ts): the child's guardians and the pupil, while the child
  // is placed and for the municipality's grace period after (a former pupil is no longer a pupil: the locator names the
  // child as its person, so 'self' holds); audited: it carries the child's documentation out of the house
  'child.portfolio.export': {
    target: 'childPortfolio', allow: ['guardian-of-child', 'student-self', 'self'], audited: true, strongLogin: 'municipality-setting',
  },
  // notes (server/notes/), where the child's unit uses them: short notes about one child for its guardians, written by
  // the staff of the child's group; audited: a note is about the child
  'child.notes.read': { target: 'childNotes', allow: ['guardian-of-child', ...STAFF_OF_CHILD], audited: true, strongLogin: 'municipality-setting' },
  'child.notes.create': { target: 'childNotes', allow: STAFF_OF_CHILD, audited: true, strongLogin: 'municipality-setting' },
  'note.update': { target: 'note', allow: STAFF_OF_CHILD, audited: true, strongLogin: 'municipality-setting' },
  'note.delete': { target: 'note', allow: STAFF_OF_CHILD, audited: true, strongLogin: 'municipality-setting' },
  // guardians' comments on a post in their child's portfolio and their home observations (documentation/comments*.ts):
  // written by a guardian of the child, shown in the child's portfolio once the staff of the group approve them (the
  // group's queue); audited: they are the child's documentation
  'post.comments.read': {
    target: 'publishedPost', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], audited: true, strongLogin: 'municipality-setting',
  },
  'post.comments.create': { target: 'publishedPost', allow: ['guardian-of-child'], audited: true, strongLogin: 'municipality-setting' },
  'group.comments.read': { target: 'group', allow: STAFF_OF_CHILD, audited: true, strongLogin: 'municipality-setting' },
  'postComment.decide': { target: 'postComment', allow: STAFF_OF_CHILD, audited: true, strongLogin: 'municipality-setting' },
  'child.observations.read': {
    target: 'child', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], audited: true, strongLogin: 'municipality-setting',
  },
  'child.observations.create': { target: 'child', allow: ['guardian-of-child'], audited: true, strongLogin: 'municipality-setting' },
  'homeObservation.decide': { target: 'homeObservation', allow: STAFF_OF_CHILD, audited: true, strongLogin: 'municipality-setting' },
  // its photo (a waiting one only to its writer and the staff: comments-routes.ts); each thumbnail is a request of its own
  'homeObservation.photo.read': {
    target: 'homeObservation', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], strongLogin: 'municipality-setting',
  },
  // the child's own page (server/child-page/): its presentation, picture and guestbook, for the child's guardians (both
  // homes), the pupil and the staff of the child's group (head, admin), no other family; its text and picture kept by
  // the guardians and the staff; greetings between the home and the staff, which the staff remove. Audited: the page
  // and its greetings are about the child
  'child.page.read': {
    target: 'child', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], audited: true, strongLogin: 'municipality-setting',
  },
  'child.page.update': { target: 'child', allow: ['guardian-of-child', ...STAFF_OF_CHILD], audited: true, strongLogin: 'municipality-setting' },
  'child.guestbook.write': {
    target: 'child', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD], audited: true, strongLogin: 'municipality-setting',
  },
  'child.guestbook.remove': { target: 'child', allow: STAFF_OF_CHILD, audited: true, strongLogin: 'municipality-setting' },
  // the 160×200 picture alone, shown in the child switcher, the staff's Today list and the consent list: each picture
  // is a request of its own (the page's read is in the audit trail); as those pages, at any login (no strong login)
  'child.picture.read': { target: 'child', allow: ['guardian-of-child', 'student-self', ...STAFF_OF_CHILD] },
  // photo consent (server/consent/): each guardian's yes or no to the child appearing in what the whole group sees
  // (group posts, the blog); a guardian gives or withdraws their own, staff of the group record a paper answer; the
  // group's reference list (pictures and consent at a glance, printable) for its staff. Audited: a change decides
  // whether the child's photos reach other families
  'child.consent.read': { target: 'child', allow: ['guardian-of-child', ...STAFF_OF_CHILD] },
  'child.consent.give': { target: 'child', allow: ['guardian-of-child'], audited: true },
  'child.consent.record': { target: 'child', allow: STAFF_OF_CHILD, audited: true },
  'group.consent.read': { target: 'group', allow: STAFF_OF_CHILD },
  // the contact list (server/contacts/): the group's staff and its children with the guardians who chose to be seen, for
  // the families of the group and its staff (head, admin) — not a pupil; not audited: it holds only what each guardian
  // chose to show every family of the group (staff read all details on the child's audited page). Each signed-in person
  // keeps their own choice of what the other guardians see of them (none, phone, e-mail, both)
  'group.contacts.read': { target: 'group', allow: ['guardian-of-child', ...STAFF_OF_CHILD] },
  'account.contacts.read': { target: 'none', allow: ['signed-in'] },
  'account.contacts.update': { target: 'none', allow: ['signed-in'] },

  // messages (server/messages/): a thread is read, answered and archived by the accounts taking part in it, each seeing
  // only the messages sent to them or by them (queries.ts); a new thread about a child: its guardian writes to the staff
  // of the child's group (all, or one), its staff to one guardian or all of them; a bulletin to all guardians of a group
  // (its staff, the unit's head, the admin) or of a unit (its head, the admin)
  'messageThread.read': { target: 'messageThread', allow: ['participant'] },
  'messageThread.reply': { target: 'messageThread', allow: ['participant'] },
  'messageThread.archive': { target: 'messageThread', allow: ['participant'] },
  'child.messages.write': { target: 'child', allow: ['guardian-of-child', ...STAFF_OF_CHILD] },
  'group.bulletin.send': { target: 'group', allow: STAFF_OF_CHILD },
  'unit.bulletin.send': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  // messages' extras (server/messages/extras-routes.ts): an attachment is sent to the accounts that see its message; a
  // participant retracts a message of their own (retract.ts: staff, their own, within minutes; else not found); staff
  // set their own out-of-office (automatic replies)
  'messageAttachment.read': { target: 'messageAttachment', allow: ['participant'] },
  'messageThread.retract': { target: 'messageThread', allow: ['participant'] },
  'account.outOfOffice.read': { target: 'none', allow: ['any-staff'] },
  'account.outOfOffice.update': { target: 'none', allow: ['any-staff'] },

  // the calendar (server/calendar/): one's own calendar (a guardian's children's groups and units, a staff member's groups
  // and units) as month, week or list; an event of a group (its staff, the unit's head, the admin) or of a whole unit (its
  // head, the admin) added, seen by the children's guardians and the unit's staff, removed by who may add it; one's own
  // subscription (a secret iCalendar URL, `/settings/calendar`): shown, made or renewed
  'calendar.read': { target: 'none', allow: ['signed-in'] },
  'group.calendar.create': { target: 'group', allow: STAFF_OF_CHILD },
  'unit.calendar.create': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'calendarEvent.read': { target: 'calendarEvent', allow: ['guardian-of-child', 'student-self', 'staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },
  'calendarEvent.delete': { target: 'calendarEvent', allow: STAFF_OF_CHILD },
  // an event changed (every field, a weekly event's last day) by who may add it; its families told of a new day or time
  'calendarEvent.update': { target: 'calendarEvent', allow: STAFF_OF_CHILD },
  'account.calendarFeed.read': { target: 'none', allow: ['signed-in'] },
  'account.calendarFeed.renew': { target: 'none', allow: ['signed-in'] },
  // information (server/information/): news and letters. A guardian reads the items of their children's groups, units
  // and municipality; staff those of their groups and units. Staff publish to their group, the unit's staff and head to
  // the unit, the administrator to the municipality; who may publish to an item's place sees who has read it.
  'information.read': { target: 'none', allow: ['signed-in'] },
  'informationItem.read': { target: 'informationItem', allow: ['guardian-of-child', 'staff-of-group', 'staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },
  // (editing, removing and "Läst av": the route narrows it to who may publish to the item's place — a municipality's
  // item lists every unit of it, so its heads pass here and only its administrator there)
  'informationItem.manage': { target: 'informationItem', allow: ['staff-of-group', 'staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },
  'informationAttachment.read': { target: 'informationAttachment', allow: ['guardian-of-child', 'staff-of-group', 'staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },
  'group.information.publish': { target: 'group', allow: STAFF_OF_CHILD },
  'unit.information.publish': { target: 'unit', allow: ['staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },
  'municipality.information.publish': { target: 'municipality', allow: ['admin-of-municipality'] },

  // a unit (förskola/skola)
  'unit.read': { target: 'unit', allow: ['staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },
  'unit.settings.read': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'unit.settings.update': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'unit.closureRequests.read': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },

  // children and placements in the register (server/children/): a municipality's admin for every child of it, a unit's
  // head for the children placed in the unit now or later; audited: the pages show personnummer and the guardians
  'children.admin.read': { target: 'none', allow: ['any-admin'] },
  'children.admin.create': { target: 'none', allow: ['any-admin'] },
  'unit.children.read': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'unit.children.create': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'child.register.read': { target: 'registeredChild', allow: ['head-of-unit', 'admin-of-municipality'], audited: true },
  'child.register.update': { target: 'registeredChild', allow: ['head-of-unit', 'admin-of-municipality'], audited: true },
  'placement.update': { target: 'placement', allow: ['head-of-unit', 'admin-of-municipality'], audited: true },

  // the organisation (server/organisation/): the admin's overview, areas and units for a municipality's admin; a unit's
  // groups for its head too
  'admin.read': { target: 'none', allow: ['any-admin'] },
  'areas.admin.read': { target: 'none', allow: ['any-admin'] },
  'areas.admin.create': { target: 'none', allow: ['any-admin'] },
  'area.read': { target: 'area', allow: ['admin-of-municipality'] },
  'area.update': { target: 'area', allow: ['admin-of-municipality'] },
  'units.admin.read': { target: 'none', allow: ['any-admin'] },
  'units.admin.create': { target: 'none', allow: ['any-admin'] },
  'unit.admin.read': { target: 'unit', allow: ['admin-of-municipality'] },
  'unit.update': { target: 'unit', allow: ['admin-of-municipality'] },
  // the unit's address and contact details (not its name, kind or area, nor closing it: those are unit.update's)
  'unit.contact.update': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  // the unit's logo (uploaded by the admin with unit.update): its staff and head, its children's guardians, its pupils, the admin
  'unit.logo.read': { target: 'unitLogo', allow: ['guardian-of-child', 'student-self', 'staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },
  'unit.groups.read': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'unit.groups.create': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'group.admin.read': { target: 'group', allow: ['head-of-unit', 'admin-of-municipality'] },
  'group.update': { target: 'group', allow: ['head-of-unit', 'admin-of-municipality'] },

  // staff (server/staff/): a municipality's admin for all of its staff, a unit's head for those working in the unit
  'staff.admin.read': { target: 'none', allow: ['any-admin'] },
  'staff.admin.create': { target: 'none', allow: ['any-admin'] },
  'unit.staff.read': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'unit.staff.create': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'staffMember.read': { target: 'staffMember', allow: ['head-of-unit', 'admin-of-municipality'] },
  'staffMember.assign': { target: 'staffMember', allow: ['head-of-unit', 'admin-of-municipality'] },
  'staffMember.invite': { target: 'staffMember', allow: ['head-of-unit', 'admin-of-municipality'] },
  'staffAssignment.end': { target: 'staffAssignment', allow: ['head-of-unit', 'admin-of-municipality'] },
  // a staff member's name, e-mail and phone: the admin; a unit's head only for staff working in that unit alone, and
  // not for a protected identity (whose contact details the head does not see); the personnummer: the admin alone
  'staffMember.update': { target: 'staffDetails', allow: ['head-of-unit', 'admin-of-municipality'] },
  'staffMember.identity.update': { target: 'staffMember', allow: ['admin-of-municipality'] },

  // a request to close an account: the head of a unit where the holder's children are; for staff, only the admin
  'account.closure.handle': { target: 'closureRequest', allow: ['head-of-unit', 'admin-of-municipality'] },

  // a municipality
  'municipality.read': { target: 'municipality', allow: ['admin-of-municipality'] },
  'municipality.terms.update': { target: 'municipality', allow: ['admin-of-municipality'] },
  // the hour of its evening summary of notifications (server/notifications/settings-routes.ts), each change kept
  'municipality.notifications.update': { target: 'municipality', allow: ['admin-of-municipality'] },
  'municipality.closureRequests.read': { target: 'municipality', allow: ['admin-of-municipality'] },
  // the registry import (server/registry-import/): an admin uploads a file for their own municipality (the page reaches it
  // through the actor), previews it and approves it; audited: the preview shows who is reached, with their e-mail
  'registryImport.create': { target: 'none', allow: ['any-admin'] },
  'registryImport.read': { target: 'registryImport', allow: ['admin-of-municipality'], audited: true },
  'registryImport.apply': { target: 'registryImport', allow: ['admin-of-municipality'], audited: true },
  // the whole list of who an import reaches, as CSV: names and e-mail addresses leave the house
  'registryImport.export': { target: 'registryImport', allow: ['admin-of-municipality'], audited: true },
  // its data protection notice and accessibility statement (server/about/), its audit trail searched and exported
  // (server/audit/, read only): an admin, always of their own municipality (the pages reach it through the actor)
  'municipality.statements.update': { target: 'none', allow: ['any-admin'] },
  'municipality.audit.read': { target: 'none', allow: ['any-admin'] },
  // audited: the CSV carries the trail's names out of the house, so who took it, and when, is in the trail too
  'municipality.audit.export': { target: 'none', allow: ['any-admin'], audited: true },
  // its documentation settings (server/documentation/admin.ts): limits per file, the portfolio's download time after a
  // child left, strong login; an admin, of their own municipality (the page reaches it through the actor)
  'municipality.documentation.update': { target: 'none', allow: ['any-admin'] },
  // its login settings (server/e-id/admin.ts): the e-ID broker (issuer, client id, personnummer claim, strong acr values,
  // staff matching), the idle minutes of a strong login, SMS code login, passkeys as strong; and the staff linked to an
  // identity at the broker (a link lets that identity sign in as the staff member). An admin, of their own municipality
  // (the pages reach it through the actor); not strong: an admin sets up the e-ID that strong login needs here
  'municipality.login.update': { target: 'none', allow: ['any-admin'] },
  'municipality.staffLinks.update': { target: 'none', allow: ['any-admin'] },

  // privacy (server/privacy/): a municipality's retention periods and its people's register extracts, for its admin;
  // audited: an extract holds everything Vardag keeps about a person and their children
  'municipality.privacy.read': { target: 'municipality', allow: ['admin-of-municipality'] },
  'municipality.retention.update': { target: 'municipality', allow: ['admin-of-municipality'] },
  'person.extract.read': { target: 'person', allow: ['admin-of-municipality'], audited: true },
  // ...and a signed-in user's own extract, from their settings
  'account.extract.read': { target: 'none', allow: ['signed-in'] },

  // operations (server/operations/): the background jobs that gave up and the backups; the whole database's, as the job
  // runner is, so any admin (the texts shown are scrubbed of personal data)
  'operations.jobs.read': { target: 'none', allow: ['any-admin'] },

  // a demo database only: the demo mailbox, where mail goes instead of being sent (server/demo/mailbox.ts)
  'demo.mailbox.read': { target: 'none', allow: ['any-admin'] },
  // ...and the demo SMS outbox, where SMS go instead of being sent (server/demo/sms.ts)
  'demo.sms.read': { target: 'none', allow: ['any-admin'] },

  // development talks (server/talks/): a guardian sees the child's free times and coming talk, books one (or moves it),
  // cancels it until the unit's deadline and downloads it as an .ics file; staff of the group publish and remove times,
  // see who booked and who not, book or cancel on a guardian's behalf and remind those who have not booked; the unit's
  // head (or the admin) sets the deadline and whether a family in two homes books one talk or one each
  'child.talks.read': { target: 'child', allow: ['guardian-of-child'] },
  'child.talks.book': { target: 'child', allow: ['guardian-of-child'] },
  'child.talks.cancel': { target: 'child', allow: ['guardian-of-child'] },
  'group.talks.read': { target: 'group', allow: STAFF_OF_CHILD },
  'group.talks.publish': { target: 'group', allow: ['staff-of-group', 'head-of-unit'] },
  'group.talks.book': { target: 'group', allow: ['staff-of-group', 'head-of-unit'] },
  'group.talks.remind': { target: 'group', allow: ['staff-of-group', 'head-of-unit'] },
  'unit.talks.settings.read': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  'unit.talks.settings.update': { target: 'unit', allow: ['head-of-unit', 'admin-of-municipality'] },
  // the menu (server/menu/): a unit's week of breakfast, lunch and snack, read by the guardians of the unit's children
  // (and a pupil), its staff, head and the admin; written (the week's form, prefilled from last week on request) by the
  // unit's staff, its head and the admin
  'unitMenu.read': { target: 'unitMenu', allow: ['guardian-of-child', 'student-self', 'staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },
  'unit.menu.write': { target: 'unit', allow: ['staff-of-unit', 'head-of-unit', 'admin-of-municipality'] },

  // School assessment (server/assessment/), individual development plans (server/development-plans/), notes of a
  // development talk (server/talks/notes.ts) and extra adaptations (server/adaptations/), seeds 001 and 004: seen by the
  // pupil's guardians, the pupil (with a student account), the teachers of the pupil's class and the school's head —
  // nobody else, not the admin, not fritids staff. Every read and change needs a strong login for the pupil's
  // municipality and leaves a row in the audit trail. The admin keeps the municipality's assessment matrix (levels,
  // subjects, abilities), which holds nobody's data.
  'municipality.assessment.update': { target: 'none', allow: ['any-admin'] },
  'child.assessment.read': { target: 'schoolChild', allow: PUPIL_HOME_AND_SCHOOL, only: SCHOOL, strongLogin: true, audited: true },
  'child.assessment.write': { target: 'schoolChild', allow: SCHOOL_STAFF, only: SCHOOL, strongLogin: true, audited: true },
  // the A4 page staff print for a meeting (a guardian without BankID is shown the documents there)
  'child.assessment.print': { target: 'schoolChild', allow: SCHOOL_STAFF, only: SCHOOL, strongLogin: true, audited: true },
  'schoolClass.assessment.read': { target: 'schoolClass', allow: SCHOOL_STAFF, strongLogin: true, audited: true },
  'schoolClass.assessment.publish': { target: 'schoolClass', allow: SCHOOL_STAFF, strongLogin: true, audited: true },
  'child.plan.read': { target: 'schoolChild', allow: PUPIL_HOME_AND_SCHOOL, only: SCHOOL, strongLogin: true, audited: true },
  'child.plan.write': { target: 'schoolChild', allow: SCHOOL_STAFF, only: SCHOOL, strongLogin: true, audited: true },
  'child.plan.sign': { target: 'schoolChild', allow: SCHOOL_STAFF, only: SCHOOL, strongLogin: true, audited: true },
  'child.plan.comment': { target: 'schoolChild', allow: ['guardian-of-child', 'student-self'], only: SCHOOL, strongLogin: true, audited: true },
  'child.talkNotes.write': { target: 'schoolChild', allow: SCHOOL_STAFF, only: SCHOOL, strongLogin: true, audited: true },
  'child.adaptations.read': { target: 'schoolChild', allow: PUPIL_HOME_AND_SCHOOL, only: SCHOOL, strongLogin: true, audited: true },
  'child.adaptations.create': { target: 'schoolChild', allow: SCHOOL_STAFF, only: SCHOOL, strongLogin: true, audited: true },
  'adaptation.update': { target: 'adaptation', allow: SCHOOL_STAFF, only: SCHOOL, strongLogin: true, audited: true },
  'adaptation.end': { target: 'adaptation', allow: SCHOOL_STAFF, only: SCHOOL, strongLogin: true, audited: true },

  // Families (issue 26). Two homes (server/schedule/): each guardian sets which days are theirs to register care times
  // for (every other week, or some weekdays, from a day on) and ends it; a day both registered differently is settled
  // on the week page (child.schedule.update). Audited: the patterns say where the child lives which week.
  'child.homes.update': { target: 'child', allow: ['guardian-of-child'], audited: true },
  // same-day notes (server/day-notes/): "Vi blir sena", "Hämtas tidigare", "Hämtas av någon annan", "Går hem själv",
  // written by a guardian, shown on the group's Today until midnight; taken back by a guardian or put away by the
  // group's staff. Audited: they name who picks the child up
  'child.dayNotes.create': { target: 'child', allow: ['guardian-of-child'], audited: true },
  'dayNote.cancel': { target: 'dayNote', allow: ['guardian-of-child', 'staff-of-group', 'head-of-unit'], audited: true },
  // the pickup list and emergency contacts (server/pickup/), kept by the guardians, seen by them and the staff of the
  // child's group — for a child with protected identity nobody else either; walking home alone from fritids, a
  // guardian's yes. Audited: names and phone numbers of people around the child
  'child.pickup.read': { target: 'child', allow: ['guardian-of-child', 'staff-of-group'], audited: true },
  'child.pickup.update': { target: 'child', allow: ['guardian-of-child'], audited: true },
  'pickupPerson.update': { target: 'pickupPerson', allow: ['guardian-of-child'], audited: true },
  // who may not pick the child up: recorded and ended by the unit's head, seen by the group's staff and the head, never
  // by a guardian; every read and change in the audit trail
  'child.pickupBans.read': { target: 'child', allow: ['staff-of-group', 'head-of-unit'], audited: true, keptFromFamily: true },
  'child.pickupBans.create': { target: 'child', allow: ['head-of-unit'], audited: true, keptFromFamily: true },
  'pickupBan.end': { target: 'pickupBan', allow: ['head-of-unit'], audited: true, keptFromFamily: true },
} satisfies Record<string, ActionDefinition>;

export type Action = keyof typeof actions;

/** The actions whose audit rows a family's register extract leaves out (see `keptFromFamily`). */
export const KEPT_FROM_FAMILY: readonly Action[] = (Object.keys(actions) as Action[]).filter((a) => actionDefinition(a).keptFromFamily);

export function actionDefinition(action: Action): ActionDefinition {
  return actions[action];
}
