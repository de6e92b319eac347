/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* secret.c - tokens and password hashes over libsodium (lib). */
#include "secret.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "err.h"

/* A hash of a random password, checked against when the login does not exist, so that a
 * wrong login takes as long as a wrong password. */
static char dummy_hash[crypto_pwhash_STRBYTES];

int secret_init(void)
{
    return sodium_init() < 0 ? KL_EIO : 0;
}

/* Made on first use (it costs an argon2 hash), so commands that never check a password
 * start at once. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[SECRET_TOKEN_LEN + 1];
    secret_token(pw);
    if (secret_password_hash(pw, dummy_hash))
        dummy_hash[0] = '\0';
}

void secret_token(char *out)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, SECRET_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void secret_digest(const char *token, char *out)
{
    unsigned char d[32];
    crypto_generichash(d, sizeof(d), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, SECRET_DIGEST_LEN + 1, d, sizeof(d));
}

int secret_password_hash(const char *password, char *out)
{
    _Static_assert(SECRET_HASH_LEN >= crypto_pwhash_STRBYTES, "hash buffer");
    if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
        return KL_EIO;
    return 0;
}

int secret_password_check(const char *hash, const char *password)
{
    if (!hash || !*hash) {
        pthread_once(&dummy_once, make_dummy);
        int same = crypto_pwhash_str_verify(dummy_hash, password, strlen(password));
        (void)same;
        return 0;
    }
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return 0;
    return sodium_memcmp(a, b, la) == 0;
}

void secret_hex8(char out[17])
{
    unsigned char raw[8];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, 17, raw, sizeof(raw));
}
