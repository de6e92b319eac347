/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_daily.c - unit tests of days, time zones and the working calendar rule. */
#include "test.h"

#include "lib/timeutil.h"

TEST(local_day_follows_the_time_zone_across_midnight)
{
    int64_t t;
    /* 22:30 UTC on 31 Dec is already 1 Jan in Vilnius (UTC+2 in winter). */
    CHECK_INT(time_parse_iso("2026-12-31T22:30:00Z", &t), 0);
    struct day v = time_local_day("Europe/Vilnius", t), u = time_local_day("UTC", t);
    CHECK_INT(v.y, 2027);
    CHECK_INT(v.m, 1);
    CHECK_INT(v.d, 1);
    CHECK_INT(u.y, 2026);
    CHECK_INT(u.d, 31);
    /* Summer time: UTC+3. 21:30 UTC on 30 June is 1 July 00:30 in Vilnius. */
    CHECK_INT(time_parse_iso("2026-06-30T21:30:00Z", &t), 0);
    v = time_local_day("Europe/Vilnius", t);
    CHECK_INT(v.m, 7);
    CHECK_INT(v.d, 1);
    /* An unknown zone is UTC. */
    u = time_local_day("No/Such_Zone", t);
    CHECK_INT(u.m, 6);
}

TEST(day_start_is_local_midnight_including_dst_days)
{
    int64_t t;
    CHECK_INT(time_parse_iso("2026-11-26T22:00:00Z", &t), 0);
    CHECK_INT(time_day_start("Europe/Vilnius", (struct day){2026, 11, 27}), t);
    /* 29 March 2026 is 23 hours long in Vilnius (clocks go forward). */
    int64_t a = time_day_start("Europe/Vilnius", (struct day){2026, 3, 29});
    int64_t b = time_day_start("Europe/Vilnius", (struct day){2026, 3, 30});
    CHECK_INT(b - a, 23 * 3600);
    CHECK_INT(time_day_start("UTC", (struct day){2026, 3, 30}) -
                  time_day_start("UTC", (struct day){2026, 3, 29}),
              24 * 3600);
}

TEST(day_arithmetic_over_month_and_year_ends)
{
    struct day d = day_add((struct day){2026, 1, 31}, 1);
    CHECK_INT(d.m, 2);
    CHECK_INT(d.d, 1);
    d = day_add((struct day){2028, 2, 28}, 1);
    CHECK_INT(d.d, 29);
    d = day_add((struct day){2026, 12, 31}, 1);
    CHECK_INT(d.y, 2027);
    CHECK_INT(day_weekday((struct day){2026, 11, 27}), 4); /* a Friday */
    CHECK_INT(days_in_month(2026, 2), 28);
    CHECK_INT(days_in_month(2028, 2), 29);
    char s[11];
    day_format((struct day){2026, 3, 9}, s);
    CHECK_STR(s, "2026-03-09");
}

TEST(easter_dates)
{
    struct day e = day_easter(2026);
    CHECK_INT(e.m, 4);
    CHECK_INT(e.d, 5);
    e = day_easter(2027);
    CHECK_INT(e.m, 3);
    CHECK_INT(e.d, 28);
    e = day_easter(2025);
    CHECK_INT(e.m, 4);
    CHECK_INT(e.d, 20);
}
