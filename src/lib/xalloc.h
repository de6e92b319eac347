/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* xalloc.h - allocation that aborts on out of memory (lib): we are a server, not a library. */
#ifndef KL_XALLOC_H
#define KL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
