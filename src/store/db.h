/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * db.h - the narrow SQL driver interface (store).
 *
 * Queries are written once in SQL that SQLite and PostgreSQL both understand, with `?`
 * placeholders (the PostgreSQL driver rewrites them to $n). Each backend fills in a
 * struct db_driver; db_open picks one by URL: "postgres://..." or "postgresql://..."
 * selects PostgreSQL, "sqlite:PATH" or a plain PATH selects SQLite.
 *
 * A struct db is one connection, used by one thread at a time. Prepared statements are
 * cached per connection, keyed by the SQL text, so a repository may prepare the same
 * query on every call at no cost. A statement must be finished (db_finish) before the
 * same SQL is prepared again on that connection.
 *
 * Values: integers are int64, text is UTF-8, booleans are stored as integers 0/1 and
 * times as int64 unix seconds, in both backends. Column text is valid until the next
 * db_step or db_finish of that statement.
 */
#ifndef KL_DB_H
#define KL_DB_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

enum { DB_DONE = 0, DB_ROW = 1 };

/* What kind of failure the last error was (drivers map their codes to these). */
enum db_errkind { DB_ERR_NONE, DB_ERR_UNIQUE, DB_ERR_FOREIGN_KEY, DB_ERR_BUSY, DB_ERR_OTHER };

struct db_driver {
    const char *name; /* "sqlite" or "postgres" */
    int (*open)(const char *target, void **conn);
    void (*close)(void *conn);
    /* Prepare (or fetch from the cache) a statement; NULL on error. */
    void *(*prepare)(void *conn, const char *sql);
    int (*bind_null)(void *stmt, int idx); /* idx from 1 */
    int (*bind_int64)(void *stmt, int idx, int64_t v);
    int (*bind_text)(void *stmt, int idx, const char *s, size_t len);
    int (*step)(void *stmt); /* DB_ROW, DB_DONE or KL_EDB */
    int (*column_is_null)(void *stmt, int col);
    int64_t (*column_int64)(void *stmt, int col);
    const char *(*column_text)(void *stmt, int col); /* NULL for SQL NULL */
    void (*finish)(void *stmt);                      /* reset, clear bindings, back to cache */
    int64_t (*changes)(void *conn);                  /* rows changed by the last statement */
    /* The id of the row the last INSERT made (SQLite's rowid); NULL where an INSERT must
     * say it with RETURNING (PostgreSQL). See DB_INSERT_SQL. */
    int64_t (*last_insert_id)(void *conn);
    int (*exec)(void *conn, const char *script); /* run a multi-statement script */
    int (*begin)(void *conn);                    /* a write transaction */
    int (*commit)(void *conn);
    int (*rollback)(void *conn);
    const char *(*errmsg)(void *conn);
    enum db_errkind (*errkind)(void *conn);
};

/* The few places where the SQL of the backends differs. */
struct db_dialect {
    const char *name;
    /* Case-insensitive LIKE operator ("LIKE" in SQLite, "ILIKE" in PostgreSQL). */
    const char *ilike;
    /* Full-text search over the folded text of clients (see domain/search.c):
     * search_clear (id) removes a client's text (NULL when search_store replaces it),
     * search_store (id, text) stores it, search_from starts a query selecting clients.id
     * and clients.name_key of the clients whose text matches the bound query (one
     * parameter), to which conditions on clients are appended with AND; a prefix term is
     * term_open WORD term_close (an exact word: term_open WORD term_exact_close), terms are
     * joined by search_and or search_or, grouped with parentheses. */
    const char *search_clear;
    const char *search_store;
    /* search_store for many clients in one statement, bound to an array literal of ids and
     * one of texts ("{1,2}", "{\"a b\",\"c\"}"); NULL: one at a time (in-process SQLite). */
    const char *search_store_batch;
    const char *search_from;
    const char *term_open, *term_close, *term_exact_close;
    const char *search_and, *search_or;
    /* The search text also holds every word qualified by the client's owner
     * ("o<owner id>x<word>"), and a query scoped to some owners matches those words: an
     * index that cannot intersect a long prefix list with the owner's word cheaply (GIN in
     * PostgreSQL) then reads only the owners' entries. 0: the owner word alone ("ownr17"). */
    int search_owner_words;
    /* Refresh the planner's statistics cheaply at start-up (NULL: the server does it). */
    const char *analyze;
    /* Appended to a SELECT that claims rows for work (the outbox): " FOR UPDATE SKIP
     * LOCKED" in PostgreSQL, so that concurrent claimers take different rows; "" in
     * SQLite, whose write transactions are serialised anyway. */
    const char *skip_locked;
    /* Starts a read transaction that db_read_begin holds over a whole request ("BEGIN" in
     * SQLite, whose every statement in autocommit mode takes and drops its file locks);
     * NULL where a transaction per request would only add round trips (PostgreSQL). */
    const char *read_begin;
    /* Writers of one process take turns on a mutex before db_begin (SQLite: see db.c). */
    int serialize_writers;
};

struct db {
    const struct db_driver *drv;
    const struct db_dialect *dialect;
    void *conn;
    int in_tx;
    int read_tx;    /* a read transaction of db_read_begin is open */
    int write_turn; /* this handle holds the process's writer turn (db.c) */
    /* When set, the search module collects the clients whose search text changes and
     * writes them at search_batch_flush (a bulk import; see domain/search.h). */
    struct search_batch *search_batch;
};

struct db_stmt {
    struct db *db;
    void *impl;
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;
extern const struct db_dialect db_sqlite_dialect;
extern const struct db_dialect db_pg_dialect;

/* Open a connection for url. 0, or KL_EDB with err->arg naming the reason. */
int db_open(const char *url, struct db **out, struct kl_error *err);
void db_close(struct db *db);
/* 1 when url names PostgreSQL. */
int db_url_is_pg(const char *url);

/* Prepare sql and bind args described by types: 'i' int64_t, 't' const char * (NULL binds
 * NULL), 'n' SQL NULL (no argument), 'o' an optional id: int64_t where 0 binds NULL.
 * On success *out is a statement to step and then finish. */
int db_query(struct db *db, struct db_stmt *out, const char *sql, const char *types, ...);
/* Run a statement that returns no rows; *changes (may be NULL) gets the row count. */
int db_execf(struct db *db, int64_t *changes, const char *sql, const char *types, ...);
/* Run a query expected to give one int64 in its first column (e.g. RETURNING id,
 * COUNT(*)); KL_ENOTFOUND when there is no row. */
int db_scalar(struct db *db, int64_t *out, const char *sql, const char *types, ...);

/* Prepare without binding, then bind one by one (idx from 1): for statements whose
 * columns are built from a table at run time. db_bind_id binds NULL for 0, db_bind_text
 * NULL for a NULL pointer. */
int db_prepare(struct db *db, struct db_stmt *out, const char *sql);
int db_bind_int64(struct db_stmt *st, int idx, int64_t v);
int db_bind_id(struct db_stmt *st, int idx, int64_t v);
int db_bind_text(struct db_stmt *st, int idx, const char *s);
int db_bind_null(struct db_stmt *st, int idx);

int db_step(struct db_stmt *st);

/* An INSERT of one row whose id the caller wants: its SQL is DB_INSERT_SQL(db, "INSERT ...")
 * and db_insert_step runs it, *id getting the new row's id. The id comes with " RETURNING id"
 * where the driver cannot tell it otherwise, and from the connection in SQLite, whose
 * RETURNING fills a transient table on every execution (a page zeroed, written and freed). */
#define DB_INSERT_SQL(db, sql) ((db)->drv->last_insert_id ? (sql) : sql " RETURNING id")
int db_insert_step(struct db_stmt *st, int64_t *id);
/* db_query and db_insert_step in one (sql as for DB_INSERT_SQL). */
int db_insertf(struct db *db, int64_t *id, const char *sql, const char *types, ...);
int db_is_null(struct db_stmt *st, int col);
int64_t db_int64(struct db_stmt *st, int col);
const char *db_text(struct db_stmt *st, int col);
void db_finish(struct db_stmt *st);

/* Transactions: begin takes the write lock at once (BEGIN IMMEDIATE on SQLite). */
int db_begin(struct db *db);
/* A read transaction for the statements that follow (one snapshot, one set of locks), where
 * the dialect has one; db_begin ends it before it writes, db_rollback ends it too. A
 * failure to start it is not an error: the statements run in autocommit mode. */
void db_read_begin(struct db *db);
int db_commit(struct db *db);
/* Safe to call when no transaction is open. */
void db_rollback(struct db *db);
int db_exec_script(struct db *db, const char *script);
const char *db_errmsg(struct db *db);
enum db_errkind db_errkind(struct db *db);

/* Migrations embedded in the binary (generated from sql/<backend>/NNNN_*.sql). */
struct db_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct db_migration db_migrations_sqlite[];
extern const struct db_migration db_migrations_pg[];

/* Apply all pending migrations, each in its own transaction. *applied (may be NULL) gets
 * the number applied. */
int db_migrate(struct db *db, int *applied, struct kl_error *err);
/* The current schema version (0 for an empty database). */
int db_schema_version(struct db *db, int *version);
/* The newest version this binary knows. */
int db_latest_version(const struct db *db);

/*
 * A pool hands each thread its own connection, opened on first use and closed by
 * db_pool_free. Safe to call from any number of threads.
 */
struct db_pool;
struct db_pool *db_pool_new(const char *url);
/* The calling thread's connection; NULL (and err filled) when it cannot be opened. */
struct db *db_pool_get(struct db_pool *pool, struct kl_error *err);
const char *db_pool_url(const struct db_pool *pool);
void db_pool_free(struct db_pool *pool);

#endif
