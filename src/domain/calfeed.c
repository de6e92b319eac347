/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * calfeed.c - each user's secret iCalendar feed (domain): the address, the contents and the
 * iCalendar text (libical). See calfeed.h for what the feed holds and why.
 *
 * Invariants: a user has at most one live feed (a unique index says so; a lost race on
 * PostgreSQL is retried once); the token never reaches the audit log or an error message;
 * the text is built only through libical, which escapes TEXT values (commas, semicolons,
 * backslashes, newlines) and folds lines at 75 octets without splitting a character.
 */
#include <jansson.h>
#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "calfeed.h"

#include "domain/audit.h"
#include "domain/clients.h"
#include "lib/i18n.h"
#include "lib/timeutil.h"

/* ---- store: the SQL of the feed (see calfeed.h) ---- */

static int calfeed_find_live(struct db *db, int64_t user_id, struct calfeed_token *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st,
                      "SELECT id, token, created_at, last_used_at FROM calendar_feeds "
                      "WHERE user_id = ? AND revoked_at IS NULL",
                      "i", user_id);
    if (rc)
        return KL_EDB;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        const char *t = db_text(&st, 1);
        out->id = db_int64(&st, 0);
        snprintf(out->token, sizeof(out->token), "%s", t ? t : "");
        out->created_at = db_int64(&st, 2);
        out->last_used_at = db_is_null(&st, 3) ? 0 : db_int64(&st, 3);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? KL_ENOTFOUND : KL_EDB;
    }
    db_finish(&st);
    return rc;
}

/* Prepare sql and bind the ids of binds to its placeholders, in order. */
static int calfeed_prepare(struct db *db, struct db_stmt *st, const char *sql, const int64_t *binds,
                           int nb)
{
    if (db_prepare(db, st, sql))
        return KL_EDB;
    for (int i = 0; i < nb; i++) {
        if (db_bind_int64(st, i + 1, binds[i])) {
            db_finish(st);
            return KL_EDB;
        }
    }
    return 0;
}

/* ---- the address ---- */

static int calfeed_fail_db(const struct principal *who, struct kl_error *err)
{
    return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
}

/* One round of calfeed_token_get in a transaction. *unique is set when the insert lost a
 * race for the user's one live feed. */
static int calfeed_token_make(struct db *db, const struct principal *who, int reset,
                              struct calfeed_token *out, int *unique)
{
    struct calfeed_token cur, made = {0};
    char digest[SECRET_DIGEST_LEN + 1];
    json_t *before = NULL, *after = NULL;
    int64_t now = time_now(), old_id = 0;
    int rc;

    *unique = 0;
    if ((rc = db_begin(db)))
        return KL_EDB;
    rc = calfeed_find_live(db, who->user_id, &cur);
    if (rc && rc != KL_ENOTFOUND)
        goto out;
    if (!rc && !reset) { /* made meanwhile by a concurrent call */
        made = cur;
        goto out;
    }
    if (!rc) {
        old_id = cur.id;
        if ((rc = db_execf(db, NULL,
                           "UPDATE calendar_feeds SET revoked_at = ?, token = NULL WHERE id = ?",
                           "ii", now, old_id)))
            goto out;
    }
    secret_token(made.token);
    secret_digest(made.token, digest);
    made.created_at = now;
    rc = db_scalar(db, &made.id,
                   "INSERT INTO calendar_feeds (user_id, token_hash, token, created_at) "
                   "VALUES (?, ?, ?, ?) RETURNING id",
                   "itti", who->user_id, digest, made.token, now);
    if (rc) {
        *unique = db_errkind(db) == DB_ERR_UNIQUE;
        goto out;
    }
    if (old_id)
        before = json_pack("{s:I}", "feed_id", (json_int_t)old_id);
    after = json_pack("{s:I, s:I}", "feed_id", (json_int_t)made.id, "user_id",
                      (json_int_t)who->user_id);
    if (!(rc = audit_record(db, who, "calendar_feed", made.id, old_id ? "reset" : "create", before,
                            after)))
        rc = db_commit(db);
out:
    db_rollback(db); /* undoes a failed round; a no-op after the commit */
    json_decref(before);
    json_decref(after);
    if (!rc)
        *out = made;
    return rc;
}

int calfeed_token_get(struct db *db, const struct principal *who, int reset,
                      struct calfeed_token *out, struct kl_error *err)
{
    int rc, unique = 0;

    if (!reset) {
        rc = calfeed_find_live(db, who->user_id, out);
        if (rc != KL_ENOTFOUND)
            return rc ? calfeed_fail_db(who, err) : 0;
    }
    /* Two first calls at once on PostgreSQL: the loser's insert hits the unique index of
     * live feeds; its second round finds the winner's feed. */
    for (int attempt = 0; attempt < 2; attempt++) {
        rc = calfeed_token_make(db, who, reset, out, &unique);
        if (!rc)
            return 0;
        if (!unique)
            break;
    }
    return calfeed_fail_db(who, err);
}

char *calfeed_url(struct arena *a, const char *public_url, const char *token)
{
    size_t n = strlen(public_url);
    while (n && public_url[n - 1] == '/')
        n--;
    return arena_printf(a, "%.*s/calendar/%s.ics", (int)n, public_url, token);
}

static int calfeed_token_chars_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

int calfeed_resolve(struct db *db, struct arena *a, const char *name, struct principal *out)
{
    char token[SECRET_TOKEN_LEN + 1], digest[SECRET_DIGEST_LEN + 1];
    struct db_stmt st;
    int64_t feed_id = 0, last_used = 0, now = time_now();
    int rc;

    if (!name || strlen(name) != SECRET_TOKEN_LEN + 4 || strcmp(name + SECRET_TOKEN_LEN, ".ics") ||
        !calfeed_token_chars_ok(name, SECRET_TOKEN_LEN))
        return KL_ENOTFOUND;
    memcpy(token, name, SECRET_TOKEN_LEN);
    token[SECRET_TOKEN_LEN] = '\0';
    secret_digest(token, digest);
    if (db_query(db, &st,
                 "SELECT f.id, f.last_used_at, u.id, u.role, u.department_id, u.lang, u.login, "
                 "u.name, u.tz FROM calendar_feeds f JOIN users u ON u.id = f.user_id "
                 "WHERE f.token_hash = ? AND f.revoked_at IS NULL AND u.active = 1",
                 "t", digest))
        return KL_EDB;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof(*out));
        feed_id = db_int64(&st, 0);
        last_used = db_is_null(&st, 1) ? 0 : db_int64(&st, 1);
        out->user_id = db_int64(&st, 2);
        out->role = role_parse(db_text(&st, 3));
        out->department_id = db_is_null(&st, 4) ? 0 : db_int64(&st, 4);
        int l = i18n_lang_parse(db_text(&st, 5));
        out->lang = l < 0 ? LANG_EN : (enum lang)l;
        out->login = arena_strdup(a, db_text(&st, 6));
        out->name = arena_strdup(a, db_text(&st, 7));
        out->tz = arena_strdup(a, db_text(&st, 8));
        rc = 0;
    } else {
        rc = rc == DB_DONE ? KL_ENOTFOUND : KL_EDB;
    }
    db_finish(&st);
    if (rc)
        return rc;
    if (now - last_used >= CALFEED_TOUCH_SECS && !db_begin(db)) {
        /* When the feed was last fetched (shown to its owner); failing here fails nothing. */
        if (db_execf(db, NULL, "UPDATE calendar_feeds SET last_used_at = ? WHERE id = ?", "ii", now,
                     feed_id) ||
            db_commit(db))
            db_rollback(db);
    }
    return 0;
}

/* ---- the contents ---- */

/* The first string of a JSON array text ("[\"+370...\"]"), or NULL. */
static const char *calfeed_first_of(struct arena *a, const char *json_text)
{
    const char *s = NULL;
    json_t *j = json_text ? json_loads(json_text, 0, NULL) : NULL;
    if (json_is_array(j) && json_is_string(json_array_get(j, 0)))
        s = arena_strdup(a, json_string_value(json_array_get(j, 0)));
    json_decref(j);
    return s;
}

static const char *calfeed_text(struct arena *a, struct db_stmt *st, int col)
{
    const char *s = db_text(st, col);
    return s && *s ? arena_strdup(a, s) : NULL;
}

struct calfeed_list {
    struct calfeed_item *items;
    int n, cap;
};

static struct calfeed_item *calfeed_push(struct arena *a, struct calfeed_list *l)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        struct calfeed_item *grown = arena_alloc(a, (size_t)cap * sizeof(*grown));
        if (l->n)
            memcpy(grown, l->items, (size_t)l->n * sizeof(*grown));
        l->items = grown;
        l->cap = cap;
    }
    struct calfeed_item *it = &l->items[l->n++];
    memset(it, 0, sizeof(*it));
    return it;
}

static int calfeed_load_tasks(struct db *db, struct arena *a, const struct principal *who,
                              const struct client_scope *scope, struct calfeed_list *l)
{
    struct buf sql = BUF_INIT;
    int64_t binds[24];
    int nb = 0, rc;
    struct db_stmt st;

    /* The client's name only when the assignee sees the client. */
    buf_puts(&sql, "SELECT t.id, t.title, t.notes, t.due_at, t.updated_at, CASE WHEN c.id IS NOT "
                   "NULL AND c.deleted_at IS NULL");
    repo_client_scope_sql(scope, &sql, binds, &nb);
    buf_puts(&sql, " THEN c.name END FROM tasks t LEFT JOIN clients c ON c.id = t.client_id "
                   "WHERE t.assignee_id = ? AND t.status = 'open' "
                   "ORDER BY t.due_at DESC, t.id DESC LIMIT ?");
    binds[nb++] = who->user_id;
    binds[nb++] = CALFEED_MAX_TASKS;
    if ((rc = calfeed_prepare(db, &st, sql.data, binds, nb)))
        goto out;
    while ((rc = db_step(&st)) == DB_ROW) {
        struct calfeed_item *it = calfeed_push(a, l);
        it->kind = CALFEED_TASK;
        it->id = db_int64(&st, 0);
        it->title = calfeed_text(a, &st, 1);
        it->notes = calfeed_text(a, &st, 2);
        it->start = db_int64(&st, 3);
        it->end = it->start + CALFEED_TASK_SECS;
        it->updated_at = db_int64(&st, 4);
        it->client = calfeed_text(a, &st, 5);
    }
    db_finish(&st);
    rc = rc < 0 ? KL_EDB : 0;
out:
    buf_release(&sql);
    return rc;
}

/* Call-backs (callback = 1) or meetings and visits (callback = 0) of the user, of clients he
 * sees, from `since` on. */
static int calfeed_load_activities(struct db *db, struct arena *a, const struct principal *who,
                                   const struct client_scope *scope, int callback, int64_t since,
                                   struct calfeed_list *l)
{
    struct buf sql = BUF_INIT;
    int64_t binds[24];
    int nb = 0, rc;
    struct db_stmt st;

    buf_printf(&sql,
               "SELECT a.id, a.type, a.%s, a.duration_s, a.notes, a.updated_at, c.name, "
               "c.address, c.city, k.name, k.phones FROM activities a "
               "JOIN clients c ON c.id = a.client_id "
               "LEFT JOIN contacts k ON k.id = a.contact_id AND k.deleted_at IS NULL "
               "WHERE a.user_id = ? AND a.deleted_at IS NULL AND c.deleted_at IS NULL AND %s",
               callback ? "callback_at" : "at",
               callback ? "a.callback_at IS NOT NULL AND a.callback_at >= ?"
                        : "a.type IN ('meeting', 'visit') AND a.at >= ?");
    binds[nb++] = who->user_id;
    binds[nb++] = since;
    repo_client_scope_sql(scope, &sql, binds, &nb);
    buf_printf(&sql, " ORDER BY a.%s, a.id LIMIT ?", callback ? "callback_at" : "at");
    binds[nb++] = callback ? CALFEED_MAX_CALLBACKS : CALFEED_MAX_MEETINGS;
    if ((rc = calfeed_prepare(db, &st, sql.data, binds, nb)))
        goto out;
    while ((rc = db_step(&st)) == DB_ROW) {
        struct calfeed_item *it = calfeed_push(a, l);
        const char *type = db_text(&st, 1);
        it->id = db_int64(&st, 0);
        it->start = db_int64(&st, 2);
        if (callback) {
            it->kind = CALFEED_CALLBACK;
            it->end = it->start + CALFEED_CALLBACK_SECS;
        } else {
            int64_t d = db_is_null(&st, 3) ? 0 : db_int64(&st, 3);
            it->kind = type && !strcmp(type, "visit") ? CALFEED_VISIT : CALFEED_MEETING;
            it->end = it->start + (d > 0 && d <= 24 * 3600 ? d : CALFEED_MEETING_SECS);
        }
        it->notes = calfeed_text(a, &st, 4);
        it->updated_at = db_int64(&st, 5);
        it->client = calfeed_text(a, &st, 6);
        if (it->kind == CALFEED_VISIT) {
            const char *addr = db_text(&st, 7), *city = db_text(&st, 8);
            if (addr && *addr && city && *city)
                it->location = arena_printf(a, "%s, %s", addr, city);
            else if ((addr && *addr) || (city && *city))
                it->location = arena_strdup(a, addr && *addr ? addr : city);
        }
        it->contact = calfeed_text(a, &st, 9);
        it->phone = calfeed_first_of(a, db_text(&st, 10));
    }
    db_finish(&st);
    rc = rc < 0 ? KL_EDB : 0;
out:
    buf_release(&sql);
    return rc;
}

/* Birthdays of contacts of clients in scope, the coming ones first (from today's month and
 * day on, then from the start of the year), at most CALFEED_MAX_BIRTHDAYS. */
static int calfeed_load_birthdays(struct db *db, struct arena *a, const struct client_scope *scope,
                                  int64_t now, struct calfeed *f)
{
    char today[21], mmdd[6];
    int cap = CALFEED_MAX_BIRTHDAYS, rc = 0;
    int this_year;

    time_iso(now, today);
    snprintf(mmdd, sizeof(mmdd), "%.5s", today + 5);
    this_year =
        (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + (today[3] - '0');
    f->birthdays = arena_alloc(a, sizeof(*f->birthdays) * 64);
    int have = 64;
    for (int pass = 0; pass < 2 && f->n_birthdays < cap; pass++) {
        struct buf sql = BUF_INIT;
        int64_t binds[24];
        int nb = 0;
        struct db_stmt st;
        buf_printf(&sql,
                   "SELECT k.id, k.name, k.birthday, k.updated_at, c.name FROM contacts k "
                   "JOIN clients c ON c.id = k.client_id WHERE k.birthday IS NOT NULL AND "
                   "k.deleted_at IS NULL AND c.deleted_at IS NULL AND c.merged_into_id IS NULL "
                   "AND substr(k.birthday, 6, 5) %s ?",
                   pass ? "<" : ">=");
        repo_client_scope_sql(scope, &sql, binds, &nb);
        buf_puts(&sql, " ORDER BY substr(k.birthday, 6, 5), k.id LIMIT ?");
        binds[nb++] = cap - f->n_birthdays;
        rc = db_prepare(db, &st, sql.data) ? KL_EDB : 0;
        buf_release(&sql);
        if (rc)
            break;
        if (db_bind_text(&st, 1, mmdd))
            rc = KL_EDB;
        for (int i = 0; !rc && i < nb; i++)
            if (db_bind_int64(&st, i + 2, binds[i]))
                rc = KL_EDB;
        if (rc) {
            db_finish(&st);
            break;
        }
        while ((rc = db_step(&st)) == DB_ROW) {
            int y, m, d;
            const char *date = db_text(&st, 2);
            if (!date || time_parse_date(date, &y, &m, &d))
                continue;
            if (f->n_birthdays == have) {
                struct calfeed_birthday *grown = arena_alloc(a, sizeof(*grown) * (size_t)have * 2);
                memcpy(grown, f->birthdays, sizeof(*grown) * (size_t)have);
                f->birthdays = grown;
                have *= 2;
            }
            struct calfeed_birthday *b = &f->birthdays[f->n_birthdays++];
            b->contact_id = db_int64(&st, 0);
            b->name = calfeed_text(a, &st, 1);
            /* A birth year in the future is a typing error: start the series this year. */
            b->year = y > this_year ? this_year : y;
            b->month = m;
            b->day = d;
            b->updated_at = db_int64(&st, 3);
            b->client = calfeed_text(a, &st, 4);
        }
        db_finish(&st);
        rc = rc < 0 ? KL_EDB : 0;
        if (rc)
            break;
    }
    return rc;
}

int calfeed_load(struct db *db, struct arena *a, const struct principal *who, int64_t now,
                 struct calfeed *out, struct kl_error *err)
{
    struct client_scope scope;
    struct calfeed_list l = {0};
    struct calfeed f = {.lang = who->lang};
    int64_t since = now - (int64_t)CALFEED_PAST_DAYS * 86400;
    int rc;

    if ((rc = clients_scope(db, who, &scope)))
        goto out;
    if ((rc = calfeed_load_tasks(db, a, who, &scope, &l)) ||
        (rc = calfeed_load_activities(db, a, who, &scope, 1, since, &l)) ||
        (rc = calfeed_load_activities(db, a, who, &scope, 0, since, &l)) ||
        (rc = calfeed_load_birthdays(db, a, &scope, now, &f)))
        goto out;
    f.items = l.items;
    f.n_items = l.n;
out:
    if (rc)
        return calfeed_fail_db(who, err);
    *out = f;
    return 0;
}

/* ---- the iCalendar text ---- */

static pthread_once_t calfeed_once = PTHREAD_ONCE_INIT;
static icaltimezone *calfeed_utc;

static void calfeed_init(void)
{
    calfeed_utc = icaltimezone_get_utc_timezone();
}

/* The catalogue text of key in lang with {arg} replaced by arg (no length limit). */
static void calfeed_msg(struct buf *out, enum lang lang, const char *key, const char *arg)
{
    const char *t = i18n_get(lang, key), *p;
    buf_reset(out);
    while ((p = strstr(t, "{arg}"))) {
        buf_append(out, t, (size_t)(p - t));
        buf_puts(out, arg ? arg : "");
        t = p + 5;
    }
    buf_puts(out, t);
}

/* Append "<label>: value\n" (the label from the catalogue) when value is set. */
static void calfeed_line(struct buf *desc, struct buf *tmp, enum lang lang, const char *key,
                         const char *value)
{
    if (!value || !*value)
        return;
    calfeed_msg(tmp, lang, key, value);
    buf_puts(desc, tmp->data);
    buf_putc(desc, '\n');
}

/* Times libical and every reader handle: 1970 to 9999. */
static int calfeed_time_ok(int64_t t)
{
    return t >= 0 && t < 253402300800LL;
}

static struct icaltimetype calfeed_utc_time(int64_t t)
{
    return icaltime_from_timet_with_zone((time_t)t, 0, calfeed_utc);
}

static icalcomponent *calfeed_event(const char *uid, int64_t updated_at)
{
    icalcomponent *ev = icalcomponent_new_vevent();
    icalcomponent_add_property(ev, icalproperty_new_uid(uid));
    int64_t stamp = calfeed_time_ok(updated_at) ? updated_at : 0;
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(calfeed_utc_time(stamp)));
    icalcomponent_add_property(ev, icalproperty_new_lastmodified(calfeed_utc_time(stamp)));
    icalcomponent_add_property(ev, icalproperty_new_class(ICAL_CLASS_PRIVATE));
    return ev;
}

static void calfeed_add_text(icalcomponent *ev, struct buf *desc)
{
    while (desc->len && desc->data[desc->len - 1] == '\n')
        desc->data[--desc->len] = '\0';
    if (desc->len)
        icalcomponent_add_property(ev, icalproperty_new_description(desc->data));
}

static icalcomponent *calfeed_render_item(const struct calfeed_item *it, enum lang lang,
                                          struct buf *summary, struct buf *desc, struct buf *tmp)
{
    static const char *const uid_prefix[] = {"task", "callback", "meeting", "visit"};
    static const char *const summary_key[] = {"cal.task", "cal.callback", "cal.meeting",
                                              "cal.visit"};
    char uid[64];

    if (!calfeed_time_ok(it->start) || !calfeed_time_ok(it->end) || it->end < it->start)
        return NULL;
    snprintf(uid, sizeof(uid), "%s-%lld@klientas", uid_prefix[it->kind], (long long)it->id);
    icalcomponent *ev = calfeed_event(uid, it->updated_at);
    icalcomponent_add_property(ev, icalproperty_new_dtstart(calfeed_utc_time(it->start)));
    icalcomponent_add_property(ev, icalproperty_new_dtend(calfeed_utc_time(it->end)));

    const char *what = it->kind == CALFEED_TASK ? it->title : it->client;
    calfeed_msg(summary, lang, summary_key[it->kind], what ? what : "—");
    icalcomponent_add_property(ev, icalproperty_new_summary(summary->data));

    buf_reset(desc);
    if (it->kind == CALFEED_TASK) {
        calfeed_line(desc, tmp, lang, "cal.client", it->client);
    } else {
        calfeed_line(desc, tmp, lang, "cal.contact", it->contact);
        calfeed_line(desc, tmp, lang, "cal.phone", it->phone);
    }
    if (it->notes) {
        if (desc->len)
            buf_putc(desc, '\n');
        buf_puts(desc, it->notes);
    }
    calfeed_add_text(ev, desc);
    if (it->location)
        icalcomponent_add_property(ev, icalproperty_new_location(it->location));
    /* Tasks and call-backs are reminders: they do not make the user busy. */
    if (it->kind == CALFEED_TASK || it->kind == CALFEED_CALLBACK)
        icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
    return ev;
}

static icalcomponent *calfeed_render_birthday(const struct calfeed_birthday *b, enum lang lang,
                                              struct buf *summary, struct buf *tmp)
{
    char uid[64];
    struct icaltimetype start = icaltime_null_date(), end;
    struct icalrecurrencetype rule;

    if (b->year < 1 || b->year > 9998 || b->month < 1 || b->month > 12 || b->day < 1 ||
        b->day > icaltime_days_in_month(b->month, b->year))
        return NULL;
    snprintf(uid, sizeof(uid), "birthday-%lld@klientas", (long long)b->contact_id);
    icalcomponent *ev = calfeed_event(uid, b->updated_at);
    start.year = b->year;
    start.month = b->month;
    start.day = b->day;
    end = start;
    icaltime_adjust(&end, 1, 0, 0, 0);
    icalcomponent_add_property(ev, icalproperty_new_dtstart(start));
    icalcomponent_add_property(ev, icalproperty_new_dtend(end));
    icalrecurrencetype_clear(&rule);
    rule.freq = ICAL_YEARLY_RECURRENCE;
    if (b->month == 2 && b->day == 29) {
        /* Born on 29 February: the last day of February every year, not every fourth. */
        rule.by_month[0] = 2;
        rule.by_month[1] = ICAL_RECURRENCE_ARRAY_MAX;
        rule.by_month_day[0] = -1;
        rule.by_month_day[1] = ICAL_RECURRENCE_ARRAY_MAX;
    }
    icalcomponent_add_property(ev, icalproperty_new_rrule(rule));
    buf_reset(tmp);
    buf_puts(tmp, b->name ? b->name : "—");
    if (b->client) {
        buf_puts(tmp, " (");
        buf_puts(tmp, b->client);
        buf_puts(tmp, ")");
    }
    calfeed_msg(summary, lang, "cal.birthday", tmp->data);
    icalcomponent_add_property(ev, icalproperty_new_summary(summary->data));
    if (b->client) {
        calfeed_msg(tmp, lang, "cal.client", b->client);
        icalcomponent_add_property(ev, icalproperty_new_description(tmp->data));
    }
    icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
    return ev;
}

static void calfeed_x(icalcomponent *cal, const char *name, const char *value)
{
    icalproperty *p = icalproperty_new_x(value);
    icalproperty_set_x_name(p, name);
    icalcomponent_add_property(cal, p);
}

/* Append the text of component c to out and free c; 0 or KL_EIO. */
static int calfeed_emit(struct buf *out, icalcomponent *c)
{
    char *text = icalcomponent_as_ical_string_r(c);
    icalcomponent_free(c);
    if (!text)
        return KL_EIO;
    buf_puts(out, text);
    icalmemory_free_buffer(text);
    return 0;
}

int calfeed_render(const struct calfeed *f, struct buf *out)
{
    static const char end[] = "END:VCALENDAR\r\n";
    struct buf summary = BUF_INIT, desc = BUF_INIT, tmp = BUF_INIT;
    char *head = NULL;
    int rc = KL_EIO;

    pthread_once(&calfeed_once, calfeed_init);
    icalcomponent *cal = icalcomponent_new_vcalendar();
    if (!cal || !calfeed_utc)
        goto out;
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//klientas//CRM//EN"));
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    /* The catalogue's names hold no comma or semicolon: X- values are not escaped. */
    calfeed_x(cal, "X-WR-CALNAME", i18n_get(f->lang, "cal.name"));
    calfeed_x(cal, "X-WR-CALDESC", i18n_get(f->lang, "cal.desc"));
    calfeed_x(cal, "X-PUBLISHED-TTL", "PT1H");
    /* The calendar's own lines, then each event made, written and freed in turn, then its
     * END line: the same text as one tree, in a third of the time for 5000 birthdays (one
     * tree of them makes malloc grow and trim the heap over and over). */
    head = icalcomponent_as_ical_string_r(cal);
    size_t n = head ? strlen(head) : 0;
    if (n < sizeof(end) - 1 || strcmp(head + n - (sizeof(end) - 1), end))
        goto out;
    buf_append(out, head, n - (sizeof(end) - 1));
    for (int i = 0; i < f->n_items; i++) {
        icalcomponent *ev = calfeed_render_item(&f->items[i], f->lang, &summary, &desc, &tmp);
        if (ev && calfeed_emit(out, ev))
            goto out;
    }
    for (int i = 0; i < f->n_birthdays; i++) {
        icalcomponent *ev = calfeed_render_birthday(&f->birthdays[i], f->lang, &summary, &tmp);
        if (ev && calfeed_emit(out, ev))
            goto out;
    }
    buf_puts(out, end);
    rc = 0;
out:
    if (head)
        icalmemory_free_buffer(head);
    if (cal)
        icalcomponent_free(cal);
    buf_release(&summary);
    buf_release(&desc);
    buf_release(&tmp);
    return rc;
}
