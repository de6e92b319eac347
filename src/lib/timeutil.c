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

int days_in_month(int y, int m)
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

/*
 * Time zones: glibc converts through the process-wide TZ variable, so conversions are
 * serialised by a mutex and TZ is restored to UTC afterwards (the server works in UTC).
 */
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

static int tz_ok(const char *tz)
{
    if (!tz || !*tz || tz[0] == '/' || strstr(tz, ".."))
        return 0;
    for (const char *p = tz; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              strchr("/_-+", *p)))
            return 0;
    return 1;
}

/* The zone TZ holds now: glibc re-reads the zone file whenever TZ changes, so TZ is left
 * at the last zone used and only switched when another is asked for. Nothing else in the
 * server depends on TZ (it formats and parses UTC with gmtime_r and timegm). */
static char tz_current[64];

static void tz_enter(const char *tz)
{
    const char *want = tz_ok(tz) ? tz : "UTC";
    pthread_mutex_lock(&tz_lock);
    if (strcmp(tz_current, want)) {
        setenv("TZ", want, 1);
        tzset();
        snprintf(tz_current, sizeof(tz_current), "%s", want);
    }
}

static void tz_leave(void)
{
    pthread_mutex_unlock(&tz_lock);
}

struct day time_local_day(const char *tz, int64_t t)
{
    struct tm tm;
    time_t tt = (time_t)t;
    tz_enter(tz);
    localtime_r(&tt, &tm);
    tz_leave();
    return (struct day){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int64_t time_day_start(const char *tz, struct day d)
{
    struct tm tm = {0};
    tm.tm_year = d.y - 1900;
    tm.tm_mon = d.m - 1;
    tm.tm_mday = d.d;
    tm.tm_isdst = -1;
    tz_enter(tz);
    time_t t = mktime(&tm);
    tz_leave();
    return (int64_t)t;
}

struct day day_add(struct day d, int days)
{
    struct tm tm = {0};
    tm.tm_year = d.y - 1900;
    tm.tm_mon = d.m - 1;
    tm.tm_mday = d.d + days;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    return (struct day){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int day_weekday(struct day d)
{
    struct tm tm = {0};
    tm.tm_year = d.y - 1900;
    tm.tm_mon = d.m - 1;
    tm.tm_mday = d.d;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    return (tm.tm_wday + 6) % 7;
}

int day_cmp(struct day a, struct day b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    if (a.d != b.d)
        return a.d < b.d ? -1 : 1;
    return 0;
}

void day_format(struct day d, char out[static 11])
{
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u,
             (unsigned)d.d % 100u);
}

int day_parse(const char *s, struct day *out)
{
    return time_parse_date(s, &out->y, &out->m, &out->d);
}

struct day day_easter(int y)
{
    /* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25;
    int g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return (struct day){y, month, day};
}
