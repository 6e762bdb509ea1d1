// The database's tables as kysely sees them. Each block names the domain that owns the table.
import type { Generated } from 'kysely';

// kernel
export interface AppMetaTable { key: string; value: string }
export interface SessionsTable { sid: string; sess: string; expires: number; account_id: number | null }

// people (organisation)
export interface MunicipalitiesTable { id: Generated<number>; name: string; created_at: string; terms_of_use: string | null; invitation_valid_days: Generated<number> }
export interface AreasTable { id: Generated<number>; municipality_id: number; name: string }
export type UnitKind = 'preschool' | 'school' | 'fritids';
export interface UnitsTable {
  id: Generated<number>; municipality_id: number; area_id: number | null; name: string; kind: UnitKind;
  /** Public contact details of the unit (never a person's), null until filled in. */
  street_address: string | null; postal_code: string | null; city: string | null; phone: string | null; email: string | null;
  /** The unit's logo (migration 0033): its file under the data folder's media/units/ and its size in pixels; null: none. */
  logo_file: string | null; logo_width: number | null; logo_height: number | null;
  /** The first day the unit is closed (migration 0034), null while open. */
  closed_on: string | null;
}
export interface UnitOpeningHoursTable { unit_id: number; weekday: number; opens: string; closes: string }
/** `ended_on`: the day the group was ended (no longer in use, kept for its history; migration 0026), null while in use. */
export interface GroupsTable { id: Generated<number>; unit_id: number; name: string; ended_on: string | null }

// people (persons and their links)
export type IdentityKind = 'personnummer' | 'samordningsnummer';
export interface PersonsTable {
  id: Generated<number>;
  municipality_id: number;
  first_name: string;
  last_name: string;
  identity_number: string | null;
  identity_kind: IdentityKind | null;
  birth_date: string | null;
  protected_identity: number;
  street_address: string | null;
  postal_code: string | null;
  city: string | null;
  email: string | null;
  phone: string | null;
  created_at: string;
}
export type HourLimit = 'none' | '15h_week' | '525h_year';
export interface PlacementsTable {
  id: Generated<number>; child_id: number; group_id: number; start_date: string; end_date: string | null; hour_limit: HourLimit;
}
export interface GuardianshipsTable { id: Generated<number>; guardian_id: number; child_id: number; other_household: number }
export type StaffRole = 'unit_head' | 'staff';
/** `start_date`/`end_date`: the first and last day the assignment counts, both included; null: no limit (migration 0027). */
export interface StaffAssignmentsTable {
  id: Generated<number>; person_id: number; unit_id: number; group_id: number | null; role: StaffRole; start_date: string | null; end_date: string | null;
}
export interface MunicipalityAdminsTable { person_id: number; municipality_id: number }

// accounts
export interface AccountsTable {
  id: Generated<number>;
  person_id: number;
  username: string;
  username_key: string;
  email: string | null;
  email_key: string | null;
  password_hash: string;
  language: string;
  created_at: string;
  last_login_at: string | null;
  closed_at: string | null;
  display_name: string | null;
  /** The account's own mobile number, +46..., for SMS notices (migration 0009); only ever a verified one (0016). */
  mobile: string | null;
}

// settings
export interface UnitSettingsTable {
  unit_id: number; lock_days: number; plan_ahead_months: number; invite_days_before: number;
  /** Notes (Anteckningar) and the child page's guestbook, chosen per unit (migration 0038); off by default. */
  notes_enabled: Generated<number>; guestbook_enabled: Generated<number>;
}
export interface UnitBoxesTable { unit_id: number; box: string; enabled: number }
// settings: a closed day or range of days, `last_date` null for one day (migration 0020)
export interface UnitClosedDaysTable { id: Generated<number>; unit_id: number; date: string; last_date: string | null; reason: string }
// settings: a public holiday the unit is open on (holidays are closed unless a row here says otherwise)
export interface UnitOpenHolidaysTable { unit_id: number; date: string }
export interface GroupSettingsTable { group_id: number; change_cutoff: string | null }
export interface SettingsChangesTable {
  id: Generated<number>; municipality_id: number; unit_id: number | null; setting: string;
  old_value: string | null; new_value: string | null; changed_by: number; changed_at: string;
}

// notifications and messages (the header's bell and envelope)
export interface NotificationsTable {
  id: Generated<number>; account_id: number; child_id: number | null; kind: string; params: string; url: string;
  created_at: string; read_at: string | null;
  /** The news it is part of (migration 0045): 'messages' is left out of the bell (the envelope counts it); null: bell only. */
  topic: string | null;
  /** When an evening summary took it up (listed it, or passed it over as chosen) (migration 0047; null: none yet). */
  summarised_at: string | null;
  /** 1: of an urgent kind, delivered at once and never in a summary (migration 0047). */
  urgent: Generated<number>;
}
// messages (migration 0043, server/messages/): an account sees a message iff it sent it or is one of its recipients
export interface MessageThreadsTable {
  id: Generated<number>; municipality_id: number; subject: string; kind: 'direct' | 'bulletin'; child_id: number | null;
  group_id: number | null; unit_id: number | null; urgent: number; sensitive: number; created_by_account_id: number; created_at: string;
}
export interface MessageParticipantsTable {
  thread_id: number; account_id: number; role: 'staff' | 'guardian'; archived_at: string | null;
  // what the inbox shows, kept by server/messages/queries.ts keepInboxColumns (migration 0049)
  last_message_at: string | null; last_sender_account_id: number | null; unread_count: Generated<number>; has_received: Generated<number>; has_sent: Generated<number>;
}
export interface MessagesTable {
  id: Generated<number>; thread_id: number; sender_account_id: number; body: string; sent_at: string; retracted_at: string | null;
  /** The random key of the form that sent it, unique per sender (migration 0048: a form sent twice makes one message). */
  send_key: string | null;
}
export interface MessageRecipientsTable { message_id: number; account_id: number; read_at: string | null }
// messages' extras (migration 0044, server/messages/attachments.ts, out-of-office.ts)
export interface MessageAttachmentsTable { id: Generated<number>; message_id: number; media_key: string; name: string; mime: string; size: number; created_at: string }
export interface OutOfOfficeTable { account_id: number; first_day: string; last_day: string; body: string; updated_at: string }
export interface OutOfOfficeRepliesTable { account_id: number; thread_id: number; day: string; message_id: number | null }
/** An information item (migration 0050): a group's, a unit's (one of the ids) or the whole municipality's (neither). */
export interface InformationItemsTable {
  id: Generated<number>; municipality_id: number; unit_id: number | null; group_id: number | null; title: string; body: string;
  link_url: string | null; pinned: Generated<number>; expires_on: string | null; created_by_account_id: number; published_at: string;
  /** When its audience was notified (0058); null until the fan-out has run. */
  notified_at: string | null;
}
export interface InformationReadsTable { item_id: number; account_id: number; read_at: string }
export interface InformationAttachmentsTable { id: Generated<number>; item_id: number; media_key: string; name: string; mime: string; size: number; created_at: string }
// calendar (migrations 0052, 0053, server/calendar/): a group's or a unit's events, and each account's feed token (hashed)
/** How often a place's events changed (migration 0066): `place` is `g<groupId>` or `u<unitId>` (a unit's own events). */
export interface CalendarRevisionsTable { place: string; revision: number }
export interface CalendarEventsTable {
  id: Generated<number>; municipality_id: number; unit_id: number; group_id: number | null; title: string; note: Generated<string>;
  bring: Generated<string>; date: string; start_time: string | null; end_time: string | null; repeat_until: string | null;
  created_by: number; created_at: string;
}
export interface CalendarFeedTokensTable { account_id: number; token_hash: string; created_at: string }

// invitations
export interface InvitationsTable {
  id: Generated<number>; municipality_id: number; guardian_id: number; email: string | null; language: string; send_on: string;
  created_by: number; created_at: string; revoked_at: string | null; used_at: string | null; used_by_account: number | null;
}
export interface InvitationChildrenTable { invitation_id: number; child_id: number }
export interface InvitationKeysTable {
  id: Generated<number>; invitation_id: number; key_hash: string; delivery: 'email' | 'paper'; created_at: string; expires_at: string;
  opened_at: string | null; used_at: string | null; revoked_at: string | null;
}

// kernel: background jobs; mail: the outbox
export interface JobsTable {
  id: Generated<number>; kind: string; payload: string; run_at: string; attempts: Generated<number>; last_error: string | null;
  locked_until: string | null; done_at: string | null; failed_at: string | null; created_at: string;
}
export interface MailOutboxTable {
  id: Generated<number>; recipient: string; subject: string; text_body: string | null; html_body: string | null;
  created_at: string; sent_at: string | null; failed_at: string | null; attempts: Generated<number>; last_error: string | null;
  demo_mailbox: Generated<number>;
  /** The municipality the mail concerns (migration 0015); NULL for a mail about none, such as a test mail. */
  municipality_id: number | null;
  /** The idempotency key of a delivery (migration 0045), unique; also the mail's Message-ID. */
  delivery_key: string | null;
}
// push (migration 0046, server/push/): the installation's VAPID key pair (one row, id 1), each account's push
// subscriptions, and the push outbox (one row per subscription and delivery, unique (subscription_id, delivery_key))
/** The contact list: what a guardian shows the other guardians of their children's groups (migration 0054). */
export type ContactShows = 'none' | 'phone' | 'email' | 'both';
export interface ContactVisibilityTable { person_id: number; shows: ContactShows; updated_at: string }
export interface PushKeysTable { id: number; public_key: string; private_key: string; created_at: string }
export interface PushSubscriptionsTable {
  id: Generated<number>; account_id: number; endpoint: string; p256dh: string; auth: string; label: string; created_at: string;
  last_used_at: string | null;
}
// a PIN on a trusted device (migration 0063, server/pin/): the cookie token's SHA-256 hash unique, the PIN's argon2id hash
export interface TrustedDevicesTable {
  id: Generated<number>; account_id: number; token_hash: string; pin_hash: string; failures: Generated<number>;
  label: string; created_at: string; last_used_at: string | null;
}
// passkeys (migration 0065, server/passkeys/): WebAuthn credentials, credential_id unique (base64url), public key base64url
export interface PasskeysTable {
  id: Generated<number>; account_id: number; credential_id: string; public_key: string; user_handle: string; counter: Generated<number>;
  transports: Generated<string>; name: string; registered_strong: Generated<number>; created_at: string; last_used_at: string | null;
}
export interface PushOutboxTable {
  id: Generated<number>; subscription_id: number; delivery_key: string; payload: string; created_at: string; sent_at: string | null;
  failed_at: string | null;
}
// sms: the outbox (migration 0012); recipient in E.164, `day` YYYY-MM-DD for the once-per-child-per-day rule
export interface SmsOutboxTable {
  id: Generated<number>; recipient: string; message: string; child_id: number | null; day: string | null; created_at: string;
  sent_at: string | null; failed_at: string | null; attempts: Generated<number>; last_error: string | null;
  demo_outbox: Generated<number>; provider_id: string | null; send_after: string | null;
}

// accounts: the person's own settings (migration 0009)
export interface PasswordResetTokensTable {
  id: Generated<number>; account_id: number; token_hash: string; created_at: string; expires_at: string; used_at: string | null;
}
export interface AccountEmailsTable {
  id: Generated<number>; account_id: number; email: string; email_key: string; created_at: string; verified_at: string | null;
  token_hash: string | null; token_expires_at: string | null;
}
// notifications (migration 0045): per account, topic of news (NOTIFICATION_TOPICS in server/notifications/kinds.ts) and
// child (0: all children and news about none) when it reaches the person and by which channels (flags 0/1)
export type NotificationTiming = 'now' | 'summary' | 'off';
export interface NotificationChoicesTable {
  account_id: number; topic: string; child_id: number; timing: NotificationTiming; email: number; push: number; sms: number;
}
export interface NotificationSettingsTable { municipality_id: number; summary_hour: Generated<number> }
export interface NotificationSettingsChangesTable {
  id: Generated<number>; municipality_id: number; old_hour: number; new_hour: number; changed_by: number; changed_at: string;
}
/** The claim of a municipality's evening summary for a day (YYYY-MM-DD): one row, so it runs once. */
export interface NotificationSummaryRunsTable { municipality_id: number; day: string; claimed_at: string }
/** One account's summary of a day: it covered notifications created up to `until`. */
export interface NotificationSummariesTable { account_id: number; day: string; until: string; items: number; created_at: string }
export interface AccountClosureRequestsTable {
  id: Generated<number>; account_id: number; requested_at: string; handled_at: string | null; handled_by: number | null;
  outcome: 'closed' | 'withdrawn' | null;
}

// absence and attendance
export interface AbsencesTable {
  id: Generated<number>; child_id: number; date: string; starts: string | null; ends: string | null; kind: 'reported' | 'unreported';
  comment: string | null; created_by: number; created_at: string; cancelled_at: string | null; cancelled_by: number | null;
  guardian_answer: string | null; answered_at: string | null; answered_by: number | null;
}
export interface AttendancesTable {
  id: Generated<number>; child_id: number; group_id: number; date: string; arrived_at: string | null; left_at: string | null; updated_by: number;
  arrival_marked_at: string | null; departure_marked_at: string | null;
}
export interface CareHistoryTable {
  id: Generated<number>; child_id: number; date: string; what: string; old_value: string | null; new_value: string | null;
  changed_by: number; changed_at: string;
}

// care times (Tidsregistrering)
export interface CareTimesTable {
  id: Generated<number>; child_id: number; date: string; starts: string | null; ends: string | null; day_off: number;
  comment: string | null; registered_by: number | null; updated_at: string; version: number;
  staff_comment: string | null; staff_comment_by: number | null; staff_comment_at: string | null;
}
export interface StandardSchedulesTable { id: Generated<number>; child_id: number; valid_from: string; created_by: number; created_at: string }
export interface StandardCareTimesTable { schedule_id: number; weekday: number; starts: string | null; ends: string | null; day_off: number }

// accounts: a mobile number waiting for its holder to type in the code SMS:ed to it (migration 0016); code_hash NULL:
// no code sent yet (a number stored before numbers were verified)
export interface AccountMobileVerificationsTable {
  account_id: number; mobile: string; code_hash: string | null; code_expires_at: string | null; attempts: Generated<number>; created_at: string;
}

// accounts: failed password checks per address, account and invitation key (server/accounts/login-limits.ts)
export interface LoginLimitsTable { subject: string; failures: number; window_ends_at: string }

// audit: one row per request of an audited action (migration 0017, server/audit/trail.ts); `outcome` is AuditOutcome
export interface AuditTrailTable {
  id: Generated<number>; at: string; account_id: number; person_id: number; action: string; child_id: number | null;
  record_id: number | null; method: string; outcome: string;
}

// people: who changed what in the register of people and organisation, and when (migration 0025, server/people/register-changes.ts)
export type RegisterEntity = 'municipality' | 'area' | 'unit' | 'group' | 'person' | 'placement' | 'guardianship' | 'staff_assignment';
export type RegisterChangeKind = 'created' | 'changed' | 'ended' | 'removed';
export type RegisterChangeSource = 'admin' | 'import';
export interface RegisterChangesTable {
  id: Generated<number>; municipality_id: number; entity: RegisterEntity; entity_id: number; change: RegisterChangeKind;
  field: string | null; old_value: string | null; new_value: string | null; source: RegisterChangeSource;
  changed_by: number | null; changed_at: string;
}

// registry-import: an uploaded registry file, kept decoded until it is applied (migration 0029, server/registry-import/)
export interface RegistryImportsTable {
  id: Generated<number>; municipality_id: number; file_name: string; encoding: string; content: string; uploaded_by: number;
  uploaded_at: string; applied_by: number | null; applied_at: string | null; summary: string | null;
}

// privacy: a municipality's own retention period of one kind of record (migration 0032, server/privacy/): in months after
// the child's last placement ended, or in days from the record's own event (migration 0037); a kind without a row keeps
// its domain's default. Every change of a period, with who and when (migration 0037; old_length null: the default).
export type RetentionUnit = 'months' | 'days';
export interface RetentionPeriodsTable {
  municipality_id: number; kind: string; length: number; unit: Generated<RetentionUnit>; changed_by: number; changed_at: string;
}
export interface RetentionPeriodChangesTable {
  id: Generated<number>; municipality_id: number; kind: string; unit: RetentionUnit; old_length: number | null; new_length: number;
  changed_by: number; changed_at: string;
}

// about: the municipality's data protection notice and accessibility statement, one row per saved version (migration 0030)
export type Compliance = 'full' | 'partial' | 'none';
export interface MunicipalityStatementsTable {
  id: Generated<number>; municipality_id: number; version: number;
  controller: string | null; dpo: string | null; purpose: string | null; legal_basis: string | null; recipients: string | null;
  retention: string | null; rights: string | null; sources: string | null; categories: string | null;
  compliance: Compliance | null; known_problems: string | null; feedback_email: string | null; feedback_phone: string | null;
  assessed_on: string | null; saved_by: number; saved_at: string;
}

// documentation (migration 0038, server/documentation/): posts to a group ('group', 'blog') or to chosen children's
// portfolios ('portfolio', the children in post_children), their media (files under media/, named by `file_key`), each
// photo's children (post_media_children) or `no_children` = 1; a municipality's documentation settings
export type PostKind = 'group' | 'blog' | 'portfolio';
export type PostStatus = 'draft' | 'published';
export type MediaKind = 'image' | 'video' | 'audio';
export interface PostsTable {
  id: Generated<number>; municipality_id: number; unit_id: number; group_id: number; kind: PostKind;
  title: Generated<string>; body: Generated<string>; reflection: Generated<string>; status: PostStatus; author_id: number;
  created_at: string; updated_at: string; published_at: string | null; version: Generated<number>;
}
export interface PostChildrenTable { post_id: number; child_id: number }
export interface PostMediaTable {
  id: Generated<number>; post_id: number; kind: MediaKind; file_key: string; mime: string; bytes: number;
  width: number | null; height: number | null; duration_ms: number | null; caption: Generated<string>;
  no_children: Generated<number>; position: Generated<number>; upload_key: string | null; created_by: number; created_at: string;
}
export interface PostMediaChildrenTable { media_id: number; child_id: number }

// notes and guardians' comments (migration 0041, server/notes/ and server/documentation/comments*.ts): a note about a
// child for its guardians; a guardian's comment on a post in their child's portfolio and their home observation, each
// shown once the group's staff approve it
export type ApprovalStatus = 'pending' | 'approved' | 'rejected';
export interface NotesTable {
  id: Generated<number>; child_id: number; unit_id: number; author_id: number; body: string; created_at: string; updated_at: string;
  updated_by: number; version: Generated<number>;
}
export interface PostCommentsTable {
  id: Generated<number>; post_id: number; child_id: number; author_id: number; body: string; status: ApprovalStatus; created_at: string;
  decided_by: number | null; decided_at: string | null;
}
export interface HomeObservationsTable {
  id: Generated<number>; child_id: number; group_id: number; author_id: number; body: string; photo_key: string | null;
  photo_mime: string | null; photo_width: number | null; photo_height: number | null; status: ApprovalStatus; created_at: string;
  decided_by: number | null; decided_at: string | null;
}
export interface DocumentationSettingsTable {
  municipality_id: number; image_max_mb: number; video_max_mb: number; video_max_seconds: number; audio_max_mb: number;
  audio_max_seconds: number; export_grace_days: number; strong_login: Generated<number>; changed_by: number | null; changed_at: string | null;
}
/** One change of one documentation setting (migration 0042): old_value null = the default. */
export interface DocumentationSettingsChangesTable {
  id: Generated<number>; municipality_id: number; setting: string; old_value: number | null; new_value: number; changed_by: number; changed_at: string;
}

// consent: each guardian's answer to photo publication for the whole group, never changed (migration 0039,
// server/consent/); the current answer is the guardian's latest row
export type ConsentAnswer = 'yes' | 'no';
export type ConsentSource = 'guardian' | 'paper';
export interface PhotoConsentsTable {
  id: Generated<number>; child_id: number; guardian_id: number; answer: ConsentAnswer; source: ConsentSource;
  answered_on: string; recorded_by: number; recorded_at: string;
}

// child-page (migration 0040, server/child-page/): the child's presentation and picture (a file under media/children/,
// named by `picture_file`), and the greetings of its guestbook
export interface ChildPagesTable {
  child_id: number; presentation: Generated<string>; picture_file: string | null; version: Generated<number>;
  updated_by: number; updated_at: string;
}
export interface GuestbookEntriesTable {
  id: Generated<number>; child_id: number; author_id: number; body: string; from_staff: Generated<number>; created_at: string;
}

// kernel: the hits of each rate-limited client in its current window (migration 0018, server/kernel/rate-limits.ts)
export interface RateLimitHitsTable { key: string; hits: number; resets_at: string }

// Development talks (server/talks/, migrations 0055, 0056).
export interface TalkSlotsTable { id: Generated<number>; group_id: number; staff_person_id: number; date: string; start_time: string; end_time: string; place: string; video_url: string | null; created_by_account_id: number; created_at: string }
export interface TalkBookingsTable { id: Generated<number>; slot_id: number; child_id: number; household: number; active_key: string | null; booked_by_account_id: number; booked_at: string; reminded_at: string | null }
export interface TalkSettingsTable { unit_id: number; deadline_days: number; two_homes: 'together' | 'each'; updated_by_account_id: number; updated_at: string }
/** A group's "times are open" notice of a day, sent once (migration 0060). */
export interface TalkOpenNoticesTable { group_id: number; day: string; created_at: string }
// A unit's menu of one day (server/menu/, migration 0057); `version` rises with each save.
export interface MenuDaysTable { unit_id: number; date: string; breakfast: string | null; lunch: string | null; snack: string | null; version: number; updated_by_account_id: number; updated_at: string }

// Strong login per municipality (server/e-id/settings.ts, staff-links.ts; migration 0061). `strong_acr`: one acr value a
// line; `staff_match`: how staff are found, by the provider's subject or the e-mail address it vouches for.
export type StaffMatch = 'subject' | 'email';
export interface EIdSettingsTable {
  municipality_id: number; enabled: Generated<number>; issuer: string; client_id: string; personnummer_claim: Generated<string>;
  strong_acr: Generated<string>; staff_match: Generated<StaffMatch>; changed_by: number; changed_at: string;
}
export interface LoginSettingsTable {
  municipality_id: number; strong_idle_minutes: Generated<number>; sms_code_login: Generated<number>; passkeys_strong: Generated<number>;
  changed_by: number; changed_at: string;
}
export interface LoginSettingsChangesTable {
  id: Generated<number>; municipality_id: number; setting: string; person_id: number | null; old_value: string | null; new_value: string | null;
  changed_by: number; changed_at: string;
}
export interface StaffEIdLinksTable {
  id: Generated<number>; municipality_id: number; person_id: number; issuer: string; subject: string | null; email: string | null;
  created_by: number; created_at: string;
}

// Codes SMS:ed to log in (server/accounts/sms-login*.ts, migration 0064): the code's SHA-256 only; account_id null for a
// request that named no account (a code nobody has, so both answers look alike).
export interface SmsLoginCodesTable {
  id: Generated<number>; account_id: number | null; code_hash: string; expires_at: string; used_at: string | null; attempts: Generated<number>;
  created_at: string;
}

// School assessment (migration 0067, server/assessment/): a municipality's matrix (levels, subjects, abilities; every
// change kept) and a pupil's assessment of a subject for a term ("HT2026"), one level per ability, draft until published;
// `name_key`: the name folded (server/assessment/rules.ts nameKey), unique in its list, written with every name
export type AssessmentStatus = 'draft' | 'published';
export interface AssessmentLevelsTable { id: Generated<number>; municipality_id: number; name: string; name_key: string | null; position: number }
export interface AssessmentSubjectsTable { id: Generated<number>; municipality_id: number; name: string; name_key: string | null; position: number }
export interface AssessmentAbilitiesTable { id: Generated<number>; subject_id: number; name: string; name_key: string | null; position: number }
export interface AssessmentMatrixChangesTable { id: Generated<number>; municipality_id: number; change: string; changed_by: number; changed_at: string }
export interface AssessmentsTable {
  id: Generated<number>; child_id: number; subject_id: number; term: string; group_id: number; comment: string; status: AssessmentStatus;
  published_at: string | null; updated_at: string; updated_by: number; version: Generated<number>;
}
export interface AssessmentMarksTable { assessment_id: number; ability_id: number; level_id: number }

// Individual development plans and their comments (migration 0068, server/development-plans/); notes of a development
// talk on its booking (server/talks/notes.ts)
export interface DevelopmentPlansTable {
  id: Generated<number>; child_id: number; term: string; group_id: number; goals: string; school_does: string; pupil_does: string;
  guardians_do: string; signed_at: string | null; signed_by: number | null; created_at: string; updated_at: string; updated_by: number;
  version: Generated<number>;
}
export interface DevelopmentPlanCommentsTable { id: Generated<number>; plan_id: number; author_id: number; body: string; created_at: string }
export interface TalkNotesTable {
  id: Generated<number>; booking_id: number; child_id: number; body: string; created_at: string; updated_at: string; updated_by: number;
  home: number | null; version: Generated<number>;
}

// Extra adaptations (migration 0069, server/adaptations/)
export interface ExtraAdaptationsTable {
  id: Generated<number>; child_id: number; group_id: number; what: string; decided_by: string; decided_on: string; review_by: string;
  ended_on: string | null; created_at: string; created_by: number; updated_at: string; updated_by: number; version: Generated<number>;
}

// Two homes (migration 0070, server/schedule/)
export type CareHomePatternKind = 'alternate-weeks' | 'weekdays';
export interface CareHomePatternsTable {
  id: Generated<number>; child_id: number; guardian_id: number; kind: CareHomePatternKind; weekdays: string | null; valid_from: string;
  valid_to: string | null; created_by: number; created_at: string;
}
export interface CareTimeConflictsTable {
  id: Generated<number>; child_id: number; date: string; starts: string | null; ends: string | null; day_off: Generated<number>;
  registered_by: number; created_at: string; settled_at: string | null; settled_by: number | null;
}

// Same-day notes, the pickup list, who may not pick up, walking home alone (migration 0071, server/day-notes/, server/pickup/)
export type DayNoteKind = 'late' | 'early' | 'other-pickup' | 'walks-home';
export interface DayNotesTable {
  id: Generated<number>; child_id: number; date: string; kind: DayNoteKind; minutes: number | null; at_time: string | null;
  pickup_name: string | null; pickup_person_id: number | null; written_by: number; created_at: string; cancelled_at: string | null;
  cancelled_by: number | null;
}
export type PickupPersonKind = 'pickup' | 'emergency';
export interface PickupPersonsTable {
  id: Generated<number>; child_id: number; kind: PickupPersonKind; name: string; relation: string; phone: string; created_by: number;
  created_at: string; updated_by: number; updated_at: string; removed_at: string | null; version: Generated<number>;
}
export interface PickupBansTable {
  id: Generated<number>; child_id: number; unit_id: number; name: string; reason: string; recorded_by: number; recorded_at: string;
  ended_at: string | null; ended_by: number | null;
}
export interface WalkHomePermissionsTable { child_id: number; allowed_by: number; allowed_at: string }

export interface Database {
  care_home_patterns: CareHomePatternsTable;
  care_time_conflicts: CareTimeConflictsTable;
  day_notes: DayNotesTable;
  pickup_persons: PickupPersonsTable;
  pickup_bans: PickupBansTable;
  walk_home_permissions: WalkHomePermissionsTable;
  sms_login_codes: SmsLoginCodesTable;
  e_id_settings: EIdSettingsTable;
  login_settings: LoginSettingsTable;
  login_settings_changes: LoginSettingsChangesTable;
  staff_e_id_links: StaffEIdLinksTable;
  app_meta: AppMetaTable;
  talk_slots: TalkSlotsTable;
  talk_bookings: TalkBookingsTable;
  talk_settings: TalkSettingsTable;
  talk_open_notices: TalkOpenNoticesTable;
  menu_days: MenuDaysTable;
  sessions: SessionsTable;
  municipalities: MunicipalitiesTable;
  areas: AreasTable;
  units: UnitsTable;
  unit_opening_hours: UnitOpeningHoursTable;
  groups: GroupsTable;
  persons: PersonsTable;
  placements: PlacementsTable;
  guardianships: GuardianshipsTable;
  staff_assignments: StaffAssignmentsTable;
  municipality_admins: MunicipalityAdminsTable;
  accounts: AccountsTable;
  login_limits: LoginLimitsTable;
  rate_limit_hits: RateLimitHitsTable;
  audit_trail: AuditTrailTable;
  municipality_statements: MunicipalityStatementsTable;
  posts: PostsTable;
  post_children: PostChildrenTable;
  post_media: PostMediaTable;
  post_media_children: PostMediaChildrenTable;
  notes: NotesTable;
  post_comments: PostCommentsTable;
  home_observations: HomeObservationsTable;
  documentation_settings: DocumentationSettingsTable;
  documentation_settings_changes: DocumentationSettingsChangesTable;
  child_pages: ChildPagesTable;
  guestbook_entries: GuestbookEntriesTable;
  photo_consents: PhotoConsentsTable;
  register_changes: RegisterChangesTable;
  registry_imports: RegistryImportsTable;
  unit_settings: UnitSettingsTable;
  unit_boxes: UnitBoxesTable;
  unit_closed_days: UnitClosedDaysTable;
  unit_open_holidays: UnitOpenHolidaysTable;
  group_settings: GroupSettingsTable;
  settings_changes: SettingsChangesTable;
  notifications: NotificationsTable;
  message_threads: MessageThreadsTable;
  message_participants: MessageParticipantsTable;
  messages: MessagesTable;
  message_recipients: MessageRecipientsTable;
  message_attachments: MessageAttachmentsTable;
  out_of_office: OutOfOfficeTable;
  out_of_office_replies: OutOfOfficeRepliesTable;
  information_items: InformationItemsTable;
  information_reads: InformationReadsTable;
  information_attachments: InformationAttachmentsTable;
  calendar_events: CalendarEventsTable;
  calendar_feed_tokens: CalendarFeedTokensTable;
  calendar_revisions: CalendarRevisionsTable;
  jobs: JobsTable;
  mail_outbox: MailOutboxTable;
  contact_visibility: ContactVisibilityTable;
  push_keys: PushKeysTable;
  push_subscriptions: PushSubscriptionsTable;
  push_outbox: PushOutboxTable;
  passkeys: PasskeysTable;
  trusted_devices: TrustedDevicesTable;
  sms_outbox: SmsOutboxTable;
  invitations: InvitationsTable;
  invitation_children: InvitationChildrenTable;
  invitation_keys: InvitationKeysTable;
  absences: AbsencesTable;
  attendances: AttendancesTable;
  care_history: CareHistoryTable;
  password_reset_tokens: PasswordResetTokensTable;
  account_emails: AccountEmailsTable;
  account_mobile_verifications: AccountMobileVerificationsTable;
  notification_choices: NotificationChoicesTable;
  notification_settings: NotificationSettingsTable;
  notification_settings_changes: NotificationSettingsChangesTable;
  notification_summary_runs: NotificationSummaryRunsTable;
  notification_summaries: NotificationSummariesTable;
  account_closure_requests: AccountClosureRequestsTable;
  care_times: CareTimesTable;
  standard_schedules: StandardSchedulesTable;
  standard_care_times: StandardCareTimesTable;
  retention_periods: RetentionPeriodsTable;
  retention_period_changes: RetentionPeriodChangesTable;
  assessment_levels: AssessmentLevelsTable;
  assessment_subjects: AssessmentSubjectsTable;
  assessment_abilities: AssessmentAbilitiesTable;
  assessment_matrix_changes: AssessmentMatrixChangesTable;
  assessments: AssessmentsTable;
  assessment_marks: AssessmentMarksTable;
  development_plans: DevelopmentPlansTable;
  development_plan_comments: DevelopmentPlanCommentsTable;
  talk_notes: TalkNotesTable;
  extra_adaptations: ExtraAdaptationsTable;
}
