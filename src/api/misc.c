/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * misc.c - notifications, settings, professional holidays and the team list (api).
 *
 * Notifications are the caller's own; the list tells how many are unread (the bell), and
 * they are marked read one by one or all at once. Settings are read by everyone signed in
 * and changed by admins: segment_rule (bool, R5) and card_issue_notify (user ids told when
 * a client card is issued, R4). Professional holidays (R3, R14) are read by everyone and kept by
 * admins. The team is who the caller may assign clients to or look after: a head's
 * department, everyone for the director and admins, himself for a manager.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/jsonout.h"
#include "api.h"

#include "domain/audit.h"
#include "domain/validate.h"
#include "lib/timeutil.h"
#include "store/repo_misc.h"

static int bad(struct http_req *req, const char *field, const char *key, const char *arg)
{
    kl_error_set(&req->err, KL_EINVAL, field, key, arg);
    return KL_EINVAL;
}

/* The text of a notification in the reader's language: the message of its kind around
 * the one detail that names it (the client, the task's title, the count). */
static json_t *notification_text(struct http_req *req, const struct notification *x, json_t *data)
{
    char out[512], num[24];
    const char *key = "name";
    if (!strcmp(x->kind, "call_back_due"))
        key = "client_name";
    else if (!strcmp(x->kind, "task_due") || !strcmp(x->kind, "task_overdue"))
        key = "title";
    const char *arg = json_string_value(json_object_get(data, key));
    if (!strcmp(x->kind, "monthly_overdue")) {
        snprintf(num, sizeof(num), "%lld",
                 (long long)json_integer_value(json_object_get(data, "count")));
        arg = num;
    }
    i18n_format(req->lang, arena_printf(&req->arena, "notify.%s", x->kind), NULL, arg ? arg : "",
                out, sizeof(out));
    return json_string(out);
}

int api_notifications_list(struct http_req *req, struct http_resp *resp)
{
    int limit, rc;
    int64_t before;
    struct notification *items;
    int n = 0;
    const char *unread = http_query(req, "unread");
    if ((rc = api_paging(req, &limit, &before)))
        return rc;
    if (unread && strcmp(unread, "0") && strcmp(unread, "1"))
        return bad(req, "unread", "err.query_param", NULL);
    if (repo_notification_list(req->db, &req->arena, req->who->user_id, unread && *unread == '1',
                               before, limit + 1, &items, &n))
        return api_fail(req, KL_EDB, NULL);
    json_t *arr = json_array();
    for (int i = 0; i < n && i < limit; i++) {
        json_t *data = json_loads(items[i].data, 0, NULL);
        if (!data)
            data = json_object();
        json_t *o = json_pack(
            "{s:I, s:s, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)items[i].id, "kind",
            items[i].kind, "entity", items[i].entity ? json_string(items[i].entity) : json_null(),
            "entity_id",
            items[i].entity_id ? json_integer((json_int_t)items[i].entity_id) : json_null(), "text",
            notification_text(req, &items[i], data), "created_at",
            json_time_or_null(items[i].created_at), "read_at", json_time_or_null(items[i].read_at));
        json_object_set_new(o, "data", data);
        json_array_append_new(arr, o);
    }
    int64_t unread_count = 0;
    if (repo_notification_unread(req->db, req->who->user_id, &unread_count)) {
        json_decref(arr);
        return api_fail(req, KL_EDB, NULL);
    }
    const char *cursor = n > limit ? api_cursor(req, items[limit - 1].id) : NULL;
    resp_json(resp, 200,
              json_pack("{s:o, s:o, s:I}", "items", arr, "next_cursor",
                        cursor ? json_string(cursor) : json_null(), "unread",
                        (json_int_t)unread_count));
    return 0;
}

/* POST /api/v1/notifications/read-all: the caller's unread notifications (up to
 * up_to_id, the newest one he has seen, when given) become read. */
int api_notifications_read_all(struct http_req *req, struct http_resp *resp)
{
    static const struct jfield fields[] = {{"up_to_id", J_ID_NULL}, {NULL, 0}};
    int64_t up_to = 0, marked = 0, unread = 0;
    if (req->body.len) {
        json_t *body;
        int rc = api_body(req, fields, &body);
        if (rc)
            return rc;
        up_to = api_id(body, "up_to_id");
        json_decref(body);
    }
    if (repo_notification_read_all(req->db, req->who->user_id, up_to, time_now(), &marked) ||
        repo_notification_unread(req->db, req->who->user_id, &unread))
        return api_fail(req, KL_EDB, NULL);
    resp_json(resp, 200,
              json_pack("{s:I, s:I}", "marked", (json_int_t)marked, "unread", (json_int_t)unread));
    return 0;
}

int api_notifications_read(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    rc = repo_notification_read(req->db, req->who->user_id, id, time_now());
    if (rc == KL_ENOTFOUND) {
        kl_error_set(&req->err, rc, "id", "err.not_found", "notification");
        return rc;
    }
    if (rc)
        return api_fail(req, KL_EDB, NULL);
    resp_empty(resp, 204);
    return 0;
}

static json_t *settings_json(struct http_req *req)
{
    const char *rule = NULL, *notify = NULL;
    repo_setting_get(req->db, &req->arena, "segment_rule", &rule);
    repo_setting_get(req->db, &req->arena, "card_issue_notify", &notify);
    json_t *ids = json_array();
    for (const char *p = notify; p && *p;) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p)
            break;
        json_array_append_new(ids, json_integer(v));
        p = *end == ',' ? end + 1 : end;
    }
    return json_pack("{s:b, s:o}", "segment_rule", !rule || strcmp(rule, "0"), "card_issue_notify",
                     ids);
}

int api_settings_get(struct http_req *req, struct http_resp *resp)
{
    resp_json(resp, 200, settings_json(req));
    return 0;
}

int api_settings_patch(struct http_req *req, struct http_resp *resp)
{
    json_t *body;
    int rc = api_body_object(req, &body);
    if (rc)
        return rc;
    const char *key;
    json_t *v;
    struct buf ids = BUF_INIT;
    int has_rule = 0, rule = 0, has_ids = 0;
    json_object_foreach(body, key, v)
    {
        if (!strcmp(key, "segment_rule")) {
            if (!json_is_boolean(v))
                rc = bad(req, "segment_rule", "err.type_boolean", NULL);
            has_rule = 1;
            rule = json_is_true(v);
        } else if (!strcmp(key, "card_issue_notify")) {
            has_ids = 1;
            if (!json_is_array(v) || json_array_size(v) > 20) {
                rc = bad(req, "card_issue_notify", "err.type_array", NULL);
                break;
            }
            size_t i;
            json_t *id;
            json_array_foreach(v, i, id)
            {
                int64_t n = 0;
                if (!json_is_integer(id) || json_integer_value(id) <= 0 ||
                    db_scalar(req->db, &n, "SELECT COUNT(*) FROM users WHERE id = ?", "i",
                              (int64_t)json_integer_value(id)) ||
                    !n) {
                    rc = bad(req, "card_issue_notify", "err.ref_not_found", "user");
                    break;
                }
                buf_printf(&ids, "%s%lld", i ? "," : "", (long long)json_integer_value(id));
            }
        } else {
            char name[64];
            snprintf(name, sizeof(name), "%s", key);
            rc = bad(req, name, "err.unknown_field", NULL);
        }
        if (rc)
            break;
    }
    if (!rc) {
        json_t *before = settings_json(req);
        if ((rc = db_begin(req->db)) == 0) {
            if (has_rule)
                rc = repo_setting_set(req->db, "segment_rule", rule ? "1" : "0");
            if (!rc && has_ids)
                rc = repo_setting_set(req->db, "card_issue_notify", ids.data ? ids.data : "");
            json_t *after = settings_json(req);
            if (!rc)
                rc = audit_record(req->db, req->who, "settings", 0, "update", before, after);
            json_decref(after);
            if (rc || (rc = db_commit(req->db))) {
                db_rollback(req->db);
                rc = api_fail(req, KL_EDB, NULL);
            }
        } else {
            rc = api_fail(req, KL_EDB, NULL);
        }
        json_decref(before);
    }
    buf_release(&ids);
    json_decref(body);
    if (rc)
        return rc;
    resp_json(resp, 200, settings_json(req));
    return 0;
}

/* ---- professional holidays ---- */

static json_t *holiday_json(const struct holiday *h)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:I}", "id", (json_int_t)h->id,
                     "industry", h->industry, "name_en", h->name_en, "name_lt", h->name_lt,
                     "name_ru", h->name_ru, "month", h->month, "day", h->day, "version",
                     (json_int_t)h->version);
}

int api_holidays_list(struct http_req *req, struct http_resp *resp)
{
    struct holiday *items;
    int n = 0;
    if (repo_holiday_list(req->db, &req->arena, &items, &n))
        return api_fail(req, KL_EDB, NULL);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, holiday_json(&items[i]));
    api_list(resp, arr, NULL);
    return 0;
}

static const struct jfield holiday_fields[] = {
    {"industry", J_STR}, {"name_en", J_STR}, {"name_lt", J_STR}, {"name_ru", J_STR},
    {"month", J_INT},    {"day", J_INT},     {NULL, 0}};

static int holiday_apply(struct http_req *req, json_t *b, struct holiday *h)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    struct kl_error err = {0};
    const char *names[] = {"industry", "name_en", "name_lt", "name_ru"};
    const char **dst[] = {&h->industry, &h->name_en, &h->name_lt, &h->name_ru};
    for (int i = 0; i < 4; i++) {
        const char *v = api_str(b, names[i]);
        if (v)
            *dst[i] = arena_strdup(&req->arena, v);
        if (validate_text(names[i], *dst[i], 1, names[i][0] == 'i' ? 100 : 200, 0, &err))
            return api_fail(req, KL_EINVAL, &err);
    }
    if (api_has(b, "month")) {
        int64_t m = api_id(b, "month");
        h->month = m >= 1 && m <= 12 ? (int)m : 0;
    }
    if (api_has(b, "day")) {
        int64_t d = api_id(b, "day");
        h->day = d >= 1 && d <= 31 ? (int)d : 0;
    }
    if (h->month < 1 || h->month > 12)
        return bad(req, "month", "err.range", "1-12");
    if (h->day < 1 || h->day > days[h->month - 1])
        return bad(req, "day", "err.range", "1-31");
    return 0;
}

int api_holidays_create(struct http_req *req, struct http_resp *resp)
{
    json_t *body;
    struct holiday h = {0};
    int rc = api_body(req, holiday_fields, &body);
    if (rc)
        return rc;
    rc = holiday_apply(req, body, &h);
    json_decref(body);
    if (rc)
        return rc;
    if (db_begin(req->db))
        return api_fail(req, KL_EDB, NULL);
    rc = repo_holiday_insert(req->db, &h);
    json_t *after = holiday_json(&h);
    if (!rc)
        rc = audit_record(req->db, req->who, "holiday", h.id, "create", NULL, after);
    json_decref(after);
    if (rc || db_commit(req->db)) {
        db_rollback(req->db);
        return api_fail(req, KL_EDB, NULL);
    }
    api_etag(req, resp, h.version);
    resp_header(req, resp, "Location",
                arena_printf(&req->arena, "/api/v1/holidays/%lld", (long long)h.id));
    resp_json(resp, 201, holiday_json(&h));
    return 0;
}

int api_holidays_patch(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    json_t *body;
    struct holiday h;
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_body(req, holiday_fields, &body)))
        return rc;
    if ((rc = api_if_match(req, &version))) {
        json_decref(body);
        return rc;
    }
    if (db_begin(req->db)) {
        json_decref(body);
        return api_fail(req, KL_EDB, NULL);
    }
    rc = repo_holiday_get(req->db, &req->arena, id, &h);
    if (rc) {
        db_rollback(req->db);
        json_decref(body);
        kl_error_set(&req->err, rc, "id", rc == KL_ENOTFOUND ? "err.not_found" : "err.db",
                     "holiday");
        return rc;
    }
    json_t *before = holiday_json(&h);
    rc = holiday_apply(req, body, &h);
    json_decref(body);
    if (!rc) {
        rc = repo_holiday_update(req->db, &h, version);
        if (rc == KL_ESTALE)
            kl_error_set(&req->err, rc, NULL, "err.stale", "holiday");
        json_t *after = holiday_json(&h);
        if (!rc)
            rc = audit_record(req->db, req->who, "holiday", h.id, "update", before, after);
        json_decref(after);
    }
    json_decref(before);
    if (rc || db_commit(req->db)) {
        db_rollback(req->db);
        return rc ? rc : api_fail(req, KL_EDB, NULL);
    }
    api_etag(req, resp, h.version);
    resp_json(resp, 200, holiday_json(&h));
    return 0;
}

int api_holidays_delete(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    struct holiday h;
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_if_match(req, &version)))
        return rc;
    if (db_begin(req->db))
        return api_fail(req, KL_EDB, NULL);
    rc = repo_holiday_get(req->db, &req->arena, id, &h);
    if (rc == KL_ENOTFOUND)
        kl_error_set(&req->err, rc, "id", "err.not_found", "holiday");
    if (!rc && (rc = repo_holiday_delete(req->db, id, version)) == KL_ESTALE)
        kl_error_set(&req->err, rc, NULL, "err.stale", "holiday");
    if (!rc) {
        json_t *before = holiday_json(&h);
        rc = audit_record(req->db, req->who, "holiday", id, "delete", before, NULL);
        json_decref(before);
    }
    if (rc || db_commit(req->db)) {
        db_rollback(req->db);
        return rc ? rc : api_fail(req, KL_EDB, NULL);
    }
    resp_empty(resp, 204);
    return 0;
}

/* ---- team ---- */

int api_team_list(struct http_req *req, struct http_resp *resp)
{
    struct db_stmt st;
    const struct principal *who = req->who;
    int rc;
    if (who->role & (ROLE_DIRECTOR | ROLE_ADMIN))
        rc = db_query(req->db, &st,
                      "SELECT id, login, name, role, department_id, segment FROM users WHERE "
                      "active = 1 ORDER BY name, id",
                      "");
    else if (who->role & ROLE_HEAD)
        rc = db_query(req->db, &st,
                      "SELECT id, login, name, role, department_id, segment FROM users WHERE "
                      "active = 1 AND (department_id = ? OR id = ?) ORDER BY name, id",
                      "ii", who->department_id, who->user_id);
    else
        rc = db_query(req->db, &st,
                      "SELECT id, login, name, role, department_id, segment FROM users WHERE id "
                      "= ?",
                      "i", who->user_id);
    if (rc)
        return api_fail(req, KL_EDB, NULL);
    json_t *arr = json_array();
    while ((rc = db_step(&st)) == DB_ROW) {
        json_array_append_new(
            arr,
            json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)db_int64(&st, 0), "login",
                      db_text(&st, 1), "name", db_text(&st, 2), "role", db_text(&st, 3),
                      "department_id",
                      db_is_null(&st, 4) ? json_null() : json_integer((json_int_t)db_int64(&st, 4)),
                      "segment", db_is_null(&st, 5) ? json_null() : json_string(db_text(&st, 5))));
    }
    db_finish(&st);
    if (rc < 0) {
        json_decref(arr);
        return api_fail(req, KL_EDB, NULL);
    }
    api_list(resp, arr, NULL);
    return 0;
}
