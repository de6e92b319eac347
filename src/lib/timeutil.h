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

#endif
