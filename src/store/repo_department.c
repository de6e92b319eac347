/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_department.c - departments table (store). */
#include "repo_department.h"

#include "lib/timeutil.h"

#define DEPT_COLS "id, name, head_id, version, created_at, updated_at"

static void read_row(struct db_stmt *st, struct arena *a, struct department *d)
{
    d->id = db_int64(st, 0);
    d->name = arena_strdup(a, db_text(st, 1));
    d->head_id = db_is_null(st, 2) ? 0 : db_int64(st, 2);
    d->version = db_int64(st, 3);
    d->created_at = db_int64(st, 4);
    d->updated_at = db_int64(st, 5);
}

static int map_write_error(struct db *db, int rc)
{
    if (rc && db_errkind(db) == DB_ERR_UNIQUE)
        return KL_ECONFLICT;
    if (rc && db_errkind(db) == DB_ERR_FOREIGN_KEY)
        return KL_ENOTFOUND;
    return rc;
}

int repo_department_get(struct db *db, struct arena *a, int64_t id, struct department *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " DEPT_COLS " FROM departments WHERE id = ?", "i", id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW)
        read_row(&st, a, out), rc = 0;
    else if (rc == DB_DONE)
        rc = KL_ENOTFOUND;
    db_finish(&st);
    return rc;
}

int repo_department_get_by_name(struct db *db, struct arena *a, const char *name,
                                struct department *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " DEPT_COLS " FROM departments WHERE name = ?", "t", name);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW)
        read_row(&st, a, out), rc = 0;
    else if (rc == DB_DONE)
        rc = KL_ENOTFOUND;
    db_finish(&st);
    return rc;
}

int repo_department_insert(struct db *db, struct department *d)
{
    int64_t now = time_now();
    int rc = db_scalar(db, &d->id,
                       "INSERT INTO departments (name, head_id, version, created_at, updated_at) "
                       "VALUES (?, ?, 1, ?, ?) RETURNING id",
                       "toii", d->name, d->head_id, now, now);
    if (rc)
        return map_write_error(db, rc);
    d->version = 1;
    d->created_at = d->updated_at = now;
    return 0;
}

int repo_department_update(struct db *db, struct department *d, int64_t expected_version)
{
    int64_t now = time_now(), changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE departments SET name = ?, head_id = ?, version = version + 1, "
                      "updated_at = ? WHERE id = ? AND version = ?",
                      "toiii", d->name, d->head_id, now, d->id, expected_version);
    if (rc)
        return map_write_error(db, rc);
    if (!changed)
        return KL_ESTALE;
    d->version = expected_version + 1;
    d->updated_at = now;
    return 0;
}

int repo_department_delete(struct db *db, int64_t id, int64_t expected_version)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed, "DELETE FROM departments WHERE id = ? AND version = ?", "ii",
                      id, expected_version);
    if (rc)
        return map_write_error(db, rc) == KL_ENOTFOUND ? KL_ECONFLICT : rc;
    return changed ? 0 : KL_ESTALE;
}

int repo_department_list(struct db *db, struct arena *a, int64_t after_id, int limit,
                         struct department **out, int *n)
{
    struct db_stmt st;
    int rc =
        db_query(db, &st, "SELECT " DEPT_COLS " FROM departments WHERE id > ? ORDER BY id LIMIT ?",
                 "ii", after_id, (int64_t)limit);
    if (rc)
        return rc;
    struct department *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
    int count = 0;
    while ((rc = db_step(&st)) == DB_ROW && count < limit)
        read_row(&st, a, &items[count++]);
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = count;
    return 0;
}
