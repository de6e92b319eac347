/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * log.h - structured logging (lib): one JSON object per line on stderr,
 * {"ts":..., "level":..., "msg":..., key: value...}. Thread-safe (one write(2) per line).
 */
#ifndef KL_LOG_H
#define KL_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
/* Set to 1 to silence all logging (CLI commands that print their own output). */
void log_set_quiet(int quiet);

/*
 * Log msg with key/value pairs: kv is a sequence of (const char *key, type char, value)
 * ended by NULL; type 's' takes a const char *, 'i' a long long, 'd' a double.
 * Example: log_kv(LOG_INFO, "request", "path", 's', p, "status", 'i', 200LL, NULL);
 */
void log_kv(enum log_level level, const char *msg, ...);

/* Plain formatted message. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
