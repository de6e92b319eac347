/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * daily.c - the manager's day over HTTP (api): /api/v1/activities, /api/v1/quotas,
 * /api/v1/today, /api/v1/tasks, /api/v1/absences, /api/v1/workdays,
 * /api/v1/activity-reasons. The rules are in domain/daily.h.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

#include "domain/audit.h"
#include "domain/daily.h"
#include "domain/validate.h"
#include "lib/timeutil.h"

static int bad(struct http_req *req, const char *field, const char *key, const char *arg)
{
    kl_error_set(&req->err, KL_EINVAL, field, key, arg);
    return KL_EINVAL;
}

static int query_time(struct http_req *req, const char *name, int64_t *out)
{
    const char *v = http_query(req, name);
    *out = 0;
    if (!v)
        return 0;
    struct day d;
    if (!day_parse(v, &d)) {
        *out = time_day_start(req->who->tz, d);
        return 0;
    }
    if (time_parse_iso(v, out))
        return bad(req, name, "err.datetime", NULL);
    return 0;
}

/* ---- activities ---- */

int api_activities_create(struct http_req *req, struct http_resp *resp)
{
    json_t *body;
    struct activity x;
    struct kl_error err = {0};
    int rc = api_body_object(req, &body);
    if (rc)
        return rc;
    rc = activities_log(req->db, &req->arena, req->who, body, &x, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    api_etag(req, resp, x.version);
    resp_json(resp, 201, activity_to_json(&x));
    return 0;
}

int api_activities_list(struct http_req *req, struct http_resp *resp)
{
    struct activity_filter f = {0};
    struct activity *items;
    struct kl_error err = {0};
    int limit, n = 0, rc;
    if ((rc = api_paging(req, &limit, &f.before_id)) ||
        (rc = api_query_id(req, "client_id", &f.client_id)) ||
        (rc = api_query_id(req, "user_id", &f.user_id)) ||
        (rc = query_time(req, "from", &f.from)) || (rc = query_time(req, "to", &f.to)))
        return rc;
    if ((rc = activities_list(req->db, &req->arena, req->who, &f, limit + 1, &items, &n, &err)))
        return api_fail(req, rc, &err);
    json_t *arr = json_array();
    for (int i = 0; i < n && i < limit; i++)
        json_array_append_new(arr, activity_to_json(&items[i]));
    api_list(resp, arr, n > limit ? api_cursor(req, items[limit - 1].id) : NULL);
    return 0;
}

int api_activities_patch(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    json_t *body;
    struct activity x;
    struct kl_error err = {0};
    int rc = api_patch_input(req, &id, &body, &version);
    if (rc)
        return rc;
    rc = activities_update(req->db, &req->arena, req->who, id, version, body, &x, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    api_etag(req, resp, x.version);
    resp_json(resp, 200, activity_to_json(&x));
    return 0;
}

/* ---- quotas, today, team ---- */

int api_quotas_progress(struct http_req *req, struct http_resp *resp)
{
    int64_t user_id;
    json_t *out;
    struct kl_error err = {0};
    int rc = api_query_id(req, "user_id", &user_id);
    if (rc)
        return rc;
    if ((rc = quotas_progress(req->db, &req->arena, req->who, user_id, http_query(req, "date"),
                              &out, &err)))
        return api_fail(req, rc, &err);
    resp_json(resp, 200, out);
    return 0;
}

int api_quotas_put(struct http_req *req, struct http_resp *resp)
{
    json_t *body, *out;
    struct kl_error err = {0};
    int rc = api_body_object(req, &body);
    if (rc)
        return rc;
    rc = quotas_set(req->db, &req->arena, req->who, body, &out, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    resp_json(resp, 200, out);
    return 0;
}

int api_team_progress(struct http_req *req, struct http_resp *resp)
{
    json_t *out;
    struct kl_error err = {0};
    int rc = quotas_team(req->db, &req->arena, req->who, http_query(req, "date"), &out, &err);
    if (rc)
        return api_fail(req, rc, &err);
    api_list(resp, out, NULL);
    return 0;
}

int api_today(struct http_req *req, struct http_resp *resp)
{
    int64_t user_id;
    json_t *out;
    struct kl_error err = {0};
    int rc = api_query_id(req, "user_id", &user_id);
    if (rc)
        return rc;
    if ((rc = today_list(req->db, &req->arena, req->who, user_id, &out, &err)))
        return api_fail(req, rc, &err);
    json_object_set_new(out, "next_cursor", json_null());
    resp_json(resp, 200, out);
    return 0;
}

/* ---- tasks ---- */

int api_tasks_list(struct http_req *req, struct http_resp *resp)
{
    int64_t assignee;
    struct task *items;
    struct kl_error err = {0};
    int n = 0;
    int rc = api_query_id(req, "assignee_id", &assignee);
    if (rc)
        return rc;
    const char *status = http_query(req, "status"), *overdue = http_query(req, "overdue");
    if (overdue && strcmp(overdue, "0") && strcmp(overdue, "1"))
        return bad(req, "overdue", "err.query_param", NULL);
    if ((rc = tasks_list(req->db, &req->arena, req->who, assignee,
                         status && !strcmp(status, "all") ? NULL
                         : status                         ? status
                                                          : "open",
                         overdue && *overdue == '1', &items, &n, &err)))
        return api_fail(req, rc, &err);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, task_to_json(&items[i]));
    api_list(resp, arr, NULL);
    return 0;
}

int api_tasks_create(struct http_req *req, struct http_resp *resp)
{
    json_t *body;
    struct task t;
    struct kl_error err = {0};
    int rc = api_body_object(req, &body);
    if (rc)
        return rc;
    rc = tasks_create(req->db, &req->arena, req->who, body, &t, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    api_etag(req, resp, t.version);
    resp_json(resp, 201, task_to_json(&t));
    return 0;
}

int api_tasks_get(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct task t;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = tasks_get(req->db, &req->arena, req->who, id, &t, &err)))
        return api_fail(req, rc, &err);
    api_etag(req, resp, t.version);
    resp_json(resp, 200, task_to_json(&t));
    return 0;
}

int api_tasks_patch(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    json_t *body;
    struct task t;
    struct kl_error err = {0};
    int rc = api_patch_input(req, &id, &body, &version);
    if (rc)
        return rc;
    rc = tasks_update(req->db, &req->arena, req->who, id, version, body, &t, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    api_etag(req, resp, t.version);
    resp_json(resp, 200, task_to_json(&t));
    return 0;
}

/* ---- absences ---- */

int api_absences_list(struct http_req *req, struct http_resp *resp)
{
    int64_t user_id;
    struct absence *items;
    struct kl_error err = {0};
    int n = 0;
    int rc = api_query_id(req, "user_id", &user_id);
    if (rc)
        return rc;
    const char *active = http_query(req, "active");
    if (active && strcmp(active, "0") && strcmp(active, "1"))
        return bad(req, "active", "err.query_param", NULL);
    if ((rc = absences_list(req->db, &req->arena, req->who, user_id, active && *active == '1',
                            &items, &n, &err)))
        return api_fail(req, rc, &err);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, absence_to_json(&items[i]));
    api_list(resp, arr, NULL);
    return 0;
}

int api_absences_create(struct http_req *req, struct http_resp *resp)
{
    json_t *body;
    struct absence x;
    struct kl_error err = {0};
    int rc = api_body_object(req, &body);
    if (rc)
        return rc;
    rc = absences_create(req->db, &req->arena, req->who, body, &x, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    api_etag(req, resp, x.version);
    resp_json(resp, 201, absence_to_json(&x));
    return 0;
}

int api_absences_delete(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_if_match(req, &version)))
        return rc;
    if ((rc = absences_cancel(req->db, &req->arena, req->who, id, version, &err)))
        return api_fail(req, rc, &err);
    resp_empty(resp, 204);
    return 0;
}

/* ---- working calendar ---- */

int api_workdays_list(struct http_req *req, struct http_resp *resp)
{
    struct day from, to;
    const char *f = http_query(req, "from"), *t = http_query(req, "to");
    if (!f || day_parse(f, &from))
        return bad(req, "from", f ? "err.date" : "err.required", NULL);
    if (!t || day_parse(t, &to))
        return bad(req, "to", t ? "err.date" : "err.required", NULL);
    if (day_cmp(from, to) > 0 || day_cmp(day_add(from, 400), to) < 0)
        return bad(req, "to", "err.range", "from..from+400 days");
    json_t *out;
    if (workcal_list(req->db, &req->arena, from, to, &out))
        return api_fail(req, KL_EDB, NULL);
    api_list(resp, out, NULL);
    return 0;
}

int api_workdays_put(struct http_req *req, struct http_resp *resp)
{
    static const struct jfield fields[] = {{"working", J_BOOL}, {"note", J_STR_NULL}, {NULL, 0}};
    struct day d;
    json_t *body;
    struct kl_error err = {0};
    if (req->nparams < 1 || day_parse(req->params[0], &d))
        return bad(req, "day", "err.date", NULL);
    int rc = api_body(req, fields, &body);
    if (rc)
        return rc;
    if (!api_has(body, "working")) {
        json_decref(body);
        return bad(req, "working", "err.required", NULL);
    }
    const char *note = arena_strdup(&req->arena, api_str(body, "note"));
    int working = api_bool(body, "working");
    json_decref(body);
    if (note && (rc = validate_text("note", note, 1, 200, 0, &err)))
        return api_fail(req, rc, &err);
    if ((rc = workcal_set(req->db, req->who, d, working, note, &err)))
        return api_fail(req, rc, &err);
    json_t *out;
    if (workcal_list(req->db, &req->arena, d, d, &out))
        return api_fail(req, KL_EDB, NULL);
    resp_json(resp, 200, json_incref(json_array_get(out, 0)));
    json_decref(out);
    return 0;
}

int api_workdays_delete(struct http_req *req, struct http_resp *resp)
{
    struct day d;
    struct kl_error err = {0};
    if (req->nparams < 1 || day_parse(req->params[0], &d))
        return bad(req, "day", "err.date", NULL);
    int rc = workcal_clear(req->db, req->who, d, &err);
    if (rc)
        return api_fail(req, rc, &err);
    resp_empty(resp, 204);
    return 0;
}

/* ---- inbound reasons (R7: an editable list) ---- */

int api_reasons_list(struct http_req *req, struct http_resp *resp)
{
    struct db_stmt st;
    if (db_query(req->db, &st,
                 "SELECT code, name_en, name_lt, name_ru, active FROM activity_reasons ORDER BY "
                 "id",
                 ""))
        return api_fail(req, KL_EDB, NULL);
    json_t *arr = json_array();
    while (db_step(&st) == DB_ROW)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", db_text(&st, 0),
                                             "name_en", db_text(&st, 1), "name_lt", db_text(&st, 2),
                                             "name_ru", db_text(&st, 3), "active",
                                             (int)db_int64(&st, 4)));
    db_finish(&st);
    api_list(resp, arr, NULL);
    return 0;
}

int api_reasons_put(struct http_req *req, struct http_resp *resp)
{
    static const struct jfield fields[] = {
        {"name_en", J_STR}, {"name_lt", J_STR}, {"name_ru", J_STR}, {"active", J_BOOL}, {NULL, 0}};
    json_t *body;
    struct kl_error err = {0};
    const char *code = req->nparams ? req->params[0] : "";
    int rc;
    for (const char *p = code; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9')))
            return bad(req, "code", "err.reason_code", NULL);
    if (strlen(code) < 2 || strlen(code) > 40)
        return bad(req, "code", "err.reason_code", NULL);
    if ((rc = api_body(req, fields, &body)))
        return rc;
    const char *names[] = {"name_en", "name_lt", "name_ru"};
    for (int i = 0; i < 3; i++)
        if ((rc = validate_text(names[i], api_str(body, names[i]), 1, 100, 0, &err))) {
            json_decref(body);
            return api_fail(req, rc, &err);
        }
    int active = api_has(body, "active") ? api_bool(body, "active") : 1;
    if (db_begin(req->db)) {
        json_decref(body);
        return api_fail(req, KL_EDB, NULL);
    }
    rc = db_execf(req->db, NULL,
                  "INSERT INTO activity_reasons (code, name_en, name_lt, name_ru, active, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO "
                  "UPDATE SET name_en = excluded.name_en, name_lt = excluded.name_lt, name_ru = "
                  "excluded.name_ru, active = excluded.active, version = "
                  "activity_reasons.version + 1, updated_at = excluded.updated_at",
                  "ttttiii", code, api_str(body, "name_en"), api_str(body, "name_lt"),
                  api_str(body, "name_ru"), (int64_t)active, time_now(), time_now());
    json_object_set_new(body, "code", json_string(code));
    json_object_set_new(body, "active", json_boolean(active));
    if (!rc)
        rc = audit_record(req->db, req->who, "activity_reason", 0, "set", NULL, body);
    if (rc || db_commit(req->db)) {
        db_rollback(req->db);
        json_decref(body);
        return api_fail(req, KL_EDB, NULL);
    }
    resp_json(resp, 200, body);
    return 0;
}
