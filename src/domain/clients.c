/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* clients.c - the client base (domain). See clients.h and docs/clients.md. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/jsonout.h"
#include "clients.h"

#include "domain/audit.h"
#include "domain/daily.h"
#include "domain/search.h"
#include "domain/validate.h"
#include "lib/fold.h"
#include "lib/timeutil.h"
#include "store/repo_misc.h"
#include "store/repo_user.h"

/* ---- scope ---- */

int clients_scope(struct db *db, const struct principal *who, struct client_scope *out)
{
    memset(out, 0, sizeof(*out));
    if (who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM)) {
        out->all = 1;
    } else if (who->role & ROLE_HEAD) {
        out->department_id = who->department_id;
        out->owner_ids[out->n_owners++] = who->user_id;
    } else if (who->role & ROLE_MANAGER) {
        out->owner_ids[out->n_owners++] = who->user_id;
    } else {
        out->none = 1;
    }
    /* A substitute works the clients of those he stands in for today (R33). */
    if (who->role & (ROLE_MANAGER | ROLE_HEAD)) {
        int n = 0;
        int rc = absences_substituted_today(
            db, who, out->owner_ids + out->n_owners,
            (int)(sizeof(out->owner_ids) / sizeof(out->owner_ids[0])) - out->n_owners, &n);
        if (rc)
            return rc;
        out->n_owners += n;
    }
    return 0;
}

static int may_reassign(const struct principal *who)
{
    return (who->role & (ROLE_HEAD | ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM)) != 0;
}

static int db_fail(const struct principal *who, struct kl_error *err)
{
    return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
}

static int not_found(struct kl_error *err)
{
    return kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "client");
}

/* Fetch a live client the caller may see; 404 otherwise. */
static int load_visible(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                        int include_deleted, struct client *out, struct kl_error *err)
{
    struct client_scope scope;
    int visible = 0;
    if (clients_scope(db, who, &scope))
        return db_fail(who, err);
    int rc = repo_client_get(db, a, id, out);
    if (rc == KL_ENOTFOUND)
        return not_found(err);
    if (rc)
        return db_fail(who, err);
    if ((out->deleted_at && !include_deleted) || (out->merged_into_id && !include_deleted))
        return not_found(err);
    if ((rc = repo_client_in_scope(db, &scope, out, &visible)))
        return db_fail(who, err);
    return visible ? 0 : not_found(err);
}

/* ---- field checks ---- */

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

int client_check_company_code(const char *country, const char *code, struct kl_error *err)
{
    if (!strcmp(country, "LT")) {
        /* Legal entities: 9 digits (Juridinių asmenų registras). */
        if (!all_digits(code, 9))
            return kl_error_set(err, KL_EINVAL, "company_code", "err.company_code_lt", NULL);
        return 0;
    }
    size_t n = strlen(code);
    if (n < 2 || n > 20)
        return kl_error_set(err, KL_EINVAL, "company_code", "err.company_code", NULL);
    for (const char *p = code; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(" -./", *p))
            return kl_error_set(err, KL_EINVAL, "company_code", "err.company_code", NULL);
    return 0;
}

int client_check_vat_code(const char *country, const char *code, struct kl_error *err)
{
    size_t n = strlen(code);
    if (!strcmp(country, "LT")) {
        if (strncmp(code, "LT", 2) || !(all_digits(code + 2, 9) || all_digits(code + 2, 12)))
            return kl_error_set(err, KL_EINVAL, "vat_code", "err.vat_code_lt", NULL);
        return 0;
    }
    /* Elsewhere: a two-letter prefix and 2 to 13 letters or digits (the EU VIES shape). */
    if (n < 4 || n > 15 || !isupper((unsigned char)code[0]) || !isupper((unsigned char)code[1]))
        return kl_error_set(err, KL_EINVAL, "vat_code", "err.vat_code", NULL);
    for (const char *p = code + 2; *p; p++)
        if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p))
            return kl_error_set(err, KL_EINVAL, "vat_code", "err.vat_code", NULL);
    return 0;
}

int client_check_email(const char *field, const char *email, struct kl_error *err)
{
    const char *at = strchr(email, '@');
    size_t n = strlen(email);
    if (!at || at == email || strchr(at + 1, '@') || n > 254 || (size_t)(at - email) > 64)
        return kl_error_set(err, KL_EINVAL, field, "err.email", NULL);
    for (const char *p = email; *p; p++)
        if ((unsigned char)*p <= ' ' || strchr("\"(),:;<>[\\]", *p))
            return kl_error_set(err, KL_EINVAL, field, "err.email", NULL);
    const char *domain = at + 1, *dot = strrchr(domain, '.');
    if (!dot || dot == domain || !dot[1] || strlen(dot + 1) < 2 || strstr(domain, "..") ||
        domain[0] == '.' || domain[0] == '-')
        return kl_error_set(err, KL_EINVAL, field, "err.email", NULL);
    for (const char *p = domain; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && (unsigned char)*p < 0x80)
            return kl_error_set(err, KL_EINVAL, field, "err.email", NULL);
    return 0;
}

int client_normalize_phone(const char *field, const char *in, const char *country, char *out,
                           struct kl_error *err)
{
    char d[24];
    size_t k = 0;
    int plus = 0;
    const char *p = in;
    while (*p == ' ')
        p++;
    if (*p == '+')
        plus = 1, p++;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (k >= sizeof(d) - 1)
                return kl_error_set(err, KL_EINVAL, field, "err.phone", NULL);
            d[k++] = *p;
        } else if (!strchr(" -().", *p)) {
            return kl_error_set(err, KL_EINVAL, field, "err.phone", NULL);
        }
    }
    d[k] = '\0';
    const char *digits = d;
    if (!plus && !strncmp(d, "00", 2)) {
        plus = 1;
        digits = d + 2;
    }
    if (!plus) {
        int lt = !country || !strcmp(country, "LT");
        if (lt && k == 9 && d[0] == '8')
            snprintf(out, 20, "+370%.8s", d + 1);
        else if (lt && k == 8)
            snprintf(out, 20, "+370%.8s", d);
        else
            return kl_error_set(err, KL_EINVAL, field, "err.phone", NULL);
        return 0;
    }
    size_t n = strlen(digits);
    if (n < 8 || n > 15 || digits[0] == '0')
        return kl_error_set(err, KL_EINVAL, field, "err.phone", NULL);
    snprintf(out, 20, "+%.15s", digits);
    return 0;
}

char *client_name_key(struct arena *a, const char *name)
{
    static const char *forms[] = {"uab", "ab",  "mb",   "ii",  "vsi", "zub", "tub", "kb",
                                  "ooo", "oao", "zao",  "pao", "ip",  "ou",  "as",  "sia",
                                  "ltd", "llc", "gmbh", "sp",  "zoo", "inc", "oy",  NULL};
    struct buf b = BUF_INIT, out = BUF_INIT;
    search_text_append(&b, name);
    char *s = arena_strdup(a, b.data ? b.data : "");
    char *save = NULL;
    for (char *tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        int legal = 0;
        /* Cyrillic legal forms fold to Cyrillic: ооо, оао, зао, пао, ип */
        static const char *cyr[] = {"\xd0\xbe\xd0\xbe\xd0\xbe", "\xd0\xbe\xd0\xb0\xd0\xbe",
                                    "\xd0\xb7\xd0\xb0\xd0\xbe", "\xd0\xbf\xd0\xb0\xd0\xbe",
                                    "\xd0\xb8\xd0\xbf",         NULL};
        for (int i = 0; forms[i] && !legal; i++)
            legal = !strcmp(tok, forms[i]);
        for (int i = 0; cyr[i] && !legal; i++)
            legal = !strcmp(tok, cyr[i]);
        if (legal)
            continue;
        if (out.len)
            buf_putc(&out, ' ');
        buf_puts(&out, tok);
    }
    char *key = arena_strdup(a, out.data ? out.data : (b.data ? b.data : ""));
    buf_release(&b);
    buf_release(&out);
    return key;
}

/* ---- JSON ---- */

/* The fields still missing before the card counts as issued (R4). */
/* reachable: -1 to count the client's contacts with a phone or e-mail, else how many
 * there are (0 for a card created a moment ago). */
static int client_missing(struct db *db, const struct client *c, int64_t reachable,
                          const char **missing, int *n)
{
    *n = 0;
    const struct {
        const char *name;
        int ok;
    } req[] = {
        {"name", c->name != NULL},
        {"owner_id", c->owner_id != 0},
        {"city", c->city != NULL},
        {"address", c->address != NULL},
        {"price_type", c->price_type != NULL},
        {"payment_terms_days", c->payment_terms_days != CLIENT_NULL},
        {"company_code", !strcmp(c->type, "retail") || c->company_code != NULL},
        {"industry", !strcmp(c->type, "retail") || c->industry != NULL},
    };
    for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++)
        if (!req[i].ok)
            missing[(*n)++] = req[i].name;
    /* A way to reach the client: a contact with a phone or e-mail (business), or the
     * card's own phone or e-mail (retail may use either). */
    if (reachable < 0 && !c->id)
        reachable = 0;
    if (reachable < 0 && repo_contact_count_reachable(db, c->id, &reachable))
        return KL_EDB;
    if (!reachable && !(!strcmp(c->type, "retail") && (c->phone || c->email)))
        missing[(*n)++] = "contacts";
    return 0;
}

json_t *client_to_json(struct db *db, struct arena *a, const struct client *c)
{
    (void)a;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)c->id));
    for (const struct column *k = client_columns; k->name; k++) {
        if (!strncmp(k->name, "credit_limit_", 13))
            continue;
        if (k->kind == COL_TEXT)
            json_object_set_new(o, k->name, json_str_or_null(COL_TEXT_AT(c, k)));
        else if (k->kind == COL_ID)
            json_object_set_new(o, k->name,
                                COL_INT_AT(c, k) ? json_integer((json_int_t)COL_INT_AT(c, k))
                                                 : json_null());
        else if (k->kind == COL_BOOL)
            json_object_set_new(o, k->name, json_boolean(COL_INT_AT(c, k) != 0));
        else
            json_object_set_new(o, k->name,
                                COL_INT_AT(c, k) == CLIENT_NULL
                                    ? json_null()
                                    : json_integer((json_int_t)COL_INT_AT(c, k)));
    }
    if (c->credit_limit_amount != CLIENT_NULL)
        json_object_set_new(o, "credit_limit",
                            json_pack("{s:I, s:s}", "amount", (json_int_t)c->credit_limit_amount,
                                      "currency",
                                      c->credit_limit_currency ? c->credit_limit_currency : "EUR"));
    else
        json_object_set_new(o, "credit_limit", json_null());
    json_object_set_new(o, "receivables", json_null()); /* no invoices yet (R21) */
    json_object_set_new(o, "issued", json_boolean(c->issued_at != 0));
    json_put_time(o, "issued_at", c->issued_at);
    json_object_set_new(
        o, "issue_seconds",
        c->issue_seconds == CLIENT_NULL ? json_null() : json_integer((json_int_t)c->issue_seconds));
    const char *missing[16];
    int nm = 0;
    json_t *m = json_array();
    if (db && !client_missing(db, c, -1, missing, &nm))
        for (int i = 0; i < nm; i++)
            json_array_append_new(m, json_string(missing[i]));
    json_object_set_new(o, "missing", m);
    json_object_set_new(o, "merged_into_id",
                        c->merged_into_id ? json_integer((json_int_t)c->merged_into_id)
                                          : json_null());
    json_put_time(o, "deleted_at", c->deleted_at);
    json_object_set_new(o, "version", json_integer((json_int_t)c->version));
    json_put_time(o, "created_at", c->created_at);
    json_put_time(o, "updated_at", c->updated_at);
    json_put_time(o, "last_contact_at", c->last_contact_at);
    return o;
}

json_t *contact_to_json(const struct contact *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)c->id));
    json_object_set_new(o, "client_id", json_integer((json_int_t)c->client_id));
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "position", json_str_or_null(c->position));
    json_object_set_new(o, "decision_maker", json_boolean(c->decision_maker));
    json_object_set_new(o, "phones", json_array_from_text(c->phones));
    json_object_set_new(o, "emails", json_array_from_text(c->emails));
    json_object_set_new(o, "birthday", json_str_or_null(c->birthday));
    json_object_set_new(o, "lang", json_str_or_null(c->lang));
    json_object_set_new(o, "notes", json_str_or_null(c->notes));
    json_object_set_new(o, "version", json_integer((json_int_t)c->version));
    json_put_time(o, "created_at", c->created_at);
    json_put_time(o, "updated_at", c->updated_at);
    return o;
}

/* ---- applying input ---- */

static const struct {
    const char *name;
    long max;
    int multiline;
} text_limits[] = {
    {"name", 300, 0},
    {"company_code", 20, 0},
    {"vat_code", 20, 0},
    {"country", 2, 0},
    {"type", 20, 0},
    {"segment", 20, 0},
    {"status", 20, 0},
    {"industry", 100, 0},
    {"source", 100, 0},
    {"city", 100, 0},
    {"address", 300, 0},
    {"delivery_address", 300, 0},
    {"email", 254, 0},
    {"phone", 40, 0},
    {"website", 200, 0},
    {"price_type", 50, 0},
    {"contract_terms", 5000, 1},
    {"notes", 10000, 1},
};

static int text_limit(const char *name, long *max, int *multiline)
{
    for (size_t i = 0; i < sizeof(text_limits) / sizeof(text_limits[0]); i++)
        if (!strcmp(text_limits[i].name, name)) {
            *max = text_limits[i].max;
            *multiline = text_limits[i].multiline;
            return 0;
        }
    return -1;
}

/* Trim ASCII space at both ends; "" becomes NULL. */
static const char *trimmed(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return n ? arena_strndup(a, s, n) : NULL;
}

static const char *upper(struct arena *a, const char *s)
{
    char *u = arena_strdup(a, s);
    for (char *p = u; p && *p; p++) {
        if (*p == ' ') {
            memmove(p, p + 1, strlen(p));
            p--;
            continue;
        }
        *p = (char)toupper((unsigned char)*p);
    }
    return u;
}

static const char *readonly_fields[] = {
    "id",          "version",    "created_at",     "updated_at",
    "issued",      "issued_at",  "issue_seconds",  "missing",
    "receivables", "deleted_at", "merged_into_id", "last_contact_at",
    NULL};

/* Copy the members of body into c, checking names and JSON types. */
static int apply_body(struct arena *a, json_t *body, struct client *c, struct kl_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        char name[64];
        snprintf(name, sizeof(name), "%s", key);
        if (!strcmp(key, "credit_limit")) {
            if (json_is_null(v)) {
                c->credit_limit_amount = CLIENT_NULL;
                c->credit_limit_currency = NULL;
                continue;
            }
            if (!json_is_object(v))
                return kl_error_set(err, KL_EINVAL, "credit_limit", "err.type_object", NULL);
            const char *k2;
            json_t *v2;
            json_object_foreach(v, k2, v2)
            {
                if (strcmp(k2, "amount") && strcmp(k2, "currency")) {
                    char f[96];
                    snprintf(f, sizeof(f), "credit_limit.%.60s", k2);
                    return kl_error_set(err, KL_EINVAL, f, "err.unknown_field", NULL);
                }
            }
            json_t *amount = json_object_get(v, "amount"), *cur = json_object_get(v, "currency");
            if (!json_is_integer(amount))
                return kl_error_set(err, KL_EINVAL, "credit_limit.amount", "err.type_integer",
                                    NULL);
            if (json_integer_value(amount) < 0 || json_integer_value(amount) > 1000000000000000LL)
                return kl_error_set(err, KL_EINVAL, "credit_limit.amount", "err.money", NULL);
            if (cur && !json_is_string(cur))
                return kl_error_set(err, KL_EINVAL, "credit_limit.currency", "err.type_string",
                                    NULL);
            const char *cs = cur ? json_string_value(cur) : "EUR";
            if (strlen(cs) != 3 || !isupper((unsigned char)cs[0]) ||
                !isupper((unsigned char)cs[1]) || !isupper((unsigned char)cs[2]))
                return kl_error_set(err, KL_EINVAL, "credit_limit.currency", "err.currency", NULL);
            c->credit_limit_amount = (int64_t)json_integer_value(amount);
            c->credit_limit_currency = arena_strdup(a, cs);
            continue;
        }
        const struct column *col = client_columns;
        while (col->name && (strcmp(col->name, key) || !strncmp(key, "credit_limit_", 13)))
            col++;
        if (!col->name) {
            for (int i = 0; readonly_fields[i]; i++)
                if (!strcmp(readonly_fields[i], key))
                    return kl_error_set(err, KL_EINVAL, name, "err.read_only", NULL);
            return kl_error_set(err, KL_EINVAL, name, "err.unknown_field", NULL);
        }
        if (col->kind == COL_TEXT) {
            if (!json_is_string(v) && !json_is_null(v))
                return kl_error_set(err, KL_EINVAL, col->name, "err.type_string", NULL);
            const char *s = trimmed(a, json_string_value(v));
            long max = 0;
            int multi = 0;
            text_limit(col->name, &max, &multi);
            if (s) {
                int rc = validate_text(col->name, s, 1, max, multi, err);
                if (rc)
                    return rc;
            }
            COL_TEXT_AT(c, col) = s;
        } else if (col->kind == COL_BOOL) {
            if (!json_is_boolean(v))
                return kl_error_set(err, KL_EINVAL, col->name, "err.type_boolean", NULL);
            COL_INT_AT(c, col) = json_is_true(v);
        } else if (col->kind == COL_ID) {
            if (json_is_null(v))
                COL_INT_AT(c, col) = 0;
            else if (json_is_integer(v) && json_integer_value(v) > 0)
                COL_INT_AT(c, col) = (int64_t)json_integer_value(v);
            else
                return kl_error_set(err, KL_EINVAL, col->name, "err.positive_id", NULL);
        } else {
            if (json_is_null(v))
                COL_INT_AT(c, col) = CLIENT_NULL;
            else if (json_is_integer(v))
                COL_INT_AT(c, col) = (int64_t)json_integer_value(v);
            else
                return kl_error_set(err, KL_EINVAL, col->name, "err.type_integer", NULL);
        }
    }
    return 0;
}

static int one_of(const char *v, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (!strcmp(v, set[i]))
            return 1;
    return 0;
}

/* Normalise and check the whole card after the input was applied. */
static int check_client(struct arena *a, struct client *c, struct kl_error *err)
{
    static const char *const types[] = {"business", "retail", NULL};
    static const char *const segments[] = {"small", "medium", "large", "government", NULL};
    static const char *const statuses[] = {"prospect", "active", "lost", NULL};
    int rc;
    if (!c->name)
        return kl_error_set(err, KL_EINVAL, "name", "err.required", NULL);
    if (!c->type)
        return kl_error_set(err, KL_EINVAL, "type", "err.required", NULL);
    if (!one_of(c->type, types))
        return kl_error_set(err, KL_EINVAL, "type", "err.client_type", NULL);
    if (!c->segment)
        return kl_error_set(err, KL_EINVAL, "segment", "err.required", NULL);
    if (!one_of(c->segment, segments))
        return kl_error_set(err, KL_EINVAL, "segment", "err.client_segment", NULL);
    if (!c->status)
        return kl_error_set(err, KL_EINVAL, "status", "err.required", NULL);
    if (!one_of(c->status, statuses))
        return kl_error_set(err, KL_EINVAL, "status", "err.client_status", NULL);
    if (!c->country)
        return kl_error_set(err, KL_EINVAL, "country", "err.required", NULL);
    c->country = upper(a, c->country);
    if (strlen(c->country) != 2 || !isupper((unsigned char)c->country[0]) ||
        !isupper((unsigned char)c->country[1]))
        return kl_error_set(err, KL_EINVAL, "country", "err.country", NULL);
    if (c->company_code && (rc = client_check_company_code(c->country, c->company_code, err)))
        return rc;
    if (c->vat_code) {
        c->vat_code = upper(a, c->vat_code);
        if ((rc = client_check_vat_code(c->country, c->vat_code, err)))
            return rc;
    }
    if (c->email && (rc = client_check_email("email", c->email, err)))
        return rc;
    if (c->phone) {
        char e164[20];
        if ((rc = client_normalize_phone("phone", c->phone, c->country, e164, err)))
            return rc;
        c->phone = arena_strdup(a, e164);
    }
    if (c->website && strchr(c->website, ' '))
        return kl_error_set(err, KL_EINVAL, "website", "err.website", NULL);
    if (c->payment_terms_days != CLIENT_NULL &&
        (c->payment_terms_days < 0 || c->payment_terms_days > 365))
        return kl_error_set(err, KL_EINVAL, "payment_terms_days", "err.range", "0-365");
    c->name_key = client_name_key(a, c->name);
    return 0;
}

/* The owner must be an active manager or head; a head may give clients only to his own
 * department; the segment rule (R5) keeps a manager to one client type. */
static int check_owner(struct db *db, struct arena *a, const struct principal *who,
                       const struct client *c, struct kl_error *err)
{
    struct user u;
    if (!c->owner_id)
        return 0;
    int rc = repo_user_get(db, a, c->owner_id, &u);
    if (rc == KL_ENOTFOUND ||
        (!rc && (!u.active || (strcmp(u.role, "manager") && strcmp(u.role, "head")))))
        return kl_error_set(err, KL_EINVAL, "owner_id", "err.owner", NULL);
    if (rc)
        return db_fail(who, err);
    if ((who->role & ROLE_HEAD) && u.department_id != who->department_id)
        return kl_error_set(err, KL_EINVAL, "owner_id", "err.owner_department", NULL);
    if (strcmp(u.role, "manager"))
        return 0;
    const char *rule = NULL;
    if (repo_setting_get(db, a, "segment_rule", &rule))
        return db_fail(who, err);
    if (rule && !strcmp(rule, "0"))
        return 0;
    const char *segment = NULL;
    struct db_stmt st;
    if (db_query(db, &st, "SELECT segment FROM users WHERE id = ?", "i", c->owner_id))
        return db_fail(who, err);
    if (db_step(&st) == DB_ROW)
        segment = arena_strdup(a, db_text(&st, 0));
    db_finish(&st);
    if (segment) {
        if (strcmp(segment, c->type))
            return kl_error_set(err, KL_EINVAL, "owner_id", "err.segment_rule", segment);
        return 0;
    }
    /* No declared segment: he must not already own clients of the other type. */
    int64_t other = 0;
    if (db_scalar(db, &other,
                  "SELECT COUNT(*) FROM clients WHERE owner_id = ? AND type <> ? AND deleted_at "
                  "IS NULL AND id <> ?",
                  "iti", c->owner_id, c->type, c->id))
        return db_fail(who, err);
    if (other)
        return kl_error_set(err, KL_EINVAL, "owner_id", "err.segment_rule",
                            !strcmp(c->type, "business") ? "retail" : "business");
    return 0;
}

/* Mark the card issued when its required set became complete, and tell the head of the
 * owner's department and the people the settings name (R4). */
static int maybe_issue(struct db *db, struct arena *a, const struct principal *who,
                       struct client *c, int is_new)
{
    const char *missing[16];
    int nm = 0;
    if (c->issued_at || client_missing(db, c, is_new ? 0 : -1, missing, &nm) || nm)
        return 0;
    int64_t now = time_now();
    c->issued_at = now;
    c->issue_seconds = now - c->created_at;
    int64_t recipients[32];
    int nr = 0;
    struct user owner;
    if (c->owner_id && !repo_user_get(db, a, c->owner_id, &owner) && owner.department_id) {
        int64_t head = 0;
        if (!db_scalar(db, &head,
                       "SELECT head_id FROM departments WHERE id = ? AND head_id IS "
                       "NOT NULL",
                       "i", owner.department_id) &&
            head)
            recipients[nr++] = head;
    }
    const char *extra = NULL;
    if (repo_setting_get(db, a, "card_issue_notify", &extra))
        return KL_EDB;
    for (const char *p = extra; p && *p && nr < 32;) {
        char *end;
        long long id = strtoll(p, &end, 10);
        if (end == p)
            break;
        if (id > 0)
            recipients[nr++] = id;
        p = *end == ',' ? end + 1 : end;
    }
    json_t *data =
        json_pack("{s:s, s:I, s:I}", "name", c->name, "owner_id", (json_int_t)c->owner_id,
                  "issue_seconds", (json_int_t)c->issue_seconds);
    char *text = json_dumps(data, JSON_COMPACT);
    json_decref(data);
    int rc = 0;
    for (int i = 0; i < nr && !rc; i++) {
        int dup = 0;
        for (int j = 0; j < i; j++)
            dup |= recipients[j] == recipients[i];
        if (!dup && recipients[i] != who->user_id)
            rc =
                repo_notification_insert(db, recipients[i], "client_issued", "client", c->id, text);
    }
    free(text);
    return rc;
}

/* 409 for a company code in use; called after the transaction was rolled back. */
static int conflict(struct db *db, const struct principal *who, const struct client *c,
                    struct kl_error *err)
{
    int64_t dup_id = 0;
    kl_error_set(err, KL_ECONFLICT, "company_code", "err.company_code_taken", NULL);
    if (c->company_code)
        repo_client_find_code(db, c->country, c->company_code, &dup_id);
    /* Tell the id only to someone who may see that client. */
    struct arena a;
    struct client other;
    struct kl_error ignore;
    arena_init(&a);
    if (dup_id && !load_visible(db, &a, who, dup_id, 0, &other, &ignore))
        err->ref_id = dup_id;
    arena_release(&a);
    return KL_ECONFLICT;
}

int clients_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                struct client *out, struct kl_error *err)
{
    return load_visible(db, a, who, id, 0, out, err);
}

int clients_create(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                   struct client *out, json_t **warnings, struct kl_error *err)
{
    struct client c = {0};
    int rc;
    if (warnings)
        *warnings = NULL;
    if (who->role & ROLE_LOGISTICS)
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    /* Defaults a new card starts from; the caller's members override them. */
    c.country = "LT";
    c.type = "business";
    c.segment = "small";
    c.status = "prospect";
    c.payment_terms_days = CLIENT_NULL;
    c.credit_limit_amount = CLIENT_NULL;
    c.issue_seconds = CLIENT_NULL;
    if (who->role & (ROLE_MANAGER | ROLE_HEAD))
        c.owner_id = who->user_id;
    if ((rc = apply_body(a, body, &c, err)) || (rc = check_client(a, &c, err)))
        return rc;
    if ((who->role & ROLE_MANAGER) && c.owner_id != who->user_id)
        return kl_error_set(err, KL_EFORBIDDEN, "owner_id", "err.owner_reassign", NULL);
    /* A card without an owner is seen by the director and admins only: a head who made
     * one would lose it at once. */
    if ((who->role & ROLE_HEAD) && !c.owner_id)
        return kl_error_set(err, KL_EINVAL, "owner_id", "err.required", NULL);
    c.created_by = who->user_id;
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    if ((rc = check_owner(db, a, who, &c, err)))
        goto fail_keep;
    int64_t dup = 0;
    rc = repo_client_insert(db, &c, &dup);
    if (rc == KL_ECONFLICT) {
        db_rollback(db);
        return conflict(db, who, &c, err);
    }
    if (!rc)
        rc = maybe_issue(db, a, who, &c, 1);
    if (!rc && c.issued_at)
        rc = repo_client_update(db, &c, c.version, NULL);
    if (!rc)
        rc = search_index_new_client(db, a, c.id, &c);
    if (!rc) {
        json_t *after = client_to_json(NULL, a, &c);
        rc = audit_record_client(db, who, "client", c.id, c.id, "create", NULL, after);
        json_decref(after);
    }
    int64_t near[5];
    int nn = 0;
    if (!rc && warnings)
        rc = repo_client_find_name_key(db, c.name_key, c.id, near, 5, &nn);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    /* Near duplicates: the caller learns of those he may see. */
    if (warnings)
        *warnings = json_array();
    for (int i = 0; warnings && i < nn; i++) {
        struct client other;
        struct kl_error ignore;
        if (!load_visible(db, a, who, near[i], 0, &other, &ignore))
            json_array_append_new(*warnings,
                                  json_pack("{s:s, s:I, s:s}", "code", "near_duplicate",
                                            "client_id", (json_int_t)other.id, "name", other.name));
    }
    *out = c;
    return 0;
fail_keep:
    db_rollback(db);
    return rc;
}

int clients_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                   int64_t if_match, json_t *body, struct client *out, struct kl_error *err)
{
    struct client c;
    int rc;
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    if ((rc = load_visible(db, a, who, id, 0, &c, err)))
        goto fail;
    if (c.version != if_match) {
        rc = kl_error_set(err, KL_ESTALE, NULL, "err.stale", "client");
        goto fail;
    }
    json_t *before = client_to_json(NULL, a, &c);
    int64_t old_owner = c.owner_id;
    if ((rc = apply_body(a, body, &c, err)) || (rc = check_client(a, &c, err))) {
        json_decref(before);
        goto fail;
    }
    {
        /* A change that changes nothing writes nothing (no new version, no history). */
        json_t *now_json = client_to_json(NULL, a, &c);
        int same = json_equal(before, now_json);
        json_decref(now_json);
        if (same) {
            json_decref(before);
            db_rollback(db);
            *out = c;
            return 0;
        }
    }
    if (c.owner_id != old_owner && !c.owner_id &&
        !(who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM))) {
        /* Only the director and admins see cards without an owner. */
        json_decref(before);
        rc = kl_error_set(err, KL_EINVAL, "owner_id", "err.required", NULL);
        goto fail;
    }
    if (c.owner_id != old_owner) {
        if (!may_reassign(who)) {
            json_decref(before);
            rc = kl_error_set(err, KL_EFORBIDDEN, "owner_id", "err.owner_reassign", NULL);
            goto fail;
        }
    }
    if (c.owner_id != old_owner || json_object_get(body, "type")) {
        if ((rc = check_owner(db, a, who, &c, err))) {
            json_decref(before);
            goto fail;
        }
    }
    int64_t dup = 0;
    rc = maybe_issue(db, a, who, &c, 0);
    if (!rc)
        rc = repo_client_update(db, &c, if_match, &dup);
    if (rc == KL_ECONFLICT) {
        json_decref(before);
        db_rollback(db);
        return conflict(db, who, &c, err);
    }
    if (!rc)
        rc = search_reindex_client(db, a, c.id);
    if (!rc) {
        json_t *after = client_to_json(NULL, a, &c);
        rc = audit_record_client(db, who, "client", c.id, c.id,
                                 c.owner_id != old_owner ? "reassign" : "update", before, after);
        json_decref(after);
    }
    json_decref(before);
    if (rc == KL_ESTALE) {
        kl_error_set(err, KL_ESTALE, NULL, "err.stale", "client");
        goto fail;
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    *out = c;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

int clients_delete(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                   int64_t if_match, struct kl_error *err)
{
    struct client c;
    int rc;
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    if ((rc = load_visible(db, a, who, id, 0, &c, err)))
        goto fail;
    if (c.version != if_match) {
        rc = kl_error_set(err, KL_ESTALE, NULL, "err.stale", "client");
        goto fail;
    }
    json_t *before = client_to_json(NULL, a, &c);
    c.deleted_at = time_now();
    c.deleted_by = who->user_id;
    rc = repo_client_update(db, &c, if_match, NULL);
    if (!rc)
        rc = search_reindex_client(db, a, c.id);
    if (!rc)
        rc = audit_record_client(db, who, "client", c.id, c.id, "delete", before, NULL);
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    return 0;
fail:
    db_rollback(db);
    return rc;
}

int clients_restore(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    struct client *out, struct kl_error *err)
{
    struct client c;
    int rc;
    if (!(who->role & (ROLE_HEAD | ROLE_ADMIN | ROLE_DIRECTOR | ROLE_SYSTEM)))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    if ((rc = load_visible(db, a, who, id, 1, &c, err)))
        goto fail;
    if (!c.deleted_at || c.merged_into_id) {
        rc = kl_error_set(err, c.merged_into_id ? KL_ECONFLICT : KL_EINVAL, "id",
                          c.merged_into_id ? "err.client_merged" : "err.client_not_deleted", NULL);
        goto fail;
    }
    if (time_now() - c.deleted_at > CLIENT_RESTORE_DAYS * 86400LL) {
        rc = kl_error_setf(err, KL_ECONFLICT, "id", "err.restore_expired", "%d",
                           CLIENT_RESTORE_DAYS);
        goto fail;
    }
    c.deleted_at = 0;
    c.deleted_by = 0;
    int64_t dup = 0;
    rc = repo_client_update(db, &c, c.version, &dup);
    if (rc == KL_ECONFLICT) {
        db_rollback(db);
        return conflict(db, who, &c, err);
    }
    if (!rc)
        rc = search_reindex_client(db, a, c.id);
    if (!rc) {
        json_t *after = client_to_json(NULL, a, &c);
        rc = audit_record_client(db, who, "client", c.id, c.id, "restore", NULL, after);
        json_decref(after);
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    *out = c;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

int clients_merge(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                  int64_t from_id, struct client *out, struct kl_error *err)
{
    struct client into, from;
    int rc;
    if (!(who->role & (ROLE_HEAD | ROLE_ADMIN | ROLE_DIRECTOR | ROLE_SYSTEM)))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    if (id == from_id)
        return kl_error_set(err, KL_EINVAL, "from_id", "err.merge_self", NULL);
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    if ((rc = load_visible(db, a, who, id, 0, &into, err)))
        goto fail;
    if ((rc = load_visible(db, a, who, from_id, 0, &from, err))) {
        snprintf(err->field, sizeof(err->field), "from_id");
        goto fail;
    }
    json_t *before_into = client_to_json(NULL, a, &into),
           *before_from = client_to_json(NULL, a, &from);
    /* Fields empty on the surviving card are taken from the retired one. */
    for (const struct column *k = client_columns; k->name; k++) {
        if (k->kind == COL_TEXT && !COL_TEXT_AT(&into, k))
            COL_TEXT_AT(&into, k) = COL_TEXT_AT(&from, k);
        else if (k->kind == COL_INT && COL_INT_AT(&into, k) == CLIENT_NULL)
            COL_INT_AT(&into, k) = COL_INT_AT(&from, k);
    }
    from.deleted_at = time_now();
    from.deleted_by = who->user_id;
    from.merged_into_id = into.id;
    /* Retire the old card first, so that its company code is free for the survivor. */
    rc = repo_client_update(db, &from, from.version, NULL);
    if (!rc)
        rc = repo_contact_move(db, from.id, into.id);
    if (!rc)
        rc = repo_audit_move_client(db, from.id, into.id);
    if (!rc)
        rc = repo_activity_move_client(db, from.id, into.id);
    if (!rc)
        rc = maybe_issue(db, a, who, &into, 0);
    int64_t dup = 0;
    if (!rc)
        rc = repo_client_update(db, &into, into.version, &dup);
    if (!rc)
        rc = search_reindex_client(db, a, into.id);
    if (!rc)
        rc = search_reindex_client(db, a, from.id);
    if (!rc) {
        json_t *after = client_to_json(NULL, a, &into);
        json_t *info = json_pack("{s:I}", "merged_from_id", (json_int_t)from.id);
        json_object_update(after, info);
        json_decref(info);
        rc = audit_record_client(db, who, "client", into.id, into.id, "merge", before_into, after);
        if (!rc)
            rc = audit_record_client(db, who, "client", from.id, into.id, "merged_into",
                                     before_from, NULL);
        json_decref(after);
    }
    json_decref(before_into);
    json_decref(before_from);
    if (rc == KL_ECONFLICT) {
        db_rollback(db);
        return conflict(db, who, &into, err);
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    *out = into;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

int clients_list(struct db *db, struct arena *a, const struct principal *who,
                 struct client_filter *f, const char *q, int limit, struct client **out, int *n,
                 struct kl_error *err)
{
    struct client_scope scope;
    if (clients_scope(db, who, &scope))
        return db_fail(who, err);
    if (f->deleted && !(who->role & (ROLE_HEAD | ROLE_ADMIN | ROLE_DIRECTOR | ROLE_SYSTEM)))
        return kl_error_set(err, KL_EFORBIDDEN, "deleted", "err.forbidden", NULL);
    if (q && *q) {
        int64_t *ids;
        int nids = 0;
        if (search_clients(db, a, &scope, q, 50, &ids, &nids))
            return db_fail(who, err);
        f->only_ids = ids;
        f->n_only = nids;
    }
    return repo_client_list(db, a, &scope, f, limit, out, n) ? db_fail(who, err) : 0;
}

/* ---- history ---- */

static void diff_into(json_t *changes, json_t *before, json_t *after)
{
    const char *k;
    json_t *v;
    static const char *skip[] = {"version", "updated_at", "created_at", "missing", "id", NULL};
    json_t *keys = json_object();
    if (before)
        json_object_foreach(before, k, v) json_object_set(keys, k, json_true());
    if (after)
        json_object_foreach(after, k, v) json_object_set(keys, k, json_true());
    json_object_foreach(keys, k, v)
    {
        int s = 0;
        for (int i = 0; skip[i]; i++)
            s |= !strcmp(skip[i], k);
        if (s)
            continue;
        json_t *b = before ? json_object_get(before, k) : NULL;
        json_t *aft = after ? json_object_get(after, k) : NULL;
        if (b && aft && json_equal(b, aft))
            continue;
        if (!b && !aft)
            continue;
        if ((!b || json_is_null(b)) && (!aft || json_is_null(aft)))
            continue;
        json_array_append_new(changes,
                              json_pack("{s:s, s:O, s:O}", "field", k, "from", b ? b : json_null(),
                                        "to", aft ? aft : json_null()));
    }
    json_decref(keys);
}

int clients_history(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    int64_t before_id, int limit, json_t **out, int64_t *last_id,
                    struct kl_error *err)
{
    struct client c;
    struct audit_entry *items;
    int n = 0, rc;
    if ((rc = load_visible(db, a, who, id, 0, &c, err)))
        return rc;
    if (repo_audit_list_client(db, a, id, before_id, limit, &items, &n))
        return db_fail(who, err);
    json_t *arr = json_array();
    *last_id = 0;
    for (int i = 0; i < n; i++) {
        char iso[21];
        json_t *b = items[i].before_json ? json_loads(items[i].before_json, 0, NULL) : NULL;
        json_t *aft = items[i].after_json ? json_loads(items[i].after_json, 0, NULL) : NULL;
        json_t *changes = json_array();
        diff_into(changes, b, aft);
        time_iso(items[i].at, iso);
        struct user u;
        const char *uname = NULL;
        if (items[i].user_id && !repo_user_get(db, a, items[i].user_id, &u))
            uname = u.name;
        json_array_append_new(
            arr,
            json_pack("{s:I, s:s, s:o, s:o, s:s, s:I, s:s, s:o}", "id", (json_int_t)items[i].id,
                      "at", iso, "user_id",
                      items[i].user_id ? json_integer((json_int_t)items[i].user_id) : json_null(),
                      "user_name", uname ? json_string(uname) : json_null(), "entity",
                      items[i].entity, "entity_id", (json_int_t)items[i].entity_id, "action",
                      items[i].action, "changes", changes));
        json_decref(b);
        json_decref(aft);
        *last_id = items[i].id;
    }
    *out = arr;
    return 0;
}

/* ---- contacts ---- */

static int contact_apply(struct arena *a, json_t *body, struct contact *c, const char *country,
                         struct kl_error *err)
{
    const char *key;
    json_t *v;
    int rc;
    json_object_foreach(body, key, v)
    {
        char name[64];
        snprintf(name, sizeof(name), "%s", key);
        if (!strcmp(key, "name") || !strcmp(key, "position") || !strcmp(key, "birthday") ||
            !strcmp(key, "lang") || !strcmp(key, "notes")) {
            if (!json_is_string(v) && !json_is_null(v))
                return kl_error_set(err, KL_EINVAL, name, "err.type_string", NULL);
            const char *s = trimmed(a, json_string_value(v));
            int multi = !strcmp(key, "notes");
            if (s && (rc = validate_text(name, s, 1, multi ? 10000 : 200, multi, err)))
                return rc;
            if (!strcmp(key, "name"))
                c->name = s;
            else if (!strcmp(key, "position"))
                c->position = s;
            else if (!strcmp(key, "notes"))
                c->notes = s;
            else if (!strcmp(key, "lang")) {
                if (s && i18n_lang_parse(s) < 0)
                    return kl_error_set(err, KL_EINVAL, "lang", "err.lang", NULL);
                c->lang = s;
            } else {
                int y, m, d;
                if (s && time_parse_date(s, &y, &m, &d))
                    return kl_error_set(err, KL_EINVAL, "birthday", "err.date", NULL);
                c->birthday = s;
            }
        } else if (!strcmp(key, "decision_maker")) {
            if (!json_is_boolean(v))
                return kl_error_set(err, KL_EINVAL, name, "err.type_boolean", NULL);
            c->decision_maker = json_is_true(v);
        } else if (!strcmp(key, "phones") || !strcmp(key, "emails")) {
            int phones = key[0] == 'p';
            if (!json_is_array(v))
                return kl_error_set(err, KL_EINVAL, name, "err.type_array", NULL);
            if (json_array_size(v) > 10)
                return kl_error_set(err, KL_EINVAL, name, "err.too_many", "10");
            json_t *norm = json_array();
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item)
            {
                char field[64];
                snprintf(field, sizeof(field), "%.20s[%d]", name, (int)(i % 100));
                if (!json_is_string(item)) {
                    json_decref(norm);
                    return kl_error_set(err, KL_EINVAL, field, "err.type_string", NULL);
                }
                const char *s = trimmed(a, json_string_value(item));
                if (!s)
                    continue;
                if (phones) {
                    char e164[20];
                    if ((rc = client_normalize_phone(field, s, country, e164, err))) {
                        json_decref(norm);
                        return rc;
                    }
                    json_array_append_new(norm, json_string(e164));
                } else {
                    if ((rc = client_check_email(field, s, err))) {
                        json_decref(norm);
                        return rc;
                    }
                    json_array_append_new(norm, json_string(s));
                }
            }
            char *text = json_dumps(norm, JSON_COMPACT);
            json_decref(norm);
            if (phones)
                c->phones = arena_strdup(a, text);
            else
                c->emails = arena_strdup(a, text);
            free(text);
        } else {
            static const char *ro[] = {"id",         "client_id",  "version",
                                       "created_at", "updated_at", NULL};
            for (int i = 0; ro[i]; i++)
                if (!strcmp(ro[i], key))
                    return kl_error_set(err, KL_EINVAL, name, "err.read_only", NULL);
            return kl_error_set(err, KL_EINVAL, name, "err.unknown_field", NULL);
        }
    }
    if (!c->name)
        return kl_error_set(err, KL_EINVAL, "name", "err.required", NULL);
    return 0;
}

int contacts_list(struct db *db, struct arena *a, const struct principal *who, int64_t client_id,
                  struct contact **out, int *n, struct kl_error *err)
{
    struct client c;
    int rc = load_visible(db, a, who, client_id, 0, &c, err);
    if (rc)
        return rc;
    return repo_contact_list(db, a, client_id, out, n) ? db_fail(who, err) : 0;
}

static int load_contact(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                        struct contact *out, struct client *client, struct kl_error *err)
{
    int rc = repo_contact_get(db, a, id, out);
    if (rc == KL_ENOTFOUND || (!rc && out->deleted_at))
        return kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "contact");
    if (rc)
        return db_fail(who, err);
    rc = load_visible(db, a, who, out->client_id, 0, client, err);
    if (rc == KL_ENOTFOUND)
        return kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "contact");
    return rc;
}

int contacts_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                 struct contact *out, struct kl_error *err)
{
    struct client c;
    return load_contact(db, a, who, id, out, &c, err);
}

/* After a contact change: re-index the client, and issue its card if now complete. */
static int after_contact_change(struct db *db, struct arena *a, const struct principal *who,
                                struct client *c)
{
    int rc = search_reindex_client(db, a, c->id);
    if (!rc && !c->issued_at) {
        rc = maybe_issue(db, a, who, c, 0);
        if (!rc && c->issued_at) {
            rc = repo_client_update(db, c, c->version, NULL);
            /* The card's version moved: its history says why. */
            json_t *after =
                json_pack("{s:b, s:I}", "issued", 1, "issue_seconds", (json_int_t)c->issue_seconds);
            if (!rc)
                rc = audit_record_client(db, who, "client", c->id, c->id, "issue", NULL, after);
            json_decref(after);
        }
    }
    return rc;
}

int contacts_create(struct db *db, struct arena *a, const struct principal *who, int64_t client_id,
                    json_t *body, struct contact *out, struct kl_error *err)
{
    struct client c;
    struct contact k = {.client_id = client_id, .phones = "[]", .emails = "[]"};
    int rc;
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    if ((rc = load_visible(db, a, who, client_id, 0, &c, err)) ||
        (rc = contact_apply(a, body, &k, c.country, err)))
        goto fail;
    rc = repo_contact_insert(db, &k);
    if (!rc)
        rc = after_contact_change(db, a, who, &c);
    if (!rc) {
        json_t *after = contact_to_json(&k);
        rc = audit_record_client(db, who, "contact", k.id, client_id, "create", NULL, after);
        json_decref(after);
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    *out = k;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

int contacts_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    int64_t if_match, json_t *body, struct contact *out, struct kl_error *err)
{
    struct client c;
    struct contact k;
    int rc;
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    if ((rc = load_contact(db, a, who, id, &k, &c, err)))
        goto fail;
    if (k.version != if_match) {
        rc = kl_error_set(err, KL_ESTALE, NULL, "err.stale", "contact");
        goto fail;
    }
    json_t *before = contact_to_json(&k);
    if ((rc = contact_apply(a, body, &k, c.country, err))) {
        json_decref(before);
        goto fail;
    }
    rc = repo_contact_update(db, &k, if_match);
    if (!rc)
        rc = after_contact_change(db, a, who, &c);
    if (!rc) {
        json_t *after = contact_to_json(&k);
        rc = audit_record_client(db, who, "contact", k.id, k.client_id, "update", before, after);
        json_decref(after);
    }
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return rc == KL_ESTALE ? kl_error_set(err, rc, NULL, "err.stale", "contact")
                               : db_fail(who, err);
    }
    *out = k;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

int contacts_delete(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    int64_t if_match, struct kl_error *err)
{
    struct client c;
    struct contact k;
    int rc;
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    if ((rc = load_contact(db, a, who, id, &k, &c, err)))
        goto fail;
    if (k.version != if_match) {
        rc = kl_error_set(err, KL_ESTALE, NULL, "err.stale", "contact");
        goto fail;
    }
    json_t *before = contact_to_json(&k);
    k.deleted_at = time_now();
    rc = repo_contact_update(db, &k, if_match);
    if (!rc)
        rc = search_reindex_client(db, a, c.id);
    if (!rc)
        rc = audit_record_client(db, who, "contact", k.id, k.client_id, "delete", before, NULL);
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    return 0;
fail:
    db_rollback(db);
    return rc;
}
