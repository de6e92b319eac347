/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_user.c - users table (store). */
#include "repo_user.h"

#include "lib/timeutil.h"

#define USER_COLS                                                                                  \
    "id, login, name, role, department_id, password_hash, lang, tz, active, version, "             \
    "created_at, updated_at, segment"

static void read_row(struct db_stmt *st, struct arena *a, struct user *u)
{
    u->id = db_int64(st, 0);
    u->login = arena_strdup(a, db_text(st, 1));
    u->name = arena_strdup(a, db_text(st, 2));
    u->role = arena_strdup(a, db_text(st, 3));
    u->department_id = db_is_null(st, 4) ? 0 : db_int64(st, 4);
    u->password_hash = arena_strdup(a, db_text(st, 5));
    u->lang = arena_strdup(a, db_text(st, 6));
    u->tz = arena_strdup(a, db_text(st, 7));
    u->active = (int)db_int64(st, 8);
    u->version = db_int64(st, 9);
    u->created_at = db_int64(st, 10);
    u->updated_at = db_int64(st, 11);
    u->segment = arena_strdup(a, db_text(st, 12));
}

static int get_one(struct db *db, struct arena *a, struct user *out, const char *sql,
                   const char *types, int64_t id, const char *s)
{
    struct db_stmt st;
    int rc = *types == 'i' ? db_query(db, &st, sql, types, id) : db_query(db, &st, sql, types, s);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        read_row(&st, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = KL_ENOTFOUND;
    }
    db_finish(&st);
    return rc;
}

int repo_user_get(struct db *db, struct arena *a, int64_t id, struct user *out)
{
    return get_one(db, a, out, "SELECT " USER_COLS " FROM users WHERE id = ?", "i", id, NULL);
}

int repo_user_get_by_login(struct db *db, struct arena *a, const char *login, struct user *out)
{
    return get_one(db, a, out, "SELECT " USER_COLS " FROM users WHERE login = ?", "t", 0, login);
}

static int map_write_error(struct db *db, int rc)
{
    if (rc && db_errkind(db) == DB_ERR_UNIQUE)
        return KL_ECONFLICT;
    if (rc && db_errkind(db) == DB_ERR_FOREIGN_KEY)
        return KL_ENOTFOUND;
    return rc;
}

int repo_user_insert(struct db *db, struct user *u)
{
    int64_t now = time_now();
    int rc = db_scalar(db, &u->id,
                       "INSERT INTO users (login, name, role, department_id, password_hash, lang, "
                       "tz, active, version, created_at, updated_at, segment) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
                       "tttotttiiit", u->login, u->name, u->role, u->department_id,
                       u->password_hash, u->lang, u->tz ? u->tz : "Europe/Vilnius",
                       (int64_t)u->active, now, now, u->segment);
    if (rc)
        return map_write_error(db, rc);
    u->version = 1;
    u->created_at = u->updated_at = now;
    return 0;
}

int repo_user_update(struct db *db, struct user *u, int64_t expected_version)
{
    int64_t now = time_now(), changed = 0;
    int rc =
        db_execf(db, &changed,
                 "UPDATE users SET login = ?, name = ?, role = ?, department_id = ?, "
                 "password_hash = ?, lang = ?, tz = ?, active = ?, segment = ?, "
                 "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                 "tttotttitiii", u->login, u->name, u->role, u->department_id, u->password_hash,
                 u->lang, u->tz, (int64_t)u->active, u->segment, now, u->id, expected_version);
    if (rc)
        return map_write_error(db, rc);
    if (!changed)
        return KL_ESTALE;
    u->version = expected_version + 1;
    u->updated_at = now;
    return 0;
}

int repo_user_list(struct db *db, struct arena *a, int64_t after_id, int limit, struct user **out,
                   int *n)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " USER_COLS " FROM users WHERE id > ? ORDER BY id LIMIT ?",
                      "ii", after_id, (int64_t)limit);
    if (rc)
        return rc;
    struct user *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
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

int repo_user_count_in_department(struct db *db, int64_t department_id, int64_t *n)
{
    return db_scalar(db, n, "SELECT COUNT(*) FROM users WHERE department_id = ?", "i",
                     department_id);
}
