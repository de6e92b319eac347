/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * secret.h - random tokens, token digests and password hashes over libsodium (lib).
 * secret_init must be called once before any other function.
 */
#ifndef KL_SECRET_H
#define KL_SECRET_H

#include <stddef.h>

#define SECRET_TOKEN_LEN  43  /* 32 random bytes, base64url without padding */
#define SECRET_DIGEST_LEN 64  /* hex of a 32-byte BLAKE2b digest */
#define SECRET_HASH_LEN   128 /* crypto_pwhash_STRBYTES */

int secret_init(void);
/* 32 random bytes as base64url, NUL-terminated, into out[SECRET_TOKEN_LEN + 1]. */
void secret_token(char *out);
/* Hex digest of a token (what the database keeps), into out[SECRET_DIGEST_LEN + 1]. */
void secret_digest(const char *token, char *out);
/* argon2id hash of password into out[SECRET_HASH_LEN]; 0 or KL_EIO. */
int secret_password_hash(const char *password, char *out);
/* 1 when password matches hash, else 0. Takes the same time for a NULL hash. */
int secret_password_check(const char *hash, const char *password);
/* Constant-time string comparison: 1 when equal. */
int secret_equal(const char *a, const char *b);
/* 16 hex chars of randomness (request ids). */
void secret_hex8(char out[17]);

#endif
