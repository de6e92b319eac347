/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * problem.c - RFC 9457 problem+json bodies and the one table from kl_err to HTTP status
 * (http). The detail is rendered in the caller's language from the error's i18n key.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"

#include "lib/i18n.h"

int http_status_of(int code)
{
    switch (code) {
    case KL_EINVAL:
        return 400;
    case KL_EAUTH:
        return 401;
    case KL_EFORBIDDEN:
        return 403;
    case KL_ENOTFOUND:
        return 404;
    case KL_ECONFLICT:
        return 409;
    case KL_ESTALE:
        return 412;
    case KL_ETOOBIG:
        return 413;
    case KL_EMEDIA:
        return 415;
    case KL_EPRECOND:
        return 428;
    case KL_ETHROTTLE:
        return 429;
    case KL_EBUSY:
        return 503;
    case KL_EMETHOD:
        return 405;
    case KL_EURI:
        return 414;
    default:
        return 500;
    }
}

void http_problem(struct http_req *req, struct http_resp *resp, int code)
{
    struct kl_error *e = &req->err;
    if (!e->code)
        e->code = code;
    code = e->code;
    if (!e->key[0]) {
        /* A failure without details: say what we can, never leak internals. */
        snprintf(e->key, sizeof(e->key), "%s", code == KL_EDB ? "err.db" : "err.internal");
    }
    if ((!strcmp(e->key, "err.db") || !strcmp(e->key, "err.internal")))
        snprintf(e->arg, sizeof(e->arg), "%s", req->request_id);

    int status = http_status_of(code);
    char title_key[64], detail[512];
    snprintf(title_key, sizeof(title_key), "title.%s", kl_err_slug(code));
    i18n_format(req->lang, e->key, e->field, e->arg, detail, sizeof(detail));

    json_t *p = json_object();
    json_object_set_new(p, "type",
                        json_string_nocheck(arena_printf(
                            &req->arena, "https://klientas.dev/problems/%s", kl_err_slug(code))));
    json_object_set_new(p, "title", json_string(i18n_get(req->lang, title_key)));
    json_object_set_new(p, "status", json_integer(status));
    json_object_set_new(p, "detail", json_string(detail));
    json_object_set_new(p, "request_id", json_string(req->request_id));
    if (e->field[0]) {
        json_object_set_new(p, "field", json_string(e->field));
        json_t *errs = json_array();
        json_array_append_new(errs, json_pack("{s:s, s:s}", "field", e->field, "message", detail));
        json_object_set_new(p, "errors", errs);
    }
    if (e->ref_id && code == KL_ECONFLICT)
        json_object_set_new(p, "existing_id", json_integer((json_int_t)e->ref_id));
    if (code == KL_ETHROTTLE && e->retry_after > 0) {
        json_object_set_new(p, "retry_after", json_integer(e->retry_after));
        resp_header(req, resp, "Retry-After", arena_printf(&req->arena, "%d", e->retry_after));
    }
    if (req->problem_extra) {
        json_object_update(p, req->problem_extra);
        json_decref(req->problem_extra);
        req->problem_extra = NULL;
    }
    resp_json(resp, status, p);
    resp->content_type = "application/problem+json";
}
