/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_activity.c - activities, inbound reasons, quotas and the working calendar (store). */
#include <stdio.h>
#include <string.h>

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

/* The client's contact columns (sql/{sqlite,postgres}/0006_contact.sql) after a new activity: a
 * later one becomes the last contact and brings its call-back (or clears the pending one). Plain
 * expressions on the row, so concurrent writers on PostgreSQL see each other's values. */
static int client_touch(struct db *db, const struct activity *x)
{
    return db_execf(db, NULL,
                    "UPDATE clients SET callback_at = CASE WHEN last_contact_at IS NULL OR ? >= "
                    "last_contact_at THEN ? ELSE callback_at END, callback_activity_id = CASE "
                    "WHEN last_contact_at IS NULL OR ? >= last_contact_at THEN ? ELSE "
                    "callback_activity_id END, last_contact_at = CASE WHEN last_contact_at IS "
                    "NULL OR ? > last_contact_at THEN ? ELSE last_contact_at END, called = CASE "
                    "WHEN ? = 1 THEN 1 ELSE called END WHERE id = ?",
                    "ioioiiii", x->at, x->callback_at, x->at, x->callback_at ? x->id : (int64_t)0,
                    x->at, x->at, (int64_t)!strcmp(x->type, "call"), x->client_id);
}

/* Count (delta +1) or uncount (-1) a live activity in activity_days. */
static int day_count(struct db *db, const struct activity *x, int64_t delta)
{
    return db_execf(db, NULL,
                    "INSERT INTO activity_days (user_id, type, direction, day, n) VALUES (?, ?, ?, "
                    "?, ?) ON CONFLICT (user_id, type, direction, day) DO UPDATE SET n = "
                    "activity_days.n + excluded.n",
                    "ittii", x->user_id, x->type, x->direction, x->at / 86400, delta);
}

/* The same columns computed afresh from the client's live activities, after a correction,
 * a deletion or a move. The first statement locks the row, so that on PostgreSQL the
 * second (a new snapshot under READ COMMITTED) sees every activity committed before. */
static int client_recount(struct db *db, int64_t client_id)
{
    int rc = db_execf(db, NULL, "UPDATE clients SET called = called WHERE id = ?", "i", client_id);
    if (rc)
        return rc;
    return db_execf(
        db, NULL,
        "UPDATE clients SET last_contact_at = (SELECT MAX(x.at) FROM activities x WHERE "
        "x.client_id = clients.id AND x.deleted_at IS NULL), called = CASE WHEN EXISTS (SELECT 1 "
        "FROM activities x WHERE x.client_id = clients.id AND x.type = 'call' AND x.deleted_at IS "
        "NULL) THEN 1 ELSE 0 END, callback_at = (SELECT x.callback_at FROM activities x WHERE "
        "x.client_id = clients.id AND x.deleted_at IS NULL ORDER BY x.at DESC, x.id DESC LIMIT "
        "1), callback_activity_id = (SELECT CASE WHEN x.callback_at IS NULL THEN NULL ELSE x.id "
        "END FROM activities x WHERE x.client_id = clients.id AND x.deleted_at IS NULL ORDER BY "
        "x.at DESC, x.id DESC LIMIT 1) WHERE id = ?",
        "i", client_id);
}

int repo_activity_insert(struct db *db, struct activity *x)
{
    int64_t now = time_now();
    struct db_stmt st;
    int rc = db_prepare(db, &st,
                        DB_INSERT_SQL(db, "INSERT INTO activities (client_id, contact_id, user_id, "
                                          "type, direction, outcome, reason, notes, at, "
                                          "duration_s, callback_at, version, created_at, "
                                          "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                          "1, ?, ?)"));
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
    if (!rc)
        rc = db_insert_step(&st, &x->id);
    db_finish(&st);
    if (rc)
        return db_errkind(db) == DB_ERR_FOREIGN_KEY ? KL_ENOTFOUND : rc;
    if ((rc = client_touch(db, x)) || (rc = day_count(db, x, 1)))
        return rc;
    x->version = 1;
    x->created_at = x->updated_at = now;
    return 0;
}

int repo_activity_update(struct db *db, struct activity *x, int64_t expected_version)
{
    int64_t now = time_now();
    struct db_stmt st;
    /* Uncount the row as it is (when live and of the expected version), count it anew
     * below when it stays live. */
    int rc = db_execf(db, NULL,
                      "UPDATE activity_days SET n = n - 1 WHERE (user_id, type, direction, day) "
                      "IN (SELECT user_id, type, direction, at / 86400 FROM activities WHERE id = "
                      "? AND version = ? AND deleted_at IS NULL)",
                      "ii", x->id, expected_version);
    if (rc)
        return rc;
    rc = db_prepare(db, &st,
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
    if ((rc = client_recount(db, x->client_id)) || (!x->deleted_at && (rc = day_count(db, x, 1))))
        return rc;
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
    /* Whole UTC days in [from, to) from activity_days, the rest from the activities. */
    int64_t d0 = (from + 86399) / 86400, d1 = to / 86400;
    if (d1 <= d0)
        d0 = d1 = to / 86400;
    int64_t edge1 = d1 > d0 ? d0 * 86400 : to, edge2 = d1 > d0 ? d1 * 86400 : to;
    return db_scalar(
        db, n,
        "SELECT (SELECT COUNT(*) FROM activities WHERE user_id = ? AND type = ? AND at >= ? AND "
        "at < ? AND deleted_at IS NULL AND (CAST(? AS TEXT) IS NULL OR direction = ?)) + (SELECT "
        "COALESCE(SUM(n), 0) FROM activity_days WHERE user_id = ? AND type = ? AND day >= ? AND "
        "day < ? AND (CAST(? AS TEXT) IS NULL OR direction = ?)) + (SELECT COUNT(*) FROM "
        "activities WHERE user_id = ? AND type = ? AND at >= ? AND at < ? AND deleted_at IS NULL "
        "AND (CAST(? AS TEXT) IS NULL OR direction = ?))",
        "itiittitiittitiitt", user_id, type, from, edge1, direction, direction, user_id, type, d0,
        d1, direction, direction, user_id, type, edge2, to, direction, direction);
}

int repo_activity_move_client(struct db *db, int64_t from_id, int64_t to_id)
{
    int rc = db_execf(db, NULL, "UPDATE activities SET client_id = ? WHERE client_id = ?", "ii",
                      to_id, from_id);
    if (!rc)
        rc = client_recount(db, from_id);
    return rc ? rc : client_recount(db, to_id);
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

int repo_calendar_range(struct db *db, const char *from, const char *to, char (*days)[11],
                        int *working, int max, int *n)
{
    struct db_stmt st;
    int rc = db_query(db, &st,
                      "SELECT day, working FROM calendar_days WHERE day >= ? AND day <= ? ORDER "
                      "BY day",
                      "tt", from, to);
    if (rc)
        return rc;
    *n = 0;
    while ((rc = db_step(&st)) == DB_ROW && *n < max) {
        snprintf(days[*n], sizeof(days[*n]), "%s", db_text(&st, 0));
        working[(*n)++] = (int)db_int64(&st, 1);
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
