/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_http.c - unit tests of the router, the status table and problem bodies (http). */
#include <jansson.h>

#include "test.h"

#include "api/api.h"
#include "http/http.h"

static int noop(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    (void)resp;
    return 0;
}

static const struct route table[] = {
    {"GET", "/api/v1/users", noop, 0, 0, NULL},
    {"POST", "/api/v1/users", noop, 0, 0, NULL},
    {"GET", "/api/v1/users/{id}", noop, 0, 0, NULL},
    {"PATCH", "/api/v1/users/{id}", noop, 0, 0, NULL},
    {"GET", "/api/v1/clients/{id}/contacts/{cid}", noop, 0, 0, NULL},
};
#define NT (sizeof(table) / sizeof(table[0]))

TEST(router_matches_methods_and_captures_params)
{
    struct arena a;
    const char *params[HTTP_MAX_PARAMS];
    int np = 0, allowed = 0;
    arena_init(&a);
    CHECK_INT(router_match(table, NT, "GET", "/api/v1/users", params, &np, &a, &allowed), 0);
    CHECK_INT(router_match(table, NT, "POST", "/api/v1/users", params, &np, &a, &allowed), 1);
    CHECK_INT(router_match(table, NT, "PATCH", "/api/v1/users/42", params, &np, &a, &allowed), 3);
    CHECK_INT(np, 1);
    CHECK_STR(params[0], "42");
    CHECK_INT(
        router_match(table, NT, "GET", "/api/v1/clients/7/contacts/9", params, &np, &a, &allowed),
        4);
    CHECK_INT(np, 2);
    CHECK_STR(params[1], "9");
    /* HEAD is answered by the GET route */
    CHECK_INT(router_match(table, NT, "HEAD", "/api/v1/users/1", params, &np, &a, &allowed), 2);
    arena_release(&a);
}

TEST(router_tells_404_from_405)
{
    struct arena a;
    int allowed = -1;
    arena_init(&a);
    CHECK_INT(router_match(table, NT, "DELETE", "/api/v1/users/1", NULL, NULL, &a, &allowed), -1);
    CHECK_INT(allowed, 1);
    CHECK_INT(router_match(table, NT, "GET", "/api/v1/nope", NULL, NULL, &a, &allowed), -1);
    CHECK_INT(allowed, 0);
    /* an empty segment does not match {id}; trailing slash is another path */
    CHECK_INT(router_match(table, NT, "GET", "/api/v1/users/", NULL, NULL, &a, &allowed), -1);
    CHECK_INT(router_match(table, NT, "GET", "/api/v1/users/1/x", NULL, NULL, &a, &allowed), -1);
    arena_release(&a);
}

TEST(every_error_code_has_its_status)
{
    CHECK_INT(http_status_of(KL_EINVAL), 400);
    CHECK_INT(http_status_of(KL_EAUTH), 401);
    CHECK_INT(http_status_of(KL_EFORBIDDEN), 403);
    CHECK_INT(http_status_of(KL_ENOTFOUND), 404);
    CHECK_INT(http_status_of(KL_EMETHOD), 405);
    CHECK_INT(http_status_of(KL_ECONFLICT), 409);
    CHECK_INT(http_status_of(KL_ESTALE), 412);
    CHECK_INT(http_status_of(KL_ETOOBIG), 413);
    CHECK_INT(http_status_of(KL_EMEDIA), 415);
    CHECK_INT(http_status_of(KL_EPRECOND), 428);
    CHECK_INT(http_status_of(KL_ETHROTTLE), 429);
    CHECK_INT(http_status_of(KL_EDB), 500);
    CHECK_INT(http_status_of(KL_EBUSY), 503);
}

static json_t *problem_of(struct http_req *req)
{
    struct http_resp resp = {0};
    buf_init(&resp.body);
    http_problem(req, &resp, req->err.code);
    json_t *j = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    CHECK_STR(resp.content_type, "application/problem+json");
    buf_release(&resp.body);
    return j;
}

TEST(problem_names_the_field_in_the_callers_language)
{
    struct http_req req = {0};
    arena_init(&req.arena);
    strcpy(req.request_id, "00112233aabbccdd");
    req.lang = LANG_LT;
    kl_error_set(&req.err, KL_EINVAL, "login", "err.required", NULL);
    json_t *p = problem_of(&req);
    CHECK_INT(json_integer_value(json_object_get(p, "status")), 400);
    CHECK_STR(json_string_value(json_object_get(p, "field")), "login");
    CHECK_STR(json_string_value(json_object_get(p, "detail")), "Laukas login privalomas");
    CHECK_STR(json_string_value(json_object_get(p, "title")), "Neteisinga užklausa");
    CHECK_STR(json_string_value(json_object_get(p, "request_id")), "00112233aabbccdd");
    CHECK_STR(json_string_value(json_object_get(p, "type")),
              "https://klientas.dev/problems/invalid");
    CHECK_INT(json_array_size(json_object_get(p, "errors")), 1);
    json_decref(p);
    arena_release(&req.arena);
}

TEST(internal_errors_do_not_leak_details)
{
    struct http_req req = {0};
    arena_init(&req.arena);
    strcpy(req.request_id, "feedfacefeedface");
    kl_error_set(&req.err, KL_EDB, NULL, "err.db", "UNIQUE constraint failed: users.login");
    json_t *p = problem_of(&req);
    const char *detail = json_string_value(json_object_get(p, "detail"));
    CHECK(detail && !strstr(detail, "UNIQUE") && strstr(detail, "feedfacefeedface"));
    CHECK_INT(json_integer_value(json_object_get(p, "status")), 500);
    json_decref(p);
    arena_release(&req.arena);
}

TEST(throttle_problem_carries_retry_after)
{
    struct http_req req = {0};
    struct http_resp resp = {0};
    arena_init(&req.arena);
    buf_init(&resp.body);
    kl_error_set(&req.err, KL_ETHROTTLE, NULL, "err.throttled", "120");
    req.err.retry_after = 120;
    http_problem(&req, &resp, KL_ETHROTTLE);
    CHECK_INT(resp.status, 429);
    int found = 0;
    for (int i = 0; i < resp.nheaders; i++)
        if (!strcmp(resp.headers[i].name, "Retry-After") && !strcmp(resp.headers[i].value, "120"))
            found = 1;
    CHECK(found);
    buf_release(&resp.body);
    arena_release(&req.arena);
}

TEST(route_table_rules_are_sane)
{
    /* Every route has a handler and a known method; only sign-in, health, metrics and the
     * calendar feed (its token is the credential) are public; user and department
     * administration is for admins alone. */
    int public_count = 0;
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct route *r = &api_routes[i];
        CHECK(r->handler != NULL);
        CHECK(!strcmp(r->method, "GET") || !strcmp(r->method, "POST") ||
              !strcmp(r->method, "PATCH") || !strcmp(r->method, "DELETE") ||
              !strcmp(r->method, "PUT"));
        if (!r->roles)
            public_count++;
        if (!strncmp(r->pattern, "/api/v1/users", 13) ||
            !strncmp(r->pattern, "/api/v1/departments", 19))
            CHECK_INT(r->roles, ROLE_ADMIN);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(api_routes[j].method, r->method) ||
                  strcmp(api_routes[j].pattern, r->pattern));
    }
    CHECK_INT(public_count, 4);
}
