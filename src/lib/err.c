/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* err.c - error details (lib). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static void copy(char *dst, size_t n, const char *src)
{
    if (!src) {
        dst[0] = '\0';
        return;
    }
    snprintf(dst, n, "%s", src);
}

int kl_error_set(struct kl_error *err, int code, const char *field, const char *key,
                 const char *arg)
{
    if (err) {
        memset(err, 0, sizeof(*err));
        err->code = code;
        copy(err->field, sizeof(err->field), field);
        copy(err->key, sizeof(err->key), key);
        copy(err->arg, sizeof(err->arg), arg);
    }
    return code;
}

int kl_error_setf(struct kl_error *err, int code, const char *field, const char *key,
                  const char *fmt, ...)
{
    char arg[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(arg, sizeof(arg), fmt, ap);
    va_end(ap);
    return kl_error_set(err, code, field, key, arg);
}

const char *kl_err_slug(int code)
{
    switch (code) {
    case KL_EINVAL:
        return "invalid";
    case KL_ENOTFOUND:
        return "not-found";
    case KL_EFORBIDDEN:
        return "forbidden";
    case KL_ECONFLICT:
        return "conflict";
    case KL_EAUTH:
        return "unauthorized";
    case KL_ESTALE:
        return "stale";
    case KL_EPRECOND:
        return "precondition-required";
    case KL_ETHROTTLE:
        return "too-many-attempts";
    case KL_ETOOBIG:
        return "too-large";
    case KL_EMEDIA:
        return "unsupported-media-type";
    case KL_EBUSY:
        return "unavailable";
    case KL_EMETHOD:
        return "method-not-allowed";
    case KL_EURI:
        return "uri-too-long";
    default:
        return "internal";
    }
}
