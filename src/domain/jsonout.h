/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * jsonout.h - small helpers for the JSON the domain and the API answer with (domain):
 * times as ISO 8601 UTC or null, strings or null.
 */
#ifndef KL_JSONOUT_H
#define KL_JSONOUT_H

#include <jansson.h>
#include <stdint.h>

/* "2026-11-27T14:03:00Z", or JSON null for 0. A new reference. */
json_t *json_time_or_null(int64_t t);
/* A JSON string, or null for NULL. A new reference. */
json_t *json_str_or_null(const char *s);
/* o[key] = json_time_or_null(t). */
void json_put_time(json_t *o, const char *key, int64_t t);

#endif
