/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * activities.c - the interaction log (domain, R7): calls, e-mails, offers, meetings,
 * visits, greetings and notes on a visible client. The author may correct an activity for
 * 24 hours; after that only a head (of the author's department), the director or an admin
 * may, and every correction is audited.
 */
#include <stdio.h>
#include <string.h>

#include "domain/jsonout.h"
#include "daily.h"

#include "domain/audit.h"
#include "domain/clients.h"
#include "domain/validate.h"
#include "store/repo_user.h"

static const char *const types[] = {"call",  "email",    "offer_email", "offer_phone", "meeting",
                                    "visit", "greeting", "note",        NULL};
static const char *const outcomes[] = {"reached",
                                       "no_answer",
                                       "call_back",
                                       "interested",
                                       "not_interested",
                                       "offer_requested",
                                       "meeting_agreed",
                                       "order_placed",
                                       "wrong_number",
                                       "sent",
                                       NULL};

static int one_of(const char *v, const char *const *set)
{
    for (int i = 0; v && set[i]; i++)
        if (!strcmp(v, set[i]))
            return 1;
    return 0;
}

json_t *activity_to_json(const struct activity *x)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)x->id));
    json_object_set_new(o, "client_id", json_integer((json_int_t)x->client_id));
    json_object_set_new(o, "contact_id",
                        x->contact_id ? json_integer((json_int_t)x->contact_id) : json_null());
    json_object_set_new(o, "user_id", json_integer((json_int_t)x->user_id));
    json_object_set_new(o, "type", json_string(x->type));
    json_object_set_new(o, "direction", json_string(x->direction));
    json_object_set_new(o, "outcome", json_str_or_null(x->outcome));
    json_object_set_new(o, "reason", json_str_or_null(x->reason));
    json_put_time(o, "at", x->at);
    json_object_set_new(o, "duration_s",
                        x->duration_s >= 0 ? json_integer((json_int_t)x->duration_s) : json_null());
    json_object_set_new(o, "notes", json_str_or_null(x->notes));
    json_put_time(o, "callback_at", x->callback_at);
    json_object_set_new(o, "version", json_integer((json_int_t)x->version));
    json_put_time(o, "created_at", x->created_at);
    json_put_time(o, "updated_at", x->updated_at);
    return o;
}

static int bad(struct kl_error *err, const char *field, const char *key, const char *arg)
{
    return kl_error_set(err, KL_EINVAL, field, key, arg);
}

/* Apply members of body onto x; creating decides which members are required. */
static int apply(struct db *db, struct arena *a, json_t *body, struct activity *x, int creating,
                 struct kl_error *err)
{
    const char *key;
    json_t *v;
    int rc;
    json_object_foreach(body, key, v)
    {
        char name[64];
        snprintf(name, sizeof(name), "%s", key);
        if (!strcmp(key, "client_id")) {
            if (!creating)
                return bad(err, name, "err.read_only", NULL);
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return bad(err, name, "err.positive_id", NULL);
            x->client_id = (int64_t)json_integer_value(v);
        } else if (!strcmp(key, "contact_id")) {
            if (json_is_null(v))
                x->contact_id = 0;
            else if (json_is_integer(v) && json_integer_value(v) > 0)
                x->contact_id = (int64_t)json_integer_value(v);
            else
                return bad(err, name, "err.positive_id", NULL);
        } else if (!strcmp(key, "type") || !strcmp(key, "direction") || !strcmp(key, "outcome") ||
                   !strcmp(key, "reason") || !strcmp(key, "notes")) {
            if (!json_is_string(v) &&
                !(json_is_null(v) && strcmp(key, "type") && strcmp(key, "direction")))
                return bad(err, name, "err.type_string", NULL);
            const char *s = arena_strdup(a, json_string_value(v));
            if (s && (rc = validate_text(name, s, 1, !strcmp(key, "notes") ? 5000 : 64,
                                         !strcmp(key, "notes"), err)))
                return rc;
            if (!strcmp(key, "type"))
                x->type = s;
            else if (!strcmp(key, "direction"))
                x->direction = s;
            else if (!strcmp(key, "outcome"))
                x->outcome = s;
            else if (!strcmp(key, "reason"))
                x->reason = s;
            else
                x->notes = s;
        } else if (!strcmp(key, "at") || !strcmp(key, "callback_at")) {
            int64_t t = 0;
            if (json_is_null(v) && !strcmp(key, "callback_at")) {
                x->callback_at = 0;
                continue;
            }
            if (!json_is_string(v) || time_parse_iso(json_string_value(v), &t))
                return bad(err, name, "err.datetime", NULL);
            if (!strcmp(key, "at"))
                x->at = t;
            else
                x->callback_at = t;
        } else if (!strcmp(key, "duration_s")) {
            if (json_is_null(v))
                x->duration_s = -1;
            else if (json_is_integer(v) && json_integer_value(v) >= 0 &&
                     json_integer_value(v) <= 86400)
                x->duration_s = (int64_t)json_integer_value(v);
            else
                return bad(err, name, "err.range", "0-86400");
        } else {
            static const char *ro[] = {"id",         "user_id",    "version",
                                       "created_at", "updated_at", NULL};
            for (int i = 0; ro[i]; i++)
                if (!strcmp(ro[i], key))
                    return bad(err, name, "err.read_only", NULL);
            return bad(err, name, "err.unknown_field", NULL);
        }
    }
    if (!x->client_id)
        return bad(err, "client_id", "err.required", NULL);
    if (!x->type)
        return bad(err, "type", "err.required", NULL);
    if (!one_of(x->type, types))
        return bad(err, "type", "err.activity_type", NULL);
    if (!x->direction)
        x->direction = "out";
    if (strcmp(x->direction, "in") && strcmp(x->direction, "out"))
        return bad(err, "direction", "err.direction", NULL);
    if (x->outcome && !one_of(x->outcome, outcomes))
        return bad(err, "outcome", "err.outcome", NULL);
    /* Inbound contact carries the reason the client got in touch (R7). */
    if (!strcmp(x->direction, "in") && strcmp(x->type, "note") && !x->reason)
        return bad(err, "reason", "err.required", NULL);
    if (x->reason) {
        int exists = 0;
        if (repo_reason_exists(db, x->reason, &exists))
            return KL_EDB;
        if (!exists)
            return bad(err, "reason", "err.ref_not_found", "reason");
    }
    int64_t now = time_now();
    if (!x->at)
        x->at = now;
    if (x->at > now + 24 * 3600)
        return bad(err, "at", "err.future", NULL);
    if (x->outcome && !strcmp(x->outcome, "call_back") && !x->callback_at)
        return bad(err, "callback_at", "err.required", NULL);
    return 0;
}

static int db_fail(const struct principal *who, struct kl_error *err)
{
    return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
}

int activities_log(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                   struct activity *out, struct kl_error *err)
{
    struct activity x = {.duration_s = -1, .user_id = who->user_id};
    struct client c;
    int rc = apply(db, a, body, &x, 1, err);
    if (rc)
        return rc == KL_EDB ? db_fail(who, err) : rc;
    /* The client must be one the caller works: 404 otherwise (R34). */
    if ((rc = clients_get(db, a, who, x.client_id, &c, err))) {
        if (rc == KL_ENOTFOUND)
            snprintf(err->field, sizeof(err->field), "client_id");
        return rc;
    }
    if (x.contact_id) {
        struct contact k;
        if (repo_contact_get(db, a, x.contact_id, &k) || k.client_id != x.client_id || k.deleted_at)
            return bad(err, "contact_id", "err.ref_not_found", "contact");
    }
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    rc = repo_activity_insert(db, &x);
    if (!rc) {
        json_t *after = activity_to_json(&x);
        rc = audit_record_client(db, who, "activity", x.id, x.client_id, "create", NULL, after);
        json_decref(after);
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    *out = x;
    return 0;
}

/* May who correct x? The author within the edit window; later a head of the author's
 * department, the director or an admin. */
static int may_correct(struct db *db, struct arena *a, const struct principal *who,
                       const struct activity *x)
{
    if (who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM))
        return 1;
    if (x->user_id == who->user_id && time_now() - x->created_at <= ACTIVITY_EDIT_SECONDS)
        return 1;
    if (who->role & ROLE_HEAD) {
        struct user u;
        return !repo_user_get(db, a, x->user_id, &u) && u.department_id == who->department_id;
    }
    return 0;
}

int activities_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                      int64_t if_match, json_t *body, struct activity *out, struct kl_error *err)
{
    struct activity x;
    struct client c;
    int rc = repo_activity_get(db, a, id, &x);
    if (rc == KL_ENOTFOUND || (!rc && x.deleted_at))
        return kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "activity");
    if (rc)
        return db_fail(who, err);
    if ((rc = clients_get(db, a, who, x.client_id, &c, err)))
        return rc == KL_ENOTFOUND ? kl_error_set(err, rc, "id", "err.not_found", "activity") : rc;
    if (!may_correct(db, a, who, &x))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.activity_locked", NULL);
    json_t *before = activity_to_json(&x);
    json_t *deleted = json_object_get(body, "deleted");
    if (deleted) {
        if (!json_is_true(deleted) || json_object_size(body) != 1) {
            json_decref(before);
            return bad(err, "deleted", "err.type_boolean", NULL);
        }
        x.deleted_at = time_now();
    } else if ((rc = apply(db, a, body, &x, 0, err))) {
        json_decref(before);
        return rc == KL_EDB ? db_fail(who, err) : rc;
    } else if (x.contact_id) {
        struct contact k;
        if (repo_contact_get(db, a, x.contact_id, &k) || k.client_id != x.client_id ||
            k.deleted_at) {
            json_decref(before);
            return bad(err, "contact_id", "err.ref_not_found", "contact");
        }
    }
    if ((rc = db_begin(db))) {
        json_decref(before);
        return db_fail(who, err);
    }
    rc = repo_activity_update(db, &x, if_match);
    if (!rc) {
        json_t *after = x.deleted_at ? NULL : activity_to_json(&x);
        rc = audit_record_client(db, who, "activity", x.id, x.client_id,
                                 x.deleted_at ? "delete" : "update", before, after);
        json_decref(after);
    }
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return rc == KL_ESTALE ? kl_error_set(err, rc, NULL, "err.stale", "activity")
                               : db_fail(who, err);
    }
    *out = x;
    return 0;
}

int activities_list(struct db *db, struct arena *a, const struct principal *who,
                    struct activity_filter *f, int limit, struct activity **out, int *n,
                    struct kl_error *err)
{
    int rc;
    if (f->client_id) {
        struct client c;
        if ((rc = clients_get(db, a, who, f->client_id, &c, err))) {
            if (rc == KL_ENOTFOUND)
                snprintf(err->field, sizeof(err->field), "client_id");
            return rc;
        }
    } else {
        if (!f->user_id)
            f->user_id = who->user_id;
        if ((rc = daily_may_view(db, a, who, f->user_id, err)))
            return rc;
    }
    return repo_activity_list(db, a, f, limit, out, n) ? db_fail(who, err) : 0;
}

int daily_may_view(struct db *db, struct arena *a, const struct principal *who, int64_t user_id,
                   struct kl_error *err)
{
    if (user_id == who->user_id || (who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM)))
        return 0;
    if (who->role & ROLE_HEAD) {
        struct user u;
        int rc = repo_user_get(db, a, user_id, &u);
        if (!rc && u.department_id && u.department_id == who->department_id)
            return 0;
        if (rc && rc != KL_ENOTFOUND)
            return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    }
    return kl_error_set(err, KL_EFORBIDDEN, "user_id", "err.forbidden", NULL);
}
