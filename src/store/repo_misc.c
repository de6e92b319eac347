/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_misc.c - settings, notifications and professional holidays (store). */
#include "repo_misc.h"

#include "lib/timeutil.h"

int repo_setting_get(struct db *db, struct arena *a, const char *key, const char **value)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT value FROM settings WHERE key = ?", "t", key);
    if (rc)
        return rc;
    rc = db_step(&st);
    *value = rc == DB_ROW ? arena_strdup(a, db_text(&st, 0)) : NULL;
    db_finish(&st);
    return rc < 0 ? rc : 0;
}

int repo_setting_set(struct db *db, const char *key, const char *value)
{
    return db_execf(db, NULL,
                    "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT "
                    "(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    "tti", key, value, time_now());
}

int repo_notification_insert(struct db *db, int64_t user_id, const char *kind, const char *entity,
                             int64_t entity_id, const char *data)
{
    return db_execf(db, NULL,
                    "INSERT INTO notifications (user_id, kind, entity, entity_id, data, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    "ittoti", user_id, kind, entity, entity_id, data, time_now());
}

int repo_notification_list(struct db *db, struct arena *a, int64_t user_id, int unread_only,
                           int64_t before_id, int limit, struct notification **out, int *n)
{
    struct db_stmt st;
    int64_t before = before_id > 0 ? before_id : INT64_MAX;
    int rc = db_query(db, &st,
                      "SELECT id, user_id, kind, entity, entity_id, data, created_at, read_at "
                      "FROM notifications WHERE user_id = ? AND id < ? AND (? = 0 OR read_at IS "
                      "NULL) ORDER BY id DESC LIMIT ?",
                      "iiii", user_id, before, (int64_t)unread_only, (int64_t)limit);
    if (rc)
        return rc;
    struct notification *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
    int count = 0;
    while ((rc = db_step(&st)) == DB_ROW && count < limit) {
        struct notification *x = &items[count++];
        x->id = db_int64(&st, 0);
        x->user_id = db_int64(&st, 1);
        x->kind = arena_strdup(a, db_text(&st, 2));
        x->entity = arena_strdup(a, db_text(&st, 3));
        x->entity_id = db_is_null(&st, 4) ? 0 : db_int64(&st, 4);
        x->data = arena_strdup(a, db_text(&st, 5));
        x->created_at = db_int64(&st, 6);
        x->read_at = db_is_null(&st, 7) ? 0 : db_int64(&st, 7);
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = count;
    return 0;
}

int repo_notification_read(struct db *db, int64_t user_id, int64_t id, int64_t now)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND "
                      "user_id = ?",
                      "iii", now, id, user_id);
    return rc ? rc : changed ? 0 : KL_ENOTFOUND;
}

int repo_notification_read_all(struct db *db, int64_t user_id, int64_t up_to_id, int64_t now,
                               int64_t *marked)
{
    return db_execf(db, marked,
                    "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL "
                    "AND id <= ?",
                    "iii", now, user_id, up_to_id > 0 ? up_to_id : INT64_MAX);
}

int repo_notification_unread(struct db *db, int64_t user_id, int64_t *count)
{
    return db_scalar(db, count,
                     "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
                     "i", user_id);
}

#define HOLIDAY_COLS                                                                               \
    "id, industry, name_en, name_lt, name_ru, month, day, version, created_at, updated_at"

static void read_holiday(struct db_stmt *st, struct arena *a, struct holiday *h)
{
    h->id = db_int64(st, 0);
    h->industry = arena_strdup(a, db_text(st, 1));
    h->name_en = arena_strdup(a, db_text(st, 2));
    h->name_lt = arena_strdup(a, db_text(st, 3));
    h->name_ru = arena_strdup(a, db_text(st, 4));
    h->month = (int)db_int64(st, 5);
    h->day = (int)db_int64(st, 6);
    h->version = db_int64(st, 7);
    h->created_at = db_int64(st, 8);
    h->updated_at = db_int64(st, 9);
}

int repo_holiday_list(struct db *db, struct arena *a, struct holiday **out, int *n)
{
    int64_t count = 0;
    int rc = db_scalar(db, &count, "SELECT COUNT(*) FROM professional_holidays", "");
    if (rc)
        return rc;
    struct holiday *items = arena_alloc(a, sizeof(*items) * (size_t)(count + 1));
    struct db_stmt st;
    if ((rc = db_query(db, &st,
                       "SELECT " HOLIDAY_COLS
                       " FROM professional_holidays ORDER BY month, day, industry, id",
                       "")))
        return rc;
    int i = 0;
    while ((rc = db_step(&st)) == DB_ROW && i < count)
        read_holiday(&st, a, &items[i++]);
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = i;
    return 0;
}

int repo_holiday_get(struct db *db, struct arena *a, int64_t id, struct holiday *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " HOLIDAY_COLS " FROM professional_holidays WHERE id = ?",
                      "i", id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW)
        read_holiday(&st, a, out), rc = 0;
    else if (rc == DB_DONE)
        rc = KL_ENOTFOUND;
    db_finish(&st);
    return rc;
}

int repo_holiday_insert(struct db *db, struct holiday *h)
{
    int64_t now = time_now();
    int rc = db_scalar(db, &h->id,
                       "INSERT INTO professional_holidays (industry, name_en, name_lt, name_ru, "
                       "month, day, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, "
                       "?, ?) RETURNING id",
                       "ttttiiii", h->industry, h->name_en, h->name_lt, h->name_ru,
                       (int64_t)h->month, (int64_t)h->day, now, now);
    if (rc)
        return rc;
    h->version = 1;
    h->created_at = h->updated_at = now;
    return 0;
}

int repo_holiday_update(struct db *db, struct holiday *h, int64_t expected_version)
{
    int64_t now = time_now(), changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE professional_holidays SET industry = ?, name_en = ?, name_lt = ?, "
                      "name_ru = ?, month = ?, day = ?, version = version + 1, updated_at = ? "
                      "WHERE id = ? AND version = ?",
                      "ttttiiiii", h->industry, h->name_en, h->name_lt, h->name_ru,
                      (int64_t)h->month, (int64_t)h->day, now, h->id, expected_version);
    if (rc)
        return rc;
    if (!changed)
        return KL_ESTALE;
    h->version = expected_version + 1;
    h->updated_at = now;
    return 0;
}

int repo_holiday_delete(struct db *db, int64_t id, int64_t expected_version)
{
    int64_t changed = 0;
    int rc =
        db_execf(db, &changed, "DELETE FROM professional_holidays WHERE id = ? AND version = ?",
                 "ii", id, expected_version);
    return rc ? rc : changed ? 0 : KL_ESTALE;
}
