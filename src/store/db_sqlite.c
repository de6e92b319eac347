/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * db_sqlite.c - the SQLite backend of struct db_driver (store). The only file that
 * includes sqlite3.h.
 *
 * Each connection: WAL journal, synchronous=FULL (a committed transaction survives a
 * power cut), foreign keys on, a 10 s busy timeout, and write transactions started with
 * BEGIN IMMEDIATE so that concurrent writers wait instead of failing with SQLITE_BUSY.
 * Prepared statements are cached per connection in a hash table keyed by SQL text.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#include "lib/xalloc.h"

#define CACHE_BUCKETS 256

struct sq_stmt {
    sqlite3_stmt *stmt;
    struct sq_conn *conn;
    char *sql;
    int in_use;
    int cached;
    struct sq_stmt *next;
};

struct sq_conn {
    sqlite3 *db;
    struct sq_stmt *buckets[CACHE_BUCKETS];
    const char *own_err; /* an error of ours, not sqlite's */
};

const struct db_dialect db_sqlite_dialect = {
    .name = "sqlite",
    .ilike = "LIKE",
    .search_clear = "DELETE FROM client_search WHERE rowid = ?",
    .search_store = "INSERT INTO client_search (rowid, body) VALUES (?, ?)",
    .search_from =
        "SELECT clients.id, clients.name_key FROM client_search JOIN clients ON clients.id = "
        "client_search.rowid WHERE client_search MATCH ?",
    .term_open = "\"",
    .term_close = "\"*",
    .term_exact_close = "\"",
    .search_and = " AND ",
    .search_or = " OR ",
    /* Sampled ANALYZE: a few milliseconds even on a million clients, and without it the
     * planner may scan a whole table for a list filter. */
    .analyze = "PRAGMA analysis_limit=1000; ANALYZE",
    .read_begin = "BEGIN",
    .serialize_writers = 1,
    .skip_locked = "",
};

static unsigned hash_sql(const char *s)
{
    unsigned h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h % CACHE_BUCKETS;
}

static int sq_open(const char *path, void **out)
{
    struct sq_conn *c = xcalloc(1, sizeof(*c));
    *out = c;
    int rc = sqlite3_open_v2(
        path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        return KL_EDB;
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, 10000);
    rc = sqlite3_exec(c->db,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
                      "PRAGMA mmap_size=8589934592;",
                      NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : KL_EDB;
}

static void sq_close(void *conn)
{
    struct sq_conn *c = conn;
    for (int i = 0; i < CACHE_BUCKETS; i++) {
        struct sq_stmt *s = c->buckets[i];
        while (s) {
            struct sq_stmt *next = s->next;
            sqlite3_finalize(s->stmt);
            free(s->sql);
            free(s);
            s = next;
        }
    }
    if (c->db)
        sqlite3_close_v2(c->db);
    free(c);
}

static void *sq_prepare(void *conn, const char *sql)
{
    struct sq_conn *c = conn;
    unsigned h = hash_sql(sql);
    for (struct sq_stmt *s = c->buckets[h]; s; s = s->next) {
        if (!s->in_use && !strcmp(s->sql, sql)) {
            s->in_use = 1;
            return s;
        }
    }
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        return NULL;
    struct sq_stmt *s = xcalloc(1, sizeof(*s));
    s->stmt = stmt;
    s->conn = c;
    s->sql = xstrdup(sql);
    s->in_use = 1;
    s->cached = 1;
    s->next = c->buckets[h];
    c->buckets[h] = s;
    return s;
}

static int sq_bind_null(void *stmt, int idx)
{
    struct sq_stmt *s = stmt;
    return sqlite3_bind_null(s->stmt, idx) == SQLITE_OK ? 0 : KL_EDB;
}

static int sq_bind_int64(void *stmt, int idx, int64_t v)
{
    struct sq_stmt *s = stmt;
    return sqlite3_bind_int64(s->stmt, idx, v) == SQLITE_OK ? 0 : KL_EDB;
}

static int sq_bind_text(void *stmt, int idx, const char *str, size_t len)
{
    struct sq_stmt *s = stmt;
    return sqlite3_bind_text(s->stmt, idx, str, (int)len, SQLITE_TRANSIENT) == SQLITE_OK ? 0
                                                                                         : KL_EDB;
}

static int sq_step(void *stmt)
{
    struct sq_stmt *s = stmt;
    int rc = sqlite3_step(s->stmt);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    return KL_EDB;
}

static int sq_column_is_null(void *stmt, int col)
{
    struct sq_stmt *s = stmt;
    return sqlite3_column_type(s->stmt, col) == SQLITE_NULL;
}

static int64_t sq_column_int64(void *stmt, int col)
{
    struct sq_stmt *s = stmt;
    return sqlite3_column_int64(s->stmt, col);
}

static const char *sq_column_text(void *stmt, int col)
{
    struct sq_stmt *s = stmt;
    return (const char *)sqlite3_column_text(s->stmt, col);
}

static void sq_finish(void *stmt)
{
    struct sq_stmt *s = stmt;
    sqlite3_reset(s->stmt);
    sqlite3_clear_bindings(s->stmt);
    s->in_use = 0;
}

static int64_t sq_changes(void *conn)
{
    struct sq_conn *c = conn;
    return sqlite3_changes64(c->db);
}

static int64_t sq_last_insert_id(void *conn)
{
    struct sq_conn *c = conn;
    return sqlite3_last_insert_rowid(c->db);
}

static int sq_exec(void *conn, const char *script)
{
    struct sq_conn *c = conn;
    return sqlite3_exec(c->db, script, NULL, NULL, NULL) == SQLITE_OK ? 0 : KL_EDB;
}

static int sq_begin(void *conn)
{
    return sq_exec(conn, "BEGIN IMMEDIATE");
}

static int sq_commit(void *conn)
{
    return sq_exec(conn, "COMMIT");
}

static int sq_rollback(void *conn)
{
    return sq_exec(conn, "ROLLBACK");
}

static const char *sq_errmsg(void *conn)
{
    struct sq_conn *c = conn;
    return c->db ? sqlite3_errmsg(c->db) : "cannot open database";
}

static enum db_errkind sq_errkind(void *conn)
{
    struct sq_conn *c = conn;
    switch (sqlite3_extended_errcode(c->db)) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return DB_ERR_NONE;
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return DB_ERR_UNIQUE;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return DB_ERR_FOREIGN_KEY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DB_ERR_BUSY;
    default:
        return DB_ERR_OTHER;
    }
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .prepare = sq_prepare,
    .bind_null = sq_bind_null,
    .bind_int64 = sq_bind_int64,
    .bind_text = sq_bind_text,
    .step = sq_step,
    .column_is_null = sq_column_is_null,
    .column_int64 = sq_column_int64,
    .column_text = sq_column_text,
    .finish = sq_finish,
    .changes = sq_changes,
    .last_insert_id = sq_last_insert_id,
    .exec = sq_exec,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .errmsg = sq_errmsg,
    .errkind = sq_errkind,
};

/* The online backup API: a consistent copy while other connections write. */
int db_sqlite_backup(struct db *db, const char *dest_path, char *errbuf, size_t errsz);
int db_sqlite_backup(struct db *db, const char *dest_path, char *errbuf, size_t errsz)
{
    struct sq_conn *c = db->conn;
    sqlite3 *dest;
    int rc = sqlite3_open(dest_path, &dest);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dest, "main", c->db, "main");
        if (b) {
            do {
                rc = sqlite3_backup_step(b, 256);
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                    sqlite3_sleep(50);
            } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
            sqlite3_backup_finish(b);
        }
        rc = sqlite3_errcode(dest);
    }
    if (rc != SQLITE_OK && errbuf)
        snprintf(errbuf, errsz, "%s", sqlite3_errmsg(dest));
    sqlite3_close(dest);
    return rc == SQLITE_OK ? 0 : KL_EIO;
}
