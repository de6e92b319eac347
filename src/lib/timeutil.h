/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * timeutil.h - time helpers (lib). Storage keeps UTC unix seconds (int64);
 * the wire carries ISO 8601 UTC ("2026-11-27T14:03:00Z").
 */
#ifndef KL_TIMEUTIL_H
#define KL_TIMEUTIL_H

#include <stdint.h>

int64_t time_now(void); /* unix seconds, UTC */
double time_mono(void); /* monotonic seconds, for durations */
/* Format t as ISO 8601 UTC into out (at least 21 bytes). */
void time_iso(int64_t t, char out[static 21]);
/* Parse "YYYY-MM-DDTHH:MM:SSZ" (or with +hh:mm offset, or fractional seconds); 0 or KL_EINVAL. */
int time_parse_iso(const char *s, int64_t *out);
/* Parse a calendar date "YYYY-MM-DD", checking that it exists; 0 or KL_EINVAL. */
int time_parse_date(const char *s, int *y, int *m, int *d);

/* A calendar day. */
struct day {
    int y, m, d;
};

/* The local calendar day of instant t in time zone tz (an IANA name like
 * "Europe/Vilnius"; NULL or unknown: UTC). */
struct day time_local_day(const char *tz, int64_t t);
/* The instant local midnight of day begins in tz. */
int64_t time_day_start(const char *tz, struct day d);
/* Day arithmetic. */
struct day day_add(struct day d, int days);
/* 0 = Monday ... 6 = Sunday. */
int day_weekday(struct day d);
int day_cmp(struct day a, struct day b);
int days_in_month(int y, int m);
/* "YYYY-MM-DD" into out[11]. */
void day_format(struct day d, char out[static 11]);
int day_parse(const char *s, struct day *out);
/* Easter Sunday of year y (Gregorian). */
struct day day_easter(int y);

#endif
