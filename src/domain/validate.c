/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* validate.c - field checks shared by the domain modules (domain). */
#include <stdio.h>

#include "validate.h"

long utf8_length(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p) {
        int extra;
        if (*p < 0x80)
            extra = 0;
        else if ((*p & 0xE0) == 0xC0 && *p >= 0xC2)
            extra = 1;
        else if ((*p & 0xF0) == 0xE0)
            extra = 2;
        else if ((*p & 0xF8) == 0xF0 && *p <= 0xF4)
            extra = 3;
        else
            return -1;
        p++;
        for (int i = 0; i < extra; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return -1;
        n++;
    }
    return n;
}

int validate_text(const char *field, const char *s, long min, long max, int multiline,
                  struct kl_error *err)
{
    if (!s)
        return kl_error_set(err, KL_EINVAL, field, "err.required", NULL);
    long n = utf8_length(s);
    if (n < 0)
        return kl_error_set(err, KL_EINVAL, field, "err.control_chars", NULL);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))) || *p == 0x7f)
            return kl_error_set(err, KL_EINVAL, field, "err.control_chars", NULL);
    }
    if (n < min)
        return min == 1 ? kl_error_set(err, KL_EINVAL, field, "err.required", NULL)
                        : kl_error_setf(err, KL_EINVAL, field, "err.too_short", "%ld", min);
    if (n > max)
        return kl_error_setf(err, KL_EINVAL, field, "err.too_long", "%ld", max);
    return 0;
}
