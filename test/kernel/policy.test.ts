// Who may do what, asked of the policy alone: every action of the table against one of each kind of user (a guardian,
// the child with a student account, the group's teacher, a colleague in another group, the unit's head, the
// municipality's administrator and one of another municipality...), the groups an action counts, protected identity,
// the other household, and a strong login. Fast on purpose: `npm run mutation` runs it for every planted bug.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { actionDefinition, actions, type Action, type ActionDefinition, type TargetKind } from '../../server/kernel/actions.ts';
import { allows, decide, type Actor, type Location, type PlacedGroup } from '../../server/kernel/policy.ts';

const MUNICIPALITY = 1000;
const UNIT = 100;
const GROUP = 10;
const CHILD = 7;

function actor(relations: Partial<Actor>): Actor {
  return {
    accountId: 1, personId: 1, authLevel: 'password', strongIn: new Set(), adminOf: new Set(), headOf: new Set(), staffUnits: new Set(),
    staffGroups: new Set(), guardianOf: new Map(), isStudent: false, ...relations,
    // each person's own account (the rule 'participant' asks for the account)
    ...(relations.personId !== undefined && relations.accountId === undefined ? { accountId: 1000 + relations.personId } : {}),
  };
}

/** One of each: each holds exactly one relation, so that each rule of the table is seen on its own. */
const PEOPLE = {
  guardian: actor({ personId: 50, guardianOf: new Map([[CHILD, { otherHousehold: false }]]) }),
  otherHome: actor({ personId: 51, guardianOf: new Map([[CHILD, { otherHousehold: true }]]) }),
  otherParent: actor({ personId: 52, guardianOf: new Map([[8, { otherHousehold: false }]]) }),
  student: actor({ personId: CHILD, isStudent: true }),
  formerPupil: actor({ personId: CHILD, isStudent: false }),
  otherStudent: actor({ personId: 8, isStudent: true }),
  teacher: actor({ personId: 60, staffGroups: new Set([GROUP]), staffUnits: new Set([UNIT]) }),
  colleague: actor({ personId: 61, staffGroups: new Set([11]), staffUnits: new Set([UNIT]) }),
  otherTeacher: actor({ personId: 62, staffGroups: new Set([20]), staffUnits: new Set([200]) }),
  head: actor({ personId: 70, headOf: new Set([UNIT]) }),
  otherHead: actor({ personId: 71, headOf: new Set([200]) }),
  admin: actor({ personId: 80, adminOf: new Set([MUNICIPALITY]) }),
  otherAdmin: actor({ personId: 81, adminOf: new Set([2000]) }),
  stranger: actor({ personId: 90 }),
};
type Name = keyof typeof PEOPLE;
const EVERYONE = Object.keys(PEOPLE) as Name[];

const schoolClass: PlacedGroup = { id: GROUP, unitId: UNIT, unitKind: 'school', municipalityId: MUNICIPALITY, started: true };

/** Where the record of each kind of action sits: all of it about child 7 in group 10 of unit 100 of municipality 1000. */
const PLACES: Record<TargetKind, Location | null> = {
  none: null,
  child: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD], groups: [schoolClass], chosenGroupId: GROUP },
  absence: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD], groups: [schoolClass] },
  invitation: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  group: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD, 9] },
  unit: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [], childIds: [] },
  closureRequest: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [], childIds: [CHILD] },
  // a staff member working in unit 100 (their municipality, the units of their assignments that have not ended)
  staffMember: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [], childIds: [] },
  staffAssignment: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [] },
  // a staff member's own details, working in unit 100 alone (their unit is left out when they work in two, or are protected)
  staffDetails: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [], childIds: [] },
  municipality: { municipalityId: MUNICIPALITY, unitIds: [], groupIds: [], childIds: [] },
  area: { municipalityId: MUNICIPALITY, unitIds: [], groupIds: [], childIds: [] },
  registeredChild: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  placement: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  // any person of the municipality's register, for their register extract
  person: { municipalityId: MUNICIPALITY, unitIds: [], groupIds: [], childIds: [] },
  // an uploaded registry file of the municipality
  registryImport: { municipalityId: MUNICIPALITY, unitIds: [], groupIds: [], childIds: [] },
  // a unit's logo: unit 100 with child 7 placed in it
  unitLogo: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [], childIds: [CHILD] },
  // a unit's menu: unit 100 with child 7 placed in it
  unitMenu: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [], childIds: [CHILD] },
  // a post of group 10 (a portfolio post's children, or the group's)
  post: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  // a published post of group 10 to read (its children: a portfolio post's, or the group's) and one of its photos (the
  // children whose families may see it under the photo rule)
  publishedPost: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  postMedia: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  // child 7's portfolio to download (while placed, or in the grace period after: then in no group); the child its person
  childPortfolio: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD], person: { id: CHILD, protectedIdentity: false, otherHousehold: false } },
  // child 7's notes in unit 100 (a unit that uses notes), a note about child 7, written in unit 100 (the child's groups in that unit), a comment on a post of group 10 in
  // child 7's portfolio, and a home observation of child 7 sent to group 10
  childNotes: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  note: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  postComment: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  homeObservation: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  // a message thread of group 10 between the guardian (account 1050) and the teacher (account 1060), no one else
  messageThread: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [], accountIds: [1050, 1060] },
  // a file attached to a message from the teacher (account 1060) to the guardian (account 1050): those two see it
  messageAttachment: { municipalityId: MUNICIPALITY, unitIds: [], groupIds: [], childIds: [], accountIds: [1050, 1060] },
  // a device of the guardian's (account 1050) that gets their push notifications: theirs alone, in no municipality
  pushSubscription: { municipalityId: 0, unitIds: [], groupIds: [], childIds: [], accountIds: [1050] },
  // a passkey of the guardian's (account 1050): theirs alone, in no municipality
  passkey: { municipalityId: 0, unitIds: [], groupIds: [], childIds: [], accountIds: [1050] },
  // a browser of the guardian's (account 1050) with a PIN: theirs alone, in no municipality
  trustedDevice: { municipalityId: 0, unitIds: [], groupIds: [], childIds: [], accountIds: [1050] },
  // a calendar event of group 10 (its children now: child 7)
  calendarEvent: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  // an information item of group 10 (its children now: child 7) and a file of it
  informationItem: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  informationAttachment: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD] },
  // a pupil's school records (assessment, development plan, adaptations): child 7 in school class 10, started; a school
  // class (a group of a school: its children now); an extra adaptation of child 7's (where its child is)
  schoolChild: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD], groups: [schoolClass] },
  schoolClass: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD, 9] },
  adaptation: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD], groups: [schoolClass] },
  // families (issue 26): a same-day note about child 7 and a person on its pickup list (where the child is placed now);
  // a person who may not pick child 7 up, recorded in unit 100 (the child's groups in that unit)
  dayNote: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD], groups: [schoolClass] },
  pickupPerson: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD], groups: [schoolClass] },
  pickupBan: { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD], groups: [schoolClass] },
  // the guardian (person 50) seen on the child's page
  personOfChild: {
    municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [CHILD],
    person: { id: 50, protectedIdentity: false, otherHousehold: false },
  },
};

const STAFF: Name[] = ['teacher', 'head', 'admin'];
const GUARDIANS: Name[] = ['guardian', 'otherHome'];

/** The table as people read it: who may do each thing (everyone else is refused). */
const WHO_MAY: Record<Action, Name[]> = {
  'start.read': EVERYONE,
  'session.end': EVERYONE,
  // step-up: the way to a strong login and the form kept during it, one's own
  'session.strong.start': EVERYONE,
  'session.stepUp.read': EVERYONE,
  'account.language.update': EVERYONE,
  'notifications.read': EVERYONE,
  'messages.read': EVERYONE,
  'account.settings.read': EVERYONE,
  'account.settings.update': EVERYONE,
  'account.closure.request': EVERYONE,
  'account.invitation.use': EVERYONE,
  'child.start.read': [...GUARDIANS, 'student'],
  'child.info.read': [...GUARDIANS, 'student', ...STAFF],
  'child.absence.report': [...GUARDIANS, ...STAFF],
  'absence.cancel': [...GUARDIANS, ...STAFF],
  'child.absence.undoReport': GUARDIANS,
  'absence.withdraw': GUARDIANS,
  'absence.answer': GUARDIANS,
  'absence.unreported.cancel': STAFF,
  'child.attendance.update': STAFF,
  'child.schedule.read': [...GUARDIANS, 'student', ...STAFF],
  'child.schedule.update': [...GUARDIANS, ...STAFF],
  'child.schedule.comment': STAFF,
  'child.history.read': STAFF,
  'child.absence.markUnreported': STAFF,
  'person.contact.read': ['guardian', ...STAFF],
  'person.address.read': ['guardian', ...STAFF],
  'child.invitations.create': STAFF,
  'group.invitations.read': STAFF,
  'invitation.manage': STAFF,
  // student accounts: the staff of the pupil's school class (one that has started), the school's head, the admin
  'child.studentAccount.manage': STAFF,
  'group.studentAccounts.read': STAFF,
  'group.read': [...GUARDIANS, 'teacher', 'colleague', 'head', 'admin'],
  'group.children.read': STAFF,
  'group.today.read': STAFF,
  'group.today.print': STAFF,
  // the portfolio's ZIP: the child's guardians (both homes) and the pupil (also one who has left), never staff
  'child.portfolio.export': [...GUARDIANS, 'student', 'formerPupil'],
  // documentation: the group's staff, the unit's head and the admin write the group's posts (a post sits in its group)
  'group.posts.read': STAFF,
  'group.posts.create': STAFF,
  'post.update': STAFF,
  'post.delete': STAFF,
  // reading: the child's portfolio, the group's blog, a post and its photos: the families (the pupil too) and the staff
  'child.portfolio.read': [...GUARDIANS, 'student', ...STAFF],
  'group.blog.read': [...GUARDIANS, 'student', ...STAFF],
  'post.read': [...GUARDIANS, 'student', ...STAFF],
  'postMedia.read': [...GUARDIANS, 'student', ...STAFF],
  'postMedia.download': [...GUARDIANS, 'student', ...STAFF],
  // photo consent: each guardian answers for themself (either home); the staff record a paper answer and read the group's list
  'child.consent.read': [...GUARDIANS, ...STAFF],
  'child.consent.give': GUARDIANS,
  'child.consent.record': STAFF,
  // the child's own page: its families (both homes), the pupil and the group's staff; kept by the guardians and the
  // staff; greetings from home (the pupil too) and the staff, removed by the staff; the picture alone as the page
  'child.page.read': [...GUARDIANS, 'student', ...STAFF],
  'child.page.update': [...GUARDIANS, ...STAFF],
  'child.guestbook.write': [...GUARDIANS, 'student', ...STAFF],
  'child.guestbook.remove': STAFF,
  'child.picture.read': [...GUARDIANS, 'student', ...STAFF],
  'group.consent.read': STAFF,
  // the contact list: the group's families (both homes, not the pupil) and its staff; each person's own choice
  'group.contacts.read': [...GUARDIANS, ...STAFF],
  'account.contacts.read': EVERYONE,
  'account.contacts.update': EVERYONE,
  // notes: the guardians (both homes, not the pupil) read, the group's staff write; comments and home observations:
  // a guardian writes for their own child, the group's staff decide, the family (the pupil too) and the staff read
  'child.notes.read': [...GUARDIANS, ...STAFF],
  'child.notes.create': STAFF,
  'note.update': STAFF,
  'note.delete': STAFF,
  'post.comments.read': [...GUARDIANS, 'student', ...STAFF],
  'post.comments.create': GUARDIANS,
  'group.comments.read': STAFF,
  'postComment.decide': STAFF,
  'child.observations.read': [...GUARDIANS, 'student', ...STAFF],
  'child.observations.create': GUARDIANS,
  'homeObservation.decide': STAFF,
  'homeObservation.photo.read': [...GUARDIANS, 'student', ...STAFF],
  // messages: a thread is its participants' alone (not the head's, nor the admin's); about a child its guardians (both
  // homes, not the pupil) and staff write; a group's bulletin its staff, a unit's its head and the admin
  'messageThread.read': ['guardian', 'teacher'],
  'messageThread.reply': ['guardian', 'teacher'],
  'messageThread.archive': ['guardian', 'teacher'],
  // messages' extras: an attachment its message's sender and recipients; a retract its participants (retract.ts then lets
  // only the staff sender within ten minutes); one's out-of-office any staff member or head, in any unit
  'messageAttachment.read': ['guardian', 'teacher'],
  'messageThread.retract': ['guardian', 'teacher'],
  'account.outOfOffice.read': ['teacher', 'colleague', 'otherTeacher', 'head', 'otherHead'],
  'account.outOfOffice.update': ['teacher', 'colleague', 'otherTeacher', 'head', 'otherHead'],
  // one's own devices for push notifications: everyone's own; a device removed only by its account
  'account.devices.read': EVERYONE,
  'account.devices.subscribe': EVERYONE,
  'account.devices.test': EVERYONE,
  'pushSubscription.remove': ['guardian'],
  // one's own passkeys: everyone's own (where passkeys count as strong, adding one needs a strong session: the handler); removed only by its account
  'account.passkeys.read': EVERYONE,
  'account.passkeys.register': EVERYONE,
  'passkey.remove': ['guardian'],
  // a PIN on one's own browser (only a guardian without staff roles gets one: checked by the handler); a device removed only by its account
  'account.pin.read': EVERYONE,
  'account.pin.set': EVERYONE,
  'trustedDevice.remove': ['guardian'],
  'child.messages.write': [...GUARDIANS, ...STAFF],
  'group.bulletin.send': STAFF,
  'unit.bulletin.send': ['head', 'admin'],
  'unit.read': ['teacher', 'colleague', 'head', 'admin'],
  'unit.settings.read': ['head', 'admin'],
  'unit.settings.update': ['head', 'admin'],
  'unit.closureRequests.read': ['head', 'admin'],
  'admin.read': ['admin', 'otherAdmin'],
  'areas.admin.read': ['admin', 'otherAdmin'],
  'areas.admin.create': ['admin', 'otherAdmin'],
  'area.read': ['admin'],
  'area.update': ['admin'],
  'units.admin.read': ['admin', 'otherAdmin'],
  'units.admin.create': ['admin', 'otherAdmin'],
  'unit.admin.read': ['admin'],
  'unit.update': ['admin'],
  'unit.contact.update': ['head', 'admin'],
  'unit.logo.read': ['guardian', 'otherHome', 'student', 'teacher', 'colleague', 'head', 'admin'],
  'unit.groups.read': ['head', 'admin'],
  'unit.groups.create': ['head', 'admin'],
  'group.admin.read': ['head', 'admin'],
  'group.update': ['head', 'admin'],
  'account.closure.handle': ['head', 'admin'],
  'staff.admin.read': ['admin', 'otherAdmin'],
  'staff.admin.create': ['admin', 'otherAdmin'],
  'unit.staff.read': ['head', 'admin'],
  'unit.staff.create': ['head', 'admin'],
  'staffMember.read': ['head', 'admin'],
  'staffMember.assign': ['head', 'admin'],
  'staffMember.invite': ['head', 'admin'],
  'staffAssignment.end': ['head', 'admin'],
  'staffMember.update': ['head', 'admin'],
  'staffMember.identity.update': ['admin'],
  'children.admin.read': ['admin', 'otherAdmin'],
  'children.admin.create': ['admin', 'otherAdmin'],
  'unit.children.read': ['head', 'admin'],
  'unit.children.create': ['head', 'admin'],
  'child.register.read': ['head', 'admin'],
  'child.register.update': ['head', 'admin'],
  'placement.update': ['head', 'admin'],
  'municipality.read': ['admin'],
  'municipality.terms.update': ['admin'],
  'municipality.notifications.update': ['admin'],
  'municipality.closureRequests.read': ['admin'],
  'municipality.statements.update': ['admin', 'otherAdmin'],
  'municipality.audit.read': ['admin', 'otherAdmin'],
  'municipality.audit.export': ['admin', 'otherAdmin'],
  'demo.mailbox.read': ['admin', 'otherAdmin'],
  'demo.sms.read': ['admin', 'otherAdmin'],
  'operations.jobs.read': ['admin', 'otherAdmin'],
  // any admin uploads (for their own municipality); previewing and approving a file is its municipality's admin's
  'registryImport.create': ['admin', 'otherAdmin'],
  'registryImport.read': ['admin'],
  'registryImport.apply': ['admin'],
  'registryImport.export': ['admin'],
  // privacy: the municipality's retention periods and a person's register extract, its admin's; one's own extract, everyone's
  'municipality.privacy.read': ['admin'],
  'municipality.retention.update': ['admin'],
  'person.extract.read': ['admin'],
  'account.extract.read': EVERYONE,
  // the municipality's documentation settings: any admin, for their own municipality (the page reaches it through them)
  'municipality.documentation.update': ['admin', 'otherAdmin'],
  // the municipality's login settings (e-ID broker, idle minutes, other ways in) and its staff's e-ID links: any admin, for
  // their own municipality (the pages reach it through them)
  'municipality.login.update': ['admin', 'otherAdmin'],
  'municipality.staffLinks.update': ['admin', 'otherAdmin'],
  // the calendar: one's own calendar and subscription, everyone's; a group's event added by its staff, a unit's by its head;
  // an event read by the children's guardians, the pupil and the unit's staff, removed by who may add it
  'calendar.read': EVERYONE,
  'account.calendarFeed.read': EVERYONE,
  'account.calendarFeed.renew': EVERYONE,
  'group.calendar.create': STAFF,
  'unit.calendar.create': ['head', 'admin'],
  'calendarEvent.read': ['guardian', 'otherHome', 'student', 'teacher', 'colleague', 'head', 'admin'],
  'calendarEvent.delete': STAFF,
  'calendarEvent.update': STAFF,
  // information: everyone's own list; a group's item read by the children's guardians (both homes, not the pupil) and the
  // unit's staff, its readers seen by who may publish to the group; published to a group by its staff, to a unit by its
  // staff and head, to the municipality by its admin
  'information.read': EVERYONE,
  'informationItem.read': [...GUARDIANS, 'teacher', 'colleague', 'head', 'admin'],
  'informationItem.manage': [...STAFF, 'colleague'], // (the route narrows it to who may publish there: test/information)
  'informationAttachment.read': [...GUARDIANS, 'teacher', 'colleague', 'head', 'admin'],
  'group.information.publish': STAFF,
  'unit.information.publish': ['teacher', 'colleague', 'head', 'admin'],
  'municipality.information.publish': ['admin'],
  // development talks: a child's times booked, moved and cancelled by its guardians (both homes, not the pupil); a group's
  // times seen by its staff, the head and the admin, published, booked for a guardian and reminded by its staff and head;
  // the unit's talk settings, its head's and the admin's
  'child.talks.read': GUARDIANS,
  'child.talks.book': GUARDIANS,
  'child.talks.cancel': GUARDIANS,
  'group.talks.read': STAFF,
  'group.talks.publish': ['teacher', 'head'],
  'group.talks.book': ['teacher', 'head'],
  'group.talks.remind': ['teacher', 'head'],
  'unit.talks.settings.read': ['head', 'admin'],
  'unit.talks.settings.update': ['head', 'admin'],
  'unitMenu.read': ['guardian', 'otherHome', 'student', 'teacher', 'colleague', 'head', 'admin'],
  'unit.menu.write': ['teacher', 'colleague', 'head', 'admin'],
  // school assessment, development plans, talk notes and extra adaptations (always with a strong login for the pupil's
  // municipality): the guardians (both homes), the pupil, the teachers of the pupil's class and the school's head; never
  // the admin, never a colleague of another class; the admin keeps the municipality's matrix (any admin, their own)
  'municipality.assessment.update': ['admin', 'otherAdmin'],
  'child.assessment.read': [...GUARDIANS, 'student', 'teacher', 'head'],
  'child.assessment.write': ['teacher', 'head'],
  'child.assessment.print': ['teacher', 'head'],
  'schoolClass.assessment.read': ['teacher', 'head'],
  'schoolClass.assessment.publish': ['teacher', 'head'],
  'child.plan.read': [...GUARDIANS, 'student', 'teacher', 'head'],
  'child.plan.write': ['teacher', 'head'],
  'child.plan.sign': ['teacher', 'head'],
  'child.plan.comment': [...GUARDIANS, 'student'],
  'child.talkNotes.write': ['teacher', 'head'],
  'child.adaptations.read': [...GUARDIANS, 'student', 'teacher', 'head'],
  'child.adaptations.create': ['teacher', 'head'],
  'adaptation.update': ['teacher', 'head'],
  'adaptation.end': ['teacher', 'head'],
  // families (issue 26): the two homes' patterns, set by each guardian (both homes); same-day notes written by the
  // guardians, taken back by them or put away by the group's staff and the unit's head (not the admin); the pickup list
  // kept by the guardians and read by them and the group's staff alone (not the head, the admin, another group, the
  // pupil); who may not pick up: read by the group's staff and the unit's head, recorded and ended by the head alone,
  // never a guardian nor the admin
  'child.homes.update': GUARDIANS,
  'child.dayNotes.create': GUARDIANS,
  'dayNote.cancel': [...GUARDIANS, 'teacher', 'head'],
  'child.pickup.read': [...GUARDIANS, 'teacher'],
  'child.pickup.update': GUARDIANS,
  'pickupPerson.update': GUARDIANS,
  'child.pickupBans.read': ['teacher', 'head'],
  'child.pickupBans.create': ['head'],
  'pickupBan.end': ['head'],
};

/** What each action is about: the record the guard finds from the route (its :childId, :groupId...) and asks about. */
const ABOUT: Record<TargetKind, Action[]> = {
  none: ['start.read', 'session.end', 'session.strong.start', 'session.stepUp.read', 'account.language.update', 'notifications.read', 'messages.read', 'account.settings.read',
    'account.settings.update', 'account.closure.request', 'account.invitation.use', 'demo.mailbox.read', 'demo.sms.read',
    'operations.jobs.read',
    'children.admin.read', 'children.admin.create', 'staff.admin.read', 'staff.admin.create',
    'admin.read', 'areas.admin.read', 'areas.admin.create', 'units.admin.read', 'units.admin.create',
    'municipality.statements.update', 'municipality.audit.read', 'municipality.audit.export', 'registryImport.create', 'account.extract.read',
    'municipality.documentation.update', 'municipality.login.update', 'municipality.staffLinks.update', 'account.devices.read', 'account.devices.subscribe', 'account.devices.test',
    'account.passkeys.read', 'account.passkeys.register', 'account.pin.read', 'account.pin.set',
    'account.outOfOffice.read', 'account.outOfOffice.update', 'calendar.read', 'account.calendarFeed.read', 'account.calendarFeed.renew', 'account.contacts.read', 'account.contacts.update',
    'information.read', 'municipality.assessment.update'],
  child: ['child.start.read', 'child.info.read', 'child.absence.report', 'child.attendance.update', 'child.schedule.read',
    'child.schedule.update', 'child.schedule.comment', 'child.history.read', 'child.absence.markUnreported', 'child.invitations.create',
    'child.absence.undoReport', 'child.consent.read', 'child.consent.give', 'child.consent.record', 'child.portfolio.read',
    'child.page.read', 'child.page.update', 'child.guestbook.write', 'child.guestbook.remove', 'child.picture.read',
    'child.observations.read', 'child.observations.create', 'child.messages.write', 'child.talks.read', 'child.talks.book', 'child.talks.cancel',
    'child.studentAccount.manage', 'child.homes.update', 'child.dayNotes.create', 'child.pickup.read', 'child.pickup.update',
    'child.pickupBans.read', 'child.pickupBans.create'],
  absence: ['absence.cancel', 'absence.withdraw', 'absence.answer', 'absence.unreported.cancel'],
  personOfChild: ['person.contact.read', 'person.address.read'],
  group: ['group.studentAccounts.read', 'group.invitations.read', 'group.read', 'group.children.read', 'group.today.read', 'group.today.print', 'group.admin.read', 'group.update',
    'group.posts.read', 'group.posts.create', 'group.consent.read', 'group.blog.read', 'group.comments.read', 'group.bulletin.send',
    'group.contacts.read', 'group.calendar.create', 'group.information.publish', 'group.talks.read', 'group.talks.publish', 'group.talks.book',
    'group.talks.remind'],
  invitation: ['invitation.manage'],
  unit: ['unit.read', 'unit.settings.read', 'unit.settings.update', 'unit.closureRequests.read', 'unit.admin.read', 'unit.update', 'unit.groups.read',
    'unit.groups.create', 'unit.children.read', 'unit.children.create',
    'unit.staff.read', 'unit.staff.create', 'unit.contact.update', 'unit.bulletin.send', 'unit.calendar.create',
    'unit.information.publish', 'unit.talks.settings.read', 'unit.talks.settings.update', 'unit.menu.write'],
  closureRequest: ['account.closure.handle'],
  staffMember: ['staffMember.read', 'staffMember.assign', 'staffMember.invite', 'staffMember.identity.update'],
  staffDetails: ['staffMember.update'],
  staffAssignment: ['staffAssignment.end'],
  person: ['person.extract.read'],
  municipality: ['municipality.read', 'municipality.terms.update', 'municipality.notifications.update', 'municipality.closureRequests.read', 'municipality.privacy.read', 'municipality.retention.update',
    'municipality.information.publish'],
  area: ['area.read', 'area.update'],
  registeredChild: ['child.register.read', 'child.register.update'],
  placement: ['placement.update'],
  registryImport: ['registryImport.read', 'registryImport.apply', 'registryImport.export'],
  unitLogo: ['unit.logo.read'],
  unitMenu: ['unitMenu.read'],
  childPortfolio: ['child.portfolio.export'],
  post: ['post.update', 'post.delete'],
  publishedPost: ['post.read', 'post.comments.read', 'post.comments.create'],
  postMedia: ['postMedia.read', 'postMedia.download'],
  childNotes: ['child.notes.read', 'child.notes.create'],
  note: ['note.update', 'note.delete'],
  postComment: ['postComment.decide'],
  homeObservation: ['homeObservation.decide', 'homeObservation.photo.read'],
  calendarEvent: ['calendarEvent.read', 'calendarEvent.delete', 'calendarEvent.update'],
  messageThread: ['messageThread.read', 'messageThread.reply', 'messageThread.archive', 'messageThread.retract'],
  messageAttachment: ['messageAttachment.read'],
  pushSubscription: ['pushSubscription.remove'],
  passkey: ['passkey.remove'],
  trustedDevice: ['trustedDevice.remove'],
  informationItem: ['informationItem.read', 'informationItem.manage'],
  informationAttachment: ['informationAttachment.read'],
  schoolChild: ['child.assessment.read', 'child.assessment.write', 'child.assessment.print', 'child.plan.read', 'child.plan.write', 'child.plan.sign',
    'child.plan.comment', 'child.talkNotes.write', 'child.adaptations.read', 'child.adaptations.create'],
  schoolClass: ['schoolClass.assessment.read', 'schoolClass.assessment.publish'],
  adaptation: ['adaptation.update', 'adaptation.end'],
  dayNote: ['dayNote.cancel'],
  pickupPerson: ['pickupPerson.update'],
  pickupBan: ['pickupBan.end'],
};

const ALL_ACTIONS = Object.keys(actions) as Action[];
const placeOf = (action: Action) => PLACES[actionDefinition(action).target];
/** Strong by the e-ID of the records' municipality. */
const strongHere = { authLevel: 'strong' as const, strongIn: new Set([MUNICIPALITY]) };
/** Who asks: for an action that always needs a strong login, the person with a strong login for the record's municipality. */
const asking = (name: Name, action: Action): Actor => (actionDefinition(action).strongLogin === true ? { ...PEOPLE[name], ...strongHere } : PEOPLE[name]);

describe('the action table', () => {
  it('says for every action who may do it, and refuses everyone else', () => {
    assert.deepEqual(Object.keys(WHO_MAY).sort(), [...ALL_ACTIONS].sort(), 'a new action needs its line in WHO_MAY');
    for (const action of ALL_ACTIONS) {
      const allowed = EVERYONE.filter((name) => decide(asking(name, action), action, placeOf(action)) === 'allow');
      assert.deepEqual(allowed, EVERYONE.filter((name) => WHO_MAY[action].includes(name)), action);
      for (const name of EVERYONE) assert.equal(allows(asking(name, action), action, placeOf(action)), WHO_MAY[action].includes(name), `${action} ${name}`);
    }
  });

  it('finds each action’s record where its routes name it', () => {
    const about = Object.entries(ABOUT).flatMap(([kind, list]) => list.map((action): [string, string] => [action, kind]));
    assert.deepEqual(new Map(ALL_ACTIONS.map((action) => [action, actionDefinition(action).target])), new Map(about));
  });

  it('counts some of a child’s groups for marking unreported absence and checking in, the check-in’s group named in the form', () => {
    const counting = ALL_ACTIONS.filter((action) => actionDefinition(action).only).map((action) => [action, actionDefinition(action).only]);
    assert.deepEqual(counting, [
      ['child.attendance.update', { scope: 'chosen-group', field: 'group' }],
      ['child.absence.markUnreported', { scope: 'school-groups' }],
      ['absence.unreported.cancel', { scope: 'school-groups' }],
      ['child.studentAccount.manage', { scope: 'school-groups' }],
      ...['child.assessment.read', 'child.assessment.write', 'child.assessment.print', 'child.plan.read', 'child.plan.write', 'child.plan.sign',
        'child.plan.comment', 'child.talkNotes.write', 'child.adaptations.read', 'child.adaptations.create', 'adaptation.update', 'adaptation.end',
      ].map((action) => [action, { scope: 'school-groups' }]),
    ]);
  });

  it('leaves a row in the audit trail for what reads or changes a child’s documentation, comments or contact details', () => {
    assert.deepEqual(ALL_ACTIONS.filter((action) => actionDefinition(action).audited === true), [
      'child.info.read', 'child.absence.report', 'absence.cancel', 'child.absence.undoReport', 'absence.withdraw', 'absence.answer',
      'child.schedule.read', 'child.schedule.update', 'child.schedule.comment', 'child.history.read', 'child.absence.markUnreported',
      'absence.unreported.cancel', 'child.invitations.create',
      'group.today.print', // the printed list of the day carries the guardians' phone numbers
      'group.posts.read', 'group.posts.create', 'post.update', 'post.delete', // the children's documentation, portfolios among it
      'child.portfolio.read', 'post.read', 'postMedia.download', // reading it, and a saved copy of a photo
      'child.portfolio.export', // the whole portfolio leaves the house as a ZIP
      'child.notes.read', 'child.notes.create', 'note.update', 'note.delete', // notes about the child to its guardians
      'post.comments.read', 'post.comments.create', 'group.comments.read', 'postComment.decide', // the guardians' comments in a portfolio
      'child.observations.read', 'child.observations.create', 'homeObservation.decide', // and their home observations
      'child.page.read', 'child.page.update', 'child.guestbook.write', 'child.guestbook.remove', // the child's own page and its greetings
      'child.consent.give', 'child.consent.record', // whether the child's photos reach other families
      'child.register.read', 'child.register.update', 'placement.update', // a child's register page: the guardians, the placements
      'registryImport.read', 'registryImport.apply', // an import's preview: who is reached, with their e-mail addresses
      'registryImport.export', // the whole list of who is reached, as CSV
      'municipality.audit.export', // the admins' CSV of the audit trail carries its names out of the house
      'person.extract.read', // a register extract holds everything about the person and their children
      // a pupil's assessment, development plan, talk notes and extra adaptations: every read and change
      'child.assessment.read', 'child.assessment.write', 'child.assessment.print', 'schoolClass.assessment.read', 'schoolClass.assessment.publish',
      'child.plan.read', 'child.plan.write', 'child.plan.sign', 'child.plan.comment', 'child.talkNotes.write',
      'child.adaptations.read', 'child.adaptations.create', 'adaptation.update', 'adaptation.end',
      // families: where the child lives which week, who picks it up today, the pickup list's names and phone numbers,
      // who may not pick it up (every read too)
      'child.homes.update', 'child.dayNotes.create', 'dayNote.cancel', 'child.pickup.read', 'child.pickup.update', 'pickupPerson.update',
      'child.pickupBans.read', 'child.pickupBans.create', 'pickupBan.end',
    ]);
  });

  it('refuses a visitor who is not signed in, whatever the action', () => {
    for (const action of ALL_ACTIONS) assert.equal(decide(undefined, action, placeOf(action)), 'deny', action);
  });

  it('refuses an action about a record when there is no such record (it is not found: 404), even to its administrator', () => {
    for (const action of ALL_ACTIONS.filter((a) => actionDefinition(a).target !== 'none')) {
      for (const name of EVERYONE) assert.equal(decide(PEOPLE[name], action, null), 'deny', `${action} ${name}`);
    }
  });

  it('counts a group’s children for a guardian, but only a staff member’s own group for the children in it', () => {
    const groupOfOthers: Location = { municipalityId: MUNICIPALITY, unitIds: [UNIT], groupIds: [GROUP], childIds: [8, 9] };
    assert.equal(decide(PEOPLE.guardian, 'group.read', groupOfOthers), 'deny');
    assert.equal(decide(PEOPLE.otherParent, 'group.read', groupOfOthers), 'allow');
    assert.equal(decide(PEOPLE.colleague, 'group.children.read', PLACES.group), 'deny');
    assert.equal(decide(PEOPLE.colleague, 'group.children.read', { ...PLACES.group!, groupIds: [GROUP, 11] }), 'allow');
  });

  it('lets the head or staff of either unit of a record in two (a school and its fritids) see it', () => {
    const twoUnits: Location = { ...PLACES.child!, unitIds: [200, UNIT], groupIds: [20, GROUP] };
    assert.equal(decide(PEOPLE.head, 'child.info.read', twoUnits), 'allow');
    assert.equal(decide(PEOPLE.otherHead, 'child.info.read', twoUnits), 'allow');
    assert.equal(decide(PEOPLE.colleague, 'unit.read', { ...PLACES.unit!, unitIds: [200, UNIT] }), 'allow');
    assert.equal(decide(PEOPLE.colleague, 'unit.read', { ...PLACES.unit!, unitIds: [UNIT, 200] }), 'allow');
  });
});

describe('actions that count only some of a child’s groups', () => {
  const group = (over: Partial<PlacedGroup>): PlacedGroup => ({ ...schoolClass, ...over });
  const childIn = (groups: PlacedGroup[], chosenGroupId?: number): Location => ({
    municipalityId: groups[0].municipalityId, unitIds: groups.map((g) => g.unitId), groupIds: groups.map((g) => g.id), childIds: [CHILD], groups,
    ...(chosenGroupId === undefined ? {} : { chosenGroupId }),
  });
  const fritids = group({ id: 20, unitId: 200, unitKind: 'fritids' });
  const preschool = group({ id: 20, unitId: 200, unitKind: 'preschool' });

  it('lets only staff of a school class that has started mark an unreported absence (not fritids, preschool or a later class)', () => {
    const mark = (who: Name, groups: PlacedGroup[]) => decide(PEOPLE[who], 'child.absence.markUnreported', childIn(groups));
    assert.equal(mark('teacher', [schoolClass, fritids]), 'allow');
    assert.equal(mark('otherTeacher', [schoolClass, fritids]), 'deny');
    assert.equal(mark('otherHead', [schoolClass, preschool]), 'deny');
    assert.equal(mark('teacher', [group({ started: false }), fritids]), 'deny');
    assert.equal(mark('otherTeacher', [schoolClass, group({ id: 20, unitId: 200 })]), 'allow');
    assert.equal(mark('head', [group({ unitKind: 'preschool' })]), 'deny');
    assert.equal(decide(PEOPLE.teacher, 'child.absence.markUnreported', { ...childIn([schoolClass]), groups: undefined }), 'deny');
  });

  it('counts each school class in its own municipality: the other municipality’s administrator for its own class only', () => {
    const twoMunicipalities = childIn([schoolClass, group({ id: 20, unitId: 200, municipalityId: 2000, started: false })]);
    assert.equal(decide(PEOPLE.otherAdmin, 'child.absence.markUnreported', twoMunicipalities), 'deny');
    assert.equal(decide(PEOPLE.admin, 'child.absence.markUnreported', twoMunicipalities), 'allow');
    const startedThere = childIn([group({ started: false }), group({ id: 20, unitId: 200, municipalityId: 2000 })]);
    assert.equal(decide(PEOPLE.otherAdmin, 'child.absence.markUnreported', startedThere), 'allow');
    assert.equal(decide(PEOPLE.admin, 'child.absence.markUnreported', startedThere), 'deny');
  });

  it('checks a child in or out only in the group whose Today it is, and only when a group of the child’s is named', () => {
    const checkIn = (who: Name, chosen: number | undefined) => decide(PEOPLE[who], 'child.attendance.update', childIn([schoolClass, fritids], chosen));
    assert.equal(checkIn('teacher', GROUP), 'allow');
    assert.equal(checkIn('teacher', 20), 'deny');
    assert.equal(checkIn('otherTeacher', 20), 'allow');
    assert.equal(checkIn('otherTeacher', GROUP), 'deny');
    assert.equal(checkIn('otherHead', 20), 'allow');
    assert.equal(checkIn('head', 20), 'deny');
    assert.equal(checkIn('teacher', undefined), 'deny');
    assert.equal(checkIn('teacher', 99), 'deny');
  });
});

describe('a pupil’s school records: assessment, development plan, talk notes and extra adaptations', () => {
  const SCHOOL_ACTIONS = ALL_ACTIONS.filter((action) => ['schoolChild', 'schoolClass', 'adaptation'].includes(actionDefinition(action).target));
  const strong = (who: Actor, municipalityId = MUNICIPALITY): Actor => ({ ...who, authLevel: 'strong', strongIn: new Set([municipalityId]) });
  const group = (over: Partial<PlacedGroup>): PlacedGroup => ({ ...schoolClass, ...over });
  const pupilIn = (groups: PlacedGroup[]): Location => ({
    municipalityId: groups[0].municipalityId, unitIds: groups.map((g) => g.unitId), groupIds: groups.map((g) => g.id), childIds: [CHILD], groups,
  });
  const fritids = group({ id: 20, unitId: 200, unitKind: 'fritids' });
  /** Staff of the pupil's fritids group, and the fritids' head: the same school's leisure centre, not the class. */
  const fritidsStaff = actor({ personId: 63, staffGroups: new Set([20]), staffUnits: new Set([200]) });
  const fritidsHead = actor({ personId: 72, headOf: new Set([200]) });

  it('are these actions, each needing a strong login and leaving an audit row; the matrix itself is the admin’s, weak is enough', () => {
    assert.deepEqual(SCHOOL_ACTIONS.length, 14);
    for (const action of SCHOOL_ACTIONS) {
      assert.equal(actionDefinition(action).strongLogin, true, action);
      assert.equal(actionDefinition(action).audited, true, action);
    }
    assert.equal(actionDefinition('municipality.assessment.update').strongLogin, undefined);
    assert.equal(decide(PEOPLE.admin, 'municipality.assessment.update', null), 'allow');
    assert.equal(decide(PEOPLE.teacher, 'municipality.assessment.update', null), 'deny');
    assert.equal(decide(PEOPLE.head, 'municipality.assessment.update', null), 'deny');
  });

  it('asks the pupil’s guardians, the pupil and the class’s staff for a strong login, and refuses everyone else outright', () => {
    for (const action of SCHOOL_ACTIONS) {
      for (const name of EVERYONE) {
        assert.equal(decide(PEOPLE[name], action, placeOf(action)), WHO_MAY[action].includes(name) ? 'needs-strong-login' : 'deny', `${action} ${name} weak`);
        assert.equal(allows(PEOPLE[name], action, placeOf(action)), false, `${action} ${name} weak`);
      }
    }
  });

  it('counts a login strong only for another municipality as weak here', () => {
    for (const action of SCHOOL_ACTIONS) {
      for (const name of EVERYONE) {
        const elsewhere = strong(PEOPLE[name], MUNICIPALITY + 1);
        assert.equal(decide(elsewhere, action, placeOf(action)), WHO_MAY[action].includes(name) ? 'needs-strong-login' : 'deny', `${action} ${name}`);
        const both = { ...PEOPLE[name], authLevel: 'strong' as const, strongIn: new Set([MUNICIPALITY + 1, MUNICIPALITY]) };
        assert.equal(decide(both, action, placeOf(action)), WHO_MAY[action].includes(name) ? 'allow' : 'deny', `${action} ${name} strong in both`);
      }
    }
  });

  it('never lets the admin in, strong or not, nor a colleague of another class or another school', () => {
    for (const action of SCHOOL_ACTIONS) {
      for (const name of ['admin', 'otherAdmin', 'colleague', 'otherTeacher', 'otherHead', 'stranger', 'otherParent', 'otherStudent', 'formerPupil'] as Name[]) {
        assert.equal(decide(strong(PEOPLE[name]), action, placeOf(action)), 'deny', `${action} ${name}`);
      }
    }
  });

  it('never lets fritids staff or the fritids’ head in, even for a pupil placed in their fritids', () => {
    const schoolAndFritids = pupilIn([schoolClass, fritids]);
    for (const action of SCHOOL_ACTIONS.filter((a) => actionDefinition(a).target !== 'schoolClass')) {
      assert.equal(decide(strong(fritidsStaff), action, schoolAndFritids), 'deny', `${action} fritids staff`);
      assert.equal(decide(strong(fritidsHead), action, schoolAndFritids), 'deny', `${action} fritids head`);
      assert.equal(decide(strong(PEOPLE.teacher), action, schoolAndFritids), WHO_MAY[action].includes('teacher') ? 'allow' : 'deny', action);
      assert.equal(decide(strong(PEOPLE.guardian), action, schoolAndFritids), WHO_MAY[action].includes('guardian') ? 'allow' : 'deny', action);
    }
  });

  it('has no school records for a child in no school class that has started: nobody, not even the guardians', () => {
    for (const action of SCHOOL_ACTIONS.filter((a) => actionDefinition(a).target !== 'schoolClass')) {
      for (const groups of [[fritids], [group({ started: false }), fritids], [group({ unitKind: 'preschool' })]]) {
        for (const name of EVERYONE) assert.equal(decide(strong(PEOPLE[name]), action, pupilIn(groups)), 'deny', `${action} ${name}`);
      }
    }
  });
});

describe('families: two homes, same-day notes, the pickup list and who may not pick up', () => {
  const FAMILY_ACTIONS: Action[] = ['child.homes.update', 'child.dayNotes.create', 'dayNote.cancel', 'child.pickup.read', 'child.pickup.update',
    'pickupPerson.update', 'child.pickupBans.read', 'child.pickupBans.create', 'pickupBan.end'];
  const who = (action: Action, at: Location | null) => EVERYONE.filter((name) => decide(PEOPLE[name], action, at) === 'allow');
  const fritids: PlacedGroup = { ...schoolClass, id: 20, unitId: 200, unitKind: 'fritids' };
  const inSchoolAndFritids: Location = { ...PLACES.child!, unitIds: [UNIT, 200], groupIds: [GROUP, 20], groups: [schoolClass, fritids] };

  it('are audited, need no strong login and count every group of the child', () => {
    for (const action of FAMILY_ACTIONS) {
      assert.equal(actionDefinition(action).audited, true, action);
      assert.equal(actionDefinition(action).strongLogin, undefined, action);
      assert.equal(actionDefinition(action).only, undefined, action);
    }
  });

  it('shows a protected child’s pickup list to its guardians and its own group’s staff alone, never to the head or the admin', () => {
    const protectedChild: Location = { ...PLACES.child!, person: { id: CHILD, protectedIdentity: true, otherHousehold: false } };
    assert.deepEqual(who('child.pickup.read', protectedChild), ['guardian', 'otherHome', 'teacher']);
    assert.deepEqual(who('child.pickup.read', inSchoolAndFritids), ['guardian', 'otherHome', 'teacher', 'otherTeacher']);
    assert.equal(decide(PEOPLE.colleague, 'child.pickup.read', { ...PLACES.child!, groupIds: [GROUP, 11] }), 'allow', 'staff of any group the child is in');
  });

  it('never lets a guardian, the pupil or the admin near who may not pick up; the staff of the child’s groups read it', () => {
    for (const action of ['child.pickupBans.read', 'child.pickupBans.create', 'pickupBan.end'] as Action[]) {
      for (const name of ['guardian', 'otherHome', 'student', 'formerPupil', 'admin', 'otherAdmin'] as Name[]) {
        assert.equal(decide(PEOPLE[name], action, placeOf(action)), 'deny', `${action} ${name}`);
      }
    }
    assert.deepEqual(who('child.pickupBans.read', inSchoolAndFritids), ['teacher', 'otherTeacher', 'head', 'otherHead']);
    assert.deepEqual(who('child.pickupBans.create', inSchoolAndFritids), ['head', 'otherHead']);
  });

  it('lets only the head of the unit a ban was recorded in end it (the locator narrows the ban to that unit)', () => {
    const recordedInFritids: Location = { ...PLACES.pickupBan!, unitIds: [200], groupIds: [20], groups: [fritids] };
    assert.deepEqual(who('pickupBan.end', PLACES.pickupBan), ['head']);
    assert.deepEqual(who('pickupBan.end', recordedInFritids), ['otherHead']);
    assert.deepEqual(who('pickupBan.end', null), []);
  });

  it('lets the group’s staff and the head put a same-day note away, and only the guardians write one', () => {
    assert.deepEqual(who('dayNote.cancel', PLACES.dayNote), ['guardian', 'otherHome', 'teacher', 'head']);
    assert.deepEqual(who('child.dayNotes.create', inSchoolAndFritids), ['guardian', 'otherHome']);
    assert.deepEqual(who('pickupPerson.update', PLACES.pickupPerson), ['guardian', 'otherHome']);
  });
});

describe('details of a person beside a child', () => {
  const person = (over: Partial<NonNullable<Location['person']>>, childIds = [CHILD]): Location => ({
    ...PLACES.personOfChild!, childIds, person: { id: 50, protectedIdentity: false, otherHousehold: false, ...over },
  });
  const who = (action: Action, at: Location) => EVERYONE.filter((name) => decide(PEOPLE[name], action, at) === 'allow');

  it('lets a unit’s head change a staff member’s details only while they work in that unit alone, and never a protected one’s', () => {
    const inTwo: Location = { municipalityId: MUNICIPALITY, unitIds: [], groupIds: [], childIds: [] };
    assert.deepEqual(who('staffMember.update', PLACES.staffDetails!), ['head', 'admin']);
    assert.deepEqual(who('staffMember.update', inTwo), ['admin'], 'the locator leaves the unit out: the admin’s alone');
    assert.deepEqual(who('staffMember.identity.update', PLACES.staffMember!), ['admin'], 'the personnummer: the admin alone');
  });

  it('shows a protected person’s address to nobody, and their contact details to staff and the person alone', () => {
    const hidden = person({ id: 53, protectedIdentity: true });
    assert.deepEqual(who('person.address.read', hidden), []);
    assert.deepEqual(who('person.contact.read', hidden), STAFF);
    assert.equal(decide(actor({ personId: 53 }), 'person.contact.read', hidden), 'allow');
    assert.equal(decide(actor({ personId: 53 }), 'person.address.read', hidden), 'deny');
    assert.deepEqual(who('person.contact.read', person({ protectedIdentity: true })), ['guardian', ...STAFF]);
  });

  it('shows a guardian the details of their own household only, about one child', () => {
    assert.deepEqual(who('person.contact.read', person({ id: 54, otherHousehold: true })), STAFF);
    assert.deepEqual(who('person.address.read', person({ id: 53 })), ['guardian', ...STAFF]);
    assert.deepEqual(who('person.contact.read', person({ id: 53 })), ['guardian', ...STAFF]);
    assert.deepEqual(who('person.address.read', person({ id: 53 }, [CHILD, 8])), STAFF);
    assert.deepEqual(who('person.address.read', { ...person({ id: 53 }), person: undefined }), STAFF);
    assert.equal(decide(actor({ personId: 51, guardianOf: new Map([[CHILD, { otherHousehold: true }]]) }), 'person.address.read', person({ id: 51, otherHousehold: true })), 'allow');
  });

  it('drops only the guardian rules for a protected person’s contact details, not the rules of a child’s own records', () => {
    const protectedChild: Location = { ...PLACES.child!, person: { id: CHILD, protectedIdentity: true, otherHousehold: false } };
    assert.deepEqual(who('child.info.read', protectedChild), WHO_MAY['child.info.read']);
  });
});

describe('a strong login and an action the table gets wrong', () => {
  const table = actions as Record<string, ActionDefinition>;
  const extra = (name: string, definition: ActionDefinition, run: (action: Action) => void) => {
    table[name] = definition;
    try { run(name as Action); } finally { delete table[name]; }
  };

  it('asks for a strong login (step-up) where an action needs one, and lets a strong login through', () => {
    extra('test.strong', { target: 'child', allow: ['guardian-of-child'], strongLogin: true }, (action) => {
      assert.equal(decide(PEOPLE.guardian, action, PLACES.child), 'needs-strong-login');
      assert.equal(decide({ ...PEOPLE.guardian, ...strongHere }, action, PLACES.child), 'allow');
      assert.equal(allows(PEOPLE.guardian, action, PLACES.child), false);
      assert.equal(decide(PEOPLE.teacher, action, PLACES.child), 'deny');
      assert.equal(decide({ ...PEOPLE.teacher, ...strongHere }, action, PLACES.child), 'deny');
      // Strong by another municipality's e-ID: that municipality decided what is strong, not the record's.
      assert.equal(decide({ ...PEOPLE.guardian, authLevel: 'strong', strongIn: new Set([MUNICIPALITY + 1]) }, action, PLACES.child), 'needs-strong-login');
    });
    assert.equal(decide({ ...PEOPLE.guardian, ...strongHere }, 'child.info.read', PLACES.child), 'allow');
  });

  it('asks for a strong login where the action leaves it to the municipality only when its municipality turned it on', () => {
    const strong = { ...PEOPLE.guardian, ...strongHere };
    assert.equal(decide(PEOPLE.guardian, 'child.portfolio.export', PLACES.childPortfolio), 'allow', 'the setting off (the default)');
    assert.equal(decide(PEOPLE.guardian, 'child.portfolio.export', PLACES.childPortfolio, true), 'needs-strong-login');
    assert.equal(decide(strong, 'child.portfolio.export', PLACES.childPortfolio, true), 'allow');
    assert.equal(decide(PEOPLE.teacher, 'child.portfolio.export', PLACES.childPortfolio, true), 'deny', 'the rules first: not found, not step-up');
    assert.equal(decide(PEOPLE.guardian, 'child.info.read', PLACES.child, true), 'allow', 'an action without the flag ignores the setting');
    const leftToMunicipality = ALL_ACTIONS.filter((action) => actionDefinition(action).strongLogin === 'municipality-setting');
    assert.ok(leftToMunicipality.includes('child.portfolio.export'));
  });

  it('fails closed: an action about no record whose rules need one is refused, not thrown', () => {
    extra('test.misdeclared', { target: 'none', allow: ['guardian-of-child', 'staff-of-unit', 'self'] }, (action) => {
      for (const name of EVERYONE) assert.equal(decide(PEOPLE[name], action, null), 'deny', name);
    });
  });

  it('refuses an action about a record that is not found, even where any signed-in user would do', () => {
    extra('test.anyone', { target: 'child', allow: ['signed-in', 'any-admin'] }, (action) => {
      assert.equal(decide(PEOPLE.stranger, action, PLACES.child), 'allow');
      for (const name of EVERYONE) assert.equal(decide(PEOPLE[name], action, null), 'deny', name);
    });
  });

  it('drops every guardian rule for a protected person when an action says staff only', () => {
    extra('test.staffOnly', { target: 'personOfChild', allow: ['guardian-of-child', 'same-household-guardian', 'staff-of-group'], protectedIdentity: 'staff-only' }, (action) => {
      const at = (protectedIdentity: boolean): Location => ({ ...PLACES.personOfChild!, person: { id: 53, protectedIdentity, otherHousehold: false } });
      assert.deepEqual(EVERYONE.filter((name) => allows(PEOPLE[name], action, at(false))), ['guardian', 'otherHome', 'teacher']);
      assert.deepEqual(EVERYONE.filter((name) => allows(PEOPLE[name], action, at(true))), ['teacher']);
    });
  });
});
