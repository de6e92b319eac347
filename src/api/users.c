/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* users.c - /api/v1/users and /api/v1/departments (api). */
#include "api.h"

#include "domain/users.h"

static const struct jfield user_fields[] = {
    {"login", J_STR},        {"name", J_STR}, {"role", J_STR}, {"department_id", J_ID_NULL},
    {"password", J_STR},     {"lang", J_STR}, {"tz", J_STR},   {"active", J_BOOL},
    {"segment", J_STR_NULL}, {NULL, 0},
};

static void user_input_from(json_t *b, struct user_input *in)
{
    in->login = api_str(b, "login");
    in->name = api_str(b, "name");
    in->role = api_str(b, "role");
    in->password = api_str(b, "password");
    in->lang = api_str(b, "lang");
    in->tz = api_str(b, "tz");
    in->has_segment = api_has(b, "segment");
    in->segment = api_str(b, "segment");
    in->has_department = api_has(b, "department_id");
    in->department_id = api_id(b, "department_id");
    in->has_active = api_has(b, "active");
    in->active = api_bool(b, "active");
}

/* A 412 carries the entity as it is now, so the client can show what changed. */
static int stale_user(struct http_req *req, struct kl_error *err, int64_t id)
{
    struct user cur;
    struct kl_error ignore;
    api_fail(req, KL_ESTALE, err);
    if (!users_get(req->db, &req->arena, req->who, id, &cur, &ignore))
        req->problem_extra = json_pack("{s:o}", "current", user_to_json(&cur));
    return KL_ESTALE;
}

int api_users_list(struct http_req *req, struct http_resp *resp)
{
    int limit;
    int64_t after;
    struct user *items;
    int n;
    struct kl_error err = {0};
    int rc = api_paging(req, &limit, &after);
    if (rc)
        return rc;
    if ((rc = users_list(req->db, &req->arena, req->who, after, limit + 1, &items, &n, &err)))
        return api_fail(req, rc, &err);
    json_t *arr = json_array();
    for (int i = 0; i < n && i < limit; i++)
        json_array_append_new(arr, user_to_json(&items[i]));
    api_list(resp, arr, n > limit ? api_cursor(req, items[limit - 1].id) : NULL);
    return 0;
}

int api_users_create(struct http_req *req, struct http_resp *resp)
{
    json_t *body;
    struct user_input in = {0};
    struct user u;
    struct kl_error err = {0};
    int rc = api_body(req, user_fields, &body);
    if (rc)
        return rc;
    user_input_from(body, &in);
    rc = users_create(req->db, &req->arena, req->who, &in, &u, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    resp_header(req, resp, "Location",
                arena_printf(&req->arena, "/api/v1/users/%lld", (long long)u.id));
    api_etag(req, resp, u.version);
    resp_json(resp, 201, user_to_json(&u));
    return 0;
}

int api_users_get(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct user u;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = users_get(req->db, &req->arena, req->who, id, &u, &err)))
        return api_fail(req, rc, &err);
    api_etag(req, resp, u.version);
    resp_json(resp, 200, user_to_json(&u));
    return 0;
}

int api_users_patch(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    json_t *body;
    struct user_input in = {0};
    struct user u;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_body(req, user_fields, &body)))
        return rc;
    if ((rc = api_if_match(req, &version))) {
        json_decref(body);
        return rc;
    }
    user_input_from(body, &in);
    rc = users_update(req->db, &req->arena, req->who, id, version, &in, &u, &err);
    json_decref(body);
    if (rc == KL_ESTALE)
        return stale_user(req, &err, id);
    if (rc)
        return api_fail(req, rc, &err);
    api_etag(req, resp, u.version);
    resp_json(resp, 200, user_to_json(&u));
    return 0;
}

/* ---- departments ---- */

static const struct jfield department_fields[] = {
    {"name", J_STR}, {"head_id", J_ID_NULL}, {NULL, 0}};

static void department_input_from(json_t *b, struct department_input *in)
{
    in->name = api_str(b, "name");
    in->has_head = api_has(b, "head_id");
    in->head_id = api_id(b, "head_id");
}

int api_departments_list(struct http_req *req, struct http_resp *resp)
{
    int limit;
    int64_t after;
    struct department *items;
    int n;
    struct kl_error err = {0};
    int rc = api_paging(req, &limit, &after);
    if (rc)
        return rc;
    if ((rc = departments_list(req->db, &req->arena, req->who, after, limit + 1, &items, &n, &err)))
        return api_fail(req, rc, &err);
    json_t *arr = json_array();
    for (int i = 0; i < n && i < limit; i++)
        json_array_append_new(arr, department_to_json(&items[i]));
    api_list(resp, arr, n > limit ? api_cursor(req, items[limit - 1].id) : NULL);
    return 0;
}

int api_departments_create(struct http_req *req, struct http_resp *resp)
{
    json_t *body;
    struct department_input in = {0};
    struct department d;
    struct kl_error err = {0};
    int rc = api_body(req, department_fields, &body);
    if (rc)
        return rc;
    department_input_from(body, &in);
    rc = departments_create(req->db, &req->arena, req->who, &in, &d, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    resp_header(req, resp, "Location",
                arena_printf(&req->arena, "/api/v1/departments/%lld", (long long)d.id));
    api_etag(req, resp, d.version);
    resp_json(resp, 201, department_to_json(&d));
    return 0;
}

int api_departments_get(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct department d;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = departments_get(req->db, &req->arena, req->who, id, &d, &err)))
        return api_fail(req, rc, &err);
    api_etag(req, resp, d.version);
    resp_json(resp, 200, department_to_json(&d));
    return 0;
}

int api_departments_patch(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    json_t *body;
    struct department_input in = {0};
    struct department d;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_body(req, department_fields, &body)))
        return rc;
    if ((rc = api_if_match(req, &version))) {
        json_decref(body);
        return rc;
    }
    department_input_from(body, &in);
    rc = departments_update(req->db, &req->arena, req->who, id, version, &in, &d, &err);
    json_decref(body);
    if (rc == KL_ESTALE && !departments_get(req->db, &req->arena, req->who, id, &d, NULL))
        req->problem_extra = json_pack("{s:o}", "current", department_to_json(&d));
    if (rc)
        return api_fail(req, rc, &err);
    api_etag(req, resp, d.version);
    resp_json(resp, 200, department_to_json(&d));
    return 0;
}

int api_departments_delete(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_if_match(req, &version)))
        return rc;
    if ((rc = departments_delete(req->db, &req->arena, req->who, id, version, &err))) {
        struct department d;
        if (rc == KL_ESTALE && !departments_get(req->db, &req->arena, req->who, id, &d, NULL))
            req->problem_extra = json_pack("{s:o}", "current", department_to_json(&d));
        return api_fail(req, rc, &err);
    }
    resp_empty(resp, 204);
    return 0;
}
