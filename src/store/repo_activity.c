/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_activity.c - activities, inbound reasons, quotas and the working calendar (store). */
#include "repo_activity.h"

#include "lib/buf.h"
#include "lib/timeutil.h"

#define ACT_COLS                                                                                   \
    "id, client_id, contact_id, user_id, type, direction, outcome, reason, notes, at, "            \
    "duration_s, callback_at, deleted_at, version, created_at, updated_at"

static void read_row(struct db_stmt *st, struct arena *a, struct activity *x)
{
    x->id = db_int64(st, 0);
    x->client_id = db_int64(st, 1);
    x->contact_id = db_is_null(st, 2) ? 0 : db_int64(st, 2);
    x->user_id = db_int64(st, 3);
    x->type = arena_strdup(a, db_text(st, 4));
    x->direction = arena_strdup(a, db_text(st, 5));
    x->outcome = arena_strdup(a, db_text(st, 6));
    x->reason = arena_strdup(a, db_text(st, 7));
    x->notes = arena_strdup(a, db_text(st, 8));
    x->at = db_int64(st, 9);
    x->duration_s = db_is_null(st, 10) ? -1 : db_int64(st, 10);
    x->callback_at = db_is_null(st, 11) ? 0 : db_int64(st, 11);
    x->deleted_at = db_is_null(st, 12) ? 0 : db_int64(st, 12);
    x->version = db_int64(st, 13);
    x->created_at = db_int64(st, 14);
    x->updated_at = db_int64(st, 15);
}

int repo_activity_get(struct db *db, struct arena *a, int64_t id, struct activity *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " ACT_COLS " FROM activities WHERE id = ?", "i", id);
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

static int bind_duration(struct db_stmt *st, int idx, int64_t v)
{
    return v < 0 ? db_bind_null(st, idx) : db_bind_int64(st, idx, v);
}

int repo_activity_insert(struct db *db, struct activity *x)
{
    int64_t now = time_now();
    struct db_stmt st;
    int rc = db_prepare(db, &st,
                        "INSERT INTO activities (client_id, contact_id, user_id, type, direction, "
                        "outcome, reason, notes, at, duration_s, callback_at, version, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, "
                        "?) RETURNING id");
    if (rc)
        return rc;
    int i = 1;
    rc = db_bind_int64(&st, i++, x->client_id);
    rc = rc ? rc : db_bind_id(&st, i++, x->contact_id);
    rc = rc ? rc : db_bind_int64(&st, i++, x->user_id);
    rc = rc ? rc : db_bind_text(&st, i++, x->type);
    rc = rc ? rc : db_bind_text(&st, i++, x->direction);
    rc = rc ? rc : db_bind_text(&st, i++, x->outcome);
    rc = rc ? rc : db_bind_text(&st, i++, x->reason);
    rc = rc ? rc : db_bind_text(&st, i++, x->notes);
    rc = rc ? rc : db_bind_int64(&st, i++, x->at);
    rc = rc ? rc : bind_duration(&st, i++, x->duration_s);
    rc = rc ? rc : db_bind_id(&st, i++, x->callback_at);
    rc = rc ? rc : db_bind_int64(&st, i++, now);
    rc = rc ? rc : db_bind_int64(&st, i++, now);
    if (!rc) {
        rc = db_step(&st);
        if (rc == DB_ROW) {
            x->id = db_int64(&st, 0);
            rc = db_step(&st) < 0 ? KL_EDB : 0;
        } else {
            rc = KL_EDB;
        }
    }
    db_finish(&st);
    if (rc)
        return db_errkind(db) == DB_ERR_FOREIGN_KEY ? KL_ENOTFOUND : rc;
    x->version = 1;
    x->created_at = x->updated_at = now;
    return 0;
}

int repo_activity_update(struct db *db, struct activity *x, int64_t expected_version)
{
    int64_t now = time_now();
    struct db_stmt st;
    int rc = db_prepare(db, &st,
                        "UPDATE activities SET contact_id = ?, type = ?, direction = ?, outcome = "
                        "?, reason = ?, notes = ?, at = ?, duration_s = ?, callback_at = ?, "
                        "deleted_at = ?, version = version + 1, updated_at = ? WHERE id = ? AND "
                        "version = ?");
    if (rc)
        return rc;
    int i = 1;
    rc = db_bind_id(&st, i++, x->contact_id);
    rc = rc ? rc : db_bind_text(&st, i++, x->type);
    rc = rc ? rc : db_bind_text(&st, i++, x->direction);
    rc = rc ? rc : db_bind_text(&st, i++, x->outcome);
    rc = rc ? rc : db_bind_text(&st, i++, x->reason);
    rc = rc ? rc : db_bind_text(&st, i++, x->notes);
    rc = rc ? rc : db_bind_int64(&st, i++, x->at);
    rc = rc ? rc : bind_duration(&st, i++, x->duration_s);
    rc = rc ? rc : db_bind_id(&st, i++, x->callback_at);
    rc = rc ? rc : db_bind_id(&st, i++, x->deleted_at);
    rc = rc ? rc : db_bind_int64(&st, i++, now);
    rc = rc ? rc : db_bind_int64(&st, i++, x->id);
    rc = rc ? rc : db_bind_int64(&st, i++, expected_version);
    int64_t changed = 0;
    if (!rc) {
        rc = db_step(&st) == DB_DONE ? 0 : KL_EDB;
        changed = rc ? 0 : db->drv->changes(db->conn);
    }
    db_finish(&st);
    if (rc)
        return rc;
    if (!changed)
        return KL_ESTALE;
    x->version = expected_version + 1;
    x->updated_at = now;
    return 0;
}

int repo_activity_list(struct db *db, struct arena *a, const struct activity_filter *f, int limit,
                       struct activity **out, int *n)
{
    struct buf sql = BUF_INIT;
    int64_t binds[8];
    int nb = 0, rc;
    buf_puts(&sql, "SELECT " ACT_COLS " FROM activities WHERE deleted_at IS NULL");
    if (f->client_id)
        buf_puts(&sql, " AND client_id = ?"), binds[nb++] = f->client_id;
    if (f->user_id)
        buf_puts(&sql, " AND user_id = ?"), binds[nb++] = f->user_id;
    if (f->from)
        buf_puts(&sql, " AND at >= ?"), binds[nb++] = f->from;
    if (f->to)
        buf_puts(&sql, " AND at < ?"), binds[nb++] = f->to;
    if (f->before_id)
        buf_puts(&sql, " AND id < ?"), binds[nb++] = f->before_id;
    buf_puts(&sql, " ORDER BY id DESC LIMIT ?");
    binds[nb++] = limit;
    struct db_stmt st;
    rc = db_prepare(db, &st, sql.data);
    for (int i = 0; !rc && i < nb; i++)
        rc = db_bind_int64(&st, i + 1, binds[i]);
    if (!rc) {
        struct activity *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
        int count = 0;
        while ((rc = db_step(&st)) == DB_ROW && count < limit)
            read_row(&st, a, &items[count++]);
        *out = items;
        *n = count;
        rc = rc < 0 ? rc : 0;
    }
    if (st.impl)
        db_finish(&st);
    buf_release(&sql);
    return rc;
}

int repo_activity_count(struct db *db, int64_t user_id, const char *type, const char *direction,
                        int64_t from, int64_t to, int distinct_clients, int64_t *n)
{
    if (distinct_clients)
        return db_scalar(db, n,
                         "SELECT COUNT(DISTINCT client_id) FROM activities WHERE user_id = ? AND "
                         "type = ? AND at >= ? AND at < ? AND deleted_at IS NULL AND (CAST(? AS "
                         "TEXT) IS NULL OR direction = ?)",
                         "itiitt", user_id, type, from, to, direction, direction);
    return db_scalar(db, n,
                     "SELECT COUNT(*) FROM activities WHERE user_id = ? AND type = ? AND at >= ? "
                     "AND at < ? AND deleted_at IS NULL AND (CAST(? AS TEXT) IS NULL OR direction "
                     "= ?)",
                     "itiitt", user_id, type, from, to, direction, direction);
}

int repo_activity_move_client(struct db *db, int64_t from_id, int64_t to_id)
{
    return db_execf(db, NULL, "UPDATE activities SET client_id = ? WHERE client_id = ?", "ii",
                    to_id, from_id);
}

int repo_reason_exists(struct db *db, const char *code, int *exists)
{
    int64_t n = 0;
    int rc = db_scalar(
        db, &n, "SELECT COUNT(*) FROM activity_reasons WHERE code = ? AND active = 1", "t", code);
    *exists = n > 0;
    return rc;
}

static int read_quota(struct db *db, const char *sql, int64_t id, struct quota *q)
{
    struct db_stmt st;
    q->calls_day = q->offers_email_day = q->offers_phone_day = q->new_contracts_month =
        q->monthly_contact = -1;
    if (!id)
        return 0;
    int rc = db_query(db, &st, sql, "i", id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        int64_t *f[] = {&q->calls_day, &q->offers_email_day, &q->offers_phone_day,
                        &q->new_contracts_month, &q->monthly_contact};
        for (int i = 0; i < 5; i++)
            *f[i] = db_is_null(&st, i) ? -1 : db_int64(&st, i);
        rc = 0;
    }
    db_finish(&st);
    return rc < 0 ? rc : 0;
}

int repo_quota_get(struct db *db, int64_t user_id, int64_t department_id, struct quota *user_q,
                   struct quota *dept_q)
{
    int rc = read_quota(db,
                        "SELECT calls_day, offers_email_day, offers_phone_day, "
                        "new_contracts_month, monthly_contact FROM quotas WHERE user_id = ?",
                        user_id, user_q);
    if (!rc)
        rc = read_quota(db,
                        "SELECT calls_day, offers_email_day, offers_phone_day, "
                        "new_contracts_month, monthly_contact FROM quotas WHERE department_id = ?",
                        department_id, dept_q);
    return rc;
}

static int bind_quota(struct db_stmt *st, int idx, int64_t v)
{
    return v < 0 ? db_bind_null(st, idx) : db_bind_int64(st, idx, v);
}

int repo_quota_set(struct db *db, int64_t user_id, int64_t department_id, const struct quota *q)
{
    int rc = user_id ? db_execf(db, NULL, "DELETE FROM quotas WHERE user_id = ?", "i", user_id)
                     : db_execf(db, NULL, "DELETE FROM quotas WHERE department_id = ?", "i",
                                department_id);
    if (rc)
        return rc;
    struct db_stmt st;
    if ((rc = db_prepare(db, &st,
                         "INSERT INTO quotas (user_id, department_id, calls_day, "
                         "offers_email_day, offers_phone_day, new_contracts_month, "
                         "monthly_contact, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")))
        return rc;
    int i = 1;
    rc = db_bind_id(&st, i++, user_id);
    rc = rc ? rc : db_bind_id(&st, i++, department_id);
    rc = rc ? rc : bind_quota(&st, i++, q->calls_day);
    rc = rc ? rc : bind_quota(&st, i++, q->offers_email_day);
    rc = rc ? rc : bind_quota(&st, i++, q->offers_phone_day);
    rc = rc ? rc : bind_quota(&st, i++, q->new_contracts_month);
    rc = rc ? rc : bind_quota(&st, i++, q->monthly_contact);
    rc = rc ? rc : db_bind_int64(&st, i++, time_now());
    if (!rc)
        rc = db_step(&st) == DB_DONE ? 0 : KL_EDB;
    db_finish(&st);
    return rc;
}

int repo_calendar_get(struct db *db, struct arena *a, const char *day, int *found, int *working,
                      const char **note)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT working, note FROM calendar_days WHERE day = ?", "t", day);
    if (rc)
        return rc;
    rc = db_step(&st);
    *found = rc == DB_ROW;
    if (*found) {
        *working = (int)db_int64(&st, 0);
        *note = arena_strdup(a, db_text(&st, 1));
    }
    db_finish(&st);
    return rc < 0 ? rc : 0;
}

int repo_calendar_set(struct db *db, const char *day, int working, const char *note)
{
    return db_execf(db, NULL,
                    "INSERT INTO calendar_days (day, working, note, updated_at) VALUES (?, ?, ?, "
                    "?) ON CONFLICT (day) DO UPDATE SET working = excluded.working, note = "
                    "excluded.note, updated_at = excluded.updated_at",
                    "titi", day, (int64_t)working, note, time_now());
}

int repo_calendar_clear(struct db *db, const char *day)
{
    return db_execf(db, NULL, "DELETE FROM calendar_days WHERE day = ?", "t", day);
}
