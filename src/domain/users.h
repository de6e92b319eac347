/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * users.h - user and department administration (domain). Admins (and the CLI operator)
 * create and change users and departments; every change is validated field by field,
 * written with optimistic concurrency (version) and audited in the same transaction.
 */
#ifndef KL_USERS_H
#define KL_USERS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "store/db.h"
#include "store/repo_department.h"
#include "store/repo_user.h"

/* Given fields are non-NULL (strings) or have their has_ flag set. */
struct user_input {
    const char *login;
    const char *name;
    const char *role;
    const char *password;
    const char *lang;
    const char *tz;
    int has_department;
    int64_t department_id; /* 0 = none */
    int has_active;
    int active;
    int has_segment;
    const char *segment; /* "business", "retail" or NULL (with has_segment: clear it) */
};

struct department_input {
    const char *name;
    int has_head;
    int64_t head_id; /* 0 = none */
};

/* The public JSON of a user (no password hash) and of a department. New references. */
json_t *user_to_json(const struct user *u);
json_t *department_to_json(const struct department *d);

int users_may_admin(const struct principal *who);

int users_create(struct db *db, struct arena *a, const struct principal *who,
                 const struct user_input *in, struct user *out, struct kl_error *err);
int users_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                 int64_t if_match, const struct user_input *in, struct user *out,
                 struct kl_error *err);
int users_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
              struct user *out, struct kl_error *err);
int users_list(struct db *db, struct arena *a, const struct principal *who, int64_t after_id,
               int limit, struct user **out, int *n, struct kl_error *err);
/* A user's own settings (name, lang, tz) - allowed to everyone for himself. if_match 0
 * means "whatever the current version" (a language switch need not know it). */
int users_update_self(struct db *db, struct arena *a, const struct principal *who, int64_t if_match,
                      const struct user_input *in, struct user *out, struct kl_error *err);

int departments_create(struct db *db, struct arena *a, const struct principal *who,
                       const struct department_input *in, struct department *out,
                       struct kl_error *err);
int departments_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       int64_t if_match, const struct department_input *in, struct department *out,
                       struct kl_error *err);
int departments_delete(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       int64_t if_match, struct kl_error *err);
int departments_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    struct department *out, struct kl_error *err);
int departments_list(struct db *db, struct arena *a, const struct principal *who, int64_t after_id,
                     int limit, struct department **out, int *n, struct kl_error *err);
/* Find a department by name or create it (CLI `user add --department NAME`). */
int departments_ensure(struct db *db, struct arena *a, const struct principal *who,
                       const char *name, struct department *out, struct kl_error *err);

#endif
