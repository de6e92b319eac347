/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* timeutil.c - time helpers (lib). */
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"

int64_t time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

double time_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void time_iso(int64_t t, char out[static 21])
{
    struct tm tm;
    time_t tt = (time_t)t;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int time_parse_date(const char *s, int *y, int *m, int *d)
{
    int n = 0;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) != 3 || n != 10)
        return KL_EINVAL;
    if (s[4] != '-' || s[7] != '-' || *y < 1900 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 ||
        *d > days_in_month(*y, *m))
        return KL_EINVAL;
    return 0;
}

int time_parse_iso(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (!s || strlen(s) < 20)
        return KL_EINVAL;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    if (time_parse_date(date, &y, &mo, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        return KL_EINVAL;
    if (sscanf(s + 11, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3 || n != 8 || h > 23 || mi > 59 ||
        sec > 60 || s[13] != ':' || s[16] != ':')
        return KL_EINVAL;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return KL_EINVAL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 23 || om > 59)
            return KL_EINVAL;
        off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return KL_EINVAL;
    }
    if (*p)
        return KL_EINVAL;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = (int64_t)timegm(&tm) - off;
    return 0;
}
