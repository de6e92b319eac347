/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* session.c - sign-in and sign-out, the caller's own account, API tokens (api). */
#include <string.h>

#include "domain/jsonout.h"
#include "api.h"

#include "domain/auth.h"
#include "domain/users.h"
#include "lib/timeutil.h"
#include "store/repo_auth.h"
#include "store/repo_department.h"

static const char *session_cookie(struct http_req *req, const char *token, long max_age)
{
    return arena_printf(&req->arena,
                        "kl_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s", token,
                        max_age, api_settings.cookie_secure ? "; Secure" : "");
}

int api_session_create(struct http_req *req, struct http_resp *resp)
{
    static const struct jfield fields[] = {{"login", J_STR}, {"password", J_STR}, {NULL, 0}};
    json_t *body;
    struct auth_session_out out;
    struct kl_error err = {0};
    int rc;

    if ((rc = api_body(req, fields, &body)))
        return rc;
    rc = auth_login(req->db, &req->arena, api_str(body, "login"), api_str(body, "password"),
                    req->addr, &out, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    int l = i18n_lang_parse(out.user.lang);
    if (l >= 0)
        req->lang = (enum lang)l;
    json_t *o = json_object();
    json_object_set_new(o, "user", user_to_json(&out.user));
    json_object_set_new(o, "csrf_token", json_string(out.csrf_token));
    resp_header(req, resp, "Set-Cookie",
                session_cookie(req, arena_strdup(&req->arena, out.token), AUTH_SESSION_IDLE));
    resp_json(resp, 200, o);
    return 0;
}

int api_session_delete(struct http_req *req, struct http_resp *resp)
{
    if (auth_logout(req->db, req->who))
        return api_fail(req, KL_EDB, NULL);
    resp_header(req, resp, "Set-Cookie", session_cookie(req, "", 0));
    resp_empty(resp, 204);
    return 0;
}

int api_me_get(struct http_req *req, struct http_resp *resp)
{
    struct user u;
    struct kl_error err = {0};
    int rc = users_get(req->db, &req->arena, req->who, req->who->user_id, &u, &err);
    if (rc)
        return api_fail(req, rc, &err);
    json_t *o = user_to_json(&u);
    /* The name of his own department, which only admins may otherwise read. */
    struct department d;
    if (u.department_id && !repo_department_get(req->db, &req->arena, u.department_id, &d))
        json_object_set_new(o, "department_name", json_string(d.name));
    if (req->who->csrf_token)
        json_object_set_new(o, "csrf_token", json_string(req->who->csrf_token));
    api_etag(req, resp, u.version);
    resp_json(resp, 200, o);
    return 0;
}

int api_me_patch(struct http_req *req, struct http_resp *resp)
{
    static const struct jfield fields[] = {
        {"name", J_STR}, {"lang", J_STR}, {"tz", J_STR}, {NULL, 0}};
    json_t *body;
    struct user u;
    struct kl_error err = {0};
    int rc = api_body(req, fields, &body);
    if (rc)
        return rc;
    struct user_input in = {
        .name = api_str(body, "name"), .lang = api_str(body, "lang"), .tz = api_str(body, "tz")};
    /* If-Match is optional here: when sent it is checked (412 when stale). */
    int64_t version = 0;
    if (http_header(req, "If-Match") && (rc = api_if_match(req, &version))) {
        json_decref(body);
        return rc;
    }
    rc = users_update_self(req->db, &req->arena, req->who, version, &in, &u, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    int l = i18n_lang_parse(u.lang);
    if (l >= 0)
        req->lang = (enum lang)l;
    api_etag(req, resp, u.version);
    resp_json(resp, 200, user_to_json(&u));
    return 0;
}

int api_me_password(struct http_req *req, struct http_resp *resp)
{
    static const struct jfield fields[] = {
        {"current_password", J_STR}, {"new_password", J_STR}, {NULL, 0}};
    json_t *body;
    struct kl_error err = {0};
    int rc = api_body(req, fields, &body);
    if (rc)
        return rc;
    rc = auth_change_password(req->db, &req->arena, req->who, api_str(body, "current_password"),
                              api_str(body, "new_password"), &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    resp_empty(resp, 204);
    return 0;
}

int api_tokens_list(struct http_req *req, struct http_resp *resp)
{
    struct token_info *items;
    int n;
    if (repo_token_list(req->db, &req->arena, req->who->user_id, &items, &n))
        return api_fail(req, KL_EDB, NULL);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer((json_int_t)items[i].id));
        json_object_set_new(o, "name", json_string(items[i].name));
        json_object_set_new(o, "created_at", json_time_or_null(items[i].created_at));
        json_object_set_new(o, "last_used_at", json_time_or_null(items[i].last_used_at));
        json_array_append_new(arr, o);
    }
    api_list(resp, arr, NULL);
    return 0;
}

int api_tokens_create(struct http_req *req, struct http_resp *resp)
{
    static const struct jfield fields[] = {{"name", J_STR}, {NULL, 0}};
    json_t *body;
    struct auth_token_out out;
    struct kl_error err = {0};
    int rc = api_body(req, fields, &body);
    if (rc)
        return rc;
    const char *name = arena_strdup(&req->arena, api_str(body, "name"));
    json_decref(body);
    if ((rc = auth_token_create(req->db, req->who, name, &out, &err)))
        return api_fail(req, rc, &err);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)out.id));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "token", json_string(out.token));
    json_object_set_new(o, "created_at", json_time_or_null(out.created_at));
    resp_json(resp, 201, o);
    return 0;
}

int api_tokens_delete(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = auth_token_revoke(req->db, req->who, id, &err)))
        return api_fail(req, rc, &err);
    resp_empty(resp, 204);
    return 0;
}
