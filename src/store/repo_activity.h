/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_activity.h - activities, inbound reasons, quotas and the working calendar (store). */
#ifndef KL_REPO_ACTIVITY_H
#define KL_REPO_ACTIVITY_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

struct activity {
    int64_t id, client_id, contact_id, user_id; /* contact_id 0 = none */
    const char *type, *direction, *outcome, *reason, *notes;
    int64_t at, duration_s, callback_at; /* duration_s -1 = none, callback_at 0 = none */
    int64_t deleted_at, version, created_at, updated_at;
};

int repo_activity_get(struct db *db, struct arena *a, int64_t id, struct activity *out);
int repo_activity_insert(struct db *db, struct activity *x);
int repo_activity_update(struct db *db, struct activity *x, int64_t expected_version);

struct activity_filter {
    int64_t client_id, user_id;
    int64_t from, to;  /* at in [from, to); 0 = open */
    int64_t before_id; /* paging: id < before_id, newest first */
};
int repo_activity_list(struct db *db, struct arena *a, const struct activity_filter *f, int limit,
                       struct activity **out, int *n);
/* Activities of a user of one type in [from, to); distinct_clients counts clients. */
int repo_activity_count(struct db *db, int64_t user_id, const char *type, const char *direction,
                        int64_t from, int64_t to, int distinct_clients, int64_t *n);
/* Move the activities of a merged client. */
int repo_activity_move_client(struct db *db, int64_t from_id, int64_t to_id);

/* 1 when the code is an active inbound reason. */
int repo_reason_exists(struct db *db, const char *code, int *exists);

struct quota {
    int64_t calls_day, offers_email_day, offers_phone_day, new_contracts_month, monthly_contact;
};
/* Stored values for a user and for a department; -1 where not set. */
int repo_quota_get(struct db *db, int64_t user_id, int64_t department_id, struct quota *user_q,
                   struct quota *dept_q);
int repo_quota_set(struct db *db, int64_t user_id, int64_t department_id, const struct quota *q);

/* An override of the working calendar: *found 0 when the day follows the rule. */
int repo_calendar_get(struct db *db, struct arena *a, const char *day, int *found, int *working,
                      const char **note);
/* The overrides of days from..to ("YYYY-MM-DD", inclusive), at most max, in day order. */
int repo_calendar_range(struct db *db, const char *from, const char *to, char (*days)[11],
                        int *working, int max, int *n);
int repo_calendar_set(struct db *db, const char *day, int working, const char *note);
int repo_calendar_clear(struct db *db, const char *day);

#endif
