/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_department.h - departments table (store). */
#ifndef KL_REPO_DEPARTMENT_H
#define KL_REPO_DEPARTMENT_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

struct department {
    int64_t id;
    const char *name;
    int64_t head_id; /* 0 when none */
    int64_t version;
    int64_t created_at;
    int64_t updated_at;
};

int repo_department_get(struct db *db, struct arena *a, int64_t id, struct department *out);
int repo_department_get_by_name(struct db *db, struct arena *a, const char *name,
                                struct department *out);
/* KL_ECONFLICT when the name exists, KL_ENOTFOUND when head_id names no user. */
int repo_department_insert(struct db *db, struct department *d);
/* KL_ESTALE when the version moved on. */
int repo_department_update(struct db *db, struct department *d, int64_t expected_version);
int repo_department_delete(struct db *db, int64_t id, int64_t expected_version);
int repo_department_list(struct db *db, struct arena *a, int64_t after_id, int limit,
                         struct department **out, int *n);

#endif
