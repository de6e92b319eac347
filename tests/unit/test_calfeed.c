/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_calfeed.c - unit tests of the calendar feed builder (domain/calfeed.c): the text
 * libical makes from a feed, read back with libical's own parser; the feed address; the
 * shapes of feed names refused before the database is asked.
 */
#include <libical/ical.h>

#include "test.h"

#include "domain/calfeed.h"

#define T0 1795000000LL /* 2026-11-18T10:26:40Z */

static struct calfeed_item calfeed_test_items[] = {
    {.kind = CALFEED_TASK,
     .id = 7,
     .start = T0,
     .end = T0 + 900,
     .updated_at = T0 - 60,
     .title = "Pasiūlymas, kainos; sąlygos",
     .client = "UAB „Šiaurės vėjas“",
     .notes = "pirma eilutė\nantra eilutė"},
    {.kind = CALFEED_CALLBACK,
     .id = 41,
     .start = T0 + 3600,
     .end = T0 + 3600 + 900,
     .updated_at = T0 - 120,
     .client = "ООО «Ромашка», филиал; Вильнюс",
     .contact = "Пётр Иванов",
     .phone = "+37061234567",
     .notes = "Перезвонить после обеда\nпро скидку"},
    {.kind = CALFEED_MEETING,
     .id = 42,
     .start = T0 + 7200,
     .end = T0 + 10800,
     .updated_at = T0 - 180,
     .client = "AB Klaipėdos uostas"},
    {.kind = CALFEED_VISIT,
     .id = 43,
     .start = T0 + 86400,
     .end = T0 + 90000,
     .updated_at = T0 - 240,
     .client = "MB Vilniaus spauda",
     .location = "Gedimino pr. 1, Vilnius"},
    /* Out of range: left out, the rest stays. */
    {.kind = CALFEED_TASK, .id = 99, .start = -5, .end = 10, .updated_at = T0, .title = "bad"},
};

static struct calfeed_birthday calfeed_test_birthdays[] = {
    {.contact_id = 5,
     .year = 1970,
     .month = 3,
     .day = 14,
     .updated_at = T0 - 300,
     .name = "Jonas Petraitis",
     .client = "UAB Testas, filialas"},
    {.contact_id = 6,
     .year = 1960,
     .month = 2,
     .day = 29,
     .updated_at = T0 - 300,
     .name = "Ona Onaitė"},
    {.contact_id = 8, .year = 1970, .month = 2, .day = 30, .name = "No such day"},
};

static void calfeed_test_feed(struct calfeed *f, enum lang lang)
{
    memset(f, 0, sizeof(*f));
    f->lang = lang;
    f->items = calfeed_test_items;
    f->n_items = (int)(sizeof(calfeed_test_items) / sizeof(calfeed_test_items[0]));
    f->birthdays = calfeed_test_birthdays;
    f->n_birthdays = (int)(sizeof(calfeed_test_birthdays) / sizeof(calfeed_test_birthdays[0]));
}

static icalcomponent *calfeed_test_find(icalcomponent *cal, const char *uid)
{
    for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
         c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
        if (!strcmp(icalcomponent_get_uid(c), uid))
            return c;
    return NULL;
}

static const char *calfeed_test_x(icalcomponent *cal, const char *name)
{
    for (icalproperty *p = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(cal, ICAL_X_PROPERTY))
        if (!strcmp(icalproperty_get_x_name(p), name))
            return icalproperty_get_x(p);
    return NULL;
}

TEST(calfeed_text_is_crlf_folded_and_escaped)
{
    struct calfeed f;
    struct buf out = BUF_INIT;
    calfeed_test_feed(&f, LANG_RU);
    CHECK_INT(calfeed_render(&f, &out), 0);
    CHECK(out.len > 0);
    CHECK(!strncmp(out.data, "BEGIN:VCALENDAR\r\n", 17));
    CHECK(out.len >= 15 && !strcmp(out.data + out.len - 15, "END:VCALENDAR\r\n"));
    /* Every line ends in CRLF and is at most 75 octets; no bare CR or LF. */
    int lines = 0, long_lines = 0, bare = 0;
    for (const char *p = out.data; *p;) {
        const char *e = strstr(p, "\r\n");
        if (!e)
            break;
        for (const char *q = p; q < e; q++)
            bare += *q == '\r' || *q == '\n';
        long_lines += e - p > 75;
        lines++;
        p = e + 2;
    }
    CHECK(lines > 20);
    CHECK_INT(long_lines, 0);
    CHECK_INT(bare, 0);
    /* Folding never splits a UTF-8 character: a continuation line never starts with a
     * continuation byte. */
    int split = 0;
    for (const char *p = out.data; (p = strstr(p, "\r\n "));) {
        p += 3;
        split += ((unsigned char)*p & 0xC0) == 0x80;
    }
    CHECK_INT(split, 0);
    /* TEXT values are escaped by libical. */
    CHECK(strstr(out.data, "\\,") != NULL);
    CHECK(strstr(out.data, "\\;") != NULL);
    CHECK(strstr(out.data, "\\n") != NULL);
    CHECK(strstr(out.data, "PRODID:-//klientas//CRM//EN\r\n") != NULL);
    CHECK(strstr(out.data, "VERSION:2.0\r\n") != NULL);
    buf_release(&out);
}

TEST(calfeed_text_reads_back_with_the_same_values)
{
    struct calfeed f;
    struct buf out = BUF_INIT;
    calfeed_test_feed(&f, LANG_EN);
    CHECK_INT(calfeed_render(&f, &out), 0);
    icalcomponent *cal = icalparser_parse_string(out.data);
    CHECK(cal != NULL);
    if (!cal) {
        buf_release(&out);
        return;
    }
    CHECK_INT(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    CHECK_STR(calfeed_test_x(cal, "X-WR-CALNAME"), "klientas: work calendar");
    CHECK_INT(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 6);
    CHECK_INT(icalcomponent_count_components(cal, ICAL_VTODO_COMPONENT), 0);
    CHECK(calfeed_test_find(cal, "task-99@klientas") == NULL);
    CHECK(calfeed_test_find(cal, "birthday-8@klientas") == NULL);

    icalcomponent *task = calfeed_test_find(cal, "task-7@klientas");
    CHECK(task != NULL);
    if (task) {
        CHECK_STR(icalcomponent_get_summary(task), "Task: Pasiūlymas, kainos; sąlygos");
        CHECK_STR(icalcomponent_get_description(task),
                  "Client: UAB „Šiaurės vėjas“\n\npirma eilutė\nantra eilutė");
        struct icaltimetype s = icalcomponent_get_dtstart(task);
        CHECK(icaltime_is_utc(s));
        CHECK_INT(icaltime_as_timet(s), T0);
        CHECK_INT(icaltime_as_timet(icalcomponent_get_dtend(task)), T0 + 900);
        CHECK_INT(icaltime_as_timet(icalcomponent_get_dtstamp(task)), T0 - 60);
        icalproperty *tr = icalcomponent_get_first_property(task, ICAL_TRANSP_PROPERTY);
        CHECK(tr && icalproperty_get_transp(tr) == ICAL_TRANSP_TRANSPARENT);
    }
    icalcomponent *cb = calfeed_test_find(cal, "callback-41@klientas");
    CHECK(cb != NULL);
    if (cb) {
        CHECK_STR(icalcomponent_get_summary(cb), "Call back: ООО «Ромашка», филиал; Вильнюс");
        CHECK_STR(icalcomponent_get_description(cb),
                  "Contact: Пётр Иванов\nPhone: +37061234567\n\nПерезвонить после обеда\nпро "
                  "скидку");
        CHECK_INT(icaltime_as_timet(icalcomponent_get_dtend(cb)) -
                      icaltime_as_timet(icalcomponent_get_dtstart(cb)),
                  900);
    }
    icalcomponent *m = calfeed_test_find(cal, "meeting-42@klientas");
    CHECK(m != NULL);
    if (m) {
        CHECK_STR(icalcomponent_get_summary(m), "Meeting: AB Klaipėdos uostas");
        CHECK(icalcomponent_get_first_property(m, ICAL_DESCRIPTION_PROPERTY) == NULL);
        CHECK(icalcomponent_get_first_property(m, ICAL_TRANSP_PROPERTY) == NULL);
    }
    icalcomponent *v = calfeed_test_find(cal, "visit-43@klientas");
    CHECK(v != NULL);
    if (v) {
        CHECK_STR(icalcomponent_get_summary(v), "Visit: MB Vilniaus spauda");
        CHECK_STR(icalcomponent_get_location(v), "Gedimino pr. 1, Vilnius");
    }
    icalcomponent_free(cal);
    buf_release(&out);
}

TEST(calfeed_birthdays_are_yearly_all_day_events)
{
    struct calfeed f;
    struct buf out = BUF_INIT;
    calfeed_test_feed(&f, LANG_LT);
    CHECK_INT(calfeed_render(&f, &out), 0);
    icalcomponent *cal = icalparser_parse_string(out.data);
    CHECK(cal != NULL);
    if (!cal) {
        buf_release(&out);
        return;
    }
    CHECK_STR(calfeed_test_x(cal, "X-WR-CALNAME"), "klientas: darbo kalendorius");
    icalcomponent *b = calfeed_test_find(cal, "birthday-5@klientas");
    CHECK(b != NULL);
    if (b) {
        struct icaltimetype s = icalcomponent_get_dtstart(b), e = icalcomponent_get_dtend(b);
        CHECK(s.is_date);
        CHECK_INT(s.year, 1970);
        CHECK_INT(s.month, 3);
        CHECK_INT(s.day, 14);
        CHECK(e.is_date);
        CHECK_INT(e.day, 15);
        CHECK_STR(icalcomponent_get_summary(b),
                  "Gimtadienis: Jonas Petraitis (UAB Testas, filialas)");
        icalproperty *rr = icalcomponent_get_first_property(b, ICAL_RRULE_PROPERTY);
        CHECK(rr != NULL);
        if (rr) {
            struct icalrecurrencetype r = icalproperty_get_rrule(rr);
            CHECK_INT(r.freq, ICAL_YEARLY_RECURRENCE);
            CHECK_INT(r.by_month_day[0], ICAL_RECURRENCE_ARRAY_MAX);
        }
    }
    CHECK(strstr(out.data, "DTSTART;VALUE=DATE:19700314\r\n") != NULL);
    /* 29 February: the last day of February every year. */
    icalcomponent *leap = calfeed_test_find(cal, "birthday-6@klientas");
    CHECK(leap != NULL);
    if (leap) {
        CHECK_STR(icalcomponent_get_summary(leap), "Gimtadienis: Ona Onaitė");
        CHECK(icalcomponent_get_first_property(leap, ICAL_DESCRIPTION_PROPERTY) == NULL);
        icalproperty *rr = icalcomponent_get_first_property(leap, ICAL_RRULE_PROPERTY);
        CHECK(rr != NULL);
        if (rr) {
            struct icalrecurrencetype r = icalproperty_get_rrule(rr);
            CHECK_INT(r.by_month[0], 2);
            CHECK_INT(r.by_month_day[0], -1);
            icalrecur_iterator *it = icalrecur_iterator_new(r, icalcomponent_get_dtstart(leap));
            CHECK(it != NULL);
            if (it) {
                struct icaltimetype t = icalrecur_iterator_next(it);
                CHECK_INT(t.day, 29); /* 1960 */
                t = icalrecur_iterator_next(it);
                CHECK_INT(t.year, 1961);
                CHECK_INT(t.month, 2);
                CHECK_INT(t.day, 28);
                icalrecur_iterator_free(it);
            }
        }
    }
    icalcomponent_free(cal);
    buf_release(&out);
}

TEST(calfeed_same_data_gives_the_same_text)
{
    struct calfeed f;
    struct buf a = BUF_INIT, b = BUF_INIT;
    calfeed_test_feed(&f, LANG_EN);
    CHECK_INT(calfeed_render(&f, &a), 0);
    CHECK_INT(calfeed_render(&f, &b), 0);
    CHECK_INT(a.len, b.len);
    CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len));
    buf_release(&a);
    buf_release(&b);
}

TEST(calfeed_empty_feed_is_a_valid_calendar)
{
    struct calfeed f = {.lang = LANG_RU};
    struct buf out = BUF_INIT;
    CHECK_INT(calfeed_render(&f, &out), 0);
    icalcomponent *cal = icalparser_parse_string(out.data);
    CHECK(cal != NULL);
    if (cal) {
        CHECK_STR(calfeed_test_x(cal, "X-WR-CALNAME"), "klientas: рабочий календарь");
        CHECK_INT(icalcomponent_count_components(cal, ICAL_ANY_COMPONENT), 0);
        icalcomponent_free(cal);
    }
    buf_release(&out);
}

TEST(calfeed_url_and_malformed_names)
{
    struct arena a;
    struct principal p;
    arena_init(&a);
    CHECK_STR(calfeed_url(&a, "https://crm.example.lt/", "abc"),
              "https://crm.example.lt/calendar/abc.ics");
    CHECK_STR(calfeed_url(&a, "http://127.0.0.1:8080", "abc"),
              "http://127.0.0.1:8080/calendar/abc.ics");
    /* Refused before the database is asked (db NULL). */
    char name[SECRET_TOKEN_LEN + 8];
    memset(name, 'A', SECRET_TOKEN_LEN);
    strcpy(name + SECRET_TOKEN_LEN, ".ics");
    name[3] = '.';
    CHECK_INT(calfeed_resolve(NULL, &a, name, &p), KL_ENOTFOUND);
    name[3] = 'A';
    strcpy(name + SECRET_TOKEN_LEN, ".ICS");
    CHECK_INT(calfeed_resolve(NULL, &a, name, &p), KL_ENOTFOUND);
    name[SECRET_TOKEN_LEN] = '\0';
    CHECK_INT(calfeed_resolve(NULL, &a, name, &p), KL_ENOTFOUND);
    CHECK_INT(calfeed_resolve(NULL, &a, "x.ics", &p), KL_ENOTFOUND);
    CHECK_INT(calfeed_resolve(NULL, &a, NULL, &p), KL_ENOTFOUND);
    arena_release(&a);
}
