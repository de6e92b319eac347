/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * metrics.c - request counters by route and status and a latency histogram per route, in
 * the Prometheus text format (http). Lock-free: relaxed atomic counters.
 */
#include <string.h>

#include "http_internal.h"

static const int statuses[METRIC_STATUSES] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409,
                                              412, 413, 414, 415, 428, 429, 431, 500, 503, 0};
static const double bounds[METRIC_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                              0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

static int status_index(int status)
{
    for (int i = 0; i < METRIC_STATUSES - 1; i++)
        if (statuses[i] == status)
            return i;
    return METRIC_STATUSES - 1; /* "other" */
}

void metrics_observe(struct server *srv, int route_index, int status, double seconds)
{
    struct route_metrics *m = &srv->metrics[route_index];
    atomic_fetch_add_explicit(&m->by_status[status_index(status)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_us, (unsigned long long)(seconds * 1e6),
                              memory_order_relaxed);
    for (int b = 0; b < METRIC_BUCKETS; b++) {
        if (seconds <= bounds[b]) {
            atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
            break;
        }
    }
}

static void route_label(struct server *srv, size_t i, const char **method, const char **path)
{
    if (i < srv->nroutes) {
        *method = srv->routes[i].method;
        *path = srv->routes[i].pattern;
    } else {
        *method = "GET";
        *path = i == srv->nroutes ? "static" : "unmatched";
    }
}

void metrics_render(struct server *srv, struct buf *out)
{
    size_t rows = srv->nroutes + 2;
    buf_puts(out, "# HELP klientas_http_requests_total HTTP requests by route and status.\n"
                  "# TYPE klientas_http_requests_total counter\n");
    for (size_t i = 0; i < rows; i++) {
        const char *method, *path;
        route_label(srv, i, &method, &path);
        for (int s = 0; s < METRIC_STATUSES; s++) {
            unsigned long long v =
                atomic_load_explicit(&srv->metrics[i].by_status[s], memory_order_relaxed);
            if (!v)
                continue;
            if (statuses[s])
                buf_printf(out,
                           "klientas_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"}"
                           " %llu\n",
                           method, path, statuses[s], v);
            else
                buf_printf(out,
                           "klientas_http_requests_total{method=\"%s\",route=\"%s\",status="
                           "\"other\"} %llu\n",
                           method, path, v);
        }
    }
    buf_puts(out, "# HELP klientas_http_request_duration_seconds Time to answer a request.\n"
                  "# TYPE klientas_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < rows; i++) {
        struct route_metrics *m = &srv->metrics[i];
        unsigned long long count = atomic_load_explicit(&m->count, memory_order_relaxed);
        if (!count)
            continue;
        const char *method, *path;
        route_label(srv, i, &method, &path);
        unsigned long long cum = 0;
        for (int b = 0; b < METRIC_BUCKETS; b++) {
            cum += atomic_load_explicit(&m->buckets[b], memory_order_relaxed);
            buf_printf(out,
                       "klientas_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                       "le=\"%g\"} %llu\n",
                       method, path, bounds[b], cum);
        }
        buf_printf(out,
                   "klientas_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                   "le=\"+Inf\"} %llu\n",
                   method, path, count);
        buf_printf(
            out, "klientas_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
            method, path, (double)atomic_load_explicit(&m->sum_us, memory_order_relaxed) / 1e6);
        buf_printf(out,
                   "klientas_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} "
                   "%llu\n",
                   method, path, count);
    }
    buf_printf(out,
               "# HELP klientas_http_in_flight Requests being answered now.\n"
               "# TYPE klientas_http_in_flight gauge\nklientas_http_in_flight %d\n",
               atomic_load(&srv->in_flight));
}
