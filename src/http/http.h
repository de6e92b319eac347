/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * http.h - the HTTP layer over libmicrohttpd (http): requests, responses, the route table
 * and the server.
 *
 * A route names a method, a path pattern ("/api/v1/users/{id}": a {name} segment matches
 * one non-empty path segment), a handler, the roles allowed (0 = public, no sign-in) and
 * an optional body limit. The server resolves the principal (cookie session or bearer
 * token), enforces the route's roles (401/403), the CSRF token on unsafe methods of
 * cookie sessions (403), the body limit (413) and the JSON content type (415) before the
 * handler runs. A handler returns 0 after filling the response, or a negative kl_err with
 * req->err filled: the server renders it as RFC 9457 problem+json in the caller's language.
 */
#ifndef KL_HTTP_H
#define KL_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "store/db.h"

#define HTTP_MAX_BODY   (1024 * 1024)
#define HTTP_MAX_URL    8192
#define HTTP_MAX_PARAMS 4
/* Bodies declared larger than the route allows are still read (and dropped) up to this
 * size, so the client hears the 413; beyond it the connection is closed after the answer. */
#define HTTP_DRAIN_LIMIT (64ull * 1024 * 1024)

struct http_req;
struct http_resp;
struct server;

typedef int (*route_fn)(struct http_req *req, struct http_resp *resp);

struct route {
    const char *method;
    const char *pattern;
    route_fn handler;
    int roles;       /* bit set of enum role; 0 = public */
    size_t max_body; /* 0 = HTTP_MAX_BODY */
    const char *summary;
    /* The media types a body may have, comma-separated ("text/csv,text/plain"); NULL:
     * application/json only. */
    const char *content_type;
};
/* Route tables are written positionally and leave out the trailing content_type when it
 * is NULL: such an initializer is complete by design, not by mistake. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct http_req {
    struct arena arena;
    struct server *srv;
    void *conn; /* struct MHD_Connection * */
    const char *method;
    const char *path;
    const struct route *route;
    int route_index;
    const char *params[HTTP_MAX_PARAMS];
    int nparams;
    struct buf body;
    size_t max_body;
    unsigned long long declared_body; /* Content-Length, 0 when none */
    int body_too_big;
    int responded;
    int status; /* the status sent, for the access log and metrics */
    struct principal who_storage;
    struct principal *who; /* NULL when anonymous */
    struct db *db;
    char request_id[17];
    char addr[64];
    enum lang lang;
    struct kl_error err;
    json_t *problem_extra; /* members merged into a problem body (e.g. "current"), owned */
    double t0;
};

struct http_header {
    const char *name;
    const char *value;
};

struct http_resp {
    int status;
    const char *content_type;
    struct buf body;
    struct http_header headers[8];
    int nheaders;
};

/* Request accessors. */
const char *http_header(struct http_req *req, const char *name);
const char *http_query(struct http_req *req, const char *name);
const char *http_cookie(struct http_req *req, const char *name);

/* Response helpers. resp_json steals the reference to j. */
void resp_json(struct http_resp *resp, int status, json_t *j);
void resp_text(struct http_resp *resp, int status, const char *content_type, const char *text,
               size_t len);
void resp_empty(struct http_resp *resp, int status);
/* Add a header; name and value must live as long as the request (use the arena). */
void resp_header(struct http_req *req, struct http_resp *resp, const char *name, const char *value);

/* Map a kl_err code to an HTTP status. */
int http_status_of(int code);
/* Fill resp with the problem+json of req->err (code taken from err, or `code`). */
void http_problem(struct http_req *req, struct http_resp *resp, int code);

/* Router: find the route for method and path. Returns its index, or -1 with *allowed set
 * when the path exists for another method (405) or cleared when it does not exist (404). */
int router_match(const struct route *routes, size_t n, const char *method, const char *path,
                 const char **params, int *nparams, struct arena *a, int *allowed);

/* The methods the route table answers on path, as an Allow header value ("GET, HEAD, POST"). */
void router_allowed(const struct route *routes, size_t n, const char *path, struct arena *a,
                    char *out, size_t outsz);

/* Server configuration and lifecycle. */
struct server_config {
    const char *listen; /* "127.0.0.1:8080" */
    const char *db_url;
    const char *web_root; /* directory with index.html and assets/, or NULL */
    int threads;
    int connection_timeout;
};

struct server *server_new(const struct server_config *cfg, const struct route *routes,
                          size_t nroutes, struct kl_error *err);
/* Serve until SIGTERM or SIGINT; then stop accepting, finish in-flight requests and close
 * the database. 0 on a clean stop. */
int server_run(struct server *srv);
void server_free(struct server *srv);
/* The port actually bound (useful with port 0). */
int server_port(const struct server *srv);

/* Metrics (Prometheus text exposition) of a server. */
void metrics_render(struct server *srv, struct buf *out);

#endif
