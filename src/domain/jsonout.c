/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* jsonout.c - small helpers for the JSON the domain and the API answer with (domain). */
#include "jsonout.h"

#include "lib/timeutil.h"

json_t *json_time_or_null(int64_t t)
{
    char iso[21];
    if (!t)
        return json_null();
    time_iso(t, iso);
    return json_string(iso);
}

json_t *json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

void json_put_time(json_t *o, const char *key, int64_t t)
{
    json_object_set_new(o, key, json_time_or_null(t));
}
