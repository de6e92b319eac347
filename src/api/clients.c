/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * clients.c - /api/v1/clients, /api/v1/contacts and /api/v1/search (api).
 *
 * Lists are paged by keyset: the opaque cursor holds the sort key and the id of the last
 * row. With ?q= the list is the search result, best matches first, at most 50 (no paging).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

#include "domain/clients.h"
#include "domain/search.h"
#include "lib/fold.h"

static int bad_query(struct http_req *req, const char *name, const char *key, const char *arg)
{
    kl_error_set(&req->err, KL_EINVAL, name, key, arg);
    return KL_EINVAL;
}

/* Cursor: base64url("c1|<sort>|<id>|<value>"). */
static const char *client_cursor(struct http_req *req, const char *sort, const struct client *c)
{
    const char *key = sort[0] == '-' ? sort + 1 : sort;
    char raw[2048]; /* a name key may be 300 Cyrillic letters: 600+ bytes */
    int n;
    if (!strcmp(key, "created"))
        n = snprintf(raw, sizeof(raw), "c1|%s|%lld|%lld", sort, (long long)c->id,
                     (long long)c->created_at);
    else if (!strcmp(key, "updated"))
        n = snprintf(raw, sizeof(raw), "c1|%s|%lld|%lld", sort, (long long)c->id,
                     (long long)c->updated_at);
    else
        n = snprintf(raw, sizeof(raw), "c1|%s|%lld|%s", sort, (long long)c->id,
                     c->name_key ? c->name_key : "");
    if (n >= (int)sizeof(raw))
        n = (int)sizeof(raw) - 1;
    size_t outlen = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(&req->arena, outlen);
    sodium_bin2base64(out, outlen, (const unsigned char *)raw, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

static int parse_cursor(struct http_req *req, const char *cursor, struct client_filter *f)
{
    unsigned char raw[2048];
    size_t n = 0;
    if (sodium_base642bin(raw, sizeof(raw) - 1, cursor, strlen(cursor), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING))
        return bad_query(req, "cursor", "err.cursor", NULL);
    raw[n] = '\0';
    char *s = (char *)raw, *parts[4];
    int np = 0;
    for (char *p = s; np < 4;) {
        parts[np++] = p;
        char *bar = np < 4 ? strchr(p, '|') : NULL;
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    if (np != 4 || strcmp(parts[0], "c1") || strcmp(parts[1], f->sort ? f->sort : "name"))
        return bad_query(req, "cursor", "err.cursor", NULL);
    char *end;
    f->after_id = strtoll(parts[2], &end, 10);
    if (*end || f->after_id <= 0)
        return bad_query(req, "cursor", "err.cursor", NULL);
    f->after_text = arena_strdup(&req->arena, parts[3]);
    f->after_int = strtoll(parts[3], NULL, 10);
    f->has_cursor = 1;
    return 0;
}

static int one_of(const char *v, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (!strcmp(v, set[i]))
            return 1;
    return 0;
}

int api_clients_list(struct http_req *req, struct http_resp *resp)
{
    static const char *const types[] = {"business", "retail", NULL};
    static const char *const segments[] = {"small", "medium", "large", "government", NULL};
    static const char *const statuses[] = {"prospect", "active", "lost", NULL};
    static const char *const sorts[] = {"name",    "-name",    "created", "-created",
                                        "updated", "-updated", NULL};
    struct client_filter f = {0};
    struct kl_error err = {0};
    int limit = 50, rc;
    const char *l = http_query(req, "limit");
    if (l) {
        char *end;
        long v = strtol(l, &end, 10);
        if (*end || v < 1 || v > 200)
            return bad_query(req, "limit", "err.limit", "200");
        limit = (int)v;
    }
    f.type = http_query(req, "type");
    f.segment = http_query(req, "segment");
    f.status = http_query(req, "status");
    f.city = http_query(req, "city");
    f.industry = http_query(req, "industry");
    f.sort = http_query(req, "sort");
    if (f.type && !one_of(f.type, types))
        return bad_query(req, "type", "err.client_type", NULL);
    if (f.segment && !one_of(f.segment, segments))
        return bad_query(req, "segment", "err.client_segment", NULL);
    if (f.status && !one_of(f.status, statuses))
        return bad_query(req, "status", "err.client_status", NULL);
    if (f.sort && !one_of(f.sort, sorts))
        return bad_query(req, "sort", "err.sort",
                         "name, -name, created, -created, updated, -updated");
    if ((rc = api_query_id(req, "owner_id", &f.owner_id)))
        return rc;
    const char *deleted = http_query(req, "deleted");
    if (deleted && strcmp(deleted, "0") && strcmp(deleted, "1"))
        return bad_query(req, "deleted", "err.query_param", NULL);
    f.deleted = deleted && !strcmp(deleted, "1");
    const char *q = http_query(req, "q");
    const char *cursor = http_query(req, "cursor");
    if (cursor && *cursor && (rc = parse_cursor(req, cursor, &f)))
        return rc;
    struct client *items;
    int n = 0;
    int searching = q && *q;
    if ((rc = clients_list(req->db, &req->arena, req->who, &f, q, searching ? 50 : limit + 1,
                           &items, &n, &err)))
        return api_fail(req, rc, &err);
    json_t *arr = json_array();
    if (searching) {
        /* Keep the search's order (best first). */
        for (int k = 0; k < f.n_only; k++)
            for (int i = 0; i < n; i++)
                if (items[i].id == f.only_ids[k])
                    json_array_append_new(arr, client_to_json(req->db, &req->arena, &items[i]));
        api_list(resp, arr, NULL);
        return 0;
    }
    for (int i = 0; i < n && i < limit; i++)
        json_array_append_new(arr, client_to_json(req->db, &req->arena, &items[i]));
    api_list(resp, arr,
             n > limit ? client_cursor(req, f.sort ? f.sort : "name", &items[limit - 1]) : NULL);
    return 0;
}

static void client_answer(struct http_req *req, struct http_resp *resp, int status,
                          const struct client *c, json_t *warnings)
{
    json_t *o = client_to_json(req->db, &req->arena, c);
    if (warnings)
        json_object_set_new(o, "warnings", warnings);
    api_etag(req, resp, c->version);
    resp_json(resp, status, o);
}

/* A 412 carries the client as it is now. */
static int stale(struct http_req *req, struct kl_error *err, int64_t id)
{
    struct client cur;
    api_fail(req, KL_ESTALE, err);
    if (!clients_get(req->db, &req->arena, req->who, id, &cur, NULL))
        req->problem_extra =
            json_pack("{s:o}", "current", client_to_json(req->db, &req->arena, &cur));
    return KL_ESTALE;
}

int api_clients_create(struct http_req *req, struct http_resp *resp)
{
    json_t *body, *warnings = NULL;
    struct client c;
    struct kl_error err = {0};
    int rc = api_body_object(req, &body);
    if (rc)
        return rc;
    rc = clients_create(req->db, &req->arena, req->who, body, &c, &warnings, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    resp_header(req, resp, "Location",
                arena_printf(&req->arena, "/api/v1/clients/%lld", (long long)c.id));
    client_answer(req, resp, 201, &c, warnings);
    return 0;
}

int api_clients_get(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct client c;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = clients_get(req->db, &req->arena, req->who, id, &c, &err)))
        return api_fail(req, rc, &err);
    client_answer(req, resp, 200, &c, NULL);
    return 0;
}

int api_clients_patch(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    json_t *body;
    struct client c;
    struct kl_error err = {0};
    int rc = api_patch_input(req, &id, &body, &version);
    if (rc)
        return rc;
    rc = clients_update(req->db, &req->arena, req->who, id, version, body, &c, &err);
    json_decref(body);
    if (rc == KL_ESTALE)
        return stale(req, &err, id);
    if (rc)
        return api_fail(req, rc, &err);
    client_answer(req, resp, 200, &c, NULL);
    return 0;
}

int api_clients_delete(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_if_match(req, &version)))
        return rc;
    rc = clients_delete(req->db, &req->arena, req->who, id, version, &err);
    if (rc == KL_ESTALE)
        return stale(req, &err, id);
    if (rc)
        return api_fail(req, rc, &err);
    resp_empty(resp, 204);
    return 0;
}

int api_clients_restore(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct client c;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = clients_restore(req->db, &req->arena, req->who, id, &c, &err)))
        return api_fail(req, rc, &err);
    client_answer(req, resp, 200, &c, NULL);
    return 0;
}

int api_clients_merge(struct http_req *req, struct http_resp *resp)
{
    static const struct jfield fields[] = {{"from_id", J_ID_NULL}, {NULL, 0}};
    int64_t id;
    json_t *body;
    struct client c;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_body(req, fields, &body)))
        return rc;
    int64_t from = api_id(body, "from_id");
    json_decref(body);
    if (!from)
        return bad_query(req, "from_id", "err.required", NULL);
    if ((rc = clients_merge(req->db, &req->arena, req->who, id, from, &c, &err)))
        return api_fail(req, rc, &err);
    client_answer(req, resp, 200, &c, NULL);
    return 0;
}

int api_clients_history(struct http_req *req, struct http_resp *resp)
{
    int64_t id, before, last = 0;
    int limit;
    json_t *items;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_paging(req, &limit, &before)))
        return rc;
    if ((rc = clients_history(req->db, &req->arena, req->who, id, before, limit + 1, &items, &last,
                              &err)))
        return api_fail(req, rc, &err);
    const char *next = NULL;
    if ((int)json_array_size(items) > limit) {
        json_array_remove(items, (size_t)limit);
        json_t *lastv = json_array_get(items, (size_t)limit - 1);
        next = api_cursor(req, (int64_t)json_integer_value(json_object_get(lastv, "id")));
    }
    api_list(resp, items, next);
    return 0;
}

/* ---- contacts ---- */

int api_contacts_list(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct contact *items;
    int n = 0;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = contacts_list(req->db, &req->arena, req->who, id, &items, &n, &err)))
        return api_fail(req, rc, &err);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, contact_to_json(&items[i]));
    api_list(resp, arr, NULL);
    return 0;
}

static void contact_answer(struct http_req *req, struct http_resp *resp, int status,
                           const struct contact *k)
{
    api_etag(req, resp, k->version);
    resp_json(resp, status, contact_to_json(k));
}

int api_contacts_create(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    json_t *body;
    struct contact k;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_body_object(req, &body)))
        return rc;
    rc = contacts_create(req->db, &req->arena, req->who, id, body, &k, &err);
    json_decref(body);
    if (rc)
        return api_fail(req, rc, &err);
    resp_header(req, resp, "Location",
                arena_printf(&req->arena, "/api/v1/contacts/%lld", (long long)k.id));
    contact_answer(req, resp, 201, &k);
    return 0;
}

int api_contacts_get(struct http_req *req, struct http_resp *resp)
{
    int64_t id;
    struct contact k;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc)
        return rc;
    if ((rc = contacts_get(req->db, &req->arena, req->who, id, &k, &err)))
        return api_fail(req, rc, &err);
    contact_answer(req, resp, 200, &k);
    return 0;
}

int api_contacts_patch(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    json_t *body;
    struct contact k;
    struct kl_error err = {0};
    int rc = api_patch_input(req, &id, &body, &version);
    if (rc)
        return rc;
    rc = contacts_update(req->db, &req->arena, req->who, id, version, body, &k, &err);
    json_decref(body);
    if (rc == KL_ESTALE && !contacts_get(req->db, &req->arena, req->who, id, &k, NULL))
        req->problem_extra = json_pack("{s:o}", "current", contact_to_json(&k));
    if (rc)
        return api_fail(req, rc, &err);
    contact_answer(req, resp, 200, &k);
    return 0;
}

int api_contacts_delete(struct http_req *req, struct http_resp *resp)
{
    int64_t id, version;
    struct kl_error err = {0};
    int rc = api_path_id(req, 0, "id", &id);
    if (rc || (rc = api_if_match(req, &version)))
        return rc;
    if ((rc = contacts_delete(req->db, &req->arena, req->who, id, version, &err))) {
        struct contact k;
        if (rc == KL_ESTALE && !contacts_get(req->db, &req->arena, req->who, id, &k, NULL))
            req->problem_extra = json_pack("{s:o}", "current", contact_to_json(&k));
        return api_fail(req, rc, &err);
    }
    resp_empty(resp, 204);
    return 0;
}

/* ---- search ---- */

/* 1 when every query word is a prefix of a word of the folded text. */
static int words_match(struct arena *a, const char *text, const char **words, int nw)
{
    struct buf b = BUF_INIT;
    search_text_append(&b, text);
    char *t = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    for (int i = 0; i < nw; i++) {
        size_t wl = strlen(words[i]);
        int found = 0;
        for (const char *p = t; p && *p && !found;) {
            if (!strncmp(p, words[i], wl))
                found = 1;
            p = strchr(p, ' ');
            if (p)
                p++;
        }
        if (!found)
            return 0;
    }
    return 1;
}

int api_search(struct http_req *req, struct http_resp *resp)
{
    const char *q = http_query(req, "q");
    struct client_filter f = {0};
    struct kl_error err = {0};
    struct client *items;
    int n = 0, rc;
    if (!q || !*q)
        return bad_query(req, "q", "err.required", NULL);
    if (strlen(q) > 200)
        return bad_query(req, "q", "err.too_long", "200");
    if ((rc = clients_list(req->db, &req->arena, req->who, &f, q, 50, &items, &n, &err)))
        return api_fail(req, rc, &err);
    const char *words[8];
    int nw = search_query_words(&req->arena, q, words, 8);
    /* The contacts of all the clients found, read together. */
    struct contact *ks;
    int nk = 0;
    if (repo_contact_list_many(req->db, &req->arena, f.only_ids, f.n_only, &ks, &nk))
        nk = 0;
    json_t *arr = json_array();
    for (int k = 0; k < f.n_only; k++) {
        for (int i = 0; i < n; i++) {
            if (items[i].id != f.only_ids[k])
                continue;
            struct client *c = &items[i];
            json_t *o = json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:s, s:s}", "kind", "client",
                                  "id", (json_int_t)c->id, "name", c->name, "company_code",
                                  c->company_code ? json_string(c->company_code) : json_null(),
                                  "city", c->city ? json_string(c->city) : json_null(), "owner_id",
                                  c->owner_id ? json_integer((json_int_t)c->owner_id) : json_null(),
                                  "type", c->type, "status", c->status);
            json_array_append_new(arr, o);
            /* The contacts of this client that the query names. */
            for (int j = 0; j < nk; j++) {
                if (ks[j].client_id != c->id)
                    continue;
                struct buf text = BUF_INIT;
                buf_printf(&text, "%s %s", ks[j].name, ks[j].emails);
                json_t *phones = json_array_from_text(ks[j].phones);
                size_t pi;
                json_t *pv;
                json_array_foreach(phones, pi, pv)
                {
                    const char *d = fold_digits(&req->arena, json_string_value(pv));
                    size_t dl = strlen(d);
                    buf_printf(&text, " %s", d);
                    if (dl > 8)
                        buf_printf(&text, " %s 8%s", d + dl - 8, d + dl - 8);
                }
                json_decref(phones);
                if (nw && words_match(&req->arena, text.data, words, nw)) {
                    json_t *ko = contact_to_json(&ks[j]);
                    json_object_set_new(ko, "kind", json_string("contact"));
                    json_object_set_new(ko, "client_name", json_string(c->name));
                    json_array_append_new(arr, ko);
                }
                buf_release(&text);
            }
        }
    }
    api_list(resp, arr, NULL);
    return 0;
}
