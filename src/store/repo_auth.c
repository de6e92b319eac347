/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_auth.c - sessions, API tokens and sign-in attempts (store). */
#include <string.h>

#include "repo_auth.h"

static void read_auth(struct db_stmt *st, struct arena *a, struct auth_row *r, int session)
{
    r->cred_id = db_int64(st, 0);
    r->user_id = db_int64(st, 1);
    r->login = arena_strdup(a, db_text(st, 2));
    r->name = arena_strdup(a, db_text(st, 3));
    r->role = arena_strdup(a, db_text(st, 4));
    r->department_id = db_is_null(st, 5) ? 0 : db_int64(st, 5);
    r->lang = arena_strdup(a, db_text(st, 6));
    r->tz = arena_strdup(a, db_text(st, 7));
    r->csrf_token = session ? arena_strdup(a, db_text(st, 8)) : NULL;
    r->last_seen_at = db_is_null(st, 9) ? 0 : db_int64(st, 9);
    r->expires_at = session ? db_int64(st, 10) : 0;
}

static int find(struct db *db, struct arena *a, const char *sql, const char *hash, int64_t now,
                struct auth_row *out, int session)
{
    struct db_stmt st;
    int rc = session ? db_query(db, &st, sql, "ti", hash, now) : db_query(db, &st, sql, "t", hash);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW)
        read_auth(&st, a, out, session), rc = 0;
    else if (rc == DB_DONE)
        rc = KL_ENOTFOUND;
    db_finish(&st);
    return rc;
}

int repo_session_insert(struct db *db, int64_t user_id, const char *token_hash,
                        const char *csrf_token, int64_t now, int64_t expires_at, const char *addr,
                        int64_t *id)
{
    return db_scalar(db, id,
                     "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, "
                     "last_seen_at, expires_at, addr) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     "titiiit", token_hash, user_id, csrf_token, now, now, expires_at, addr);
}

int repo_session_find(struct db *db, struct arena *a, const char *token_hash, int64_t now,
                      struct auth_row *out)
{
    return find(db, a,
                "SELECT s.id, u.id, u.login, u.name, u.role, u.department_id, u.lang, u.tz, "
                "s.csrf_token, s.last_seen_at, s.expires_at FROM sessions s JOIN users u ON "
                "u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1",
                token_hash, now, out, 1);
}

int repo_session_touch(struct db *db, int64_t id, int64_t now, int64_t expires_at)
{
    return db_execf(db, NULL, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?",
                    "iii", now, expires_at, id);
}

int repo_session_delete(struct db *db, int64_t id)
{
    return db_execf(db, NULL, "DELETE FROM sessions WHERE id = ?", "i", id);
}

int repo_session_delete_user(struct db *db, int64_t user_id, int64_t keep_id)
{
    return db_execf(db, NULL, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", "ii", user_id,
                    keep_id);
}

int repo_token_insert(struct db *db, int64_t user_id, const char *name, const char *token_hash,
                      int64_t *id, int64_t *created_at)
{
    return db_scalar(db, id,
                     "INSERT INTO api_tokens (user_id, name, token_hash, created_at) "
                     "VALUES (?, ?, ?, ?) RETURNING id",
                     "itti", user_id, name, token_hash, *created_at);
}

int repo_token_find(struct db *db, struct arena *a, const char *token_hash, struct auth_row *out)
{
    return find(db, a,
                "SELECT t.id, u.id, u.login, u.name, u.role, u.department_id, u.lang, u.tz, "
                "NULL, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active = 1",
                token_hash, 0, out, 0);
}

int repo_token_touch(struct db *db, int64_t id, int64_t now)
{
    return db_execf(db, NULL, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", "ii", now, id);
}

int repo_token_revoke(struct db *db, int64_t user_id, int64_t id, int64_t now)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND "
                      "revoked_at IS NULL",
                      "iii", now, id, user_id);
    if (rc)
        return rc;
    return changed ? 0 : KL_ENOTFOUND;
}

int repo_token_list(struct db *db, struct arena *a, int64_t user_id, struct token_info **out,
                    int *n)
{
    int64_t count = 0;
    int rc = db_scalar(db, &count,
                       "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL",
                       "i", user_id);
    if (rc)
        return rc;
    struct token_info *items = arena_alloc(a, sizeof(*items) * (size_t)(count + 1));
    struct db_stmt st;
    if ((rc = db_query(db, &st,
                       "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = "
                       "? AND revoked_at IS NULL ORDER BY id",
                       "i", user_id)))
        return rc;
    int i = 0;
    while ((rc = db_step(&st)) == DB_ROW && i < count) {
        items[i].id = db_int64(&st, 0);
        items[i].name = arena_strdup(a, db_text(&st, 1));
        items[i].created_at = db_int64(&st, 2);
        items[i].last_used_at = db_is_null(&st, 3) ? 0 : db_int64(&st, 3);
        i++;
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = i;
    return 0;
}

int repo_login_attempt_add(struct db *db, const char *login, const char *addr, int64_t at, int ok)
{
    return db_execf(db, NULL,
                    "INSERT INTO login_attempts (login, addr, at, ok) VALUES (?, ?, ?, ?)", "ttii",
                    login, addr, at, (int64_t)ok);
}

int repo_login_failures(struct db *db, const char *column, const char *value, int64_t since,
                        int64_t *count, int64_t *oldest)
{
    const char *sql = !strcmp(column, "login")
                          ? "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE login = ? AND "
                            "at > ? AND ok = 0"
                          : "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE addr = ? AND "
                            "at > ? AND ok = 0";
    struct db_stmt st;
    int rc = db_query(db, &st, sql, "ti", value, since);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        *count = db_int64(&st, 0);
        *oldest = db_is_null(&st, 1) ? 0 : db_int64(&st, 1);
        rc = 0;
    } else {
        rc = KL_EDB;
    }
    db_finish(&st);
    return rc;
}

int repo_login_attempts_clear(struct db *db, const char *login, int64_t before)
{
    int rc =
        db_execf(db, NULL, "DELETE FROM login_attempts WHERE login = ? AND ok = 0", "t", login);
    if (!rc)
        rc = db_execf(db, NULL, "DELETE FROM login_attempts WHERE at < ?", "i", before);
    return rc;
}

int repo_token_revoke_user(struct db *db, int64_t user_id, int64_t now)
{
    return db_execf(db, NULL,
                    "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                    "ii", now, user_id);
}
