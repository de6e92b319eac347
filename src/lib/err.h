/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * err.h - error codes and error details shared by every layer (lib).
 *
 * Fallible functions return int: 0 is success, a negative enum kl_err is failure.
 * Details go into an optional struct kl_error: the field at fault and an i18n
 * message key (rendered in the caller's language by the http layer or the CLI).
 */
#ifndef KL_ERR_H
#define KL_ERR_H

enum kl_err {
    KL_OK = 0,
    KL_EINVAL = -1,     /* bad input: 400 */
    KL_ENOTFOUND = -2,  /* 404 */
    KL_EFORBIDDEN = -3, /* 403 */
    KL_ECONFLICT = -4,  /* 409 */
    KL_EDB = -5,        /* database failure: 500 */
    KL_EAUTH = -6,      /* not signed in / bad credentials: 401 */
    KL_ESTALE = -7,     /* If-Match does not match: 412 */
    KL_EPRECOND = -8,   /* If-Match missing: 428 */
    KL_ETHROTTLE = -9,  /* too many attempts: 429 */
    KL_ETOOBIG = -10,   /* body too large: 413 */
    KL_EIO = -11,       /* file or network failure: 500 */
    KL_EMEDIA = -12,    /* unsupported media type: 415 */
    KL_EBUSY = -13,     /* server shutting down / db busy: 503 */
    KL_EMETHOD = -14,   /* method not allowed on this path: 405 */
    KL_EURI = -15,      /* request target too long: 414 */
};

struct kl_error {
    int code;
    char field[64];   /* the offending field, "" when none */
    char key[64];     /* i18n message key, e.g. "err.required" */
    char arg[160];    /* substituted for {arg} in the message */
    int retry_after;  /* seconds, for KL_ETHROTTLE */
    long long ref_id; /* an entity id the message refers to (409 duplicates), 0 if none */
};

/* Fill err (if not NULL) and return code. field, key and arg may be NULL. */
int kl_error_set(struct kl_error *err, int code, const char *field, const char *key,
                 const char *arg);

/* Like kl_error_set, arg is formatted. */
int kl_error_setf(struct kl_error *err, int code, const char *field, const char *key,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The English name of an error code ("invalid", "not-found", ...): the problem type slug. */
const char *kl_err_slug(int code);

#endif
