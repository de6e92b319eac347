/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* http_internal.h - what the files of the http layer share and nothing else sees (http). */
#ifndef KL_HTTP_INTERNAL_H
#define KL_HTTP_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "http.h"

#define METRIC_STATUSES 20
#define METRIC_BUCKETS  12

struct route_metrics {
    atomic_ullong by_status[METRIC_STATUSES];
    atomic_ullong buckets[METRIC_BUCKETS]; /* cumulative at render time */
    atomic_ullong count;
    atomic_ullong sum_us;
};

struct server {
    struct MHD_Daemon *daemon;
    struct db_pool *pool;
    const struct route *routes;
    size_t nroutes;
    char *web_root;
    char *listen;
    int port;
    int threads;
    atomic_int in_flight;
    atomic_int stopping;
    /* metrics: one row per route, then one for static files and one for unmatched */
    struct route_metrics *metrics;
};

int static_serve(struct server *srv, struct http_req *req, struct MHD_Response **out, int *status);
void metrics_observe(struct server *srv, int route_index, int status, double seconds);

#endif
