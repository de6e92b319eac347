/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * auth.h - sign-in, sessions, API tokens, throttling and password changes (domain).
 *
 * Sessions: a random token in an HttpOnly cookie, its BLAKE2b digest in the database,
 * a CSRF token per session, idle expiry of AUTH_SESSION_IDLE seconds (renewed at most
 * once per AUTH_SESSION_TOUCH seconds, so reads do not write on every request).
 * Throttling: after AUTH_MAX_FAILURES failed sign-ins within AUTH_WINDOW seconds, for
 * one login or from one address, sign-in answers KL_ETHROTTLE with retry_after set,
 * without checking the password.
 */
#ifndef KL_AUTH_H
#define KL_AUTH_H

#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "lib/secret.h"
#include "store/db.h"
#include "store/repo_user.h"

#define AUTH_SESSION_IDLE  (12 * 3600)
#define AUTH_SESSION_TOUCH 300
#define AUTH_MAX_FAILURES  10
#define AUTH_WINDOW        (15 * 60)
#define AUTH_PASSWORD_MIN  8
#define AUTH_PASSWORD_MAX  256

struct auth_session_out {
    char token[SECRET_TOKEN_LEN + 1];
    char csrf_token[SECRET_TOKEN_LEN + 1];
    int64_t session_id;
    int64_t expires_at;
    struct user user;
};

int auth_login(struct db *db, struct arena *a, const char *login, const char *password,
               const char *addr, struct auth_session_out *out, struct kl_error *err);
/* Resolve a session cookie or a bearer token; KL_EAUTH when unknown, expired or revoked. */
int auth_session(struct db *db, struct arena *a, const char *token, struct principal *out);
int auth_bearer(struct db *db, struct arena *a, const char *token, struct principal *out);
int auth_logout(struct db *db, const struct principal *who);
int auth_change_password(struct db *db, struct arena *a, const struct principal *who,
                         const char *current, const char *new_password, struct kl_error *err);
int auth_check_password_policy(const char *field, const char *password, struct kl_error *err);

struct auth_token_out {
    int64_t id;
    char token[SECRET_TOKEN_LEN + 4];
    int64_t created_at;
};
/* Tokens look like "kl_" + 43 characters. */
int auth_token_create(struct db *db, const struct principal *who, const char *name,
                      struct auth_token_out *out, struct kl_error *err);
int auth_token_revoke(struct db *db, const struct principal *who, int64_t id, struct kl_error *err);

#endif
