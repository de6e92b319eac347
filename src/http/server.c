/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * server.c - libmicrohttpd glue (http): the access handler, authentication and access
 * rules of the route table, request limits, responses, the access log and graceful
 * shutdown.
 *
 * libmicrohttpd calls the access handler several times per request: the first call only
 * creates the request (answering then makes it close the connection), the calls with
 * upload data collect the body (up to the route's limit, then discard and answer 413),
 * and the last call (no upload data) dispatches. The request lives until the completion
 * callback, which logs it and frees its arena.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http_internal.h"

#include "domain/auth.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "lib/timeutil.h"
#include "lib/xalloc.h"

/* ---- request and response helpers ---- */

const char *http_header(struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie(struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void resp_json(struct http_resp *resp, int status, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
    json_decref(j);
    buf_reset(&resp->body);
    if (s) {
        buf_puts(&resp->body, s);
        free(s);
    }
    resp->status = status;
    resp->content_type = "application/json";
}

void resp_text(struct http_resp *resp, int status, const char *content_type, const char *text,
               size_t len)
{
    buf_reset(&resp->body);
    buf_append(&resp->body, text, len);
    resp->status = status;
    resp->content_type = content_type;
}

void resp_empty(struct http_resp *resp, int status)
{
    buf_reset(&resp->body);
    resp->status = status;
    resp->content_type = NULL;
}

void resp_header(struct http_req *req, struct http_resp *resp, const char *name, const char *value)
{
    (void)req;
    if (resp->nheaders < (int)(sizeof(resp->headers) / sizeof(resp->headers[0])))
        resp->headers[resp->nheaders++] = (struct http_header){name, value};
}

/* ---- request lifecycle ---- */

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "unknown");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

static struct http_req *req_new(struct server *srv, struct MHD_Connection *c, const char *url,
                                const char *method)
{
    struct http_req *req = xcalloc(1, sizeof(*req));
    arena_init(&req->arena);
    buf_init(&req->body);
    req->srv = srv;
    req->conn = c;
    req->t0 = time_mono();
    req->method = arena_strdup(&req->arena, method);
    req->path = arena_strdup(&req->arena, url);
    req->route_index = (int)srv->nroutes + 1; /* unmatched until routed */
    secret_hex8(req->request_id);
    client_addr(c, req->addr, sizeof(req->addr));
    const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    req->lang = i18n_lang_from_accept(al);
    atomic_fetch_add(&srv->in_flight, 1);

    int allowed = 0;
    int idx = router_match(srv->routes, srv->nroutes, method, url, req->params, &req->nparams,
                           &req->arena, &allowed);
    if (idx >= 0) {
        req->route = &srv->routes[idx];
        req->route_index = idx;
    }
    req->max_body = req->route && req->route->max_body ? req->route->max_body : HTTP_MAX_BODY;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
        req->declared_body = strtoull(cl, NULL, 10);
        if (req->declared_body > req->max_body)
            req->body_too_big = 1;
    }
    return req;
}

static void req_free(struct http_req *req)
{
    json_decref(req->problem_extra);
    buf_release(&req->body);
    arena_release(&req->arena);
    free(req);
}

static int is_unsafe(const char *method)
{
    return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

static int fail(struct http_req *req, int code, const char *field, const char *key, const char *arg)
{
    kl_error_set(&req->err, code, field, key, arg);
    return code;
}

/* Resolve who is calling: a bearer token, else a session cookie. */
static int authenticate(struct http_req *req)
{
    const char *authz = http_header(req, "Authorization");
    int rc = KL_EAUTH;
    if (authz && !strncasecmp(authz, "Bearer ", 7)) {
        rc = auth_bearer(req->db, &req->arena, authz + 7, &req->who_storage);
    } else {
        const char *cookie = http_cookie(req, "kl_session");
        if (cookie)
            rc = auth_session(req->db, &req->arena, cookie, &req->who_storage);
    }
    if (rc == 0) {
        req->who = &req->who_storage;
        req->who->request_id = req->request_id;
        req->lang = req->who->lang;
    }
    return rc == KL_EAUTH ? 0 : rc;
}

/* The body's media type (parameters aside) must be one the route takes: JSON unless the
 * route names others. */
static int content_type_ok(struct http_req *req)
{
    const char *ct = http_header(req, "Content-Type");
    const char *allowed = req->route->content_type ? req->route->content_type : "application/json";
    if (!ct)
        return 0;
    size_t len = strcspn(ct, ";");
    while (len && ct[len - 1] == ' ')
        len--;
    for (const char *p = allowed; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && !strncasecmp(ct, p, n))
            return 1;
        p += n + (p[n] == ',');
    }
    return 0;
}

static int dispatch_api(struct http_req *req, struct http_resp *resp)
{
    struct server *srv = req->srv;
    int rc;

    if (!req->route) {
        int allowed = 0;
        router_match(srv->routes, srv->nroutes, req->method, req->path, NULL, NULL, &req->arena,
                     &allowed);
        if (allowed) {
            char methods[128];
            router_allowed(srv->routes, srv->nroutes, req->path, &req->arena, methods,
                           sizeof(methods));
            resp_header(req, resp, "Allow", arena_strdup(&req->arena, methods));
            return fail(req, KL_EMETHOD, NULL, "err.method_not_allowed", req->method);
        }
        return fail(req, KL_ENOTFOUND, NULL, "err.route_not_found", req->path);
    }
    if (req->body_too_big)
        return fail(req, KL_ETOOBIG, NULL, "err.body_too_large",
                    arena_printf(&req->arena, "%zu", req->max_body));
    if (atomic_load(&srv->stopping))
        return fail(req, KL_EBUSY, NULL, "err.shutting_down", NULL);

    /* Liveness and metrics answer without the database: a database outage must not make
     * the server look dead, and they need no principal. */
    if (!strcmp(req->route->pattern, "/healthz") || !strcmp(req->route->pattern, "/metrics"))
        return req->route->handler(req, resp);

    struct kl_error err = {0};
    req->db = db_pool_get(srv->pool, &err);
    if (!req->db)
        return fail(req, KL_EBUSY, NULL, "err.db", req->request_id);
    /* A reading request reads one snapshot under one set of locks (SQLite); anything that
     * writes begins its own transaction, which ends this one first. */
    if (!is_unsafe(req->method))
        db_read_begin(req->db);
    if ((rc = authenticate(req)))
        return fail(req, KL_EDB, NULL, "err.db", req->request_id);

    int roles = req->route->roles;
    if (roles) {
        if (!req->who)
            return fail(req, KL_EAUTH, NULL, "err.unauthorized", NULL);
        if (!(req->who->role & roles))
            return fail(req, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
        /* Cookie sessions must prove the page is ours on every unsafe method. */
        if (req->who->session_id && is_unsafe(req->method)) {
            const char *csrf = http_header(req, "X-CSRF-Token");
            if (!csrf || !req->who->csrf_token || !secret_equal(csrf, req->who->csrf_token))
                return fail(req, KL_EFORBIDDEN, "X-CSRF-Token", "err.csrf", NULL);
        }
    }
    if (req->body.len && !content_type_ok(req))
        return req->route->content_type
                   ? fail(req, KL_EMEDIA, "Content-Type", "err.media_type_is",
                          req->route->content_type)
                   : fail(req, KL_EMEDIA, "Content-Type", "err.media_type", NULL);
    return req->route->handler(req, resp);
}

static struct MHD_Response *make_response(struct http_req *req, struct http_resp *resp)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        resp->body.len, resp->body.data ? resp->body.data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (resp->content_type)
        MHD_add_response_header(r, "Content-Type", resp->content_type);
    int own_cache = 0;
    for (int i = 0; i < resp->nheaders; i++)
        own_cache |= !strcasecmp(resp->headers[i].name, "Cache-Control");
    if (!own_cache)
        MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    (void)req;
    return r;
}

static int is_api_path(const char *path)
{
    return !strncmp(path, "/api/", 5) || !strcmp(path, "/api") || !strcmp(path, "/healthz") ||
           !strcmp(path, "/metrics");
}

static enum MHD_Result respond(struct http_req *req)
{
    struct http_resp resp = {.status = 200};
    struct MHD_Response *r = NULL;
    int status = 0;

    buf_init(&resp.body);
    req->responded = 1;
    if (strlen(req->path) > HTTP_MAX_URL) {
        fail(req, KL_EURI, NULL, "err.uri_too_long", NULL);
        http_problem(req, &resp, KL_EURI);
    } else if (is_api_path(req->path) || req->route) {
        int rc = dispatch_api(req, &resp);
        if (rc)
            http_problem(req, &resp, rc);
        if (req->db)
            db_rollback(req->db); /* a handler never leaves a transaction open; the read one ends */
    } else if ((!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")) &&
               static_serve(req->srv, req, &r, &status) == 0) {
        req->route_index = (int)req->srv->nroutes; /* "static" */
    } else {
        fail(req, KL_ENOTFOUND, NULL, "err.route_not_found", req->path);
        http_problem(req, &resp, KL_ENOTFOUND);
    }
    if (!r) {
        r = make_response(req, &resp);
        status = resp.status;
    }
    MHD_add_response_header(r, "X-Request-Id", req->request_id);
    enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)status, r);
    MHD_destroy_response(r);
    buf_release(&resp.body);
    req->status = status;
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *srv = cls;
    struct http_req *req = *con_cls;
    (void)version;

    if (!req) {
        req = req_new(srv, c, url, method);
        *con_cls = req;
        /* A declared body far over the limit is refused at once (the connection then
         * closes); a moderately large one is read and dropped, so that ordinary clients,
         * which send the whole body before reading, get the 413 answer. */
        if (req->declared_body > HTTP_DRAIN_LIMIT)
            return respond(req);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!req->body_too_big && req->body.len + *upload_data_size > req->max_body) {
            req->body_too_big = 1;
            buf_release(&req->body);
        }
        if (!req->body_too_big)
            buf_append(&req->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->responded)
        return MHD_YES;
    return respond(req);
}

/* The path as the access log shows it: secret capability paths (calendar feeds) are
 * not written to logs. */
static const char *log_path(const char *path)
{
    return !strncmp(path, "/calendar/", 10) ? "/calendar/***" : path;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;
    struct http_req *req = *con_cls;
    (void)c;
    if (!req)
        return;
    double secs = time_mono() - req->t0;
    int status = req->responded ? req->status : 0;
    metrics_observe(srv, req->route_index, status, secs);
    log_kv(LOG_INFO, "request", "request_id", 's', req->request_id, "method", 's', req->method,
           "path", 's', log_path(req->path), "route", 's', req->route ? req->route->pattern : NULL,
           "status", 'i', (long long)status, "ms", 'd', secs * 1000.0, "user_id", 'i',
           (long long)(req->who ? req->who->user_id : 0), "addr", 's', req->addr, "completed", 'i',
           (long long)(toe == MHD_REQUEST_TERMINATED_COMPLETED_OK), NULL);
    atomic_fetch_sub(&srv->in_flight, 1);
    req_free(req);
    *con_cls = NULL;
}

/* ---- lifecycle ---- */

static int parse_listen(const char *listen, struct sockaddr_in *sa, struct kl_error *err)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    if (!colon || (size_t)(colon - listen) >= sizeof(host))
        return kl_error_set(err, KL_EINVAL, "listen", "err.query_param", NULL);
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || !*host ||
        inet_pton(AF_INET, !strcmp(host, "localhost") ? "127.0.0.1" : host, &sa->sin_addr) != 1)
        return kl_error_set(err, KL_EINVAL, "listen", "err.query_param", NULL);
    sa->sin_port = htons((uint16_t)port);
    return 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_kv(LOG_WARN, "libmicrohttpd", "detail", 's', msg, NULL);
}

struct server *server_new(const struct server_config *cfg, const struct route *routes,
                          size_t nroutes, struct kl_error *err)
{
    struct sockaddr_in sa;
    if (parse_listen(cfg->listen, &sa, err))
        return NULL;
    struct server *srv = xcalloc(1, sizeof(*srv));
    srv->routes = routes;
    srv->nroutes = nroutes;
    srv->web_root = cfg->web_root && *cfg->web_root ? xstrdup(cfg->web_root) : NULL;
    srv->listen = xstrdup(cfg->listen);
    srv->threads = cfg->threads > 0 ? cfg->threads : 4;
    srv->metrics = xcalloc(nroutes + 2, sizeof(*srv->metrics));
    srv->pool = db_pool_new(cfg->db_url);

    srv->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL,
        NULL, &on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, &mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->threads,
        MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(cfg->connection_timeout > 0 ? cfg->connection_timeout : 30),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED, &on_completed, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        kl_error_setf(err, KL_EIO, "listen", "err.listen", "%s (%s)", cfg->listen, strerror(errno));
        server_free(srv);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : ntohs(sa.sin_port);
    return srv;
}

int server_port(const struct server *srv)
{
    return srv->port;
}

int server_run(struct server *srv)
{
    sigset_t set;
    int sig = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    /* Signals were blocked in every thread before the daemon started (see cmd_serve). */
    log_kv(LOG_INFO, "serving", "listen", 's', srv->listen, "port", 'i', (long long)srv->port,
           "threads", 'i', (long long)srv->threads, "db", 's', db_pool_url(srv->pool), NULL);
    while (sigwait(&set, &sig) != 0)
        ;
    log_kv(LOG_INFO, "shutting down", "signal", 'i', (long long)sig, NULL);
    atomic_store(&srv->stopping, 1);
    /* No MHD_quiesce_daemon: with the epoll thread pool of libmicrohttpd 0.9.75 it races
     * with the workers ("Failed to remove listen FD from epoll set" and an abort). Requests
     * that arrive from now on are answered 503 (see dispatch_api) while those in flight
     * finish. */
    /* Let requests in flight finish (up to 10 s), then stop the workers. */
    /* Wait (up to 10 s) until no request has been in flight for 300 ms: a request whose
     * bytes were already on their way when the signal came still gets its answer (a 503
     * when it had not started), instead of a closed connection. */
    for (int i = 0, quiet = 0; i < 1000 && quiet < 30; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        quiet = atomic_load(&srv->in_flight) > 0 ? 0 : quiet + 1;
    }
    MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    db_pool_free(srv->pool); /* closes every connection; SQLite checkpoints the WAL */
    srv->pool = NULL;
    log_kv(LOG_INFO, "stopped", NULL);
    return 0;
}

void server_free(struct server *srv)
{
    if (!srv)
        return;
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    db_pool_free(srv->pool);
    free(srv->metrics);
    free(srv->web_root);
    free(srv->listen);
    free(srv);
}
