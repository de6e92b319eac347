/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * greetings.c - greeting templates and the preview of a greeting (domain, R14).
 */
#include <string.h>

#include "greetings.h"

#include "domain/audit.h"
#include "domain/clients.h"
#include "domain/outbox.h"
#include "lib/buf.h"
#include "lib/i18n.h"
#include "lib/timeutil.h"
#include "store/repo_misc.h"

static const char *const placeholders[] = {"contact_name", "client_name", "holiday_name",
                                           "sender_name", NULL};

static int db_fail(const struct principal *who, struct kl_error *err)
{
    return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
}

static int sells(const struct principal *who, struct kl_error *err)
{
    if (who->role & (ROLE_MANAGER | ROLE_HEAD | ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM))
        return 0;
    return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
}

json_t *greetings_template_to_json(const struct greeting_template *t)
{
    char c[21], u[21];
    time_iso(t->created_at, c);
    time_iso(t->updated_at, u);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)t->id, "kind",
                     t->kind, "lang", t->lang, "subject", t->subject, "body", t->body, "version",
                     (json_int_t)t->version, "created_at", c, "updated_at", u);
}

int greetings_templates_list(struct db *db, struct arena *a, const struct principal *who,
                             struct greeting_template **out, int *n, struct kl_error *err)
{
    int rc = sells(who, err);
    if (rc)
        return rc;
    return repo_outbox_template_list(db, a, out, n) ? db_fail(who, err) : 0;
}

int greetings_template_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                           struct greeting_template *out, struct kl_error *err)
{
    int rc = sells(who, err);
    if (rc)
        return rc;
    rc = repo_outbox_template_get(db, a, id, out);
    if (rc == KL_ENOTFOUND)
        return kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "greeting template");
    return rc ? db_fail(who, err) : 0;
}

int greetings_check_placeholders(const char *field, const char *s, struct kl_error *err)
{
    for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        size_t n = (size_t)(e - p - 1);
        int known = 0;
        for (int i = 0; placeholders[i]; i++)
            if (strlen(placeholders[i]) == n && !strncmp(p + 1, placeholders[i], n))
                known = 1;
        /* Only {word} looks like a placeholder; other braces are text. */
        int word = n > 0 && n < 40;
        for (size_t i = 0; word && i < n; i++)
            if (!((p[1 + i] >= 'a' && p[1 + i] <= 'z') || p[1 + i] == '_'))
                word = 0;
        if (word && !known)
            return kl_error_setf(err, KL_EINVAL, field, "err.placeholder", "{%.*s}", (int)n, p + 1);
    }
    return 0;
}

char *greetings_render(struct arena *a, const char *tmpl, const struct greetings_values *v)
{
    const char *values[] = {v->contact_name, v->client_name, v->holiday_name, v->sender_name};
    struct buf b = BUF_INIT;
    const char *p = tmpl;
    while (*p) {
        int done = 0;
        if (*p == '{') {
            for (int i = 0; placeholders[i]; i++) {
                size_t n = strlen(placeholders[i]);
                if (!strncmp(p + 1, placeholders[i], n) && p[1 + n] == '}') {
                    const char *val = outbox_clean_text(a, values[i] ? values[i] : "");
                    buf_puts(&b, val);
                    p += n + 2;
                    done = 1;
                    break;
                }
            }
        }
        if (!done)
            buf_putc(&b, *p++);
    }
    char *out = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    return out;
}

int greetings_template_update(struct db *db, struct arena *a, const struct principal *who,
                              int64_t id, int64_t if_match, json_t *body,
                              struct greeting_template *out, struct kl_error *err)
{
    struct greeting_template t;
    const char *key;
    json_t *v;
    int rc;
    if (!(who->role & (ROLE_ADMIN | ROLE_SYSTEM)))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "subject") && strcmp(key, "body")) {
            char name[64];
            snprintf(name, sizeof(name), "%s", key);
            return kl_error_set(err, KL_EINVAL, name, "err.unknown_field", NULL);
        }
        if (!json_is_string(v))
            return kl_error_set(err, KL_EINVAL, key, "err.type_string", NULL);
    }
    const char *subject = json_string_value(json_object_get(body, "subject"));
    json_t *jbody = json_object_get(body, "body");
    const char *text = json_string_value(jbody);
    if (subject && ((rc = outbox_check_subject("subject", subject, err)) ||
                    (rc = greetings_check_placeholders("subject", subject, err))))
        return rc;
    if (text && ((rc = outbox_check_body("body", text, json_string_length(jbody), err)) ||
                 (rc = greetings_check_placeholders("body", text, err))))
        return rc;
    if (db_begin(db))
        return db_fail(who, err);
    rc = repo_outbox_template_get(db, a, id, &t);
    if (rc == KL_ENOTFOUND) {
        rc = kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "greeting template");
        goto fail;
    }
    if (rc) {
        rc = db_fail(who, err);
        goto fail;
    }
    if (t.version != if_match) {
        rc = kl_error_set(err, KL_ESTALE, NULL, "err.stale", "greeting template");
        goto fail;
    }
    int changed = (subject && strcmp(subject, t.subject)) || (text && strcmp(text, t.body));
    if (!changed) {
        db_rollback(db);
        *out = t;
        return 0;
    }
    json_t *before = greetings_template_to_json(&t);
    if (subject)
        t.subject = subject;
    if (text)
        t.body = text;
    t.updated_at = time_now();
    rc = repo_outbox_template_update(db, &t, if_match);
    if (rc == KL_ESTALE) {
        json_decref(before);
        rc = kl_error_set(err, KL_ESTALE, NULL, "err.stale", "greeting template");
        goto fail;
    }
    json_t *after = greetings_template_to_json(&t);
    if (!rc)
        rc = audit_record(db, who, "greeting_template", t.id, "update", before, after);
    json_decref(before);
    json_decref(after);
    if (rc || db_commit(db)) {
        rc = db_fail(who, err);
        goto fail;
    }
    t.subject = arena_strdup(a, t.subject);
    t.body = arena_strdup(a, t.body);
    *out = t;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

/* Days from today (month m0, day d0) to the next (m, d), 0 when it is today. */
static int days_ahead(int m0, int d0, int m, int d)
{
    int a = m0 * 31 + d0, b = m * 31 + d;
    return b >= a ? b - a : b + 12 * 31 - a;
}

static const char *holiday_name(const struct holiday *h, enum lang l)
{
    return l == LANG_LT ? h->name_lt : l == LANG_RU ? h->name_ru : h->name_en;
}

/* s cut to the longest subject a message may have (at a character boundary). */
static char *cut(char *s)
{
    size_t chars = 0;
    for (char *p = s; *p; p++)
        if ((*p & 0xC0) != 0x80 && ++chars > OUTBOX_SUBJECT_MAX) {
            *p = '\0';
            break;
        }
    return s;
}

/* The first address of a contact's "emails" (a JSON array as text), or NULL. */
static const char *first_email(struct arena *a, const char *emails)
{
    json_t *arr = emails ? json_loads(emails, 0, NULL) : NULL;
    const char *out = NULL;
    if (json_is_array(arr) && json_array_size(arr))
        out = arena_strdup(a, json_string_value(json_array_get(arr, 0)));
    json_decref(arr);
    return out;
}

int greetings_preview(struct db *db, struct arena *a, const struct principal *who,
                      int64_t contact_id, const char *kind, int64_t holiday_id, json_t **out,
                      struct kl_error *err)
{
    struct contact k;
    struct client c;
    struct greeting_template t;
    struct holiday h = {0};
    int rc = sells(who, err);
    if (rc)
        return rc;
    if (!kind || (strcmp(kind, "birthday") && strcmp(kind, "holiday")))
        return kl_error_set(err, KL_EINVAL, "kind", "err.greeting_kind", NULL);
    if (!contact_id)
        return kl_error_set(err, KL_EINVAL, "contact_id", "err.required", NULL);
    if ((rc = contacts_get(db, a, who, contact_id, &k, err)) ||
        (rc = clients_get(db, a, who, k.client_id, &c, err)))
        return rc;
    int l = i18n_lang_parse(k.lang);
    enum lang lang = l >= 0 ? (enum lang)l : who->lang;
    if (!strcmp(kind, "holiday")) {
        if (holiday_id) {
            rc = repo_holiday_get(db, a, holiday_id, &h);
            if (rc == KL_ENOTFOUND)
                return kl_error_set(err, KL_EINVAL, "holiday_id", "err.ref_not_found", "holiday");
            if (rc)
                return db_fail(who, err);
        } else {
            struct holiday *list;
            int n = 0, best = -1, best_days = 1000;
            if (repo_holiday_list(db, a, &list, &n))
                return db_fail(who, err);
            /* "Next" from the caller's today, in his time zone. */
            struct day today = time_local_day(who->tz, time_now());
            for (int i = 0; i < n; i++) {
                if (!c.industry || strcmp(list[i].industry, c.industry))
                    continue;
                int d = days_ahead(today.m, today.d, list[i].month, list[i].day);
                if (d < best_days)
                    best = i, best_days = d;
            }
            if (best < 0)
                return kl_error_set(err, KL_EINVAL, "holiday_id", "err.no_holiday", NULL);
            h = list[best];
        }
    }
    rc = repo_outbox_template_find(db, a, kind, i18n_lang_code(lang), &t);
    if (rc == KL_ENOTFOUND)
        return kl_error_set(err, KL_ENOTFOUND, "kind", "err.not_found", "greeting template");
    if (rc)
        return db_fail(who, err);
    struct greetings_values v = {
        .contact_name = k.name,
        .client_name = c.name,
        .holiday_name = h.id ? holiday_name(&h, lang) : NULL,
        .sender_name = who->name,
    };
    const char *to = first_email(a, k.emails);
    if (!to)
        to = c.email;
    json_t *o = json_object();
    json_object_set_new(o, "to", to ? json_string(to) : json_null());
    json_object_set_new(o, "to_name", json_string(outbox_clean_text(a, k.name)));
    json_object_set_new(o, "subject", json_string(cut(greetings_render(a, t.subject, &v))));
    json_object_set_new(o, "body", json_string(greetings_render(a, t.body, &v)));
    json_object_set_new(o, "lang", json_string(i18n_lang_code(lang)));
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "contact_id", json_integer((json_int_t)k.id));
    json_object_set_new(o, "client_id", json_integer((json_int_t)c.id));
    json_object_set_new(o, "holiday_id", h.id ? json_integer((json_int_t)h.id) : json_null());
    json_object_set_new(o, "template_id", json_integer((json_int_t)t.id));
    *out = o;
    return 0;
}
