/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * repo_auth.h - sessions, API tokens and sign-in attempts (store). Only digests of
 * session and API tokens are stored, never the tokens themselves.
 */
#ifndef KL_REPO_AUTH_H
#define KL_REPO_AUTH_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

/* What a session or a token resolves to: the credential and its active user. */
struct auth_row {
    int64_t cred_id; /* session id or token id */
    int64_t user_id;
    const char *login;
    const char *name;
    const char *role;
    int64_t department_id;
    const char *lang;
    const char *tz;
    const char *csrf_token; /* sessions only */
    int64_t last_seen_at;   /* sessions: last_seen_at; tokens: last_used_at (0 if never) */
    int64_t expires_at;     /* sessions only */
};

int repo_session_insert(struct db *db, int64_t user_id, const char *token_hash,
                        const char *csrf_token, int64_t now, int64_t expires_at, const char *addr,
                        int64_t *id);
/* The live session of an active user with this digest; KL_ENOTFOUND otherwise. */
int repo_session_find(struct db *db, struct arena *a, const char *token_hash, int64_t now,
                      struct auth_row *out);
int repo_session_touch(struct db *db, int64_t id, int64_t now, int64_t expires_at);
int repo_session_delete(struct db *db, int64_t id);
/* Delete every session of a user except keep_id (0 keeps none). */
int repo_session_delete_user(struct db *db, int64_t user_id, int64_t keep_id);

/* Revoke every live token of a user (deactivation). */
int repo_token_revoke_user(struct db *db, int64_t user_id, int64_t now);
int repo_token_insert(struct db *db, int64_t user_id, const char *name, const char *token_hash,
                      int64_t *id, int64_t *created_at);
int repo_token_find(struct db *db, struct arena *a, const char *token_hash, struct auth_row *out);
int repo_token_touch(struct db *db, int64_t id, int64_t now);
/* Revoke the user's token; KL_ENOTFOUND when it is not his or already revoked. */
int repo_token_revoke(struct db *db, int64_t user_id, int64_t id, int64_t now);

struct token_info {
    int64_t id;
    const char *name;
    int64_t created_at;
    int64_t last_used_at;
};
int repo_token_list(struct db *db, struct arena *a, int64_t user_id, struct token_info **out,
                    int *n);

int repo_login_attempt_add(struct db *db, const char *login, const char *addr, int64_t at, int ok);
/* Failures since `since` for a login or for an address, and the oldest of them. */
int repo_login_failures(struct db *db, const char *column, const char *value, int64_t since,
                        int64_t *count, int64_t *oldest);
/* Forget a login's failures (after it signed in) and attempts older than `before`. */
int repo_login_attempts_clear(struct db *db, const char *login, int64_t before);

#endif
