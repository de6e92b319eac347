/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * api.h - the JSON API (api): the route table and the helpers every resource file uses
 * to decode and check the shape of a request and to encode the answer.
 *
 * Shape errors name the field: a body that is not JSON, not an object, has an unknown
 * field or a field of the wrong type is refused with 400 before the domain is called.
 */
#ifndef KL_API_H
#define KL_API_H

#include <jansson.h>
#include <stdint.h>

#include "http/http.h"

extern const struct route api_routes[];
extern const size_t api_routes_count;

enum jkind {
    J_STR,      /* string */
    J_STR_NULL, /* string or null */
    J_INT,      /* integer */
    J_ID_NULL,  /* positive integer or null */
    J_BOOL,     /* true or false */
};

struct jfield {
    const char *name;
    enum jkind kind;
};

/* Parse the body as a JSON object whose members are all among fields (NULL-terminated
 * array) with the right kinds. *out is a new reference. */
int api_body(struct http_req *req, const struct jfield *fields, json_t **out);
/* Parse the body as a JSON object without a shape (the domain checks its members). */
int api_body_object(struct http_req *req, json_t **out);
/* Member accessors (NULL / 0 when absent or null). */
const char *api_str(json_t *o, const char *key);
int api_has(json_t *o, const char *key);
int64_t api_id(json_t *o, const char *key);
int api_bool(json_t *o, const char *key);

/* The {name} path parameter at index i as a positive id; 400 naming `field` otherwise. */
int api_path_id(struct http_req *req, int i, const char *field, int64_t *out);
/* ?limit= (1..200, default 50) and ?cursor= (opaque; decodes to the last id seen). */
int api_paging(struct http_req *req, int *limit, int64_t *after);
/* An opaque cursor for the last id of a page (arena string). */
const char *api_cursor(struct http_req *req, int64_t last_id);
/* An optional positive-integer query parameter (0 when absent). */
int api_query_id(struct http_req *req, const char *name, int64_t *out);

/* The usual start of a PATCH of /{id}: the path id, the body as a JSON object (a new
 * reference in *body) and the If-Match version; on failure nothing is left to free. */
int api_patch_input(struct http_req *req, int64_t *id, json_t **body, int64_t *version);
/* If-Match: 428 when missing, 400 when not a quoted version. */
int api_if_match(struct http_req *req, int64_t *version);
/* ETag: "<version>". */
void api_etag(struct http_req *req, struct http_resp *resp, int64_t version);
/* {"items": items, "next_cursor": cursor-or-null}; steals items. */
void api_list(struct http_resp *resp, json_t *items, const char *next_cursor);
/* Copy a domain error into the request; returns its code. */
int api_fail(struct http_req *req, int code, const struct kl_error *err);

/* Handlers, one group per resource file. */
int api_health_get(struct http_req *req, struct http_resp *resp);
int api_metrics_get(struct http_req *req, struct http_resp *resp);
int api_session_create(struct http_req *req, struct http_resp *resp);
int api_session_delete(struct http_req *req, struct http_resp *resp);
int api_me_get(struct http_req *req, struct http_resp *resp);
int api_me_patch(struct http_req *req, struct http_resp *resp);
int api_me_password(struct http_req *req, struct http_resp *resp);
int api_tokens_list(struct http_req *req, struct http_resp *resp);
int api_tokens_create(struct http_req *req, struct http_resp *resp);
int api_tokens_delete(struct http_req *req, struct http_resp *resp);
int api_users_list(struct http_req *req, struct http_resp *resp);
int api_users_create(struct http_req *req, struct http_resp *resp);
int api_users_get(struct http_req *req, struct http_resp *resp);
int api_users_patch(struct http_req *req, struct http_resp *resp);
int api_departments_list(struct http_req *req, struct http_resp *resp);
int api_departments_create(struct http_req *req, struct http_resp *resp);
int api_departments_get(struct http_req *req, struct http_resp *resp);
int api_departments_patch(struct http_req *req, struct http_resp *resp);
int api_departments_delete(struct http_req *req, struct http_resp *resp);
int api_audit_list(struct http_req *req, struct http_resp *resp);
int api_clients_list(struct http_req *req, struct http_resp *resp);
int api_clients_create(struct http_req *req, struct http_resp *resp);
int api_clients_get(struct http_req *req, struct http_resp *resp);
int api_clients_patch(struct http_req *req, struct http_resp *resp);
int api_clients_delete(struct http_req *req, struct http_resp *resp);
int api_clients_restore(struct http_req *req, struct http_resp *resp);
int api_clients_merge(struct http_req *req, struct http_resp *resp);
int api_clients_history(struct http_req *req, struct http_resp *resp);
int api_contacts_list(struct http_req *req, struct http_resp *resp);
int api_contacts_create(struct http_req *req, struct http_resp *resp);
int api_contacts_get(struct http_req *req, struct http_resp *resp);
int api_contacts_patch(struct http_req *req, struct http_resp *resp);
int api_contacts_delete(struct http_req *req, struct http_resp *resp);
int api_search(struct http_req *req, struct http_resp *resp);
int api_imports_clients(struct http_req *req, struct http_resp *resp);
int api_imports_contacts(struct http_req *req, struct http_resp *resp);
int api_exports_clients(struct http_req *req, struct http_resp *resp);
int api_notifications_list(struct http_req *req, struct http_resp *resp);
int api_notifications_read(struct http_req *req, struct http_resp *resp);
int api_notifications_read_all(struct http_req *req, struct http_resp *resp);
int api_settings_get(struct http_req *req, struct http_resp *resp);
int api_settings_patch(struct http_req *req, struct http_resp *resp);
int api_holidays_list(struct http_req *req, struct http_resp *resp);
int api_holidays_create(struct http_req *req, struct http_resp *resp);
int api_holidays_patch(struct http_req *req, struct http_resp *resp);
int api_holidays_delete(struct http_req *req, struct http_resp *resp);
int api_team_list(struct http_req *req, struct http_resp *resp);
int api_me_calendar_get(struct http_req *req, struct http_resp *resp);
int api_me_calendar_reset(struct http_req *req, struct http_resp *resp);
int api_calendar_feed(struct http_req *req, struct http_resp *resp);
int api_activities_create(struct http_req *req, struct http_resp *resp);
int api_activities_list(struct http_req *req, struct http_resp *resp);
int api_activities_patch(struct http_req *req, struct http_resp *resp);
int api_quotas_progress(struct http_req *req, struct http_resp *resp);
int api_quotas_put(struct http_req *req, struct http_resp *resp);
int api_team_progress(struct http_req *req, struct http_resp *resp);
int api_today(struct http_req *req, struct http_resp *resp);
int api_tasks_list(struct http_req *req, struct http_resp *resp);
int api_tasks_create(struct http_req *req, struct http_resp *resp);
int api_tasks_get(struct http_req *req, struct http_resp *resp);
int api_tasks_patch(struct http_req *req, struct http_resp *resp);
int api_absences_list(struct http_req *req, struct http_resp *resp);
int api_absences_create(struct http_req *req, struct http_resp *resp);
int api_absences_delete(struct http_req *req, struct http_resp *resp);
int api_workdays_list(struct http_req *req, struct http_resp *resp);
int api_workdays_put(struct http_req *req, struct http_resp *resp);
int api_workdays_delete(struct http_req *req, struct http_resp *resp);
int api_reasons_list(struct http_req *req, struct http_resp *resp);
int api_reasons_put(struct http_req *req, struct http_resp *resp);
int api_emails_send(struct http_req *req, struct http_resp *resp);
int api_outbox_list(struct http_req *req, struct http_resp *resp);
int api_outbox_get(struct http_req *req, struct http_resp *resp);
int api_outbox_retry(struct http_req *req, struct http_resp *resp);
int api_jobs_list(struct http_req *req, struct http_resp *resp);
int api_greeting_templates_list(struct http_req *req, struct http_resp *resp);
int api_greeting_templates_get(struct http_req *req, struct http_resp *resp);
int api_greeting_templates_patch(struct http_req *req, struct http_resp *resp);
int api_greetings_preview(struct http_req *req, struct http_resp *resp);
int api_me_digest_get(struct http_req *req, struct http_resp *resp);
int api_me_digest_put(struct http_req *req, struct http_resp *resp);

/* Settings the api layer reads (set once by `serve` before the server starts). */
struct api_settings {
    int cookie_secure;      /* add Secure to the session cookie (behind HTTPS) */
    const char *public_url; /* where users reach the server (calendar feed addresses) */
};
extern struct api_settings api_settings;

#endif
