/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* log.c - structured JSON-lines logging on stderr (lib). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

static enum log_level min_level = LOG_INFO;
static int quiet;

void log_set_level(enum log_level level)
{
    min_level = level;
}

void log_set_quiet(int q)
{
    quiet = q;
}

static const char *level_name(enum log_level l)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    return names[l];
}

static void put_json_string(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c < 0x20) {
            buf_printf(b, "\\u%04x", c);
        } else {
            buf_putc(b, (char)c);
        }
    }
    buf_putc(b, '"');
}

static void start_line(struct buf *b, enum log_level level, const char *msg)
{
    struct timespec ts;
    struct tm tm;
    char when[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    buf_printf(b, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"msg\":", when, ts.tv_nsec / 1000000,
               level_name(level));
    put_json_string(b, msg);
}

static void finish_line(struct buf *b)
{
    buf_puts(b, "}\n");
    ssize_t off = 0;
    while ((size_t)off < b->len) {
        ssize_t n = write(STDERR_FILENO, b->data + off, b->len - (size_t)off);
        if (n <= 0)
            break;
        off += n;
    }
    buf_release(b);
}

void log_kv(enum log_level level, const char *msg, ...)
{
    if (quiet || level < min_level)
        return;
    struct buf b = BUF_INIT;
    va_list ap;
    start_line(&b, level, msg);
    va_start(ap, msg);
    for (;;) {
        const char *key = va_arg(ap, const char *);
        if (!key)
            break;
        int type = va_arg(ap, int);
        buf_putc(&b, ',');
        put_json_string(&b, key);
        buf_putc(&b, ':');
        if (type == 's') {
            const char *v = va_arg(ap, const char *);
            if (v)
                put_json_string(&b, v);
            else
                buf_puts(&b, "null");
        } else if (type == 'i') {
            buf_printf(&b, "%lld", va_arg(ap, long long));
        } else {
            buf_printf(&b, "%.3f", va_arg(ap, double));
        }
    }
    va_end(ap);
    finish_line(&b);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (quiet || level < min_level)
        return;
    struct buf text = BUF_INIT, b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&text, fmt, ap);
    va_end(ap);
    start_line(&b, level, text.data);
    buf_release(&text);
    finish_line(&b);
}
