/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_misc.h - settings, notifications and professional holidays (store). */
#ifndef KL_REPO_MISC_H
#define KL_REPO_MISC_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

/* The value of a setting (arena string) or NULL when unset. */
int repo_setting_get(struct db *db, struct arena *a, const char *key, const char **value);
int repo_setting_set(struct db *db, const char *key, const char *value);

struct notification {
    int64_t id, user_id;
    const char *kind, *entity;
    int64_t entity_id;
    const char *data; /* JSON object */
    int64_t created_at, read_at;
};
int repo_notification_insert(struct db *db, int64_t user_id, const char *kind, const char *entity,
                             int64_t entity_id, const char *data);
/* The user's notifications, newest first, id < before_id (0: newest), unread only if asked. */
int repo_notification_list(struct db *db, struct arena *a, int64_t user_id, int unread_only,
                           int64_t before_id, int limit, struct notification **out, int *n);
/* Mark read; KL_ENOTFOUND when not the user's. */
int repo_notification_read(struct db *db, int64_t user_id, int64_t id, int64_t now);
/* Mark read every unread notification of the user with id <= up_to_id (0: all); *marked
 * (may be NULL) gets how many. */
int repo_notification_read_all(struct db *db, int64_t user_id, int64_t up_to_id, int64_t now,
                               int64_t *marked);
/* How many of the user's notifications are unread. */
int repo_notification_unread(struct db *db, int64_t user_id, int64_t *count);

struct holiday {
    int64_t id;
    const char *industry, *name_en, *name_lt, *name_ru;
    int month, day;
    int64_t version, created_at, updated_at;
};
int repo_holiday_list(struct db *db, struct arena *a, struct holiday **out, int *n);
int repo_holiday_get(struct db *db, struct arena *a, int64_t id, struct holiday *out);
int repo_holiday_insert(struct db *db, struct holiday *h);
int repo_holiday_update(struct db *db, struct holiday *h, int64_t expected_version);
int repo_holiday_delete(struct db *db, int64_t id, int64_t expected_version);

#endif
