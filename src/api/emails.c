/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * emails.c - e-mail, the outbox, background jobs and greetings (api):
 *   POST /api/v1/emails                    queue a message (and log its activity)
 *   GET  /api/v1/outbox, /api/v1/outbox/{id}, POST /api/v1/outbox/{id}/retry   (admins)
 *   GET  /api/v1/jobs                      the jobs and their recent runs (admins)
 *   GET  /api/v1/greeting-templates[/{id}], PATCH /api/v1/greeting-templates/{id}
 *   GET  /api/v1/greetings/preview?contact_id=&kind=birthday|holiday[&holiday_id=]
 *   GET, PUT /api/v1/me/digest             the caller's morning digest e-mail
 */
#include <string.h>

#include "api.h"

#include "domain/greetings.h"
#include "domain/outbox.h"

static const struct jfield email_fields[] = {
    {"to", J_STR},
    {"subject", J_STR},
    {"body", J_STR},
    {"client_id", J_ID_NULL},
    {"contact_id", J_ID_NULL},
    {"kind", J_STR_NULL},
    {NULL, 0},
};

int api_emails_send(struct http_req *req, struct http_resp *resp)
{
    json_t *body;
    struct outbox_row r;
    struct kl_error err = {0};
    int rc = api_body(req, email_fields, &body);
    if (rc)
        return rc;
    json_t *jb = json_object_get(body, "body");
    struct outbox_input in = {
        .to = api_str(body, "to"),
        .subject = api_str(body, "subject"),
        .body = json_string_value(jb),
        .body_len = json_string_length(jb),
        .kind = api_str(body, "kind"),
        .client_id = api_id(body, "client_id"),
        .contact_id = api_id(body, "contact_id"),
    };
    rc = outbox_send(req->db, &req->arena, req->who, &in, &r, &err);
    if (!rc) {
        resp_header(req, resp, "Location",
                    arena_printf(&req->arena, "/api/v1/outbox/%lld", (long long)r.id));
        resp_json(resp, 201, outbox_to_json(&r, 0));
    }
    json_decref(body);
    return rc ? api_fail(req, rc, &err) : 0;
}

int api_outbox_list(struct http_req *req, struct http_resp *resp)
{
    struct outbox_row *rows;
    struct kl_error err = {0};
    int limit, n = 0;
    int64_t before;
    int rc = api_paging(req, &limit, &before);
    if (rc)
        return rc;
    rc = outbox_list(req->db, &req->arena, req->who, http_query(req, "status"), before, limit + 1,
                     &rows, &n, &err);
    if (rc)
        return api_fail(req, rc, &err);
    json_t *items = json_array();
    for (int i = 0; i < n && i < limit; i++)
        json_array_append_new(items, outbox_to_json(&rows[i], 0));
    api_list(resp, items, n > limit ? api_cursor(req, rows[limit - 1].id) : NULL);
    return 0;
}

int api_outbox_get(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct outbox_row r;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = outbox_get(req->db, &req->arena, req->who, id, &r, &err)))
        return api_fail(req, rc, &err);
    api_etag(req, resp, r.version);
    resp_json(resp, 200, outbox_to_json(&r, 1));
    return 0;
}

int api_outbox_retry(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct outbox_row r;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = outbox_retry(req->db, &req->arena, req->who, id, &r, &err)))
        return api_fail(req, rc, &err);
    api_etag(req, resp, r.version);
    resp_json(resp, 200, outbox_to_json(&r, 0));
    return 0;
}

int api_jobs_list(struct http_req *req, struct http_resp *resp)
{
    json_t *items;
    struct kl_error err = {0};
    int rc = outbox_jobs_json(req->db, &req->arena, req->who, &items, &err);
    if (rc)
        return api_fail(req, rc, &err);
    api_list(resp, items, NULL);
    return 0;
}

int api_greeting_templates_list(struct http_req *req, struct http_resp *resp)
{
    struct greeting_template *t;
    struct kl_error err = {0};
    int n = 0;
    int rc = greetings_templates_list(req->db, &req->arena, req->who, &t, &n, &err);
    if (rc)
        return api_fail(req, rc, &err);
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, greetings_template_to_json(&t[i]));
    api_list(resp, items, NULL);
    return 0;
}

int api_greeting_templates_get(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct greeting_template t;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = greetings_template_get(req->db, &req->arena, req->who, id, &t, &err)))
        return api_fail(req, rc, &err);
    api_etag(req, resp, t.version);
    resp_json(resp, 200, greetings_template_to_json(&t));
    return 0;
}

int api_greeting_templates_patch(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    json_t *body;
    struct greeting_template t;
    struct kl_error err = {0};
    int rc = api_patch_input(req, &id, &body, &version);
    if (rc)
        return rc;
    rc = greetings_template_update(req->db, &req->arena, req->who, id, version, body, &t, &err);
    json_decref(body);
    if (rc == KL_ESTALE) {
        struct greeting_template cur;
        api_fail(req, rc, &err);
        if (!greetings_template_get(req->db, &req->arena, req->who, id, &cur, NULL))
            req->problem_extra = json_pack("{s:o}", "current", greetings_template_to_json(&cur));
        return rc;
    }
    if (rc)
        return api_fail(req, rc, &err);
    api_etag(req, resp, t.version);
    resp_json(resp, 200, greetings_template_to_json(&t));
    return 0;
}

int api_greetings_preview(struct http_req *req, struct http_resp *resp)
{
    int64_t contact_id, holiday_id;
    json_t *out;
    struct kl_error err = {0};
    int rc = api_query_id(req, "contact_id", &contact_id);
    if (rc || (rc = api_query_id(req, "holiday_id", &holiday_id)))
        return rc;
    rc = greetings_preview(req->db, &req->arena, req->who, contact_id, http_query(req, "kind"),
                           holiday_id, &out, &err);
    if (rc)
        return api_fail(req, rc, &err);
    resp_json(resp, 200, out);
    return 0;
}

int api_me_digest_get(struct http_req *req, struct http_resp *resp)
{
    json_t *out;
    struct kl_error err = {0};
    int rc = outbox_digest_get(req->db, &req->arena, req->who, &out, &err);
    if (rc)
        return api_fail(req, rc, &err);
    resp_json(resp, 200, out);
    return 0;
}

static const struct jfield digest_fields[] = {
    {"enabled", J_BOOL},
    {"email", J_STR_NULL},
    {NULL, 0},
};

int api_me_digest_put(struct http_req *req, struct http_resp *resp)
{
    json_t *body, *out;
    struct kl_error err = {0};
    int rc = api_body(req, digest_fields, &body);
    if (rc)
        return rc;
    if (!api_has(body, "enabled")) {
        json_decref(body);
        kl_error_set(&req->err, KL_EINVAL, "enabled", "err.required", NULL);
        return KL_EINVAL;
    }
    rc = outbox_digest_set(req->db, &req->arena, req->who, api_bool(body, "enabled"),
                           api_has(body, "email"), api_str(body, "email"), &out, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    resp_json(resp, 200, out);
    return 0;
}
