/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* config.c - settings from defaults, file, environment and flags (lib). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct config_entry {
    char *key;
    char *value;
};

struct config {
    struct config_entry *items;
    size_t n, cap;
};

struct config *config_new(void)
{
    return xcalloc(1, sizeof(struct config));
}

void config_free(struct config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].key);
        free(c->items[i].value);
    }
    free(c->items);
    free(c);
}

static struct config_entry *find(const struct config *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->items[i].key, key))
            return &c->items[i];
    return NULL;
}

void config_set(struct config *c, const char *key, const char *value)
{
    struct config_entry *e = find(c, key);
    if (e) {
        free(e->value);
        e->value = xstrdup(value);
        return;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->items = xrealloc(c->items, c->cap * sizeof(*c->items));
    }
    c->items[c->n].key = xstrdup(key);
    c->items[c->n].value = xstrdup(value);
    c->n++;
}

void config_default(struct config *c, const char *key, const char *value)
{
    if (!find(c, key))
        config_set(c, key, value);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int config_load_file(struct config *c, const char *path, struct kl_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return kl_error_set(err, KL_EIO, "config", "err.config_open", path);
    char line[4096];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = kl_error_setf(err, KL_EINVAL, "config", "err.config_line", "%s:%d", path, lineno);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = '\0';
            val++;
        }
        for (char *k = key; *k; k++) {
            if (*k == '-')
                *k = '_';
            *k = (char)tolower((unsigned char)*k);
        }
        if (!*key) {
            rc = kl_error_setf(err, KL_EINVAL, "config", "err.config_line", "%s:%d", path, lineno);
            break;
        }
        config_set(c, key, val);
    }
    fclose(f);
    return rc;
}

void config_load_env(struct config *c)
{
    for (size_t i = 0; i < c->n; i++) {
        char name[128] = "KLIENTAS_";
        size_t p = strlen(name);
        for (const char *k = c->items[i].key; *k && p < sizeof(name) - 1; k++)
            name[p++] = (char)toupper((unsigned char)*k);
        name[p] = '\0';
        const char *v = getenv(name);
        if (v) {
            free(c->items[i].value);
            c->items[i].value = xstrdup(v);
        }
    }
}

const char *config_get(const struct config *c, const char *key)
{
    struct config_entry *e = find(c, key);
    return e ? e->value : NULL;
}

long config_get_long(const struct config *c, const char *key, long fallback)
{
    const char *v = config_get(c, key);
    if (!v || !*v)
        return fallback;
    char *end;
    long n = strtol(v, &end, 10);
    return *end ? fallback : n;
}
