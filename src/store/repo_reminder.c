/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_reminder.c - what the reminders job reads and writes (store). See repo_reminder.h. */
#include "repo_reminder.h"

int repo_reminder_callbacks(struct db *db, struct arena *a, const struct reminder_window *w,
                            int limit, struct reminder_callback **out, int *n)
{
    struct db_stmt st;
    /* The window is read from the two partial indexes of call-backs (by due time, by the
     * time written: "+callback_at" keeps the planner off the first index there), then each
     * row is checked: still live, not followed, not notified. CROSS JOIN makes SQLite
     * start from the window (PostgreSQL plans it freely). */
    int rc = db_query(
        db, &st,
        "SELECT a.id, a.client_id, a.contact_id, c.owner_id, a.callback_at, c.name, k.name FROM "
        "(SELECT id FROM activities WHERE callback_at IS NOT NULL AND callback_at >= ? AND "
        "callback_at <= ? UNION SELECT id FROM activities WHERE callback_at IS NOT NULL AND "
        "updated_at >= ? AND +callback_at >= ? AND +callback_at <= ?) w CROSS JOIN activities a "
        "JOIN clients c ON c.id = a.client_id LEFT JOIN contacts k ON k.id = a.contact_id AND "
        "k.deleted_at IS NULL WHERE a.id = w.id AND a.deleted_at IS NULL AND c.deleted_at IS "
        "NULL AND c.owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM activities b WHERE "
        "b.client_id = a.client_id AND b.at > a.at AND b.deleted_at IS NULL) AND NOT EXISTS "
        "(SELECT 1 FROM notifications n WHERE n.user_id = c.owner_id AND n.dedup = "
        "'call_back_due:' || CAST(a.id AS TEXT)) ORDER BY a.callback_at, a.id LIMIT ?",
        "iiiiii", w->due_from, w->due_to, w->changed_since, w->due_oldest, w->due_to,
        (int64_t)limit);
    if (rc)
        return rc;
    struct reminder_callback *items =
        arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
    int k = 0;
    while ((rc = db_step(&st)) == DB_ROW && k < limit) {
        struct reminder_callback *x = &items[k++];
        x->activity_id = db_int64(&st, 0);
        x->client_id = db_int64(&st, 1);
        x->contact_id = db_is_null(&st, 2) ? 0 : db_int64(&st, 2);
        x->owner_id = db_int64(&st, 3);
        x->callback_at = db_int64(&st, 4);
        x->client_name = arena_strdup(a, db_text(&st, 5));
        x->contact_name = db_is_null(&st, 6) ? NULL : arena_strdup(a, db_text(&st, 6));
        if (!x->contact_name)
            x->contact_id = 0; /* a deleted contact is not named */
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = k;
    return 0;
}

int repo_reminder_tasks(struct db *db, struct arena *a, const char *kind,
                        const struct reminder_window *w, int limit, struct reminder_task **out,
                        int *n)
{
    struct db_stmt st;
    /* As repo_reminder_callbacks, over the partial indexes of open tasks. */
    int rc = db_query(
        db, &st,
        "SELECT t.id, t.assignee_id, t.created_by, t.client_id, t.due_at, t.title, u.name, "
        "c.name FROM (SELECT id FROM tasks WHERE status = 'open' AND due_at >= ? AND due_at <= "
        "? UNION SELECT id FROM tasks WHERE status = 'open' AND updated_at >= ? AND +due_at >= ? "
        "AND +due_at <= ?) w CROSS JOIN tasks t JOIN users u ON u.id = t.assignee_id LEFT JOIN "
        "clients c ON c.id = t.client_id AND c.deleted_at IS NULL WHERE t.id = w.id AND "
        "t.status = 'open' AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = "
        "t.assignee_id "
        "AND n.dedup = CAST(? AS TEXT) || ':' || CAST(t.id AS TEXT)) ORDER BY t.due_at, t.id "
        "LIMIT ?",
        "iiiiiti", w->due_from, w->due_to, w->changed_since, w->due_oldest, w->due_to, kind,
        (int64_t)limit);
    if (rc)
        return rc;
    struct reminder_task *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
    int k = 0;
    while ((rc = db_step(&st)) == DB_ROW && k < limit) {
        struct reminder_task *x = &items[k++];
        x->task_id = db_int64(&st, 0);
        x->assignee_id = db_int64(&st, 1);
        x->created_by = db_int64(&st, 2);
        x->client_id = db_is_null(&st, 3) ? 0 : db_int64(&st, 3);
        x->due_at = db_int64(&st, 4);
        x->title = arena_strdup(a, db_text(&st, 5));
        x->assignee_name = arena_strdup(a, db_text(&st, 6));
        x->client_name = db_is_null(&st, 7) ? NULL : arena_strdup(a, db_text(&st, 7));
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = k;
    return 0;
}

int repo_reminder_substitutes(struct db *db, int64_t user_id, const char *day, int64_t *ids,
                              int max, int *n)
{
    struct db_stmt st;
    int rc = db_query(db, &st,
                      "SELECT DISTINCT substitute_id FROM absences WHERE user_id = ? AND "
                      "deleted_at IS NULL AND from_day <= ? AND to_day >= ? ORDER BY "
                      "substitute_id",
                      "itt", user_id, day, day);
    if (rc)
        return rc;
    *n = 0;
    while ((rc = db_step(&st)) == DB_ROW && *n < max)
        ids[(*n)++] = db_int64(&st, 0);
    db_finish(&st);
    return rc < 0 ? rc : 0;
}

int repo_reminder_notify(struct db *db, int64_t user_id, const char *kind, const char *entity,
                         int64_t entity_id, const char *data, const char *dedup, int64_t now,
                         int *inserted)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed,
                      "INSERT INTO notifications (user_id, kind, entity, entity_id, data, dedup, "
                      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                      "ittotti", user_id, kind, entity, entity_id, data, dedup, now);
    *inserted = !rc && changed == 1;
    return rc;
}

int repo_reminder_scan_get(struct db *db, int64_t *scanned_to)
{
    int rc = db_scalar(db, scanned_to, "SELECT scanned_to FROM reminder_scan WHERE id = 1", "");
    if (rc == KL_ENOTFOUND) {
        *scanned_to = 0;
        rc = 0;
    }
    return rc;
}

int repo_reminder_scan_set(struct db *db, int64_t scanned_to, int64_t now)
{
    return db_execf(db, NULL,
                    "UPDATE reminder_scan SET scanned_to = ?, updated_at = ? WHERE id = 1 AND "
                    "scanned_to < ?",
                    "iii", scanned_to, now, scanned_to);
}

int repo_reminder_owners(struct db *db, struct arena *a, struct reminder_user **out, int *n)
{
    int64_t total = 0;
    int rc = db_scalar(db, &total, "SELECT COUNT(*) FROM users WHERE active = 1", "");
    if (rc)
        return rc;
    struct db_stmt st;
    if ((rc = db_query(db, &st,
                       "SELECT u.id, u.name, u.tz FROM users u WHERE u.active = 1 AND EXISTS "
                       "(SELECT 1 FROM clients c WHERE c.owner_id = u.id AND c.deleted_at IS "
                       "NULL AND c.status IN ('prospect', 'active')) ORDER BY u.id",
                       "")))
        return rc;
    struct reminder_user *items = arena_alloc(a, sizeof(*items) * (size_t)(total + 1));
    int k = 0;
    while ((rc = db_step(&st)) == DB_ROW && k < total) {
        items[k].id = db_int64(&st, 0);
        items[k].name = arena_strdup(a, db_text(&st, 1));
        items[k].tz = arena_strdup(a, db_text(&st, 2));
        k++;
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = k;
    return 0;
}

int repo_reminder_day_done(struct db *db, int64_t user_id, const char *day, int *done)
{
    int64_t one = 0;
    int rc = db_scalar(db, &one, "SELECT 1 FROM reminder_days WHERE user_id = ? AND day = ?", "it",
                       user_id, day);
    *done = rc == 0;
    return rc == KL_ENOTFOUND ? 0 : rc;
}

int repo_reminder_day_take(struct db *db, int64_t user_id, const char *day, int64_t now, int *taken)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed,
                      "INSERT INTO reminder_days (user_id, day, created_at) VALUES (?, ?, ?) ON "
                      "CONFLICT (user_id, day) DO NOTHING",
                      "iti", user_id, day, now);
    *taken = !rc && changed == 1;
    return rc;
}

int repo_reminder_monthly_overdue(struct db *db, int64_t owner_id, int64_t since, int64_t *count)
{
    /* The client row keeps its last contact (sql/<backend>/0006_contact.sql): a range of
     * the index the call list reads. */
    return db_scalar(db, count,
                     "SELECT COUNT(*) FROM clients WHERE owner_id = ? AND deleted_at IS NULL AND "
                     "status IN ('prospect', 'active') AND (last_contact_at IS NULL OR "
                     "last_contact_at < ?)",
                     "ii", owner_id, since);
}

int repo_notifications_prune(struct db *db, int64_t before, int limit, int64_t *deleted)
{
    return db_execf(db, deleted,
                    "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE "
                    "read_at IS NOT NULL AND read_at < ? ORDER BY read_at LIMIT ?)",
                    "ii", before, (int64_t)limit);
}
