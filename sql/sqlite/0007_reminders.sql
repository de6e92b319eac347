-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0007 reminders (SQLite): in-app notifications of call-backs and tasks that came due,
-- tasks overdue, and the day's summary of clients overdue for their monthly contact,
-- made by the `reminders` job (src/jobs/job_reminders.c, docs/daily.md "Reminders").

-- A reminder names what it is about in `dedup` ("call_back_due:<activity id>",
-- "task_due:<task id>", "task_overdue:<task id>", "monthly_overdue:<local day>"), unique
-- per recipient: a run repeated after a crash, or two servers on one database, never
-- insert it twice. NULL for other notifications (client_issued).
ALTER TABLE notifications ADD COLUMN dedup TEXT;
CREATE UNIQUE INDEX notifications_dedup ON notifications (user_id, dedup) WHERE dedup IS NOT NULL;
-- The unread count of the bell, from the index alone.
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The job reads what came due since its last run, by range: call-backs by their time and
-- by the time they were written (logged already due, or corrected), open tasks by due
-- time and by the time they were changed.
CREATE INDEX activities_callback_due ON activities (callback_at) WHERE callback_at IS NOT NULL;
CREATE INDEX activities_callback_changed ON activities (updated_at)
    WHERE callback_at IS NOT NULL;
CREATE INDEX tasks_open_due ON tasks (due_at) WHERE status = 'open';
CREATE INDEX tasks_open_changed ON tasks (updated_at) WHERE status = 'open';

-- How far the job has looked (one row): the next run reads from a little before it.
CREATE TABLE reminder_scan (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    scanned_to INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO reminder_scan (id, scanned_to, updated_at) VALUES (1, 0, 0);

-- The days whose summary of overdue monthly contacts was made for a user (whether or
-- not he had any), per local day: once, even with several servers.
CREATE TABLE reminder_days (
    user_id INTEGER NOT NULL REFERENCES users (id),
    day TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
) STRICT;

INSERT INTO jobs (kind, interval_s, next_run_at, created_at, updated_at) VALUES
    ('reminders', 60, 0, 0, 0);
