/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * repo_user.h - users table (store). Strings of a fetched user come from the arena.
 */
#ifndef KL_REPO_USER_H
#define KL_REPO_USER_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

struct user {
    int64_t id;
    const char *login;
    const char *name;
    const char *role;
    int64_t department_id; /* 0 when none */
    const char *password_hash;
    const char *lang;
    const char *tz;
    const char *segment; /* managers: "business" or "retail" they serve (R5), or NULL */
    int active;
    int64_t version;
    int64_t created_at;
    int64_t updated_at;
};

/* 0, KL_ENOTFOUND or KL_EDB. */
int repo_user_get(struct db *db, struct arena *a, int64_t id, struct user *out);
int repo_user_get_by_login(struct db *db, struct arena *a, const char *login, struct user *out);
/* Insert u (id, version, times are set on u). KL_ECONFLICT when the login exists. */
int repo_user_insert(struct db *db, struct user *u);
/* Write every field of u where version = expected; KL_ESTALE when the row moved on,
 * KL_ECONFLICT when the login is taken. u->version and updated_at are advanced. */
int repo_user_update(struct db *db, struct user *u, int64_t expected_version);
/* Users with id > after_id, ordered by id, at most limit (+1 to tell if more). *n gets
 * the count. */
int repo_user_list(struct db *db, struct arena *a, int64_t after_id, int limit, struct user **out,
                   int *n);
/* Number of users in a department. */
int repo_user_count_in_department(struct db *db, int64_t department_id, int64_t *n);

#endif
