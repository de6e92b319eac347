/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * arena.h - region allocator (lib). Each request, job run and CLI command gets one;
 * everything allocated from it is freed together by arena_release.
 */
#ifndef KL_ARENA_H
#define KL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);       /* zeroed, aligned to 16 */
char *arena_strdup(struct arena *a, const char *s); /* NULL stays NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
