// Append-only: a new migration gets the next number and a line at the end. Never change what a shipped one does on
// SQLite (installations have run it): test/kernel/migrations-portable.test.ts compares the schema with its fixture.
import type { Migration } from 'kysely';
import * as m0001 from './0001_create_app_meta_and_sessions.ts';
import * as m0002 from './0002_create_organisation.ts';
import * as m0003 from './0003_create_people.ts';
import * as m0004 from './0004_create_accounts.ts';
import * as m0005 from './0005_create_unit_settings.ts';
import * as m0006 from './0006_create_notifications_and_messages.ts';
import * as m0007 from './0007_create_jobs_and_mail_outbox.ts';
import * as m0008 from './0008_create_invitations.ts';
import * as m0009 from './0009_create_account_settings.ts';
import * as m0010 from './0010_create_absences_and_attendance.ts';
import * as m0011 from './0011_create_care_times.ts';
import * as m0012 from './0012_create_sms_outbox.ts';
import * as m0013 from './0013_key_attendance_by_group.ts';
import * as m0014 from './0014_create_login_limits.ts';
import * as m0015 from './0015_add_municipality_to_mail_outbox.ts';
import * as m0016 from './0016_verify_mobile_numbers.ts';
import * as m0017 from './0017_create_audit_trail.ts';
import * as m0018 from './0018_create_rate_limits.ts';
import * as m0019 from './0019_one_absence_per_day.ts';
import * as m0020 from './0020_closed_ranges_and_open_holidays.ts';
import * as m0021 from './0021_delay_unreported_sms_and_guardian_answers.ts';
import * as m0022 from './0022_add_contact_to_units.ts';
import * as m0024 from './0024_record_when_attendance_was_marked.ts';
import * as m0025 from './0025_create_register_changes.ts';
import * as m0026 from './0026_end_groups_and_unique_names.ts';
import * as m0027 from './0027_date_staff_assignments.ts';
import * as m0029 from './0029_create_registry_imports.ts';
import * as m0030 from './0030_create_municipality_statements.ts';
import * as m0032 from './0032_create_retention_periods.ts';
import * as m0033 from './0033_add_logo_to_units.ts';
import * as m0034 from './0034_add_closing_to_units.ts';
import * as m0037 from './0037_date_retention_periods_and_keep_their_changes.ts';
import * as m0038 from './0038_create_documentation.ts';
import * as m0041 from './0041_create_notes_comments_and_home_observations.ts';
import * as m0040 from './0040_create_child_pages.ts';
import * as m0039 from './0039_create_photo_consents.ts';
import * as m0042 from './0042_keep_documentation_settings_changes.ts';
import * as m0043 from './0043_recreate_message_tables.ts';
import * as m0044 from './0044_create_message_attachments_and_out_of_office.ts';
import * as m0045 from './0045_choose_how_notifications_reach_people.ts';
import * as m0046 from './0046_create_push.ts';
import * as m0047 from './0047_mark_notifications_summarised_and_urgent.ts';
import * as m0048 from './0048_add_send_keys_to_messages.ts';
import * as m0049 from './0049_keep_inbox_columns_on_participants.ts';
import * as m0050 from './0050_create_information.ts';
import * as m0054 from './0054_create_contact_visibility.ts';
import * as m0051 from './0051_create_information_attachments.ts';
import * as m0052 from './0052_create_calendar_events.ts';
import * as m0053 from './0053_create_calendar_feed_tokens.ts';
import * as m0055 from './0055_create_talk_slots_and_bookings.ts';
import * as m0056 from './0056_create_talk_settings.ts';
import * as m0058 from './0058_mark_information_fanned_out.ts';
import * as m0060 from './0060_create_talk_open_notices.ts';
import * as m0066 from './0066_count_calendar_changes.ts';
import * as m0067 from './0067_create_assessment.ts';
import * as m0068 from './0068_create_development_plans_and_talk_notes.ts';
import * as m0069 from './0069_create_extra_adaptations.ts';
import * as m0070 from './0070_create_care_homes.ts';
import * as m0071 from './0071_create_day_notes_and_pickup.ts';
import * as m0057 from './0057_create_menu_days.ts';
import * as m0061 from './0061_create_e_id_and_login_settings.ts';
import * as m0064 from './0064_create_sms_login_codes.ts';
import * as m0063 from './0063_create_trusted_devices.ts';
import * as m0065 from './0065_create_passkeys.ts';

export const migrations: Record<string, Migration> = {
  '0001_create_app_meta_and_sessions': m0001,
  '0002_create_organisation': m0002,
  '0003_create_people': m0003,
  '0004_create_accounts': m0004,
  '0005_create_unit_settings': m0005,
  '0006_create_notifications_and_messages': m0006,
  '0007_create_jobs_and_mail_outbox': m0007,
  '0008_create_invitations': m0008,
  '0009_create_account_settings': m0009,
  '0010_create_absences_and_attendance': m0010,
  '0011_create_care_times': m0011,
  '0012_create_sms_outbox': m0012,
  '0013_key_attendance_by_group': m0013,
  '0014_create_login_limits': m0014,
  '0015_add_municipality_to_mail_outbox': m0015,
  '0016_verify_mobile_numbers': m0016,
  '0017_create_audit_trail': m0017,
  '0018_create_rate_limits': m0018,
  '0019_one_absence_per_day': m0019,
  '0020_closed_ranges_and_open_holidays': m0020,
  '0021_delay_unreported_sms_and_guardian_answers': m0021,
  '0022_add_contact_to_units': m0022,
  '0024_record_when_attendance_was_marked': m0024,
  '0025_create_register_changes': m0025,
  '0026_end_groups_and_unique_names': m0026,
  '0027_date_staff_assignments': m0027,
  '0029_create_registry_imports': m0029,
  '0030_create_municipality_statements': m0030,
  '0032_create_retention_periods': m0032,
  '0033_add_logo_to_units': m0033,
  '0034_add_closing_to_units': m0034,
  '0037_date_retention_periods_and_keep_their_changes': m0037,
  '0038_create_documentation': m0038,
  '0041_create_notes_comments_and_home_observations': m0041,
  '0040_create_child_pages': m0040,
  '0039_create_photo_consents': m0039,
  '0042_keep_documentation_settings_changes': m0042,
  '0043_recreate_message_tables': m0043,
  '0044_create_message_attachments_and_out_of_office': m0044,
  '0045_choose_how_notifications_reach_people': m0045,
  '0046_create_push': m0046,
  '0047_mark_notifications_summarised_and_urgent': m0047,
  '0048_add_send_keys_to_messages': m0048,
  '0049_keep_inbox_columns_on_participants': m0049,
  '0050_create_information': m0050,
  '0054_create_contact_visibility': m0054,
  '0051_create_information_attachments': m0051,
  '0052_create_calendar_events': m0052,
  '0053_create_calendar_feed_tokens': m0053,
  '0055_create_talk_slots_and_bookings': m0055,
  '0056_create_talk_settings': m0056,
  '0057_create_menu_days': m0057,
  '0058_mark_information_fanned_out': m0058,
  '0060_create_talk_open_notices': m0060,
  '0066_count_calendar_changes': m0066,
  '0061_create_e_id_and_login_settings': m0061,
  '0064_create_sms_login_codes': m0064,
  '0065_create_passkeys': m0065,
  '0063_create_trusted_devices': m0063,
  '0067_create_assessment': m0067,
  '0068_create_development_plans_and_talk_notes': m0068,
  '0069_create_extra_adaptations': m0069,
  '0070_create_care_homes': m0070,
  '0071_create_day_notes_and_pickup': m0071,
};
