/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_task.c - tasks, absences and the raw rows of the day's call list (store). */
#include <stdlib.h>
#include <string.h>

#include "repo_task.h"

#include "lib/buf.h"
#include "lib/timeutil.h"

#define TASK_COLS                                                                                  \
    "id, assignee_id, created_by, client_id, title, notes, status, done_note, due_at, done_at, "   \
    "version, created_at, updated_at"

static void read_task(struct db_stmt *st, struct arena *a, struct task *t)
{
    t->id = db_int64(st, 0);
    t->assignee_id = db_int64(st, 1);
    t->created_by = db_int64(st, 2);
    t->client_id = db_is_null(st, 3) ? 0 : db_int64(st, 3);
    t->title = arena_strdup(a, db_text(st, 4));
    t->notes = arena_strdup(a, db_text(st, 5));
    t->status = arena_strdup(a, db_text(st, 6));
    t->done_note = arena_strdup(a, db_text(st, 7));
    t->due_at = db_int64(st, 8);
    t->done_at = db_is_null(st, 9) ? 0 : db_int64(st, 9);
    t->version = db_int64(st, 10);
    t->created_at = db_int64(st, 11);
    t->updated_at = db_int64(st, 12);
}

/* Append " AND col IN (?, ...)" for n ids to sql and the ids to binds. */
static void in_list(struct buf *sql, const char *col, const int64_t *ids, int n, int64_t *binds,
                    int *nb)
{
    buf_printf(sql, " AND %s IN (", col);
    for (int i = 0; i < n; i++) {
        buf_puts(sql, i ? ", ?" : "?");
        binds[(*nb)++] = ids[i];
    }
    buf_puts(sql, n ? ")" : "NULL)");
}

int repo_task_get(struct db *db, struct arena *a, int64_t id, struct task *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " TASK_COLS " FROM tasks WHERE id = ?", "i", id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW)
        read_task(&st, a, out), rc = 0;
    else if (rc == DB_DONE)
        rc = KL_ENOTFOUND;
    db_finish(&st);
    return rc;
}

int repo_task_insert(struct db *db, struct task *t)
{
    int64_t now = time_now();
    int rc = db_scalar(db, &t->id,
                       "INSERT INTO tasks (assignee_id, created_by, client_id, title, notes, "
                       "status, due_at, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                       "'open', ?, 1, ?, ?) RETURNING id",
                       "iiottiii", t->assignee_id, t->created_by, t->client_id, t->title, t->notes,
                       t->due_at, now, now);
    if (rc)
        return db_errkind(db) == DB_ERR_FOREIGN_KEY ? KL_ENOTFOUND : rc;
    t->status = "open";
    t->version = 1;
    t->created_at = t->updated_at = now;
    return 0;
}

int repo_task_update(struct db *db, struct task *t, int64_t expected_version)
{
    int64_t now = time_now(), changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE tasks SET assignee_id = ?, client_id = ?, title = ?, notes = ?, "
                      "status = ?, done_note = ?, due_at = ?, done_at = ?, version = version + 1, "
                      "updated_at = ? WHERE id = ? AND version = ?",
                      "iottttioiii", t->assignee_id, t->client_id, t->title, t->notes, t->status,
                      t->done_note, t->due_at, t->done_at, now, t->id, expected_version);
    if (rc)
        return rc;
    if (!changed)
        return KL_ESTALE;
    t->version = expected_version + 1;
    t->updated_at = now;
    return 0;
}

int repo_task_list(struct db *db, struct arena *a, const int64_t *assignees, int n,
                   int64_t created_by, const char *status, int64_t due_before, int limit,
                   struct task **out, int *count)
{
    struct buf sql = BUF_INIT;
    int64_t binds[40];
    int nb = 0;
    buf_puts(&sql, "SELECT " TASK_COLS " FROM tasks WHERE 1 = 1");
    if (n)
        in_list(&sql, "assignee_id", assignees, n > 32 ? 32 : n, binds, &nb);
    if (created_by)
        buf_puts(&sql, " AND created_by = ?"), binds[nb++] = created_by;
    if (due_before)
        buf_puts(&sql, " AND due_at < ?"), binds[nb++] = due_before;
    int text_pos = 0;
    if (status) {
        buf_puts(&sql, " AND status = ?");
        text_pos = nb + 1;
    }
    buf_puts(&sql, " ORDER BY due_at, id LIMIT ?");
    binds[nb++] = limit;
    /* the status text sits between the id bindings and the limit */
    struct db_stmt st;
    int rc = db_prepare(db, &st, sql.data);
    int idx = 1;
    for (int i = 0; !rc && i < nb; i++) {
        if (text_pos && idx == text_pos)
            rc = db_bind_text(&st, idx++, status);
        if (!rc)
            rc = db_bind_int64(&st, idx++, binds[i]);
    }
    if (!rc) {
        struct task *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
        int k = 0;
        while ((rc = db_step(&st)) == DB_ROW && k < limit)
            read_task(&st, a, &items[k++]);
        *out = items;
        *count = k;
        rc = rc < 0 ? rc : 0;
    }
    if (st.impl)
        db_finish(&st);
    buf_release(&sql);
    return rc;
}

#define ABS_COLS                                                                                   \
    "id, user_id, substitute_id, created_by, from_day, to_day, reason, deleted_at, version, "      \
    "created_at, updated_at"

static void read_absence(struct db_stmt *st, struct arena *a, struct absence *x)
{
    x->id = db_int64(st, 0);
    x->user_id = db_int64(st, 1);
    x->substitute_id = db_int64(st, 2);
    x->created_by = db_int64(st, 3);
    x->from_day = arena_strdup(a, db_text(st, 4));
    x->to_day = arena_strdup(a, db_text(st, 5));
    x->reason = arena_strdup(a, db_text(st, 6));
    x->deleted_at = db_is_null(st, 7) ? 0 : db_int64(st, 7);
    x->version = db_int64(st, 8);
    x->created_at = db_int64(st, 9);
    x->updated_at = db_int64(st, 10);
}

int repo_absence_get(struct db *db, struct arena *a, int64_t id, struct absence *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " ABS_COLS " FROM absences WHERE id = ?", "i", id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW)
        read_absence(&st, a, out), rc = 0;
    else if (rc == DB_DONE)
        rc = KL_ENOTFOUND;
    db_finish(&st);
    return rc;
}

int repo_absence_insert(struct db *db, struct absence *x)
{
    int64_t now = time_now();
    int rc = db_scalar(db, &x->id,
                       "INSERT INTO absences (user_id, substitute_id, from_day, to_day, reason, "
                       "created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, "
                       "?, ?) RETURNING id",
                       "iitttiii", x->user_id, x->substitute_id, x->from_day, x->to_day, x->reason,
                       x->created_by, now, now);
    if (rc)
        return rc;
    x->version = 1;
    x->created_at = x->updated_at = now;
    return 0;
}

int repo_absence_update(struct db *db, struct absence *x, int64_t expected_version)
{
    int64_t now = time_now(), changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE absences SET substitute_id = ?, from_day = ?, to_day = ?, reason = "
                      "?, deleted_at = ?, version = version + 1, updated_at = ? WHERE id = ? AND "
                      "version = ?",
                      "itttoiii", x->substitute_id, x->from_day, x->to_day, x->reason,
                      x->deleted_at, now, x->id, expected_version);
    if (rc)
        return rc;
    if (!changed)
        return KL_ESTALE;
    x->version = expected_version + 1;
    x->updated_at = now;
    return 0;
}

int repo_absence_list(struct db *db, struct arena *a, int64_t user_id, int64_t substitute_id,
                      const char *from_day, const char *to_day, struct absence **out, int *n)
{
    struct db_stmt st;
    int rc = db_query(db, &st,
                      "SELECT " ABS_COLS " FROM absences WHERE deleted_at IS NULL AND (CAST(? AS "
                      "BIGINT) = 0 OR user_id = ?) AND (CAST(? AS BIGINT) = 0 OR substitute_id = "
                      "?) AND (CAST(? AS TEXT) IS NULL OR to_day >= ?) AND (CAST(? AS TEXT) IS "
                      "NULL OR from_day <= ?) ORDER BY from_day, id LIMIT 500",
                      "iiiitttt", user_id, user_id, substitute_id, substitute_id, from_day,
                      from_day, to_day, to_day);
    if (rc)
        return rc;
    struct absence *items = arena_alloc(a, sizeof(*items) * 500);
    int k = 0;
    while ((rc = db_step(&st)) == DB_ROW && k < 500)
        read_absence(&st, a, &items[k++]);
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = k;
    return 0;
}

int repo_absence_substituted(struct db *db, int64_t substitute_id, const char *day, int64_t *ids,
                             int max, int *n)
{
    struct db_stmt st;
    int rc = db_query(db, &st,
                      "SELECT DISTINCT user_id FROM absences WHERE substitute_id = ? AND "
                      "deleted_at IS NULL AND from_day <= ? AND to_day >= ?",
                      "itt", substitute_id, day, day);
    if (rc)
        return rc;
    *n = 0;
    while ((rc = db_step(&st)) == DB_ROW && *n < max)
        ids[(*n)++] = db_int64(&st, 0);
    db_finish(&st);
    return rc < 0 ? rc : 0;
}

static int prepare_in(struct db *db, struct db_stmt *st, const char *head, const char *col,
                      const int64_t *ids, int n, const char *tail, const int64_t *extra, int nextra,
                      const char *text)
{
    struct buf sql = BUF_INIT;
    int64_t binds[48];
    int nb = 0;
    buf_puts(&sql, head);
    in_list(&sql, col, ids, n > 32 ? 32 : n, binds, &nb);
    buf_puts(&sql, tail);
    int rc = db_prepare(db, st, sql.data);
    int idx = 1;
    for (int i = 0; !rc && i < nb; i++)
        rc = db_bind_int64(st, idx++, binds[i]);
    for (int i = 0; !rc && i < nextra; i++)
        rc = db_bind_int64(st, idx++, extra[i]);
    if (!rc && text)
        rc = db_bind_text(st, idx++, text);
    buf_release(&sql);
    if (rc && st->impl)
        db_finish(st);
    return rc;
}

int repo_today_clients(struct db *db, struct arena *a, const int64_t *owners, int n,
                       struct today_client **out, int *count)
{
    struct db_stmt st;
    /* Every column read is in clients_owner_contact: an index-only range per owner. */
    int rc = prepare_in(db, &st,
                        "SELECT id, name, status, industry, phone, negotiate_soon, owner_id, "
                        "last_contact_at, called, callback_at, callback_activity_id FROM clients "
                        "WHERE deleted_at IS NULL AND status IN ('prospect', 'active')",
                        "owner_id", owners, n, "", NULL, 0, NULL);
    if (rc)
        return rc;
    int k = 0, cap = 1024;
    struct today_client *items = arena_alloc(a, sizeof(*items) * (size_t)cap);
    while ((rc = db_step(&st)) == DB_ROW) {
        if (k == cap) {
            struct today_client *more = arena_alloc(a, sizeof(*items) * (size_t)cap * 2);
            memcpy(more, items, sizeof(*items) * (size_t)k);
            items = more, cap *= 2;
        }
        struct today_client *c = &items[k++];
        c->id = db_int64(&st, 0);
        c->name = arena_strdup(a, db_text(&st, 1));
        c->status = arena_strdup(a, db_text(&st, 2));
        c->industry = db_is_null(&st, 3) ? NULL : arena_strdup(a, db_text(&st, 3));
        c->phone = db_is_null(&st, 4) ? NULL : arena_strdup(a, db_text(&st, 4));
        c->negotiate_soon = (int)db_int64(&st, 5);
        c->owner_id = db_int64(&st, 6);
        c->last_at = db_is_null(&st, 7) ? 0 : db_int64(&st, 7);
        c->ever_called = (int)db_int64(&st, 8);
        c->callback_at = db_is_null(&st, 9) ? 0 : db_int64(&st, 9);
        c->callback_activity_id = db_is_null(&st, 10) ? 0 : db_int64(&st, 10);
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *count = k;
    return 0;
}

int repo_today_birthdays(struct db *db, struct arena *a, const char *mmdd, int64_t **ids,
                         int64_t **client_ids, int *count)
{
    struct db_stmt st;
    /* Index-only on contacts_birthday (sql/sqlite/0006_contact.sql). */
    int rc = db_query(db, &st,
                      "SELECT id, client_id FROM contacts WHERE substr(birthday, 6, 5) = ? AND "
                      "birthday IS NOT NULL AND deleted_at IS NULL",
                      "t", mmdd);
    if (rc)
        return rc;
    int k = 0, cap = 1024;
    int64_t *id = arena_alloc(a, sizeof(*id) * (size_t)cap),
            *cid = arena_alloc(a, sizeof(*cid) * (size_t)cap);
    while ((rc = db_step(&st)) == DB_ROW) {
        if (k == cap) {
            int64_t *id2 = arena_alloc(a, sizeof(*id) * (size_t)cap * 2),
                    *cid2 = arena_alloc(a, sizeof(*cid) * (size_t)cap * 2);
            memcpy(id2, id, sizeof(*id) * (size_t)k);
            memcpy(cid2, cid, sizeof(*cid) * (size_t)k);
            id = id2, cid = cid2, cap *= 2;
        }
        id[k] = db_int64(&st, 0);
        cid[k++] = db_int64(&st, 1);
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *ids = id;
    *client_ids = cid;
    *count = k;
    return 0;
}
