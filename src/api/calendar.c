/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * calendar.c - the calendar feed (api): the caller's secret feed address and the feed.
 *
 *   GET  /api/v1/me/calendar        {"url", "created_at", "last_used_at"}; made on first call
 *   POST /api/v1/me/calendar/reset  revokes the address, answers a new one (same shape)
 *   GET  /calendar/{token}.ics      public: the token is the credential (a capability URL)
 *
 * The feed answers text/calendar; a token that is malformed, unknown, revoked or whose user
 * is deactivated gets the same 404, saying nothing more. The feed carries an ETag (a digest
 * of the text) and answers 304 to a matching If-None-Match, so calendars polling it cost
 * little.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

#include "domain/calfeed.h"
#include "lib/secret.h"
#include "lib/timeutil.h"

#define CALENDAR_DEFAULT_URL "http://127.0.0.1:8080"

static json_t *calendar_time(int64_t t)
{
    char iso[21];
    if (!t)
        return json_null();
    time_iso(t, iso);
    return json_string(iso);
}

static int calendar_answer(struct http_req *req, struct http_resp *resp, int reset)
{
    struct calfeed_token tok;
    struct kl_error err = {0};
    const char *base = api_settings.public_url && *api_settings.public_url ? api_settings.public_url
                                                                           : CALENDAR_DEFAULT_URL;
    int rc = calfeed_token_get(req->db, req->who, reset, &tok, &err);
    if (rc)
        return api_fail(req, rc, &err);
    resp_json(resp, 200,
              json_pack("{s:s, s:o, s:o}", "url", calfeed_url(&req->arena, base, tok.token),
                        "created_at", calendar_time(tok.created_at), "last_used_at",
                        calendar_time(tok.last_used_at)));
    return 0;
}

int api_me_calendar_get(struct http_req *req, struct http_resp *resp)
{
    return calendar_answer(req, resp, 0);
}

int api_me_calendar_reset(struct http_req *req, struct http_resp *resp)
{
    static const struct jfield none[] = {{NULL, 0}};
    /* No body, or an empty JSON object. */
    if (req->body.len) {
        json_t *body;
        int rc = api_body(req, none, &body);
        if (rc)
            return rc;
        json_decref(body);
    }
    return calendar_answer(req, resp, 1);
}

int api_calendar_feed(struct http_req *req, struct http_resp *resp)
{
    struct principal owner;
    struct calfeed feed;
    struct kl_error err = {0};
    char digest[SECRET_DIGEST_LEN + 1];
    int rc = calfeed_resolve(req->db, &req->arena, req->nparams ? req->params[0] : NULL, &owner);
    if (rc == KL_ENOTFOUND) {
        kl_error_set(&req->err, rc, NULL, "err.not_found", "calendar");
        return rc;
    }
    if (rc)
        return api_fail(req, KL_EDB, NULL);
    owner.request_id = req->request_id;
    if ((rc = calfeed_load(req->db, &req->arena, &owner, time_now(), &feed, &err)))
        return api_fail(req, rc, &err);
    buf_reset(&resp->body);
    if (calfeed_render(&feed, &resp->body))
        return api_fail(req, KL_EIO, NULL);
    resp->status = 200;
    resp->content_type = "text/calendar; charset=utf-8";

    secret_digest(resp->body.data, digest);
    const char *etag = arena_printf(&req->arena, "\"%.32s\"", digest);
    const char *inm = http_header(req, "If-None-Match");
    resp_header(req, resp, "ETag", etag);
    resp_header(req, resp, "Cache-Control", "private, max-age=300");
    resp_header(req, resp, "Content-Disposition", "inline; filename=\"klientas.ics\"");
    if (inm && (strstr(inm, etag) || !strcmp(inm, "*")))
        resp_empty(resp, 304);
    return 0;
}
