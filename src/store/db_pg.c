/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * db_pg.c - the PostgreSQL backend of struct db_driver (store), over libpq. The only
 * file that includes libpq-fe.h.
 *
 * Statements are written with `?` placeholders; db_pg_rewrite turns them into $1..$n,
 * skipping string literals, quoted identifiers, dollar-quoted strings and comments (any
 * other `?` is a placeholder: use jsonb_exists() rather than jsonb's `?` operators).
 * Each SQL text is prepared (PQprepare) once per connection and cached in a hash table
 * keyed by the SQL text; a statement that is in use when the same SQL is prepared again
 * gets a second prepared copy. Parameters are sent as text with no declared types, so
 * the server infers them from the context (an untyped `? IS NULL` needs a CAST).
 * The first step executes the statement and buffers the whole result on the client;
 * later steps walk its rows, so other statements may run on the connection meanwhile.
 *
 * Invariants: the connection runs with TimeZone=UTC and client_min_messages=warning;
 * the error message and SQLSTATE of the last failure are kept until the next failure;
 * a connection lost outside a transaction is re-established by the next prepare, exec
 * or begin (never inside a transaction, where that would split it into autocommits).
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#include "lib/log.h"
#include "lib/xalloc.h"

#define DB_PG_CACHE_BUCKETS 256
#define DB_PG_MAX_PARAMS    65535

struct db_pg_param {
    char *text;     /* owned copy of a bound text value, or NULL */
    char num[24];   /* a bound int64 as decimal text */
    const char *is; /* what is sent: text, num or NULL for SQL NULL */
};

struct db_pg_stmt {
    struct db_pg_conn *conn;
    char *sql;     /* the SQL text as given: the cache key */
    char name[24]; /* server-side prepared statement name */
    unsigned gen;  /* connection generation it was prepared in */
    int nparams;
    struct db_pg_param *params;
    const char **values; /* scratch array handed to PQexecPrepared */
    PGresult *res;
    int nrows, row;
    int executed, failed;
    int in_use;
    struct db_pg_stmt *next;
};

struct db_pg_conn {
    PGconn *pg;
    struct db_pg_stmt *buckets[DB_PG_CACHE_BUCKETS];
    unsigned next_name;
    unsigned gen; /* incremented each time the connection is re-established */
    int in_tx;
    int64_t changes;
    char *err;        /* last error message, NULL when none yet */
    char sqlstate[6]; /* SQLSTATE of the last error, "" when unknown */
    int has_err;
};

const struct db_dialect db_pg_dialect = {
    .name = "postgres",
    .ilike = "ILIKE",
    .search_clear = NULL,
    /* the vector is stored (sql/postgres/0010_search_vector.sql) */
    .search_store = "UPDATE clients SET search_tsv = to_tsvector('simple', b.body) FROM (SELECT "
                    "CAST(? AS BIGINT) AS id, CAST(? AS TEXT) AS body) b WHERE clients.id = b.id",
    .search_store_batch = "UPDATE clients SET search_tsv = to_tsvector('simple', b.body) FROM "
                          "unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[])) AS b (id, body) WHERE "
                          "clients.id = b.id",
    .search_from = "SELECT clients.id, clients.name_key FROM clients WHERE search_tsv @@ "
                   "to_tsquery('simple', ?)",
    .term_open = "",
    .term_close = ":*",
    .term_exact_close = "",
    .search_and = " & ",
    .search_or = " | ",
    .search_owner_words = 1,
    .analyze = NULL, /* autovacuum keeps the statistics */
    .skip_locked = " FOR UPDATE SKIP LOCKED",
};

static unsigned db_pg_hash(const char *s)
{
    unsigned h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h % DB_PG_CACHE_BUCKETS;
}

/* ---- errors ---- */

static void db_pg_set_err(struct db_pg_conn *c, const char *msg, const char *sqlstate)
{
    char *copy = xstrdup(msg && *msg ? msg : "unknown PostgreSQL error");
    size_t n = strlen(copy);
    while (n && (copy[n - 1] == '\n' || copy[n - 1] == ' ' || copy[n - 1] == '\t'))
        copy[--n] = '\0';
    free(c->err);
    c->err = copy;
    snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", sqlstate ? sqlstate : "");
    c->has_err = 1;
}

/* Record the error of res (or of the connection when res is NULL). */
static void db_pg_set_err_res(struct db_pg_conn *c, const PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(c->pg);
    db_pg_set_err(c, msg, res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
}

static int db_pg_res_ok(const PGresult *res)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

/* Like sqlite3_changes: only INSERT, UPDATE, DELETE and MERGE set the count. */
static void db_pg_note_changes(struct db_pg_conn *c, PGresult *res)
{
    const char *status = PQcmdStatus(res);
    if (strncmp(status, "INSERT", 6) && strncmp(status, "UPDATE", 6) &&
        strncmp(status, "DELETE", 6) && strncmp(status, "MERGE", 5))
        return;
    c->changes = strtoll(PQcmdTuples(res), NULL, 10);
}

/* Server notices (warnings and above, see client_min_messages) go to our log. */
static void db_pg_notice(void *arg, const char *message)
{
    (void)arg;
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", message);
    size_t n = strlen(buf);
    while (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    log_kv(LOG_WARN, "postgres notice", "message", 's', buf, NULL);
}

/* ---- connection ---- */

static int db_pg_session_setup(struct db_pg_conn *c)
{
    PGresult *res = PQexec(c->pg, "SET client_min_messages = warning; SET TimeZone = 'UTC'");
    int rc = 0;
    if (!db_pg_res_ok(res)) {
        db_pg_set_err_res(c, res);
        rc = KL_EDB;
    }
    PQclear(res);
    return rc;
}

/* Re-establish a lost connection, unless a transaction was open on it. */
static int db_pg_ensure_conn(struct db_pg_conn *c)
{
    if (PQstatus(c->pg) == CONNECTION_OK)
        return 0;
    if (c->in_tx) {
        db_pg_set_err(c, "connection to the database was lost inside a transaction", "08006");
        return KL_EDB;
    }
    PQreset(c->pg);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        db_pg_set_err(c, PQerrorMessage(c->pg), "08006");
        return KL_EDB;
    }
    c->gen++; /* every cached statement must be prepared again */
    log_kv(LOG_WARN, "database connection re-established", NULL);
    return db_pg_session_setup(c);
}

static int db_pg_open(const char *target, void **out)
{
    struct db_pg_conn *c = xcalloc(1, sizeof(*c));
    /* defaults first: what the URL says (expanded from dbname) overrides them */
    const char *keys[] = {"fallback_application_name", "connect_timeout", "dbname", NULL};
    const char *vals[] = {"klientas", "10", target, NULL};
    int rc = KL_EDB;

    *out = c;
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (!c->pg) {
        db_pg_set_err(c, "out of memory connecting to PostgreSQL", "");
        goto out;
    }
    if (PQstatus(c->pg) != CONNECTION_OK) {
        db_pg_set_err(c, PQerrorMessage(c->pg), "08001");
        goto out;
    }
    PQsetNoticeProcessor(c->pg, db_pg_notice, NULL);
    rc = db_pg_session_setup(c);
out:
    return rc;
}

static void db_pg_stmt_free(struct db_pg_stmt *s)
{
    PQclear(s->res);
    for (int i = 0; i < s->nparams; i++)
        free(s->params[i].text);
    free(s->params);
    free(s->values);
    free(s->sql);
    free(s);
}

static void db_pg_close(void *conn)
{
    struct db_pg_conn *c = conn;
    if (!c)
        return;
    for (int i = 0; i < DB_PG_CACHE_BUCKETS; i++) {
        struct db_pg_stmt *s = c->buckets[i];
        while (s) {
            struct db_pg_stmt *next = s->next;
            db_pg_stmt_free(s);
            s = next;
        }
    }
    if (c->pg)
        PQfinish(c->pg); /* the server drops its prepared statements with the session */
    free(c->err);
    free(c);
}

/* ---- placeholders ---- */

static int db_pg_ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || (unsigned char)ch >= 0x80;
}

/*
 * Length of the token at sql[i] that cannot contain placeholders (a quoted string or
 * identifier, a dollar-quoted string or a comment), or 0 when sql[i] starts none.
 * An unterminated token runs to the end of the text (the server reports the error).
 */
static size_t db_pg_skip(const char *sql, size_t i)
{
    const char *p = sql + i;

    if (p[0] == '\'' || p[0] == '"') {
        char q = p[0];
        /* E'...' strings take backslash escapes */
        int backslash = q == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                        (i == 1 || !db_pg_ident_char(sql[i - 2]));
        size_t j = 1;
        for (; p[j]; j++) {
            if (backslash && p[j] == '\\' && p[j + 1]) {
                j++;
            } else if (p[j] == q) {
                if (p[j + 1] != q)
                    return j + 1;
                j++; /* a doubled quote */
            }
        }
        return j;
    }
    if (p[0] == '-' && p[1] == '-') {
        size_t j = 2;
        while (p[j] && p[j] != '\n')
            j++;
        return j;
    }
    if (p[0] == '/' && p[1] == '*') {
        size_t j = 2;
        int depth = 1; /* PostgreSQL block comments nest */
        while (p[j] && depth) {
            if (p[j] == '/' && p[j + 1] == '*') {
                depth++;
                j += 2;
            } else if (p[j] == '*' && p[j + 1] == '/') {
                depth--;
                j += 2;
            } else {
                j++;
            }
        }
        return j;
    }
    if (p[0] == '$' && (i == 0 || !db_pg_ident_char(sql[i - 1])) && !(p[1] >= '0' && p[1] <= '9')) {
        size_t t = 1;
        while (p[t] && p[t] != '$' && db_pg_ident_char(p[t]))
            t++;
        if (p[t] != '$')
            return 0;          /* not a dollar quote */
        size_t taglen = t + 1; /* "$tag$" */
        for (const char *end = p + taglen; *end; end++)
            if (*end == '$' && !strncmp(end, p, taglen))
                return (size_t)(end - p) + taglen;
        return strlen(p);
    }
    return 0;
}

/* Rewrite `?` placeholders to $1..$n; *nparams gets n. The result is malloc'd. */
static char *db_pg_rewrite(const char *sql, int *nparams)
{
    size_t len = strlen(sql), n = 0;
    for (size_t i = 0; i < len;) {
        size_t skip = db_pg_skip(sql, i);
        if (skip) {
            i += skip;
            continue;
        }
        if (sql[i] == '?')
            n++;
        i++;
    }
    char *out = xmalloc(len + n * 5 + 1); /* "?" becomes at most "$65535" */
    size_t o = 0;
    int k = 0;
    for (size_t i = 0; i < len;) {
        size_t skip = db_pg_skip(sql, i);
        if (skip) {
            memcpy(out + o, sql + i, skip);
            o += skip;
            i += skip;
            continue;
        }
        if (sql[i] == '?' && k < DB_PG_MAX_PARAMS) {
            o += (size_t)sprintf(out + o, "$%d", ++k);
        } else {
            out[o++] = sql[i];
        }
        i++;
    }
    out[o] = '\0';
    *nparams = n > DB_PG_MAX_PARAMS ? -1 : (int)n;
    return out;
}

/* ---- statements ---- */

static int db_pg_stmt_prepare(struct db_pg_conn *c, struct db_pg_stmt *s)
{
    int n, rc = 0;
    char *text = db_pg_rewrite(s->sql, &n);
    PGresult *res = NULL;

    if (n < 0) {
        db_pg_set_err(c, "too many parameters in one statement", "54023");
        rc = KL_EDB;
        goto out;
    }
    res = PQprepare(c->pg, s->name, text, n, NULL);
    if (!db_pg_res_ok(res)) {
        db_pg_set_err_res(c, res);
        rc = KL_EDB;
        goto out;
    }
    s->nparams = n;
    s->gen = c->gen;
out:
    PQclear(res);
    free(text);
    return rc;
}

static void *db_pg_prepare(void *conn, const char *sql)
{
    struct db_pg_conn *c = conn;
    unsigned h = db_pg_hash(sql);
    struct db_pg_stmt *s;

    if (db_pg_ensure_conn(c))
        return NULL;
    for (s = c->buckets[h]; s; s = s->next) {
        if (!s->in_use && !strcmp(s->sql, sql)) {
            if (s->gen != c->gen && db_pg_stmt_prepare(c, s))
                return NULL; /* prepared before a reconnect, and it fails now */
            s->in_use = 1;
            return s;
        }
    }
    s = xcalloc(1, sizeof(*s));
    s->conn = c;
    s->sql = xstrdup(sql);
    snprintf(s->name, sizeof(s->name), "kl_%u", ++c->next_name);
    if (db_pg_stmt_prepare(c, s)) {
        db_pg_stmt_free(s);
        return NULL;
    }
    s->params = xcalloc((size_t)s->nparams + 1, sizeof(*s->params));
    s->values = xcalloc((size_t)s->nparams + 1, sizeof(*s->values));
    s->row = -1;
    s->in_use = 1;
    s->next = c->buckets[h];
    c->buckets[h] = s;
    return s;
}

/* The parameter idx (from 1) with its old value cleared; NULL when out of range. */
static struct db_pg_param *db_pg_param_at(struct db_pg_stmt *s, int idx)
{
    if (idx < 1 || idx > s->nparams) {
        char msg[96];
        snprintf(msg, sizeof(msg), "bind index %d out of range (statement has %d parameters)", idx,
                 s->nparams);
        db_pg_set_err(s->conn, msg, "08P01");
        return NULL;
    }
    struct db_pg_param *p = &s->params[idx - 1];
    free(p->text);
    p->text = NULL;
    p->is = NULL;
    return p;
}

static int db_pg_bind_null(void *stmt, int idx)
{
    return db_pg_param_at(stmt, idx) ? 0 : KL_EDB;
}

static int db_pg_bind_int64(void *stmt, int idx, int64_t v)
{
    struct db_pg_param *p = db_pg_param_at(stmt, idx);
    if (!p)
        return KL_EDB;
    snprintf(p->num, sizeof(p->num), "%" PRId64, v);
    p->is = p->num;
    return 0;
}

static int db_pg_bind_text(void *stmt, int idx, const char *str, size_t len)
{
    struct db_pg_param *p = db_pg_param_at(stmt, idx);
    if (!p)
        return KL_EDB;
    p->text = xstrndup(str, len);
    p->is = p->text;
    return 0;
}

static int db_pg_execute(struct db_pg_stmt *s)
{
    struct db_pg_conn *c = s->conn;

    s->executed = 1;
    if (s->gen != c->gen) {
        db_pg_set_err(c, "the database connection was re-established while the statement was open",
                      "08006");
        return KL_EDB;
    }
    for (int i = 0; i < s->nparams; i++)
        s->values[i] = s->params[i].is;
    s->res = PQexecPrepared(c->pg, s->name, s->nparams, s->values, NULL, NULL, 0);
    if (!db_pg_res_ok(s->res)) {
        db_pg_set_err_res(c, s->res);
        PQclear(s->res);
        s->res = NULL;
        return KL_EDB;
    }
    db_pg_note_changes(c, s->res);
    s->nrows = PQresultStatus(s->res) == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
    s->row = -1;
    return 0;
}

static int db_pg_step(void *stmt)
{
    struct db_pg_stmt *s = stmt;

    if (s->failed)
        return KL_EDB;
    if (!s->executed && db_pg_execute(s)) {
        s->failed = 1;
        return KL_EDB;
    }
    if (s->row < s->nrows)
        s->row++;
    return s->row < s->nrows ? DB_ROW : DB_DONE;
}

static int db_pg_on_row(const struct db_pg_stmt *s, int col)
{
    return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < PQnfields(s->res);
}

static int db_pg_column_is_null(void *stmt, int col)
{
    struct db_pg_stmt *s = stmt;
    return !db_pg_on_row(s, col) || PQgetisnull(s->res, s->row, col);
}

static const char *db_pg_column_text(void *stmt, int col)
{
    struct db_pg_stmt *s = stmt;
    if (db_pg_column_is_null(s, col))
        return NULL;
    return PQgetvalue(s->res, s->row, col);
}

/* Integers as decimal text; booleans 't'/'f' as 1/0; NULL and non-numbers as 0. */
static int64_t db_pg_column_int64(void *stmt, int col)
{
    const char *v = db_pg_column_text(stmt, col);
    if (!v)
        return 0;
    if (!strcmp(v, "t"))
        return 1;
    if (!strcmp(v, "f"))
        return 0;
    return (int64_t)strtoll(v, NULL, 10); /* numeric "12.50" gives 12, like SQLite */
}

static void db_pg_finish(void *stmt)
{
    struct db_pg_stmt *s = stmt;
    PQclear(s->res);
    s->res = NULL;
    for (int i = 0; i < s->nparams; i++) {
        free(s->params[i].text);
        s->params[i].text = NULL;
        s->params[i].is = NULL;
    }
    s->nrows = 0;
    s->row = -1;
    s->executed = 0;
    s->failed = 0;
    s->in_use = 0;
}

static int64_t db_pg_changes(void *conn)
{
    struct db_pg_conn *c = conn;
    return c->changes;
}

/* ---- scripts and transactions ---- */

static int db_pg_exec_res(struct db_pg_conn *c, const char *script, PGresult **out)
{
    *out = NULL;
    if (db_pg_ensure_conn(c))
        return KL_EDB;
    PGresult *res = PQexec(c->pg, script);
    if (!db_pg_res_ok(res)) {
        db_pg_set_err_res(c, res);
        PQclear(res);
        return KL_EDB;
    }
    *out = res;
    return 0;
}

static int db_pg_exec(void *conn, const char *script)
{
    struct db_pg_conn *c = conn;
    PGresult *res;
    int rc = db_pg_exec_res(c, script, &res);
    if (!rc)
        db_pg_note_changes(c, res);
    PQclear(res);
    return rc;
}

static int db_pg_begin(void *conn)
{
    struct db_pg_conn *c = conn;
    int rc = db_pg_exec(c, "BEGIN");
    if (!rc)
        c->in_tx = 1;
    return rc;
}

static int db_pg_commit(void *conn)
{
    struct db_pg_conn *c = conn;
    PGresult *res = PQexec(c->pg, "COMMIT");
    int rc = 0;

    if (!db_pg_res_ok(res)) {
        db_pg_set_err_res(c, res);
        rc = KL_EDB;
    } else if (!strcmp(PQcmdStatus(res), "ROLLBACK")) {
        /* COMMIT of a transaction aborted by an earlier error rolls back: that is a
         * failure. The earlier error's SQLSTATE stays, so errkind says what it was. */
        char msg[512];
        snprintf(msg, sizeof(msg), "transaction rolled back at COMMIT after an earlier error%s%s",
                 c->err ? ": " : "", c->err ? c->err : "");
        char state[sizeof(c->sqlstate)];
        snprintf(state, sizeof(state), "%s", c->has_err ? c->sqlstate : "25P02");
        db_pg_set_err(c, msg, state);
        rc = KL_EDB;
    }
    PQclear(res);
    if (PQtransactionStatus(c->pg) == PQTRANS_IDLE)
        c->in_tx = 0;
    return rc;
}

static int db_pg_rollback(void *conn)
{
    struct db_pg_conn *c = conn;
    PGresult *res = PQexec(c->pg, "ROLLBACK");
    int rc = 0;
    if (!db_pg_res_ok(res)) {
        db_pg_set_err_res(c, res);
        rc = KL_EDB;
    }
    PQclear(res);
    c->in_tx = 0; /* over either way: rolled back, or the connection is gone with it */
    return rc;
}

static const char *db_pg_errmsg(void *conn)
{
    struct db_pg_conn *c = conn;
    if (c->err)
        return c->err;
    return "not an error";
}

static enum db_errkind db_pg_errkind(void *conn)
{
    struct db_pg_conn *c = conn;
    if (!c->has_err)
        return DB_ERR_NONE;
    if (!strcmp(c->sqlstate, "23505"))
        return DB_ERR_UNIQUE;
    if (!strcmp(c->sqlstate, "23503"))
        return DB_ERR_FOREIGN_KEY;
    if (!strcmp(c->sqlstate, "40001") || !strcmp(c->sqlstate, "40P01") ||
        !strcmp(c->sqlstate, "55P03"))
        return DB_ERR_BUSY;
    return DB_ERR_OTHER;
}

const struct db_driver db_pg_driver = {
    .name = "postgres",
    .open = db_pg_open,
    .close = db_pg_close,
    .prepare = db_pg_prepare,
    .bind_null = db_pg_bind_null,
    .bind_int64 = db_pg_bind_int64,
    .bind_text = db_pg_bind_text,
    .step = db_pg_step,
    .column_is_null = db_pg_column_is_null,
    .column_int64 = db_pg_column_int64,
    .column_text = db_pg_column_text,
    .finish = db_pg_finish,
    .changes = db_pg_changes,
    .exec = db_pg_exec,
    .begin = db_pg_begin,
    .commit = db_pg_commit,
    .rollback = db_pg_rollback,
    .errmsg = db_pg_errmsg,
    .errkind = db_pg_errkind,
};
