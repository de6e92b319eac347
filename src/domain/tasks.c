/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * tasks.c - instructions from the head and the director (domain, R40) and absences with
 * substitutes (R33).
 *
 * Tasks: a head gives tasks to the people of his department, the director and admins to
 * anyone; the assignee (or whoever substitutes him today) completes a task with a note;
 * the creator may change or cancel it. Absences: the director (or a head within his
 * department) records that a user is away from one day to another and who substitutes
 * him; during those days the substitute sees and works the absent user's clients, tasks
 * and call list as his own; afterwards nothing needs undoing. All of it audited.
 */
#include <stdio.h>
#include <string.h>

#include "domain/jsonout.h"
#include "daily.h"

#include "domain/audit.h"
#include "domain/clients.h"
#include "domain/validate.h"
#include "store/repo_user.h"

static int db_fail(const struct principal *who, struct kl_error *err)
{
    return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
}

json_t *task_to_json(const struct task *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)t->id));
    json_object_set_new(o, "assignee_id", json_integer((json_int_t)t->assignee_id));
    json_object_set_new(o, "created_by", json_integer((json_int_t)t->created_by));
    json_object_set_new(o, "client_id",
                        t->client_id ? json_integer((json_int_t)t->client_id) : json_null());
    json_object_set_new(o, "title", json_string(t->title));
    json_object_set_new(o, "notes", json_str_or_null(t->notes));
    json_object_set_new(o, "status", json_string(t->status));
    json_object_set_new(o, "done_note", json_str_or_null(t->done_note));
    json_put_time(o, "due_at", t->due_at);
    json_put_time(o, "done_at", t->done_at);
    json_object_set_new(o, "overdue",
                        json_boolean(!strcmp(t->status, "open") && t->due_at < time_now()));
    json_object_set_new(o, "version", json_integer((json_int_t)t->version));
    json_put_time(o, "created_at", t->created_at);
    json_put_time(o, "updated_at", t->updated_at);
    return o;
}

/* Does who lead user_id (head of his department, the director, an admin)? */
static int leads(struct db *db, struct arena *a, const struct principal *who, int64_t user_id)
{
    if (who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM))
        return 1;
    if (!(who->role & ROLE_HEAD))
        return 0;
    struct user u;
    return !repo_user_get(db, a, user_id, &u) && u.department_id &&
           u.department_id == who->department_id;
}

/* Is who the assignee or standing in for him today? */
static int works_for(struct db *db, const struct principal *who, int64_t assignee_id)
{
    if (who->user_id == assignee_id)
        return 1;
    int64_t ids[16];
    int n = 0;
    if (absences_substituted_today(db, who, ids, 16, &n))
        return 0;
    for (int i = 0; i < n; i++)
        if (ids[i] == assignee_id)
            return 1;
    return 0;
}

static int apply_task(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                      struct task *t, int may_edit, struct kl_error *err)
{
    const char *key;
    json_t *v;
    int rc;
    json_object_foreach(body, key, v)
    {
        char name[64];
        snprintf(name, sizeof(name), "%s", key);
        int edit_field = !strcmp(key, "title") || !strcmp(key, "notes") || !strcmp(key, "due_at") ||
                         !strcmp(key, "assignee_id") || !strcmp(key, "client_id");
        if (edit_field && !may_edit)
            return kl_error_set(err, KL_EFORBIDDEN, name, "err.forbidden", NULL);
        if (!strcmp(key, "title") || !strcmp(key, "notes") || !strcmp(key, "done_note")) {
            if (!json_is_string(v) && !(json_is_null(v) && strcmp(key, "title")))
                return kl_error_set(err, KL_EINVAL, name, "err.type_string", NULL);
            const char *s = arena_strdup(a, json_string_value(v));
            if (s && (rc = validate_text(name, s, 1, !strcmp(key, "title") ? 200 : 5000,
                                         strcmp(key, "title") != 0, err)))
                return rc;
            if (!strcmp(key, "title"))
                t->title = s;
            else if (!strcmp(key, "notes"))
                t->notes = s;
            else
                t->done_note = s;
        } else if (!strcmp(key, "due_at")) {
            if (!json_is_string(v) || time_parse_iso(json_string_value(v), &t->due_at))
                return kl_error_set(err, KL_EINVAL, name, "err.datetime", NULL);
        } else if (!strcmp(key, "assignee_id") || !strcmp(key, "client_id")) {
            int64_t id = 0;
            if (json_is_integer(v) && json_integer_value(v) > 0)
                id = (int64_t)json_integer_value(v);
            else if (!(json_is_null(v) && !strcmp(key, "client_id")))
                return kl_error_set(err, KL_EINVAL, name, "err.positive_id", NULL);
            if (key[0] == 'a')
                t->assignee_id = id;
            else
                t->client_id = id;
        } else if (!strcmp(key, "status")) {
            const char *s = json_string_value(v);
            if (!s || (strcmp(s, "open") && strcmp(s, "done") && strcmp(s, "cancelled")))
                return kl_error_set(err, KL_EINVAL, name, "err.task_status", NULL);
            if (!strcmp(s, "cancelled") && !may_edit)
                return kl_error_set(err, KL_EFORBIDDEN, name, "err.forbidden", NULL);
            t->status = arena_strdup(a, s);
        } else {
            static const char *ro[] = {"id",         "created_by", "done_at", "version",
                                       "created_at", "updated_at", "overdue", NULL};
            for (int i = 0; ro[i]; i++)
                if (!strcmp(ro[i], key))
                    return kl_error_set(err, KL_EINVAL, name, "err.read_only", NULL);
            return kl_error_set(err, KL_EINVAL, name, "err.unknown_field", NULL);
        }
    }
    if (!t->title)
        return kl_error_set(err, KL_EINVAL, "title", "err.required", NULL);
    if (!t->assignee_id)
        return kl_error_set(err, KL_EINVAL, "assignee_id", "err.required", NULL);
    if (!t->due_at)
        return kl_error_set(err, KL_EINVAL, "due_at", "err.required", NULL);
    struct user u;
    rc = repo_user_get(db, a, t->assignee_id, &u);
    if (rc == KL_ENOTFOUND || (!rc && !u.active))
        return kl_error_set(err, KL_EINVAL, "assignee_id", "err.ref_not_found", "user");
    if (rc)
        return db_fail(who, err);
    if (may_edit && !leads(db, a, who, t->assignee_id))
        return kl_error_set(err, KL_EFORBIDDEN, "assignee_id", "err.forbidden", NULL);
    /* The client is checked when it is set, not when the assignee completes the task (he
     * may not see the client the head named). */
    if (t->client_id && json_object_get(body, "client_id")) {
        struct client c;
        struct kl_error ignore;
        if (clients_get(db, a, who, t->client_id, &c, &ignore))
            return kl_error_set(err, KL_EINVAL, "client_id", "err.ref_not_found", "client");
    }
    return 0;
}

int tasks_create(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                 struct task *out, struct kl_error *err)
{
    struct task t = {.created_by = who->user_id, .status = "open"};
    int rc;
    if (!(who->role & (ROLE_HEAD | ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM)))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    /* A new task is open; its outcome is written when it is completed. */
    if (json_object_get(body, "status") || json_object_get(body, "done_note"))
        return kl_error_set(err, KL_EINVAL,
                            json_object_get(body, "status") ? "status" : "done_note",
                            "err.read_only", NULL);
    if ((rc = apply_task(db, a, who, body, &t, 1, err)))
        return rc;
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    rc = repo_task_insert(db, &t);
    if (!rc) {
        json_t *after = task_to_json(&t);
        rc = audit_record_client(db, who, "task", t.id, t.client_id, "create", NULL, after);
        json_decref(after);
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    *out = t;
    return 0;
}

static int visible_task(struct db *db, struct arena *a, const struct principal *who,
                        const struct task *t)
{
    return t->created_by == who->user_id || works_for(db, who, t->assignee_id) ||
           leads(db, a, who, t->assignee_id);
}

int tasks_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
              struct task *out, struct kl_error *err)
{
    int rc = repo_task_get(db, a, id, out);
    if (rc == KL_ENOTFOUND || (!rc && !visible_task(db, a, who, out)))
        return kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "task");
    return rc ? db_fail(who, err) : 0;
}

int tasks_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                 int64_t if_match, json_t *body, struct task *out, struct kl_error *err)
{
    struct task t;
    int rc = tasks_get(db, a, who, id, &t, err);
    if (rc)
        return rc;
    int may_edit = t.created_by == who->user_id || leads(db, a, who, t.assignee_id);
    json_t *before = task_to_json(&t);
    const char *old_status = t.status;
    if ((rc = apply_task(db, a, who, body, &t, may_edit, err))) {
        json_decref(before);
        return rc;
    }
    if (strcmp(old_status, t.status))
        t.done_at = !strcmp(t.status, "done") ? time_now() : 0;
    if ((rc = db_begin(db))) {
        json_decref(before);
        return db_fail(who, err);
    }
    rc = repo_task_update(db, &t, if_match);
    if (!rc) {
        json_t *after = task_to_json(&t);
        rc = audit_record_client(
            db, who, "task", t.id, t.client_id,
            !strcmp(t.status, "done") && strcmp(old_status, "done") ? "complete" : "update", before,
            after);
        json_decref(after);
    }
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return rc == KL_ESTALE ? kl_error_set(err, rc, NULL, "err.stale", "task")
                               : db_fail(who, err);
    }
    *out = t;
    return 0;
}

int tasks_list(struct db *db, struct arena *a, const struct principal *who, int64_t assignee_id,
               const char *status, int overdue_only, struct task **out, int *n,
               struct kl_error *err)
{
    int64_t ids[33];
    int nids = 0, rc;
    if (status && strcmp(status, "open") && strcmp(status, "done") && strcmp(status, "cancelled"))
        return kl_error_set(err, KL_EINVAL, "status", "err.task_status", NULL);
    int64_t due_before = overdue_only ? time_now() : 0;
    if (assignee_id) {
        if (!works_for(db, who, assignee_id) && !leads(db, a, who, assignee_id))
            return kl_error_set(err, KL_EFORBIDDEN, "assignee_id", "err.forbidden", NULL);
        ids[nids++] = assignee_id;
        rc = repo_task_list(db, a, ids, nids, 0, status, due_before, 500, out, n);
    } else if (who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM)) {
        rc = repo_task_list(db, a, NULL, 0, 0, status, due_before, 500, out, n);
    } else if (who->role & ROLE_HEAD) {
        /* A head sees the tasks of his department's people (and his own). */
        struct db_stmt st;
        ids[nids++] = who->user_id;
        if ((rc = db_query(db, &st,
                           "SELECT id FROM users WHERE department_id = ? AND id <> ? AND active = "
                           "1 LIMIT 31",
                           "ii", who->department_id, who->user_id)))
            return db_fail(who, err);
        while (db_step(&st) == DB_ROW && nids < 32)
            ids[nids++] = db_int64(&st, 0);
        db_finish(&st);
        rc = repo_task_list(db, a, ids, nids, 0, status, due_before, 500, out, n);
    } else {
        ids[nids++] = who->user_id;
        int ns = 0;
        if (absences_substituted_today(db, who, ids + 1, 16, &ns))
            return db_fail(who, err);
        nids += ns;
        rc = repo_task_list(db, a, ids, nids, 0, status, due_before, 500, out, n);
    }
    return rc ? db_fail(who, err) : 0;
}

/* ---- absences ---- */

json_t *absence_to_json(const struct absence *x)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)x->id));
    json_object_set_new(o, "user_id", json_integer((json_int_t)x->user_id));
    json_object_set_new(o, "substitute_id", json_integer((json_int_t)x->substitute_id));
    json_object_set_new(o, "from", json_string(x->from_day));
    json_object_set_new(o, "to", json_string(x->to_day));
    json_object_set_new(o, "reason", json_str_or_null(x->reason));
    json_object_set_new(o, "created_by", json_integer((json_int_t)x->created_by));
    json_object_set_new(o, "version", json_integer((json_int_t)x->version));
    json_put_time(o, "created_at", x->created_at);
    json_put_time(o, "updated_at", x->updated_at);
    return o;
}

int absences_substituted_today(struct db *db, const struct principal *who, int64_t *ids, int max,
                               int *n)
{
    char key[11];
    day_format(time_local_day(who->tz, time_now()), key);
    return repo_absence_substituted(db, who->user_id, key, ids, max, n);
}

int absences_create(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                    struct absence *out, struct kl_error *err)
{
    struct absence x = {.created_by = who->user_id};
    const char *key;
    json_t *v;
    int rc;
    json_object_foreach(body, key, v)
    {
        char name[64];
        snprintf(name, sizeof(name), "%s", key);
        if (!strcmp(key, "user_id") || !strcmp(key, "substitute_id")) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return kl_error_set(err, KL_EINVAL, name, "err.positive_id", NULL);
            *(key[0] == 'u' ? &x.user_id : &x.substitute_id) = (int64_t)json_integer_value(v);
        } else if (!strcmp(key, "from") || !strcmp(key, "to")) {
            struct day d;
            if (!json_is_string(v) || day_parse(json_string_value(v), &d))
                return kl_error_set(err, KL_EINVAL, name, "err.date", NULL);
            *(key[0] == 'f' ? &x.from_day : &x.to_day) = arena_strdup(a, json_string_value(v));
        } else if (!strcmp(key, "reason")) {
            if (!json_is_string(v) && !json_is_null(v))
                return kl_error_set(err, KL_EINVAL, name, "err.type_string", NULL);
            x.reason = arena_strdup(a, json_string_value(v));
            if (x.reason && (rc = validate_text("reason", x.reason, 1, 200, 0, err)))
                return rc;
        } else {
            return kl_error_set(err, KL_EINVAL, name, "err.unknown_field", NULL);
        }
    }
    const char *required[] = {"user_id", "substitute_id", "from", "to"};
    const void *given[] = {x.user_id ? "" : NULL, x.substitute_id ? "" : NULL, x.from_day,
                           x.to_day};
    for (int i = 0; i < 4; i++)
        if (!given[i])
            return kl_error_set(err, KL_EINVAL, required[i], "err.required", NULL);
    if (strcmp(x.from_day, x.to_day) > 0)
        return kl_error_set(err, KL_EINVAL, "to", "err.date_order", NULL);
    if (x.user_id == x.substitute_id)
        return kl_error_set(err, KL_EINVAL, "substitute_id", "err.substitute_self", NULL);
    /* The director appoints substitutes (R33); a head within his department. */
    if (!(who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM))) {
        if (!(who->role & ROLE_HEAD))
            return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
        if (!leads(db, a, who, x.user_id))
            return kl_error_set(err, KL_EFORBIDDEN, "user_id", "err.forbidden", NULL);
        if (!leads(db, a, who, x.substitute_id) && x.substitute_id != who->user_id)
            return kl_error_set(err, KL_EFORBIDDEN, "substitute_id", "err.forbidden", NULL);
    }
    struct user u, s;
    if ((rc = repo_user_get(db, a, x.user_id, &u)))
        return rc == KL_ENOTFOUND
                   ? kl_error_set(err, KL_EINVAL, "user_id", "err.ref_not_found", "user")
                   : db_fail(who, err);
    if ((rc = repo_user_get(db, a, x.substitute_id, &s)) || !s.active ||
        (strcmp(s.role, "manager") && strcmp(s.role, "head")))
        return rc && rc != KL_ENOTFOUND
                   ? db_fail(who, err)
                   : kl_error_set(err, KL_EINVAL, "substitute_id", "err.owner", NULL);
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    rc = repo_absence_insert(db, &x);
    if (!rc) {
        json_t *after = absence_to_json(&x);
        rc = audit_record(db, who, "absence", x.id, "create", NULL, after);
        json_decref(after);
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return db_fail(who, err);
    }
    *out = x;
    return 0;
}

int absences_cancel(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    int64_t if_match, struct kl_error *err)
{
    struct absence x;
    int rc = repo_absence_get(db, a, id, &x);
    if (rc == KL_ENOTFOUND || (!rc && (x.deleted_at || !leads(db, a, who, x.user_id))))
        return kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "absence");
    if (rc)
        return db_fail(who, err);
    json_t *before = absence_to_json(&x);
    x.deleted_at = time_now();
    if ((rc = db_begin(db))) {
        json_decref(before);
        return db_fail(who, err);
    }
    rc = repo_absence_update(db, &x, if_match);
    if (!rc)
        rc = audit_record(db, who, "absence", x.id, "cancel", before, NULL);
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return rc == KL_ESTALE ? kl_error_set(err, rc, NULL, "err.stale", "absence")
                               : db_fail(who, err);
    }
    return 0;
}

int absences_list(struct db *db, struct arena *a, const struct principal *who, int64_t user_id,
                  int active_only, struct absence **out, int *n, struct kl_error *err)
{
    char key[11];
    day_format(time_local_day(who->tz, time_now()), key);
    int rc;
    if (who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM | ROLE_HEAD)) {
        if (user_id && !leads(db, a, who, user_id))
            return kl_error_set(err, KL_EFORBIDDEN, "user_id", "err.forbidden", NULL);
        rc = repo_absence_list(db, a, user_id, 0, active_only ? key : NULL,
                               active_only ? key : NULL, out, n);
        if (!rc && !(who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM))) {
            /* A head sees his department's absences only. */
            int k = 0;
            for (int i = 0; i < *n; i++)
                if (leads(db, a, who, (*out)[i].user_id))
                    (*out)[k++] = (*out)[i];
            *n = k;
        }
    } else {
        /* Others see their own absences and those in which they substitute. */
        struct absence *mine, *sub;
        int nm = 0, ns = 0;
        rc = repo_absence_list(db, a, who->user_id, 0, active_only ? key : NULL,
                               active_only ? key : NULL, &mine, &nm);
        if (!rc)
            rc = repo_absence_list(db, a, 0, who->user_id, active_only ? key : NULL,
                                   active_only ? key : NULL, &sub, &ns);
        if (!rc) {
            struct absence *all = arena_alloc(a, sizeof(*all) * (size_t)(nm + ns + 1));
            memcpy(all, mine, sizeof(*all) * (size_t)nm);
            memcpy(all + nm, sub, sizeof(*all) * (size_t)ns);
            *out = all;
            *n = nm + ns;
        }
    }
    return rc ? db_fail(who, err) : 0;
}
