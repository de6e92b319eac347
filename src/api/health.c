/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* health.c - GET /healthz and GET /metrics (api). Neither touches the database. */
#include "api.h"

int api_health_get(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    resp_json(resp, 200, json_pack("{s:s}", "status", "ok"));
    return 0;
}

int api_metrics_get(struct http_req *req, struct http_resp *resp)
{
    struct buf b = BUF_INIT;
    metrics_render(req->srv, &b);
    resp_text(resp, 200, "text/plain; version=0.0.4; charset=utf-8", b.data ? b.data : "", b.len);
    buf_release(&b);
    return 0;
}
