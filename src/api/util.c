/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* util.c - request decoding and answer encoding shared by the resource files (api). */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

struct api_settings api_settings;

static int bad(struct http_req *req, const char *field, const char *key, const char *arg)
{
    kl_error_set(&req->err, KL_EINVAL, field, key, arg);
    return KL_EINVAL;
}

int api_fail(struct http_req *req, int code, const struct kl_error *err)
{
    if (err && err->code)
        req->err = *err;
    else
        kl_error_set(&req->err, code, NULL, NULL, NULL);
    return code ? code : err->code;
}

static int kind_ok(json_t *v, enum jkind kind, const char **key)
{
    switch (kind) {
    case J_STR:
        *key = "err.type_string";
        return json_is_string(v);
    case J_STR_NULL:
        *key = "err.type_string";
        return json_is_string(v) || json_is_null(v);
    case J_INT:
        *key = "err.type_integer";
        return json_is_integer(v);
    case J_ID_NULL:
        *key = "err.positive_id";
        return json_is_null(v) || (json_is_integer(v) && json_integer_value(v) > 0);
    case J_BOOL:
        *key = "err.type_boolean";
        return json_is_boolean(v);
    }
    return 0;
}

int api_body(struct http_req *req, const struct jfield *fields, json_t **out)
{
    json_error_t jerr;
    if (!req->body.len)
        return bad(req, NULL, "err.body_empty", NULL);
    json_t *root = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        char arg[256];
        /* jansson may quote the offending bytes, which need not be valid UTF-8. */
        char text[101];
        size_t k = 0;
        for (const char *p = jerr.text; *p && k < sizeof(text) - 1; p++)
            text[k++] = (unsigned char)*p < 0x80 && (unsigned char)*p >= 0x20 ? *p : '?';
        text[k] = '\0';
        snprintf(arg, sizeof(arg), "%s (line %d, column %d)", text, jerr.line, jerr.column);
        return bad(req, NULL, "err.json", arg);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return bad(req, NULL, "err.body_object", NULL);
    }
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v)
    {
        const struct jfield *f = fields;
        while (f->name && strcmp(f->name, k))
            f++;
        const char *msg = NULL;
        if (!f->name) {
            /* The key came from the client: bound its length in the message. */
            char name[64];
            snprintf(name, sizeof(name), "%s", k);
            json_decref(root);
            return bad(req, name, "err.unknown_field", NULL);
        }
        if (!kind_ok(v, f->kind, &msg)) {
            json_decref(root);
            return bad(req, f->name, msg, NULL);
        }
    }
    *out = root;
    return 0;
}

int api_body_object(struct http_req *req, json_t **out)
{
    static const struct jfield none[] = {{NULL, 0}};
    json_error_t jerr;
    if (!req->body.len)
        return bad(req, NULL, "err.body_empty", NULL);
    json_t *root = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        /* Let api_body word the parse error. */
        json_t *ignore;
        return api_body(req, none, &ignore);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return bad(req, NULL, "err.body_object", NULL);
    }
    *out = root;
    return 0;
}

const char *api_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

int api_has(json_t *o, const char *key)
{
    return json_object_get(o, key) != NULL;
}

int64_t api_id(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

int api_bool(json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

static int parse_positive(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    int64_t v = strtoll(s, NULL, 10);
    if (v <= 0)
        return -1;
    *out = v;
    return 0;
}

int api_path_id(struct http_req *req, int i, const char *field, int64_t *out)
{
    if (i >= req->nparams || parse_positive(req->params[i], out))
        return bad(req, field, "err.positive_id", NULL);
    return 0;
}

int api_query_id(struct http_req *req, const char *name, int64_t *out)
{
    const char *v = http_query(req, name);
    *out = 0;
    if (!v)
        return 0;
    if (parse_positive(v, out))
        return bad(req, name, "err.positive_id", NULL);
    return 0;
}

int api_paging(struct http_req *req, int *limit, int64_t *after)
{
    const char *l = http_query(req, "limit"), *c = http_query(req, "cursor");
    int64_t v;
    *limit = 50;
    *after = 0;
    if (l) {
        if (parse_positive(l, &v) || v > 200)
            return bad(req, "limit", "err.limit", "200");
        *limit = (int)v;
    }
    if (c && *c) {
        unsigned char raw[32];
        size_t n = 0;
        if (sodium_base642bin(raw, sizeof(raw) - 1, c, strlen(c), NULL, &n, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
            n < 4 || memcmp(raw, "k1:", 3))
            return bad(req, "cursor", "err.cursor", NULL);
        raw[n] = '\0';
        if (parse_positive((const char *)raw + 3, &v))
            return bad(req, "cursor", "err.cursor", NULL);
        *after = v;
    }
    return 0;
}

const char *api_cursor(struct http_req *req, int64_t last_id)
{
    char raw[32];
    int n = snprintf(raw, sizeof(raw), "k1:%lld", (long long)last_id);
    char *out = arena_alloc(&req->arena, 64);
    sodium_bin2base64(out, 64, (const unsigned char *)raw, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

int api_if_match(struct http_req *req, int64_t *version)
{
    const char *h = http_header(req, "If-Match");
    if (!h) {
        kl_error_set(&req->err, KL_EPRECOND, "If-Match", "err.if_match_required", NULL);
        return KL_EPRECOND;
    }
    if (!strncmp(h, "W/", 2))
        h += 2;
    char digits[24];
    size_t n = strlen(h);
    if (n >= 3 && h[0] == '"' && h[n - 1] == '"' && n - 2 < sizeof(digits)) {
        memcpy(digits, h + 1, n - 2);
        digits[n - 2] = '\0';
    } else if (n < sizeof(digits)) {
        memcpy(digits, h, n + 1);
    } else {
        digits[0] = '\0';
    }
    if (parse_positive(digits, version))
        return bad(req, "If-Match", "err.if_match_format", NULL);
    return 0;
}

void api_etag(struct http_req *req, struct http_resp *resp, int64_t version)
{
    resp_header(req, resp, "ETag", arena_printf(&req->arena, "\"%lld\"", (long long)version));
}

void api_list(struct http_resp *resp, json_t *items, const char *next_cursor)
{
    json_t *o = json_object();
    json_object_set_new(o, "items", items);
    json_object_set_new(o, "next_cursor", next_cursor ? json_string(next_cursor) : json_null());
    resp_json(resp, 200, o);
}

int api_patch_input(struct http_req *req, int64_t *id, json_t **body, int64_t *version)
{
    int rc = api_path_id(req, 0, "id", id);
    if (rc || (rc = api_body_object(req, body)))
        return rc;
    if ((rc = api_if_match(req, version))) {
        json_decref(*body);
        *body = NULL;
    }
    return rc;
}
