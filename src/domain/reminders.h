/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * reminders.h - in-app reminders (domain, R11, R33, R40): the notifications the
 * `reminders` job makes (jobs/job_reminders.c). See docs/daily.md "Reminders".
 *
 *   call_back_due    a promised call-back's time came (last 30 days), and nothing was
 *                    logged with the client after the activity that promised it: to the
 *                    client's owner, and to his substitutes when he is away that day.
 *   task_due         an open task's due time came: to the assignee (and his substitutes).
 *   task_overdue     an open task is still open a full day after its due time: to the
 *                    assignee (and his substitutes) and to who gave the task.
 *   monthly_overdue  once a local working day, after 07:30 in the user's time zone: how
 *                    many of his clients were not contacted last month nor this month.
 *
 * Invariants:
 * - Each reminder is made once per recipient: the notification carries a dedup key
 *   unique per user (call_back_due:<activity>, task_due:<task>, task_overdue:<task>,
 *   monthly_overdue:<day>); the summary's day is also taken in reminder_days, so two
 *   servers, or a run repeated after a crash, never make it twice.
 * - A run reads index ranges only: what came due (or was written) since a little before
 *   the last run's time (REMINDERS_OVERLAP_S), never the whole history.
 * - The notification's data carries what a reader needs to show it without more
 *   queries (names, titles, times, ids to link to).
 */
#ifndef KL_REMINDERS_H
#define KL_REMINDERS_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

#define REMINDERS_CALLBACK_DAYS  30                   /* older call-backs are not reminded */
#define REMINDERS_OVERDUE_S      86400                /* a task is overdue a day after due */
#define REMINDERS_OVERLAP_S      300                  /* each run reads again this far back */
#define REMINDERS_BATCH          2000                 /* candidates of a kind taken per run */
#define REMINDERS_SUMMARY_FROM_S (7 * 3600 + 30 * 60) /* 07:30 local */
#define REMINDERS_KEEP_READ_DAYS 90    /* a notification read longer ago is deleted */
#define REMINDERS_PRUNE_BATCH    10000 /* deleted per run at most */

struct reminders_stats {
    int64_t call_backs, tasks_due, tasks_overdue, summaries; /* notifications made */
};

/* Make the call_back_due, task_due and task_overdue notifications of what came due by
 * now, in one transaction, and move the scan mark on to now (not when a batch was full:
 * the next run goes on from the same place). */
int reminders_scan(struct db *db, struct arena *a, int64_t now, struct reminders_stats *st);

/* Delete the notifications read more than REMINDERS_KEEP_READ_DAYS days before now (at
 * most a batch; the next run goes on). Unread ones stay however old. No reminder comes
 * back for what was deleted: the scan never reaches further back than
 * REMINDERS_CALLBACK_DAYS, and the days of the summaries are kept apart. */
int reminders_prune(struct db *db, int64_t now, int64_t *deleted);

struct reminder_user;
/* Who may get a summary: active users who own live clients. */
int reminders_summary_users(struct db *db, struct arena *a, struct reminder_user **out, int *n);
/* The monthly_overdue summary of u for his local day, when it is a working day after
 * 07:30 there and it was not made yet; nothing when no client is overdue (the day is
 * taken all the same). *made 1 when a notification was made. */
int reminders_summary(struct db *db, struct arena *a, const struct reminder_user *u, int64_t now,
                      int *made);

#endif
