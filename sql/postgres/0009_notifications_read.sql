-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0009 notifications read (PostgreSQL), as sql/sqlite/0009_notifications_read.sql: the
-- notifications read more than 90 days ago, which the reminders job deletes, by the time
-- they were read.
CREATE INDEX notifications_read ON notifications (read_at) WHERE read_at IS NOT NULL;
