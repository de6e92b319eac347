/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * repo_reminder.h - what the reminders job reads and writes (store): the call-backs and
 * open tasks that came due in a window of time, the substitutes of a user on a day, how
 * far the job has looked, the days of the monthly summary, the count of a manager's
 * clients overdue for their monthly contact, and a notification inserted once.
 *
 * The windows are index range reads (sql/<backend>/0007_reminders.sql): by the due time
 * and by the time a row was last written, so that an idle run reads a few index entries.
 * A candidate already notified to its owner (or assignee) is left out, so that a window
 * read again (overlap, a run that stopped at its limit) yields only the new ones.
 */
#ifndef KL_REPO_REMINDER_H
#define KL_REPO_REMINDER_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

/* Which rows a window takes: due (callback_at or due_at) in [due_from, due_to], or
 * written (updated_at) at or after changed_since with the due time in
 * [due_oldest, due_to]. */
struct reminder_window {
    int64_t due_from, due_to, changed_since, due_oldest;
};

struct reminder_callback {
    int64_t activity_id, client_id, contact_id, owner_id, callback_at; /* contact_id 0: none */
    const char *client_name, *contact_name; /* contact_name NULL when none */
};
/* Live call-backs on live clients with an owner, in the window, not followed by a later
 * activity with the client, not yet notified to the owner (dedup "call_back_due:<id>");
 * by due time, at most limit. */
int repo_reminder_callbacks(struct db *db, struct arena *a, const struct reminder_window *w,
                            int limit, struct reminder_callback **out, int *n);

struct reminder_task {
    int64_t task_id, assignee_id, created_by, client_id, due_at; /* client_id 0: none */
    const char *title, *assignee_name, *client_name;             /* client_name NULL when none */
};
/* Open tasks in the window not yet notified to the assignee under kind ("task_due" or
 * "task_overdue", dedup "<kind>:<id>"); by due time, at most limit. */
int repo_reminder_tasks(struct db *db, struct arena *a, const char *kind,
                        const struct reminder_window *w, int limit, struct reminder_task **out,
                        int *n);

/* Users who stand in for user_id on day (YYYY-MM-DD); at most max. */
int repo_reminder_substitutes(struct db *db, int64_t user_id, const char *day, int64_t *ids,
                              int max, int *n);

/* Insert a notification unless the user has one with the same dedup key; *inserted 1
 * when this call inserted it. */
int repo_reminder_notify(struct db *db, int64_t user_id, const char *kind, const char *entity,
                         int64_t entity_id, const char *data, const char *dedup, int64_t now,
                         int *inserted);

/* Delete at most limit notifications read before `before`, oldest read first; *deleted
 * gets how many. */
int repo_notifications_prune(struct db *db, int64_t before, int limit, int64_t *deleted);

/* How far the job has looked (0 before its first run), and moving it on (never back). */
int repo_reminder_scan_get(struct db *db, int64_t *scanned_to);
int repo_reminder_scan_set(struct db *db, int64_t scanned_to, int64_t now);

struct reminder_user {
    int64_t id;
    const char *name, *tz;
};
/* Active users who own live clients (prospects or active ones). */
int repo_reminder_owners(struct db *db, struct arena *a, struct reminder_user **out, int *n);
/* Whether the user's summary of day was made; taking it (in the caller's transaction)
 * sets *taken 1 when this call took it. */
int repo_reminder_day_done(struct db *db, int64_t user_id, const char *day, int *done);
int repo_reminder_day_take(struct db *db, int64_t user_id, const char *day, int64_t now,
                           int *taken);
/* The owner's live clients (prospects and active ones) last contacted before `since`, or
 * never: not contacted last month nor this month when since is the first of last month
 * (the call list's monthly_overdue). */
int repo_reminder_monthly_overdue(struct db *db, int64_t owner_id, int64_t since, int64_t *count);

#endif
