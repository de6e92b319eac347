/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* router.c - matching a method and path against the route table (http). */
#include <stdio.h>
#include <string.h>

#include "http.h"

/* Match pattern against path; {x} segments capture one non-empty segment. */
static int match(const char *pat, const char *path, const char **params, int *np, struct arena *a)
{
    int n = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *pe = strchr(pat, '}');
            const char *se = strchr(path, '/');
            size_t len = se ? (size_t)(se - path) : strlen(path);
            if (!pe || len == 0 || n >= HTTP_MAX_PARAMS)
                return 0;
            if (params)
                params[n] = arena_strndup(a, path, len);
            n++;
            pat = pe + 1;
            path += len;
            continue;
        }
        if (*pat != *path)
            return 0;
        pat++;
        path++;
    }
    if (*pat || *path)
        return 0;
    if (np)
        *np = n;
    return 1;
}

int router_match(const struct route *routes, size_t n, const char *method, const char *path,
                 const char **params, int *nparams, struct arena *a, int *allowed)
{
    int exists = 0;
    int head = !strcmp(method, "HEAD");
    for (size_t i = 0; i < n; i++) {
        if (!match(routes[i].pattern, path, NULL, NULL, a))
            continue;
        exists = 1;
        if (!strcmp(routes[i].method, method) || (head && !strcmp(routes[i].method, "GET"))) {
            match(routes[i].pattern, path, params, nparams, a);
            return (int)i;
        }
    }
    if (allowed)
        *allowed = exists;
    return -1;
}

void router_allowed(const struct route *routes, size_t n, const char *path, struct arena *a,
                    char *out, size_t outsz)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!match(routes[i].pattern, path, NULL, NULL, a))
            continue;
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= !strcmp(routes[j].method, routes[i].method) &&
                    match(routes[j].pattern, path, NULL, NULL, a);
        if (seen)
            continue;
        int w = snprintf(out + k, outsz - k, "%s%s", k ? ", " : "", routes[i].method);
        if (w < 0 || (size_t)w >= outsz - k)
            break;
        k += (size_t)w;
        if (!strcmp(routes[i].method, "GET")) {
            w = snprintf(out + k, outsz - k, ", HEAD");
            if (w > 0 && (size_t)w < outsz - k)
                k += (size_t)w;
        }
    }
}
