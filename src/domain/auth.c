/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* auth.c - sign-in, sessions, API tokens, throttling and password changes (domain). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"

#include "domain/audit.h"
#include "domain/validate.h"
#include "lib/timeutil.h"
#include "store/repo_auth.h"

static int throttled(struct db *db, const char *column, const char *value, int64_t now,
                     struct kl_error *err)
{
    int64_t count = 0, oldest = 0;
    int rc = repo_login_failures(db, column, value, now - AUTH_WINDOW, &count, &oldest);
    if (rc)
        return kl_error_set(err, rc, NULL, "err.db", NULL);
    if (count < AUTH_MAX_FAILURES)
        return 0;
    int64_t retry = oldest + AUTH_WINDOW - now;
    if (retry < 1)
        retry = 1;
    kl_error_setf(err, KL_ETHROTTLE, NULL, "err.throttled", "%lld", (long long)retry);
    err->retry_after = (int)retry;
    return KL_ETHROTTLE;
}

static void principal_from(struct principal *p, const struct auth_row *r)
{
    memset(p, 0, sizeof(*p));
    p->user_id = r->user_id;
    p->role = role_parse(r->role);
    p->department_id = r->department_id;
    int l = i18n_lang_parse(r->lang);
    p->lang = l < 0 ? LANG_EN : (enum lang)l;
    p->login = r->login;
    p->name = r->name;
    p->tz = r->tz;
}

int auth_check_password_policy(const char *field, const char *password, struct kl_error *err)
{
    return validate_text(field, password, AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX, 0, err);
}

int auth_login(struct db *db, struct arena *a, const char *login_in, const char *password,
               const char *addr, struct auth_session_out *out, struct kl_error *err)
{
    int64_t now = time_now();
    char login[65];
    int rc;

    if (!login_in || !*login_in)
        return kl_error_set(err, KL_EINVAL, "login", "err.required", NULL);
    if (!password || !*password)
        return kl_error_set(err, KL_EINVAL, "password", "err.required", NULL);
    size_t i;
    for (i = 0; login_in[i] && i < sizeof(login) - 1; i++)
        login[i] = (char)tolower((unsigned char)login_in[i]);
    login[i] = '\0';

    if ((rc = throttled(db, "login", login, now, err)) ||
        (rc = throttled(db, "addr", addr, now, err)))
        return rc;

    struct user u;
    rc = repo_user_get_by_login(db, a, login, &u);
    if (rc && rc != KL_ENOTFOUND)
        return kl_error_set(err, rc, NULL, "err.db", NULL);
    /* The password check runs outside any transaction: it is slow by design. */
    int ok = secret_password_check(rc ? NULL : u.password_hash, password) && u.active;

    if ((rc = db_begin(db)))
        return kl_error_set(err, rc, NULL, "err.db", NULL);
    rc = repo_login_attempt_add(db, login, addr, now, ok);
    if (!rc && ok) {
        char digest[SECRET_DIGEST_LEN + 1];
        secret_token(out->token);
        secret_token(out->csrf_token);
        secret_digest(out->token, digest);
        out->expires_at = now + AUTH_SESSION_IDLE;
        rc = repo_login_attempts_clear(db, login, now - 24 * 3600);
        if (!rc)
            rc = repo_session_insert(db, u.id, digest, out->csrf_token, now, out->expires_at, addr,
                                     &out->session_id);
    }
    if (rc) {
        db_rollback(db);
        return kl_error_set(err, rc, NULL, "err.db", NULL);
    }
    if ((rc = db_commit(db)))
        return kl_error_set(err, rc, NULL, "err.db", NULL);
    if (!ok)
        return kl_error_set(err, KL_EAUTH, "password", "err.bad_credentials", NULL);
    out->user = u;
    return 0;
}

int auth_session(struct db *db, struct arena *a, const char *token, struct principal *out)
{
    char digest[SECRET_DIGEST_LEN + 1];
    struct auth_row r;
    int64_t now = time_now();

    if (!token || strlen(token) != SECRET_TOKEN_LEN)
        return KL_EAUTH;
    secret_digest(token, digest);
    int rc = repo_session_find(db, a, digest, now, &r);
    if (rc)
        return rc == KL_ENOTFOUND ? KL_EAUTH : rc;
    if (now - r.last_seen_at >= AUTH_SESSION_TOUCH) {
        /* Sliding expiry; a failure here does not fail the request. */
        if (!db_begin(db)) {
            if (repo_session_touch(db, r.cred_id, now, now + AUTH_SESSION_IDLE) || db_commit(db))
                db_rollback(db);
        }
    }
    principal_from(out, &r);
    out->session_id = r.cred_id;
    out->csrf_token = r.csrf_token;
    return 0;
}

int auth_bearer(struct db *db, struct arena *a, const char *token, struct principal *out)
{
    char digest[SECRET_DIGEST_LEN + 1];
    struct auth_row r;
    int64_t now = time_now();

    if (!token || strncmp(token, "kl_", 3) || strlen(token) != SECRET_TOKEN_LEN + 3)
        return KL_EAUTH;
    secret_digest(token, digest);
    int rc = repo_token_find(db, a, digest, &r);
    if (rc)
        return rc == KL_ENOTFOUND ? KL_EAUTH : rc;
    if (now - r.last_seen_at >= AUTH_SESSION_TOUCH) {
        if (!db_begin(db)) {
            if (repo_token_touch(db, r.cred_id, now) || db_commit(db))
                db_rollback(db);
        }
    }
    principal_from(out, &r);
    out->token_id = r.cred_id;
    return 0;
}

int auth_logout(struct db *db, const struct principal *who)
{
    if (!who->session_id)
        return 0;
    return repo_session_delete(db, who->session_id);
}

int auth_change_password(struct db *db, struct arena *a, const struct principal *who,
                         const char *current, const char *new_password, struct kl_error *err)
{
    struct user u;
    int rc;

    if (!current || !*current)
        return kl_error_set(err, KL_EINVAL, "current_password", "err.required", NULL);
    if ((rc = auth_check_password_policy("new_password", new_password, err)))
        return rc;
    if ((rc = repo_user_get(db, a, who->user_id, &u)))
        return kl_error_set(err, rc == KL_ENOTFOUND ? KL_EAUTH : rc, NULL, "err.unauthorized",
                            NULL);
    if (!secret_password_check(u.password_hash, current))
        return kl_error_set(err, KL_EINVAL, "current_password", "err.wrong_password", NULL);
    char hash[SECRET_HASH_LEN];
    if (secret_password_hash(new_password, hash))
        return kl_error_set(err, KL_EIO, NULL, "err.internal", who->request_id);
    if ((rc = db_begin(db)))
        return kl_error_set(err, rc, NULL, "err.db", who->request_id);
    int64_t version = u.version;
    u.password_hash = hash;
    rc = repo_user_update(db, &u, version);
    /* Other sessions of this user end: whoever knew the old password is signed out. */
    if (!rc)
        rc = repo_session_delete_user(db, u.id, who->session_id);
    if (!rc)
        rc = audit_record(db, who, "user", u.id, "password_change", NULL, NULL);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return kl_error_set(err, rc == KL_ESTALE ? KL_ESTALE : KL_EDB, NULL,
                            rc == KL_ESTALE ? "err.stale" : "err.db",
                            rc == KL_ESTALE ? "user" : who->request_id);
    }
    return 0;
}

int auth_token_create(struct db *db, const struct principal *who, const char *name,
                      struct auth_token_out *out, struct kl_error *err)
{
    int rc = validate_text("name", name, 1, 100, 0, err);
    if (rc)
        return rc;
    char raw[SECRET_TOKEN_LEN + 1], digest[SECRET_DIGEST_LEN + 1];
    secret_token(raw);
    snprintf(out->token, sizeof(out->token), "kl_%s", raw);
    secret_digest(out->token, digest);
    out->created_at = time_now();
    if ((rc = db_begin(db)))
        return kl_error_set(err, rc, NULL, "err.db", who->request_id);
    rc = repo_token_insert(db, who->user_id, name, digest, &out->id, &out->created_at);
    if (!rc) {
        json_t *after = json_pack("{s:s, s:I}", "name", name, "user_id", (json_int_t)who->user_id);
        rc = audit_record(db, who, "api_token", out->id, "create", NULL, after);
        json_decref(after);
    }
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    }
    return 0;
}

int auth_token_revoke(struct db *db, const struct principal *who, int64_t id, struct kl_error *err)
{
    int rc = db_begin(db);
    if (rc)
        return kl_error_set(err, rc, NULL, "err.db", who->request_id);
    rc = repo_token_revoke(db, who->user_id, id, time_now());
    if (!rc)
        rc = audit_record(db, who, "api_token", id, "revoke", NULL, NULL);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return rc == KL_ENOTFOUND ? kl_error_set(err, rc, "id", "err.not_found", "token")
                                  : kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    }
    return 0;
}
