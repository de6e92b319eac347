/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * db.c - backend-independent half of the driver interface (store): choosing the driver by
 * URL, binding helpers, migrations and the per-thread connection pool.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#include "lib/log.h"
#include "lib/xalloc.h"

int db_url_is_pg(const char *url)
{
    return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

/* The URL with any password replaced by "***", for messages and logs. */
static void redact_url(const char *url, char *out, size_t n)
{
    const char *scheme = strstr(url, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at)
        snprintf(out, n, "%.*s:***%s", (int)(colon - url), url, at);
    else
        snprintf(out, n, "%s", url);
}

int db_open(const char *url, struct db **out, struct kl_error *err)
{
    char shown[256];
    redact_url(url, shown, sizeof(shown));
    const struct db_driver *drv;
    const struct db_dialect *dialect;
    const char *target = url;

    if (db_url_is_pg(url)) {
        drv = &db_pg_driver;
        dialect = &db_pg_dialect;
    } else {
        drv = &db_sqlite_driver;
        dialect = &db_sqlite_dialect;
        if (!strncmp(url, "sqlite:", 7))
            target = url + 7;
        if (!*target)
            return kl_error_set(err, KL_EDB, "db", "err.db_url", shown);
    }
    void *conn = NULL;
    if (drv->open(target, &conn)) {
        kl_error_setf(err, KL_EDB, "db", "err.db_url", "%s (%s)", shown,
                      conn ? drv->errmsg(conn) : "cannot connect");
        if (conn)
            drv->close(conn);
        return KL_EDB;
    }
    struct db *db = xcalloc(1, sizeof(*db));
    db->drv = drv;
    db->dialect = dialect;
    db->conn = conn;
    *out = db;
    return 0;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    if (db->in_tx)
        db_rollback(db);
    db->drv->close(db->conn);
    free(db);
}

static int bind_va(struct db_stmt *st, const char *types, va_list ap)
{
    const struct db_driver *d = st->db->drv;
    int idx = 1, rc = 0;
    for (const char *t = types; t && *t && !rc; t++, idx++) {
        switch (*t) {
        case 'i':
            rc = d->bind_int64(st->impl, idx, va_arg(ap, int64_t));
            break;
        case 'o': {
            int64_t v = va_arg(ap, int64_t);
            rc = v ? d->bind_int64(st->impl, idx, v) : d->bind_null(st->impl, idx);
            break;
        }
        case 't': {
            const char *s = va_arg(ap, const char *);
            rc = s ? d->bind_text(st->impl, idx, s, strlen(s)) : d->bind_null(st->impl, idx);
            break;
        }
        case 'n':
            rc = d->bind_null(st->impl, idx);
            break;
        default:
            abort(); /* a programming error in a repository */
        }
    }
    return rc ? KL_EDB : 0;
}

/* The number of ? placeholders outside string literals, quoted identifiers and comments:
 * a repository whose type string does not match its SQL is a programming error, caught on
 * its first run. */
static size_t count_placeholders(const char *sql)
{
    size_t n = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'' || *p == '"') {
            const char *end = strchr(p + 1, *p);
            if (!end)
                break;
            p = end;
        } else if (p[0] == '-' && p[1] == '-') {
            const char *end = strchr(p, '\n');
            if (!end)
                break;
            p = end;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            if (!end)
                break;
            p = end + 1;
        } else if (*p == '?') {
            n++;
        }
    }
    return n;
}

static int query_va(struct db *db, struct db_stmt *out, const char *sql, const char *types,
                    va_list ap)
{
    if (count_placeholders(sql) != strlen(types)) {
        /* A repository bug: refuse the statement (the request answers 500 and the log
         * names it) rather than bind the wrong values or take the server down. */
        log_kv(LOG_ERROR, "placeholder count mismatch", "sql", 's', sql, "types", 's', types, NULL);
        out->db = db;
        out->impl = NULL;
        return KL_EDB;
    }
    out->db = db;
    out->impl = db->drv->prepare(db->conn, sql);
    if (!out->impl) {
        log_kv(LOG_ERROR, "prepare failed", "sql", 's', sql, "error", 's', db_errmsg(db), NULL);
        return KL_EDB;
    }
    if (bind_va(out, types, ap)) {
        db_finish(out);
        return KL_EDB;
    }
    return 0;
}

int db_query(struct db *db, struct db_stmt *out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int rc = query_va(db, out, sql, types, ap);
    va_end(ap);
    return rc;
}

int db_execf(struct db *db, int64_t *changes, const char *sql, const char *types, ...)
{
    struct db_stmt st;
    va_list ap;
    va_start(ap, types);
    int rc = query_va(db, &st, sql, types, ap);
    va_end(ap);
    if (rc)
        return rc;
    while ((rc = db_step(&st)) == DB_ROW)
        ;
    if (rc == DB_DONE && changes)
        *changes = db->drv->changes(db->conn);
    db_finish(&st);
    return rc < 0 ? rc : 0;
}

int db_scalar(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
    struct db_stmt st;
    va_list ap;
    va_start(ap, types);
    int rc = query_va(db, &st, sql, types, ap);
    va_end(ap);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        *out = db_int64(&st, 0);
        /* drain, so that RETURNING statements complete */
        while ((rc = db_step(&st)) == DB_ROW)
            ;
        rc = rc < 0 ? rc : 0;
    } else if (rc == DB_DONE) {
        rc = KL_ENOTFOUND;
    }
    db_finish(&st);
    return rc;
}

int db_insert_step(struct db_stmt *st, int64_t *id)
{
    int rc = db_step(st);
    if (rc == DB_ROW && !st->db->drv->last_insert_id) {
        *id = db_int64(st, 0);
        rc = db_step(st); /* to the end, so that the statement completes */
    } else if (rc == DB_DONE && st->db->drv->last_insert_id) {
        *id = st->db->drv->last_insert_id(st->db->conn);
        return 0;
    } else if (rc >= 0) {
        rc = KL_EDB; /* a row where none was due, or none where one was */
        log_kv(LOG_ERROR, "insert gave no id", NULL);
    }
    return rc < 0 ? rc : 0;
}

int db_insertf(struct db *db, int64_t *id, const char *sql, const char *types, ...)
{
    struct db_stmt st;
    va_list ap;
    va_start(ap, types);
    int rc = query_va(db, &st, sql, types, ap);
    va_end(ap);
    if (rc)
        return rc;
    rc = db_insert_step(&st, id);
    db_finish(&st);
    return rc;
}

int db_prepare(struct db *db, struct db_stmt *out, const char *sql)
{
    out->db = db;
    out->impl = db->drv->prepare(db->conn, sql);
    if (!out->impl) {
        log_kv(LOG_ERROR, "prepare failed", "sql", 's', sql, "error", 's', db_errmsg(db), NULL);
        return KL_EDB;
    }
    return 0;
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    return st->db->drv->bind_int64(st->impl, idx, v) ? KL_EDB : 0;
}

int db_bind_id(struct db_stmt *st, int idx, int64_t v)
{
    return v ? db_bind_int64(st, idx, v) : db_bind_null(st, idx);
}

int db_bind_text(struct db_stmt *st, int idx, const char *s)
{
    if (!s)
        return db_bind_null(st, idx);
    return st->db->drv->bind_text(st->impl, idx, s, strlen(s)) ? KL_EDB : 0;
}

int db_bind_null(struct db_stmt *st, int idx)
{
    return st->db->drv->bind_null(st->impl, idx) ? KL_EDB : 0;
}

int db_step(struct db_stmt *st)
{
    int rc = st->db->drv->step(st->impl);
    if (rc < 0 && db_errkind(st->db) != DB_ERR_UNIQUE && db_errkind(st->db) != DB_ERR_FOREIGN_KEY)
        log_kv(LOG_ERROR, "statement failed", "error", 's', db_errmsg(st->db), NULL);
    return rc;
}

int db_is_null(struct db_stmt *st, int col)
{
    return st->db->drv->column_is_null(st->impl, col);
}

int64_t db_int64(struct db_stmt *st, int col)
{
    return st->db->drv->column_int64(st->impl, col);
}

const char *db_text(struct db_stmt *st, int col)
{
    return st->db->drv->column_text(st->impl, col);
}

void db_finish(struct db_stmt *st)
{
    if (st->impl)
        st->db->drv->finish(st->impl);
    st->impl = NULL;
}

void db_read_begin(struct db *db)
{
    if (db->in_tx || db->read_tx || !db->dialect->read_begin)
        return;
    db->read_tx = !db->drv->exec(db->conn, db->dialect->read_begin);
}

/* End the read transaction (it wrote nothing: COMMIT and ROLLBACK are the same). */
static void read_end(struct db *db)
{
    if (db->read_tx)
        db->drv->rollback(db->conn);
    db->read_tx = 0;
}

/* Writers of one process take turns on a mutex before SQLite's write lock: without it,
 * concurrent writers meet SQLITE_BUSY and sleep in SQLite's busy handler (1, 2, 5, 10 ...
 * ms), which at 16 connections cut logging to half its one-connection rate with p99 over
 * a second. Nested transactions of one thread (an import's rows are savepoints on a
 * second struct db over the same connection) count, and only the outermost locks. */
static pthread_mutex_t write_turn = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int write_depth;

static void turn_take(struct db *db)
{
    if (!db->dialect->serialize_writers || db->write_turn)
        return;
    if (write_depth++ == 0)
        pthread_mutex_lock(&write_turn);
    db->write_turn = 1;
}

static void turn_give(struct db *db)
{
    if (!db->write_turn)
        return;
    db->write_turn = 0;
    if (--write_depth == 0)
        pthread_mutex_unlock(&write_turn);
}

int db_begin(struct db *db)
{
    read_end(db); /* a write starts from the newest snapshot */
    turn_take(db);
    int rc = db->drv->begin(db->conn);
    if (!rc) {
        db->in_tx = 1;
    } else {
        log_kv(LOG_ERROR, "begin failed", "error", 's', db_errmsg(db), NULL);
        turn_give(db);
    }
    return rc ? KL_EDB : 0;
}

int db_commit(struct db *db)
{
    int rc = db->drv->commit(db->conn);
    if (rc) {
        log_kv(LOG_ERROR, "commit failed", "error", 's', db_errmsg(db), NULL);
        db_rollback(db);
        return KL_EDB;
    }
    db->in_tx = 0;
    turn_give(db);
    return 0;
}

void db_rollback(struct db *db)
{
    if (db->in_tx)
        db->drv->rollback(db->conn);
    db->in_tx = 0;
    turn_give(db);
    read_end(db);
}

int db_exec_script(struct db *db, const char *script)
{
    return db->drv->exec(db->conn, script) ? KL_EDB : 0;
}

const char *db_errmsg(struct db *db)
{
    return db->drv->errmsg(db->conn);
}

enum db_errkind db_errkind(struct db *db)
{
    return db->drv->errkind(db->conn);
}

/* ---- migrations ---- */

static const struct db_migration *migrations_of(const struct db *db)
{
    return db->drv == &db_pg_driver ? db_migrations_pg : db_migrations_sqlite;
}

int db_latest_version(const struct db *db)
{
    int v = 0;
    for (const struct db_migration *m = migrations_of(db); m->sql; m++)
        v = m->version;
    return v;
}

int db_schema_version(struct db *db, int *version)
{
    int rc =
        db_exec_script(db, "CREATE TABLE IF NOT EXISTS schema_version "
                           "(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
    if (rc)
        return rc;
    int64_t v = 0;
    rc = db_scalar(db, &v, "SELECT version FROM schema_version WHERE id = 1", "");
    if (rc == KL_ENOTFOUND) {
        v = 0;
        rc = 0;
    }
    *version = (int)v;
    return rc;
}

int db_migrate(struct db *db, int *applied, struct kl_error *err)
{
    int n = 0, rc, current;

    if ((rc = db_schema_version(db, &current)))
        return kl_error_set(err, rc, "db", "err.db", db_errmsg(db));
    for (const struct db_migration *m = migrations_of(db); m->sql; m++) {
        if (m->version <= current)
            continue;
        if ((rc = db_begin(db)))
            break;
        /* Several servers may start at once on one PostgreSQL: one migrates, the others
         * wait for it and then find the version already applied. */
        int now_version = 0;
        if (db->drv == &db_pg_driver &&
            (db_exec_script(db, "SELECT pg_advisory_xact_lock(7302651)") ||
             db_schema_version(db, &now_version))) {
            kl_error_setf(err, KL_EDB, "db", "err.db", "migration lock: %s", db_errmsg(db));
            db_rollback(db);
            return KL_EDB;
        }
        if (now_version >= m->version) {
            db_rollback(db);
            continue;
        }
        rc = db_exec_script(db, m->sql);
        if (!rc)
            rc = db_execf(db, NULL,
                          "INSERT INTO schema_version (id, version) VALUES (1, ?) "
                          "ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                          "i", (int64_t)m->version);
        if (rc) {
            kl_error_setf(err, KL_EDB, "db", "err.db", "migration %04d %s: %s", m->version, m->name,
                          db_errmsg(db));
            db_rollback(db);
            return KL_EDB;
        }
        if ((rc = db_commit(db)))
            break;
        log_kv(LOG_INFO, "migration applied", "version", 'i', (long long)m->version, "name", 's',
               m->name, NULL);
        n++;
    }
    if (rc)
        return kl_error_set(err, rc, "db", "err.db", db_errmsg(db));
    if (applied)
        *applied = n;
    return 0;
}

/* ---- pool: one connection per thread ---- */

struct db_pool {
    char *url;
    pthread_key_t key;
    pthread_mutex_t lock;
    struct db **all;
    size_t n, cap;
};

struct db_pool *db_pool_new(const char *url)
{
    struct db_pool *p = xcalloc(1, sizeof(*p));
    p->url = xstrdup(url);
    pthread_key_create(&p->key, NULL);
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

const char *db_pool_url(const struct db_pool *pool)
{
    return pool->url;
}

struct db *db_pool_get(struct db_pool *p, struct kl_error *err)
{
    struct db *db = pthread_getspecific(p->key);
    if (db)
        return db;
    if (db_open(p->url, &db, err))
        return NULL;
    pthread_setspecific(p->key, db);
    pthread_mutex_lock(&p->lock);
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->all = xrealloc(p->all, p->cap * sizeof(*p->all));
    }
    p->all[p->n++] = db;
    pthread_mutex_unlock(&p->lock);
    return db;
}

void db_pool_free(struct db_pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        db_close(p->all[i]);
    free(p->all);
    pthread_key_delete(p->key);
    pthread_mutex_destroy(&p->lock);
    free(p->url);
    free(p);
}
