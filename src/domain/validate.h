/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * validate.h - field checks shared by the domain modules (domain). Each fills err with the
 * field name and an i18n key and returns KL_EINVAL on failure.
 */
#ifndef KL_VALIDATE_H
#define KL_VALIDATE_H

#include <stddef.h>

#include "lib/err.h"

/* Number of code points of valid UTF-8 s, or -1 when s is not valid UTF-8. */
long utf8_length(const char *s);
/* Text of min..max code points, valid UTF-8, no control characters (tab allowed only when
 * multiline, and then also newlines). */
int validate_text(const char *field, const char *s, long min, long max, int multiline,
                  struct kl_error *err);

#endif
