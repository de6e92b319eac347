-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0009 notifications read (SQLite): the reminders job deletes notifications read more than
-- 90 days ago (docs/daily.md "Reminders"); this index finds them by the time they were read,
-- so that a run with nothing to delete reads one index entry.
CREATE INDEX notifications_read ON notifications (read_at) WHERE read_at IS NOT NULL;
