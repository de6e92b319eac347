/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * buf.h - growable byte string (lib). Always NUL-terminated after any append.
 * buf_init allocates nothing; buf_release frees the contents.
 */
#ifndef KL_BUF_H
#define KL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Take ownership of the contents (never NULL); b is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
