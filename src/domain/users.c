/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* users.c - user and department administration (domain). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "domain/jsonout.h"
#include "users.h"

#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/validate.h"
#include "lib/secret.h"
#include "lib/timeutil.h"
#include "store/repo_auth.h"

static json_int_t jid(int64_t id)
{
    return (json_int_t)id;
}

json_t *user_to_json(const struct user *u)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(jid(u->id)));
    json_object_set_new(o, "login", json_string(u->login));
    json_object_set_new(o, "name", json_string(u->name));
    json_object_set_new(o, "role", json_string(u->role));
    json_object_set_new(o, "department_id",
                        u->department_id ? json_integer(jid(u->department_id)) : json_null());
    json_object_set_new(o, "active", json_boolean(u->active));
    json_object_set_new(o, "lang", json_string(u->lang));
    json_object_set_new(o, "tz", json_string(u->tz));
    json_object_set_new(o, "segment", u->segment ? json_string(u->segment) : json_null());
    json_object_set_new(o, "version", json_integer(jid(u->version)));
    json_put_time(o, "created_at", u->created_at);
    json_put_time(o, "updated_at", u->updated_at);
    return o;
}

json_t *department_to_json(const struct department *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(jid(d->id)));
    json_object_set_new(o, "name", json_string(d->name));
    json_object_set_new(o, "head_id", d->head_id ? json_integer(jid(d->head_id)) : json_null());
    json_object_set_new(o, "version", json_integer(jid(d->version)));
    json_put_time(o, "created_at", d->created_at);
    json_put_time(o, "updated_at", d->updated_at);
    return o;
}

int users_may_admin(const struct principal *who)
{
    return (who->role & (ROLE_ADMIN | ROLE_SYSTEM)) != 0;
}

static int forbid(struct kl_error *err)
{
    return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
}

static int db_fail(const struct principal *who, struct kl_error *err)
{
    return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
}

static int check_login(const char *login, struct kl_error *err)
{
    size_t n = strlen(login);
    if (n < 3 || n > 64)
        return kl_error_set(err, KL_EINVAL, "login", "err.login_format", NULL);
    for (const char *p = login; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '.' || *p == '-' ||
              *p == '_'))
            return kl_error_set(err, KL_EINVAL, "login", "err.login_format", NULL);
    return 0;
}

static int check_tz(const char *tz, struct kl_error *err)
{
    /* An IANA zone name: letters, digits, '/', '_', '-', '+'; must exist in the zone data. */
    int rc = validate_text("tz", tz, 1, 64, 0, err);
    if (rc)
        return rc;
    for (const char *p = tz; *p; p++)
        if (!(isalnum((unsigned char)*p) || strchr("/_-+", *p)))
            return kl_error_set(err, KL_EINVAL, "tz", "err.tz", NULL);
    /* The zone must exist in the system's zone data (Debian's tzdata). */
    char path[128];
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
    if (tz[0] == '/' || access(path, R_OK))
        return kl_error_set(err, KL_EINVAL, "tz", "err.tz", NULL);
    return 0;
}

/* 409 for a taken login, with the id of the user who has it (the caller is an admin). */
static int login_taken(struct db *db, struct arena *a, const char *login, struct kl_error *err)
{
    struct user other;
    kl_error_set(err, KL_ECONFLICT, "login", "err.login_taken", login);
    if (!repo_user_get_by_login(db, a, login, &other))
        err->ref_id = other.id;
    return KL_ECONFLICT;
}

/* Check every given field of in; lower-cases the login into a copy in the arena. */
static int check_input(struct db *db, struct arena *a, struct user_input *in, int creating,
                       struct kl_error *err)
{
    int rc;
    /* The caller's strings may be freed before the result is used: keep copies. */
    in->login = arena_strdup(a, in->login);
    in->name = arena_strdup(a, in->name);
    in->role = arena_strdup(a, in->role);
    in->lang = arena_strdup(a, in->lang);
    in->tz = arena_strdup(a, in->tz);
    in->segment = arena_strdup(a, in->segment);
    if (creating) {
        if (!in->login)
            return kl_error_set(err, KL_EINVAL, "login", "err.required", NULL);
        if (!in->name)
            return kl_error_set(err, KL_EINVAL, "name", "err.required", NULL);
        if (!in->role)
            return kl_error_set(err, KL_EINVAL, "role", "err.required", NULL);
        if (!in->password)
            return kl_error_set(err, KL_EINVAL, "password", "err.required", NULL);
    }
    if (in->login) {
        char *l = arena_strdup(a, in->login);
        for (char *p = l; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        in->login = l;
        if ((rc = check_login(in->login, err)))
            return rc;
    }
    if (in->name && (rc = validate_text("name", in->name, 1, 200, 0, err)))
        return rc;
    if (in->role && !role_parse(in->role))
        return kl_error_set(err, KL_EINVAL, "role", "err.role", NULL);
    if (in->password && (rc = auth_check_password_policy("password", in->password, err)))
        return rc;
    if (in->lang && i18n_lang_parse(in->lang) < 0)
        return kl_error_set(err, KL_EINVAL, "lang", "err.lang", NULL);
    if (in->tz && (rc = check_tz(in->tz, err)))
        return rc;
    if (in->segment && strcmp(in->segment, "business") && strcmp(in->segment, "retail"))
        return kl_error_set(err, KL_EINVAL, "segment", "err.client_type", NULL);
    if (in->has_department && in->department_id) {
        struct department d;
        rc = repo_department_get(db, a, in->department_id, &d);
        if (rc == KL_ENOTFOUND)
            return kl_error_set(err, KL_EINVAL, "department_id", "err.ref_not_found", "department");
        if (rc)
            return kl_error_set(err, rc, NULL, "err.db", NULL);
    }
    return 0;
}

int users_create(struct db *db, struct arena *a, const struct principal *who,
                 const struct user_input *in_, struct user *out, struct kl_error *err)
{
    struct user_input in = *in_;
    int rc;
    if (!users_may_admin(who))
        return forbid(err);
    if ((rc = check_input(db, a, &in, 1, err)))
        return rc;
    char hash[SECRET_HASH_LEN];
    if (secret_password_hash(in.password, hash))
        return kl_error_set(err, KL_EIO, NULL, "err.internal", who->request_id);
    struct user u = {
        .login = in.login,
        .name = in.name,
        .role = in.role,
        .department_id = in.has_department ? in.department_id : 0,
        .password_hash = hash,
        .lang = in.lang ? in.lang : "lt",
        .tz = in.tz ? in.tz : "Europe/Vilnius",
        .segment = in.has_segment ? in.segment : NULL,
        .active = in.has_active ? in.active : 1,
    };
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    rc = repo_user_insert(db, &u);
    if (!rc) {
        json_t *after = user_to_json(&u);
        rc = audit_record(db, who, "user", u.id, "create", NULL, after);
        json_decref(after);
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        if (rc == KL_ECONFLICT)
            return login_taken(db, a, in.login, err);
        if (rc == KL_ENOTFOUND)
            return kl_error_set(err, KL_EINVAL, "department_id", "err.ref_not_found", "department");
        return db_fail(who, err);
    }
    u.password_hash = NULL;
    *out = u;
    return 0;
}

int users_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
              struct user *out, struct kl_error *err)
{
    if (!users_may_admin(who) && who->user_id != id)
        return forbid(err);
    int rc = repo_user_get(db, a, id, out);
    if (rc == KL_ENOTFOUND)
        return kl_error_set(err, rc, "id", "err.not_found", "user");
    return rc ? db_fail(who, err) : 0;
}

int users_list(struct db *db, struct arena *a, const struct principal *who, int64_t after_id,
               int limit, struct user **out, int *n, struct kl_error *err)
{
    if (!users_may_admin(who))
        return forbid(err);
    return repo_user_list(db, a, after_id, limit, out, n) ? db_fail(who, err) : 0;
}

static int apply_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                        int64_t if_match, struct user_input *in, struct user *out,
                        struct kl_error *err)
{
    struct user u;
    char hash[SECRET_HASH_LEN];
    int rc;

    if ((rc = check_input(db, a, in, 0, err)))
        return rc;
    if (in->password && secret_password_hash(in->password, hash))
        return kl_error_set(err, KL_EIO, NULL, "err.internal", who->request_id);
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    rc = repo_user_get(db, a, id, &u);
    if (rc) {
        db_rollback(db);
        return rc == KL_ENOTFOUND ? kl_error_set(err, rc, "id", "err.not_found", "user")
                                  : db_fail(who, err);
    }
    if (if_match != u.version) {
        db_rollback(db);
        kl_error_set(err, KL_ESTALE, NULL, "err.stale", "user");
        err->ref_id = u.id;
        return KL_ESTALE;
    }
    if (who->user_id == id &&
        ((in->has_active && !in->active) ||
         (in->role && strcmp(in->role, u.role) && u.role && !strcmp(u.role, "admin")))) {
        db_rollback(db);
        return kl_error_set(err, KL_EINVAL, in->has_active ? "active" : "role",
                            "err.self_deactivate", NULL);
    }
    json_t *before = user_to_json(&u);
    int was_active = u.active;
    struct user old = u;
    if (in->login)
        u.login = in->login;
    if (in->name)
        u.name = in->name;
    if (in->role)
        u.role = in->role;
    if (in->lang)
        u.lang = in->lang;
    if (in->tz)
        u.tz = in->tz;
    if (in->has_segment)
        u.segment = in->segment;
    if (in->has_department)
        u.department_id = in->department_id;
    if (in->has_active)
        u.active = in->active;
    if (in->password)
        u.password_hash = hash;
    if (!in->password && !strcmp(old.login, u.login) && !strcmp(old.name, u.name) &&
        !strcmp(old.role, u.role) && !strcmp(old.lang, u.lang) && !strcmp(old.tz, u.tz) &&
        old.department_id == u.department_id && old.active == u.active &&
        !((old.segment == NULL) != (u.segment == NULL) ||
          (old.segment && strcmp(old.segment, u.segment)))) {
        /* Nothing changes: no write, no new version, no audit entry. */
        json_decref(before);
        db_rollback(db);
        u.password_hash = NULL;
        *out = u;
        return 0;
    }
    rc = repo_user_update(db, &u, if_match);
    /* A deactivated user or a new password signs out every session of that user. */
    if (!rc && ((was_active && !u.active) || in->password))
        rc = repo_session_delete_user(db, u.id, who->user_id == u.id ? who->session_id : 0);
    /* Deactivation also revokes his API tokens: reactivating him does not revive them. */
    if (!rc && was_active && !u.active)
        rc = repo_token_revoke_user(db, u.id, time_now());
    if (!rc) {
        json_t *after = user_to_json(&u);
        if (in->password)
            json_object_set_new(after, "password_changed", json_true());
        rc = audit_record(db, who, "user", u.id, "update", before, after);
        json_decref(after);
    }
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        if (rc == KL_ECONFLICT)
            return login_taken(db, a, in->login, err);
        if (rc == KL_ESTALE)
            return kl_error_set(err, rc, NULL, "err.stale", "user");
        if (rc == KL_ENOTFOUND)
            return kl_error_set(err, KL_EINVAL, "department_id", "err.ref_not_found", "department");
        return db_fail(who, err);
    }
    u.password_hash = NULL;
    *out = u;
    return 0;
}

int users_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                 int64_t if_match, const struct user_input *in_, struct user *out,
                 struct kl_error *err)
{
    struct user_input in = *in_;
    if (!users_may_admin(who))
        return forbid(err);
    return apply_update(db, a, who, id, if_match, &in, out, err);
}

int users_update_self(struct db *db, struct arena *a, const struct principal *who, int64_t if_match,
                      const struct user_input *in_, struct user *out, struct kl_error *err)
{
    struct user_input in = {.name = in_->name, .lang = in_->lang, .tz = in_->tz};
    struct user cur;
    int rc = repo_user_get(db, a, who->user_id, &cur);
    if (rc)
        return rc == KL_ENOTFOUND ? kl_error_set(err, KL_EAUTH, NULL, "err.unauthorized", NULL)
                                  : db_fail(who, err);
    return apply_update(db, a, who, who->user_id, if_match ? if_match : cur.version, &in, out, err);
}

/* ---- departments ---- */

static int check_department(struct db *db, struct arena *a, const struct department_input *in,
                            int creating, struct kl_error *err)
{
    int rc;
    if (creating && !in->name)
        return kl_error_set(err, KL_EINVAL, "name", "err.required", NULL);
    if (in->name && (rc = validate_text("name", in->name, 1, 200, 0, err)))
        return rc;
    if (in->has_head && in->head_id) {
        struct user u;
        rc = repo_user_get(db, a, in->head_id, &u);
        if (rc == KL_ENOTFOUND)
            return kl_error_set(err, KL_EINVAL, "head_id", "err.ref_not_found", "user");
        if (rc)
            return kl_error_set(err, rc, NULL, "err.db", NULL);
    }
    return 0;
}

static int department_write_error(const struct principal *who, int rc, const char *name,
                                  struct kl_error *err)
{
    if (rc == KL_ECONFLICT)
        return kl_error_set(err, rc, "name", "err.department_name_taken", name);
    if (rc == KL_ESTALE)
        return kl_error_set(err, rc, NULL, "err.stale", "department");
    if (rc == KL_ENOTFOUND)
        return kl_error_set(err, KL_EINVAL, "head_id", "err.ref_not_found", "user");
    return db_fail(who, err);
}

int departments_create(struct db *db, struct arena *a, const struct principal *who,
                       const struct department_input *in, struct department *out,
                       struct kl_error *err)
{
    int rc;
    if (!users_may_admin(who))
        return forbid(err);
    if ((rc = check_department(db, a, in, 1, err)))
        return rc;
    struct department d = {.name = arena_strdup(a, in->name),
                           .head_id = in->has_head ? in->head_id : 0};
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    rc = repo_department_insert(db, &d);
    if (!rc) {
        json_t *after = department_to_json(&d);
        rc = audit_record(db, who, "department", d.id, "create", NULL, after);
        json_decref(after);
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return department_write_error(who, rc, in->name, err);
    }
    *out = d;
    return 0;
}

int departments_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       int64_t if_match, const struct department_input *in, struct department *out,
                       struct kl_error *err)
{
    struct department d;
    int rc;
    if (!users_may_admin(who))
        return forbid(err);
    if ((rc = check_department(db, a, in, 0, err)))
        return rc;
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    rc = repo_department_get(db, a, id, &d);
    if (rc) {
        db_rollback(db);
        return rc == KL_ENOTFOUND ? kl_error_set(err, rc, "id", "err.not_found", "department")
                                  : db_fail(who, err);
    }
    if (d.version != if_match) {
        db_rollback(db);
        return kl_error_set(err, KL_ESTALE, NULL, "err.stale", "department");
    }
    if ((!in->name || !strcmp(in->name, d.name)) && (!in->has_head || in->head_id == d.head_id)) {
        /* Nothing changes: no write, no new version, no audit entry. */
        db_rollback(db);
        *out = d;
        return 0;
    }
    json_t *before = department_to_json(&d);
    if (in->name)
        d.name = arena_strdup(a, in->name);
    if (in->has_head)
        d.head_id = in->head_id;
    rc = repo_department_update(db, &d, if_match);
    if (!rc) {
        json_t *after = department_to_json(&d);
        rc = audit_record(db, who, "department", d.id, "update", before, after);
        json_decref(after);
    }
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return department_write_error(who, rc, in->name, err);
    }
    *out = d;
    return 0;
}

int departments_delete(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       int64_t if_match, struct kl_error *err)
{
    struct department d;
    int64_t members = 0;
    int rc;
    if (!users_may_admin(who))
        return forbid(err);
    if ((rc = db_begin(db)))
        return db_fail(who, err);
    rc = repo_department_get(db, a, id, &d);
    if (rc) {
        db_rollback(db);
        return rc == KL_ENOTFOUND ? kl_error_set(err, rc, "id", "err.not_found", "department")
                                  : db_fail(who, err);
    }
    if (d.version != if_match) {
        db_rollback(db);
        return kl_error_set(err, KL_ESTALE, NULL, "err.stale", "department");
    }
    if ((rc = repo_user_count_in_department(db, id, &members)) || members > 0) {
        db_rollback(db);
        return rc ? db_fail(who, err)
                  : kl_error_set(err, KL_ECONFLICT, NULL, "err.department_in_use", NULL);
    }
    json_t *before = department_to_json(&d);
    rc = repo_department_delete(db, id, if_match);
    if (!rc)
        rc = audit_record(db, who, "department", id, "delete", before, NULL);
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return rc == KL_ECONFLICT ? kl_error_set(err, rc, NULL, "err.department_in_use", NULL)
                                  : department_write_error(who, rc, d.name, err);
    }
    return 0;
}

int departments_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    struct department *out, struct kl_error *err)
{
    if (!users_may_admin(who))
        return forbid(err);
    int rc = repo_department_get(db, a, id, out);
    if (rc == KL_ENOTFOUND)
        return kl_error_set(err, rc, "id", "err.not_found", "department");
    return rc ? db_fail(who, err) : 0;
}

int departments_list(struct db *db, struct arena *a, const struct principal *who, int64_t after_id,
                     int limit, struct department **out, int *n, struct kl_error *err)
{
    if (!users_may_admin(who))
        return forbid(err);
    return repo_department_list(db, a, after_id, limit, out, n) ? db_fail(who, err) : 0;
}

int departments_ensure(struct db *db, struct arena *a, const struct principal *who,
                       const char *name, struct department *out, struct kl_error *err)
{
    int rc = repo_department_get_by_name(db, a, name, out);
    if (rc != KL_ENOTFOUND)
        return rc ? db_fail(who, err) : 0;
    struct department_input in = {.name = name};
    return departments_create(db, a, who, &in, out, err);
}
