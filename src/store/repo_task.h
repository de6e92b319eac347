/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_task.h - tasks, absences and the raw rows of the day's call list (store). */
#ifndef KL_REPO_TASK_H
#define KL_REPO_TASK_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

struct task {
    int64_t id, assignee_id, created_by, client_id; /* client_id 0 = none */
    const char *title, *notes, *status, *done_note;
    int64_t due_at, done_at, version, created_at, updated_at;
};

int repo_task_get(struct db *db, struct arena *a, int64_t id, struct task *out);
int repo_task_insert(struct db *db, struct task *t);
int repo_task_update(struct db *db, struct task *t, int64_t expected_version);
/* Tasks of the assignees (n ids; n = 0: any assignee) or created by created_by (0: any),
 * with status (NULL: any), due before due_before (0: any), ordered by due time. */
int repo_task_list(struct db *db, struct arena *a, const int64_t *assignees, int n,
                   int64_t created_by, const char *status, int64_t due_before, int limit,
                   struct task **out, int *count);

struct absence {
    int64_t id, user_id, substitute_id, created_by;
    const char *from_day, *to_day, *reason;
    int64_t deleted_at, version, created_at, updated_at;
};
int repo_absence_get(struct db *db, struct arena *a, int64_t id, struct absence *out);
int repo_absence_insert(struct db *db, struct absence *x);
int repo_absence_update(struct db *db, struct absence *x, int64_t expected_version);
/* Live absences touching [from_day, to_day] (NULL: any) of a user or substitute (0: any). */
int repo_absence_list(struct db *db, struct arena *a, int64_t user_id, int64_t substitute_id,
                      const char *from_day, const char *to_day, struct absence **out, int *n);
/* Users whom substitute_id stands in for on day (YYYY-MM-DD); at most max. */
int repo_absence_substituted(struct db *db, int64_t substitute_id, const char *day, int64_t *ids,
                             int max, int *n);

/* The raw rows of the call list. */
struct today_client {
    int64_t id;
    const char *name, *status, *industry, *phone;
    int negotiate_soon;
    int64_t owner_id, last_at; /* last_at 0 = never contacted */
    int ever_called;
    int64_t callback_at, callback_activity_id; /* the pending call-back, 0 = none */
};
/* The owners' working clients (prospect, active; not deleted), from the index kept for
 * the call list (sql/sqlite/0006_contact.sql). */
int repo_today_clients(struct db *db, struct arena *a, const int64_t *owners, int n,
                       struct today_client **out, int *count);
/* Every live contact born on month-day "MM-DD" (any year), with his client: the caller
 * keeps those of its clients. */
int repo_today_birthdays(struct db *db, struct arena *a, const char *mmdd, int64_t **ids,
                         int64_t **client_ids, int *count);
#endif
