/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * repo_client.c - clients and contacts tables (store). The SQL of the client statements
 * is built once from client_columns[]; list queries are built per filter shape (the
 * driver caches each shape's prepared statement).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "repo_client.h"

#include "lib/buf.h"
#include "lib/timeutil.h"

#define TXT(name)                                                                                  \
    {                                                                                              \
#name, COL_TEXT, offsetof(struct client, name)                                             \
    }
#define INT(name)                                                                                  \
    {                                                                                              \
#name, COL_INT, offsetof(struct client, name)                                              \
    }
#define ID(name)                                                                                   \
    {                                                                                              \
#name, COL_ID, offsetof(struct client, name)                                               \
    }
#define BOOL(name)                                                                                 \
    {                                                                                              \
#name, COL_BOOL, offsetof(struct client, name)                                             \
    }

const struct column client_columns[] = {
    TXT(name),
    TXT(company_code),
    TXT(vat_code),
    TXT(country),
    TXT(type),
    TXT(segment),
    TXT(status),
    ID(owner_id),
    TXT(industry),
    TXT(source),
    TXT(city),
    TXT(address),
    TXT(delivery_address),
    TXT(email),
    TXT(phone),
    TXT(website),
    TXT(price_type),
    INT(payment_terms_days),
    INT(credit_limit_amount),
    TXT(credit_limit_currency),
    TXT(contract_terms),
    TXT(notes),
    BOOL(negotiate_soon),
    {NULL, 0, 0},
};

/* Maintained columns, after the editable ones, in this order. */
#define TAIL_COLS                                                                                  \
    "name_key, issued_at, issue_seconds, merged_into_id, deleted_at, deleted_by, created_by, "     \
    "version, created_at, updated_at"

static pthread_once_t sql_once = PTHREAD_ONCE_INIT;
static char *sql_select, *sql_insert, *sql_insert_returning, *sql_update;
static int n_editable;

static void build_sql(void)
{
    struct buf cols = BUF_INIT, sel = BUF_INIT, ins = BUF_INIT, upd = BUF_INIT;
    for (const struct column *c = client_columns; c->name; c++, n_editable++)
        buf_printf(&cols, "%s, ", c->name);
    buf_printf(&sel, "SELECT id, %s" TAIL_COLS ", last_contact_at FROM clients", cols.data);
    buf_printf(&ins, "INSERT INTO clients (%s" TAIL_COLS ") VALUES (", cols.data);
    for (int i = 0; i < n_editable + 10; i++)
        buf_puts(&ins, i ? ", ?" : "?");
    buf_puts(&ins, ")");
    struct buf ret = BUF_INIT;
    buf_printf(&ret, "%s RETURNING id", ins.data);
    sql_insert_returning = buf_detach(&ret, NULL);
    buf_puts(&upd, "UPDATE clients SET ");
    for (const struct column *c = client_columns; c->name; c++)
        buf_printf(&upd, "%s = ?, ", c->name);
    buf_puts(&upd, "name_key = ?, issued_at = ?, issue_seconds = ?, merged_into_id = ?, "
                   "deleted_at = ?, deleted_by = ?, version = version + 1, updated_at = ? "
                   "WHERE id = ? AND version = ?");
    sql_select = buf_detach(&sel, NULL);
    sql_insert = buf_detach(&ins, NULL);
    sql_update = buf_detach(&upd, NULL);
    buf_release(&cols);
}

static int64_t opt_int(struct db_stmt *st, int col, int64_t none)
{
    return db_is_null(st, col) ? none : db_int64(st, col);
}

static int bind_opt_int(struct db_stmt *st, int idx, int64_t v)
{
    return v == CLIENT_NULL ? db_bind_null(st, idx) : db_bind_int64(st, idx, v);
}

static void read_client(struct db_stmt *st, struct arena *a, struct client *c)
{
    int col = 0;
    memset(c, 0, sizeof(*c));
    c->id = db_int64(st, col++);
    for (const struct column *k = client_columns; k->name; k++, col++) {
        if (k->kind == COL_TEXT)
            COL_TEXT_AT(c, k) = arena_strdup(a, db_text(st, col));
        else if (k->kind == COL_ID || k->kind == COL_BOOL)
            COL_INT_AT(c, k) = opt_int(st, col, 0);
        else
            COL_INT_AT(c, k) = opt_int(st, col, CLIENT_NULL);
    }
    c->name_key = arena_strdup(a, db_text(st, col++));
    c->issued_at = opt_int(st, col++, 0);
    c->issue_seconds = opt_int(st, col++, CLIENT_NULL);
    c->merged_into_id = opt_int(st, col++, 0);
    c->deleted_at = opt_int(st, col++, 0);
    c->deleted_by = opt_int(st, col++, 0);
    c->created_by = opt_int(st, col++, 0);
    c->version = db_int64(st, col++);
    c->created_at = db_int64(st, col++);
    c->updated_at = db_int64(st, col++);
    c->last_contact_at = opt_int(st, col++, 0);
}

/* Bind the editable columns from index 1; returns the next index. */
static int bind_editable(struct db_stmt *st, const struct client *c, int *rc)
{
    int idx = 1;
    for (const struct column *k = client_columns; k->name && !*rc; k++, idx++) {
        if (k->kind == COL_TEXT)
            *rc = db_bind_text(st, idx, COL_TEXT_AT(c, k));
        else if (k->kind == COL_ID)
            *rc = db_bind_id(st, idx, COL_INT_AT(c, k));
        else if (k->kind == COL_BOOL)
            *rc = db_bind_int64(st, idx, COL_INT_AT(c, k) ? 1 : 0);
        else
            *rc = bind_opt_int(st, idx, COL_INT_AT(c, k));
    }
    return idx;
}

int repo_client_get(struct db *db, struct arena *a, int64_t id, struct client *out)
{
    pthread_once(&sql_once, build_sql);
    struct db_stmt st;
    char sql[4096];
    snprintf(sql, sizeof(sql), "%s WHERE id = ?", sql_select);
    int rc = db_query(db, &st, sql, "i", id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW)
        read_client(&st, a, out), rc = 0;
    else if (rc == DB_DONE)
        rc = KL_ENOTFOUND;
    db_finish(&st);
    return rc;
}

/* The scope as a SQL condition on clients (alias-free) with its bindings. */
void repo_client_scope_sql(const struct client_scope *s, struct buf *where, int64_t *binds, int *nb)
{
    if (s->all)
        return;
    if (s->none) {
        buf_puts(where, " AND 0 = 1");
        return;
    }
    buf_puts(where, " AND (");
    const char *sep = "";
    if (s->department_id) {
        buf_puts(where, "owner_id IN (SELECT id FROM users WHERE department_id = ?)");
        binds[(*nb)++] = s->department_id;
        sep = " OR ";
    }
    if (s->n_owners) {
        buf_printf(where, "%sowner_id IN (", sep);
        for (int i = 0; i < s->n_owners; i++) {
            buf_puts(where, i ? ", ?" : "?");
            binds[(*nb)++] = s->owner_ids[i];
        }
        buf_puts(where, ")");
        sep = " OR ";
    }
    if (!*sep)
        buf_puts(where, "0 = 1");
    buf_puts(where, ")");
}

int repo_client_in_scope(struct db *db, const struct client_scope *scope, const struct client *c,
                         int *visible)
{
    if (scope->all) {
        *visible = 1;
        return 0;
    }
    if (scope->none) {
        *visible = 0;
        return 0;
    }
    for (int i = 0; i < scope->n_owners; i++)
        if (c->owner_id && c->owner_id == scope->owner_ids[i]) {
            *visible = 1;
            return 0;
        }
    *visible = 0;
    if (scope->department_id && c->owner_id) {
        int64_t n = 0;
        int rc = db_scalar(db, &n, "SELECT COUNT(*) FROM users WHERE id = ? AND department_id = ?",
                           "ii", c->owner_id, scope->department_id);
        if (rc)
            return rc;
        *visible = n > 0;
    }
    return 0;
}

static int map_write_error(struct db *db, int rc)
{
    if (rc && db_errkind(db) == DB_ERR_UNIQUE)
        return KL_ECONFLICT;
    if (rc && db_errkind(db) == DB_ERR_FOREIGN_KEY)
        return KL_ENOTFOUND;
    return rc;
}

int repo_client_find_code(struct db *db, const char *country, const char *code, int64_t *id)
{
    return db_scalar(db, id,
                     "SELECT id FROM clients WHERE country = ? AND company_code = ? AND "
                     "deleted_at IS NULL",
                     "tt", country, code);
}

int repo_client_insert(struct db *db, struct client *c, int64_t *dup_id)
{
    pthread_once(&sql_once, build_sql);
    struct db_stmt st;
    int64_t now = time_now();
    /* DB_INSERT_SQL, for a text built at run time */
    int rc = db_prepare(db, &st, db->drv->last_insert_id ? sql_insert : sql_insert_returning);
    if (rc)
        return rc;
    int idx = bind_editable(&st, c, &rc);
    if (!rc)
        rc = db_bind_text(&st, idx++, c->name_key);
    if (!rc)
        rc = db_bind_id(&st, idx++, c->issued_at);
    if (!rc)
        rc = bind_opt_int(&st, idx++, c->issue_seconds);
    if (!rc)
        rc = db_bind_id(&st, idx++, c->merged_into_id);
    if (!rc)
        rc = db_bind_id(&st, idx++, c->deleted_at);
    if (!rc)
        rc = db_bind_id(&st, idx++, c->deleted_by);
    if (!rc)
        rc = db_bind_id(&st, idx++, c->created_by);
    if (!rc)
        rc = db_bind_int64(&st, idx++, 1);
    if (!rc)
        rc = db_bind_int64(&st, idx++, now);
    if (!rc)
        rc = db_bind_int64(&st, idx++, now);
    if (!rc)
        rc = db_insert_step(&st, &c->id);
    db_finish(&st);
    rc = map_write_error(db, rc);
    (void)dup_id; /* found by the caller after rolling back (PostgreSQL aborts the tx) */
    if (rc)
        return rc;
    c->version = 1;
    c->created_at = c->updated_at = now;
    return 0;
}

int repo_client_update(struct db *db, struct client *c, int64_t expected_version, int64_t *dup_id)
{
    pthread_once(&sql_once, build_sql);
    struct db_stmt st;
    int64_t now = time_now();
    int rc = db_prepare(db, &st, sql_update);
    if (rc)
        return rc;
    int idx = bind_editable(&st, c, &rc);
    if (!rc)
        rc = db_bind_text(&st, idx++, c->name_key);
    if (!rc)
        rc = db_bind_id(&st, idx++, c->issued_at);
    if (!rc)
        rc = bind_opt_int(&st, idx++, c->issue_seconds);
    if (!rc)
        rc = db_bind_id(&st, idx++, c->merged_into_id);
    if (!rc)
        rc = db_bind_id(&st, idx++, c->deleted_at);
    if (!rc)
        rc = db_bind_id(&st, idx++, c->deleted_by);
    if (!rc)
        rc = db_bind_int64(&st, idx++, now);
    if (!rc)
        rc = db_bind_int64(&st, idx++, c->id);
    if (!rc)
        rc = db_bind_int64(&st, idx++, expected_version);
    int64_t changed = 0;
    if (!rc) {
        rc = db_step(&st);
        rc = rc == DB_DONE ? 0 : KL_EDB;
        if (!rc)
            changed = db->drv->changes(db->conn);
    }
    db_finish(&st);
    rc = map_write_error(db, rc);
    (void)dup_id; /* found by the caller after rolling back (PostgreSQL aborts the tx) */
    if (rc)
        return rc;
    if (!changed)
        return KL_ESTALE;
    c->version = expected_version + 1;
    c->updated_at = now;
    return 0;
}

int repo_client_find_name_key(struct db *db, const char *key, int64_t except_id, int64_t *ids,
                              int max, int *n)
{
    struct db_stmt st;
    int rc = db_query(db, &st,
                      "SELECT id FROM clients WHERE name_key = ? AND id <> ? AND deleted_at IS "
                      "NULL ORDER BY id LIMIT ?",
                      "tii", key, except_id, (int64_t)max);
    if (rc)
        return rc;
    *n = 0;
    while ((rc = db_step(&st)) == DB_ROW && *n < max)
        ids[(*n)++] = db_int64(&st, 0);
    db_finish(&st);
    return rc < 0 ? rc : 0;
}

int repo_client_list(struct db *db, struct arena *a, const struct client_scope *scope,
                     const struct client_filter *f, int limit, struct client **out, int *n)
{
    pthread_once(&sql_once, build_sql);
    struct buf sql = BUF_INIT, where = BUF_INIT;
    int64_t ints[128];
    const char *texts[16];
    char order[160]; /* 'i' or 't' per binding, in order: room for every binding */
    int ni = 0, nt = 0, no = 0, rc;

    /* Bindings are kept in two arrays and an order string, then bound in sequence. */
#define BIND_I(v) (ints[ni++] = (v), order[no++] = 'i')
#define BIND_T(v) (texts[nt++] = (v), order[no++] = 't')

    buf_puts(&where, f->deleted ? " WHERE deleted_at IS NOT NULL AND merged_into_id IS NULL"
                                : " WHERE deleted_at IS NULL");
    {
        int64_t sb[24];
        int nsb = 0;
        repo_client_scope_sql(scope, &where, sb, &nsb);
        for (int i = 0; i < nsb; i++)
            BIND_I(sb[i]);
    }
    const struct {
        const char *col, *val;
    } eq[] = {{"type", f->type},
              {"segment", f->segment},
              {"status", f->status},
              {"city", f->city},
              {"industry", f->industry}};
    for (size_t i = 0; i < sizeof(eq) / sizeof(eq[0]); i++)
        if (eq[i].val) {
            buf_printf(&where, " AND %s = ?", eq[i].col);
            BIND_T(eq[i].val);
        }
    if (f->owner_id) {
        buf_puts(&where, " AND owner_id = ?");
        BIND_I(f->owner_id);
    }
    if (f->only_ids) {
        buf_puts(&where, " AND id IN (");
        for (int i = 0; i < f->n_only && ni < 100; i++) {
            buf_puts(&where, i ? ", ?" : "?");
            BIND_I(f->only_ids[i]);
        }
        buf_puts(&where, f->n_only ? ")" : "NULL)");
    }
    const char *sort = f->sort ? f->sort : "name";
    int desc = sort[0] == '-';
    const char *key = desc ? sort + 1 : sort;
    const char *col = !strcmp(key, "created")   ? "created_at"
                      : !strcmp(key, "updated") ? "updated_at"
                                                : "name_key";
    int text_key = !strcmp(col, "name_key");
    if (f->has_cursor) {
        buf_printf(&where, " AND (%s %s ? OR (%s = ? AND id %s ?))", col, desc ? "<" : ">", col,
                   desc ? "<" : ">");
        if (text_key) {
            BIND_T(f->after_text);
            BIND_T(f->after_text);
        } else {
            BIND_I(f->after_int);
            BIND_I(f->after_int);
        }
        BIND_I(f->after_id);
    }
    buf_printf(&sql, "%s%s ORDER BY %s %s, id %s LIMIT ?", sql_select, where.data, col,
               desc ? "DESC" : "ASC", desc ? "DESC" : "ASC");
    BIND_I((int64_t)limit);
#undef BIND_I
#undef BIND_T

    struct db_stmt st;
    rc = db_prepare(db, &st, sql.data);
    for (int i = 0, ii = 0, it = 0; !rc && i < no; i++)
        rc = order[i] == 'i' ? db_bind_int64(&st, i + 1, ints[ii++])
                             : db_bind_text(&st, i + 1, texts[it++]);
    if (!rc) {
        struct client *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
        int count = 0;
        while ((rc = db_step(&st)) == DB_ROW && count < limit)
            read_client(&st, a, &items[count++]);
        *out = items;
        *n = count;
        rc = rc < 0 ? rc : 0;
    }
    if (st.impl)
        db_finish(&st);
    buf_release(&sql);
    buf_release(&where);
    return rc;
}

/* ---- contacts ---- */

#define CONTACT_COLS                                                                               \
    "id, client_id, name, position, decision_maker, phones, emails, birthday, lang, notes, "       \
    "deleted_at, version, created_at, updated_at"

static void read_contact(struct db_stmt *st, struct arena *a, struct contact *c)
{
    c->id = db_int64(st, 0);
    c->client_id = db_int64(st, 1);
    c->name = arena_strdup(a, db_text(st, 2));
    c->position = arena_strdup(a, db_text(st, 3));
    c->decision_maker = (int)db_int64(st, 4);
    c->phones = arena_strdup(a, db_text(st, 5));
    c->emails = arena_strdup(a, db_text(st, 6));
    c->birthday = arena_strdup(a, db_text(st, 7));
    c->lang = arena_strdup(a, db_text(st, 8));
    c->notes = arena_strdup(a, db_text(st, 9));
    c->deleted_at = opt_int(st, 10, 0);
    c->version = db_int64(st, 11);
    c->created_at = db_int64(st, 12);
    c->updated_at = db_int64(st, 13);
}

int repo_contact_get(struct db *db, struct arena *a, int64_t id, struct contact *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " CONTACT_COLS " FROM contacts WHERE id = ?", "i", id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW)
        read_contact(&st, a, out), rc = 0;
    else if (rc == DB_DONE)
        rc = KL_ENOTFOUND;
    db_finish(&st);
    return rc;
}

int repo_contact_insert(struct db *db, struct contact *c)
{
    int64_t now = time_now();
    int rc =
        db_insertf(db, &c->id,
                   DB_INSERT_SQL(db, "INSERT INTO contacts (client_id, name, position, "
                                     "decision_maker, phones, emails, birthday, lang, notes, "
                                     "version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                                     "?, ?, ?, 1, ?, ?)"),
                   "ittitttttii", c->client_id, c->name, c->position, (int64_t)c->decision_maker,
                   c->phones, c->emails, c->birthday, c->lang, c->notes, now, now);
    if (rc)
        return map_write_error(db, rc);
    c->version = 1;
    c->created_at = c->updated_at = now;
    return 0;
}

int repo_contact_update(struct db *db, struct contact *c, int64_t expected_version)
{
    int64_t now = time_now(), changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE contacts SET name = ?, position = ?, decision_maker = ?, phones = ?, "
                      "emails = ?, birthday = ?, lang = ?, notes = ?, deleted_at = ?, client_id = "
                      "?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                      "ttitttttoiiii", c->name, c->position, (int64_t)c->decision_maker, c->phones,
                      c->emails, c->birthday, c->lang, c->notes, c->deleted_at, c->client_id, now,
                      c->id, expected_version);
    if (rc)
        return map_write_error(db, rc);
    if (!changed)
        return KL_ESTALE;
    c->version = expected_version + 1;
    c->updated_at = now;
    return 0;
}

int repo_contact_list(struct db *db, struct arena *a, int64_t client_id, struct contact **out,
                      int *n)
{
    int64_t count = 0;
    int rc = db_scalar(db, &count,
                       "SELECT COUNT(*) FROM contacts WHERE client_id = ? AND deleted_at IS NULL",
                       "i", client_id);
    if (rc)
        return rc;
    struct contact *items = arena_alloc(a, sizeof(*items) * (size_t)(count + 1));
    struct db_stmt st;
    if ((rc = db_query(db, &st,
                       "SELECT " CONTACT_COLS " FROM contacts WHERE client_id = ? AND deleted_at "
                       "IS NULL ORDER BY decision_maker DESC, name, id",
                       "i", client_id)))
        return rc;
    int i = 0;
    while ((rc = db_step(&st)) == DB_ROW && i < count)
        read_contact(&st, a, &items[i++]);
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = i;
    return 0;
}

int repo_contact_list_many(struct db *db, struct arena *a, const int64_t *client_ids, int n,
                           struct contact **out, int *count)
{
    int k = 0, cap = 64, rc = 0;
    struct contact *items = arena_alloc(a, sizeof(*items) * (size_t)cap);
    for (int from = 0; from < n && !rc; from += 32) {
        int m = n - from < 32 ? n - from : 32;
        struct buf sql = BUF_INIT;
        buf_puts(&sql, "SELECT " CONTACT_COLS " FROM contacts WHERE deleted_at IS NULL AND "
                       "client_id IN (");
        for (int i = 0; i < m; i++)
            buf_puts(&sql, i ? ", ?" : "?");
        buf_puts(&sql, ") ORDER BY client_id, decision_maker DESC, name, id");
        struct db_stmt st;
        rc = db_prepare(db, &st, sql.data);
        buf_release(&sql);
        for (int i = 0; !rc && i < m; i++)
            rc = db_bind_int64(&st, i + 1, client_ids[from + i]);
        while (!rc && (rc = db_step(&st)) == DB_ROW) {
            if (k == cap) {
                struct contact *more = arena_alloc(a, sizeof(*items) * (size_t)cap * 2);
                memcpy(more, items, sizeof(*items) * (size_t)k);
                items = more, cap *= 2;
            }
            read_contact(&st, a, &items[k++]);
            rc = 0;
        }
        if (st.impl)
            db_finish(&st);
        rc = rc < 0 ? rc : 0;
    }
    *out = items;
    *count = k;
    return rc;
}

int repo_contact_move(struct db *db, int64_t from_id, int64_t to_id)
{
    return db_execf(db, NULL,
                    "UPDATE contacts SET client_id = ?, version = version + 1, updated_at = ? "
                    "WHERE client_id = ?",
                    "iii", to_id, time_now(), from_id);
}

int repo_contact_count_reachable(struct db *db, int64_t client_id, int64_t *n)
{
    return db_scalar(db, n,
                     "SELECT COUNT(*) FROM contacts WHERE client_id = ? AND deleted_at IS NULL "
                     "AND (phones <> '[]' OR emails <> '[]')",
                     "i", client_id);
}
