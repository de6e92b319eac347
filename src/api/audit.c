/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* audit.c - GET /api/v1/audit: the audit trail, newest first (api). */
#include <stdlib.h>
#include <string.h>

#include "api.h"

#include "domain/audit.h"
#include "lib/timeutil.h"

static json_t *parsed_or_null(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_loads(s, 0, NULL);
    return j ? j : json_string(s);
}

int api_audit_list(struct http_req *req, struct http_resp *resp)
{
    int limit;
    int64_t before, entity_id;
    struct audit_entry *items;
    int n;
    struct kl_error err = {0};
    const char *entity = http_query(req, "entity");
    int rc = api_paging(req, &limit, &before);
    if (rc || (rc = api_query_id(req, "entity_id", &entity_id)))
        return rc;
    if (entity && (!*entity || strlen(entity) > 64)) {
        kl_error_set(&req->err, KL_EINVAL, "entity", "err.query_param", NULL);
        return KL_EINVAL;
    }
    rc = audit_list(req->db, &req->arena, req->who, entity, entity_id, before, limit + 1, &items,
                    &n, &err);
    if (rc)
        return api_fail(req, rc, &err);
    json_t *arr = json_array();
    for (int i = 0; i < n && i < limit; i++) {
        char iso[21];
        time_iso(items[i].at, iso);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer((json_int_t)items[i].id));
        json_object_set_new(o, "at", json_string(iso));
        json_object_set_new(o, "user_id",
                            items[i].user_id ? json_integer((json_int_t)items[i].user_id)
                                             : json_null());
        json_object_set_new(o, "entity", json_string(items[i].entity));
        json_object_set_new(o, "entity_id",
                            items[i].entity_id ? json_integer((json_int_t)items[i].entity_id)
                                               : json_null());
        json_object_set_new(o, "action", json_string(items[i].action));
        json_object_set_new(o, "before", parsed_or_null(items[i].before_json));
        json_object_set_new(o, "after", parsed_or_null(items[i].after_json));
        json_object_set_new(o, "request_id",
                            items[i].request_id ? json_string(items[i].request_id) : json_null());
        json_array_append_new(arr, o);
    }
    api_list(resp, arr, n > limit ? api_cursor(req, items[limit - 1].id) : NULL);
    return 0;
}
