/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_audit.c - the append-only audit log (store). */
#include "repo_audit.h"

int repo_audit_insert(struct db *db, const struct audit_entry *e)
{
    return db_execf(db, NULL,
                    "INSERT INTO audit_log (at, user_id, entity, entity_id, action, before_json, "
                    "after_json, request_id, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "iototttto", e->at, e->user_id, e->entity, e->entity_id, e->action,
                    e->before_json, e->after_json, e->request_id, e->client_id);
}

static int read_entries(struct db_stmt *st, struct arena *a, int limit, struct audit_entry **out,
                        int *n);

int repo_audit_list_client(struct db *db, struct arena *a, int64_t client_id, int64_t before_id,
                           int limit, struct audit_entry **out, int *n)
{
    struct db_stmt st;
    int64_t before = before_id > 0 ? before_id : INT64_MAX;
    int rc = db_query(db, &st,
                      "SELECT id, at, user_id, entity, entity_id, action, before_json, "
                      "after_json, request_id, client_id FROM audit_log WHERE client_id = ? AND "
                      "id < ? ORDER BY id DESC LIMIT ?",
                      "iii", client_id, before, (int64_t)limit);
    return rc ? rc : read_entries(&st, a, limit, out, n);
}

int repo_audit_move_client(struct db *db, int64_t from_id, int64_t to_id)
{
    return db_execf(db, NULL, "UPDATE audit_log SET client_id = ? WHERE client_id = ?", "ii", to_id,
                    from_id);
}

int repo_audit_list(struct db *db, struct arena *a, const char *entity, int64_t entity_id,
                    int64_t before_id, int limit, struct audit_entry **out, int *n)
{
    struct db_stmt st;
    int64_t before = before_id > 0 ? before_id : INT64_MAX;
    int rc = db_query(
        db, &st,
        "SELECT id, at, user_id, entity, entity_id, action, before_json, "
        "after_json, request_id, client_id FROM audit_log WHERE (CAST(? AS TEXT) IS NULL OR "
        "entity = ?) AND (CAST(? AS BIGINT) = 0 OR entity_id = ?) AND id < ? ORDER "
        "BY id DESC LIMIT ?",
        "ttiiii", entity, entity, entity_id, entity_id, before, (int64_t)limit);
    return rc ? rc : read_entries(&st, a, limit, out, n);
}

static int read_entries(struct db_stmt *st_, struct arena *a, int limit, struct audit_entry **out,
                        int *n)
{
    struct db_stmt st = *st_;
    int rc;
    struct audit_entry *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
    int count = 0;
    while ((rc = db_step(&st)) == DB_ROW && count < limit) {
        struct audit_entry *e = &items[count++];
        e->id = db_int64(&st, 0);
        e->at = db_int64(&st, 1);
        e->user_id = db_is_null(&st, 2) ? 0 : db_int64(&st, 2);
        e->entity = arena_strdup(a, db_text(&st, 3));
        e->entity_id = db_is_null(&st, 4) ? 0 : db_int64(&st, 4);
        e->action = arena_strdup(a, db_text(&st, 5));
        e->before_json = arena_strdup(a, db_text(&st, 6));
        e->after_json = arena_strdup(a, db_text(&st, 7));
        e->request_id = arena_strdup(a, db_text(&st, 8));
        e->client_id = db_is_null(&st, 9) ? 0 : db_int64(&st, 9);
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = count;
    return 0;
}
