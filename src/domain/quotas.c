/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * quotas.c - daily and monthly quotas and their progress (domain, R8-R12, R30, R32).
 *
 * Targets: the user's own quota, else his department's, else the defaults (30 calls, 50
 * offers by e-mail, offers by phone to 20 companies a day; 4 new contracts a month; every
 * client contacted once a month). On a day off the day targets are 0; a month's targets are
 * the day targets times the month's working days.
 * Counts (from logged activities only): calls = outgoing calls; offers_email = activities
 * of type offer_email; offers_phone = distinct clients given an offer by phone;
 * monthly_contact (month) = the user's clients (not lost) touched this month by anyone, of
 * all of them; monthly_contact (day) = clients touched today that had not been touched yet
 * this month, against what is left to do spread over the working days left;
 * new_contracts = 0 until contracts exist.
 */
#include <string.h>

#include "daily.h"

#include "domain/audit.h"
#include "store/repo_user.h"

static int64_t pick(int64_t user, int64_t dept, int64_t dflt)
{
    return user >= 0 ? user : dept >= 0 ? dept : dflt;
}

int quotas_effective(struct db *db, int64_t user_id, struct quota *out)
{
    struct arena a;
    struct user u;
    struct quota uq, dq;
    arena_init(&a);
    int rc = repo_user_get(db, &a, user_id, &u);
    if (!rc)
        rc = repo_quota_get(db, user_id, u.department_id, &uq, &dq);
    arena_release(&a);
    if (rc)
        return rc;
    out->calls_day = pick(uq.calls_day, dq.calls_day, QUOTA_CALLS_DAY);
    out->offers_email_day = pick(uq.offers_email_day, dq.offers_email_day, QUOTA_OFFERS_EMAIL_DAY);
    out->offers_phone_day = pick(uq.offers_phone_day, dq.offers_phone_day, QUOTA_OFFERS_PHONE_DAY);
    out->new_contracts_month =
        pick(uq.new_contracts_month, dq.new_contracts_month, QUOTA_NEW_CONTRACTS_MONTH);
    out->monthly_contact = pick(uq.monthly_contact, dq.monthly_contact, 1);
    return 0;
}

static json_t *metric(int64_t target, int64_t done)
{
    return json_pack("{s:I, s:I}", "target", (json_int_t)target, "done", (json_int_t)done);
}

/* The user's working clients (prospect, active; not deleted) and how many of them were
 * first touched (by anyone) in the month [month_from, month_to) before day_from, before
 * day_to and at all. The store keeps each client's last contact on its row: a client last
 * touched before the month was not touched in it, one last touched in [month_from,
 * day_from) was first touched before the day; only those touched since day_from (for
 * today: the day's few) need a probe of their activities. */
static int contact_counts(struct db *db, int64_t user_id, int64_t month_from, int64_t month_to,
                          int64_t day_from, int64_t day_to, int64_t *total, int64_t *before,
                          int64_t *until, int64_t *in_month)
{
    struct db_stmt st;
    int64_t early = 0;
    int rc = db_query(db, &st,
                      "SELECT COUNT(*), SUM(CASE WHEN last_contact_at >= ? AND last_contact_at < "
                      "? THEN 1 ELSE 0 END) FROM clients WHERE owner_id = ? AND deleted_at IS "
                      "NULL AND status IN ('prospect', 'active')",
                      "iii", month_from, day_from, user_id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        *total = db_int64(&st, 0);
        early = db_is_null(&st, 1) ? 0 : db_int64(&st, 1);
        rc = 0;
    } else {
        rc = KL_EDB;
    }
    db_finish(&st);
    if (rc)
        return rc;
    rc =
        db_query(db, &st,
                 "SELECT COUNT(m), SUM(CASE WHEN m < ? THEN 1 ELSE 0 END), SUM(CASE WHEN m < ? "
                 "THEN 1 ELSE 0 END) FROM (SELECT (SELECT x.at FROM activities x WHERE x.client_id "
                 "= c.id AND x.deleted_at IS NULL AND x.at >= ? AND x.at < ? ORDER BY x.at LIMIT "
                 "1) AS m "
                 "FROM clients c WHERE c.owner_id = ? AND c.deleted_at IS NULL AND c.status IN "
                 "('prospect', 'active') AND c.last_contact_at >= ?) t",
                 "iiiiii", day_from, day_to, month_from, month_to, user_id,
                 day_from > month_from ? day_from : month_from);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        *in_month = early + db_int64(&st, 0);
        *before = early + (db_is_null(&st, 1) ? 0 : db_int64(&st, 1));
        *until = early + (db_is_null(&st, 2) ? 0 : db_int64(&st, 2));
        rc = 0;
    } else {
        rc = KL_EDB;
    }
    db_finish(&st);
    return rc;
}

static int progress(struct db *db, int64_t user_id, const char *tz, struct day day, json_t **out)
{
    struct quota q;
    int rc = quotas_effective(db, user_id, &q);
    if (rc)
        return rc;
    struct day first = {day.y, day.m, 1}, last = {day.y, day.m, days_in_month(day.y, day.m)};
    int64_t day_from = time_day_start(tz, day), day_to = time_day_start(tz, day_add(day, 1));
    int64_t month_from = time_day_start(tz, first), month_to = time_day_start(tz, day_add(last, 1));
    int working = 0, month_days = 0, elapsed = 0, left = 0, days[31];
    if ((rc = workcal_days(db, first, last.d, days)))
        return rc;
    working = days[day.d - 1];
    for (int i = 0; i < (int)last.d; i++) {
        month_days += days[i];
        elapsed += days[i] && i + 1 <= (int)day.d;
        left += days[i] && i + 1 >= (int)day.d;
    }
    int64_t calls_d, calls_m, oe_d, oe_m, op_d, op_m, total, touched_m, touched_before,
        touched_until;
    if ((rc = repo_activity_count(db, user_id, "call", "out", day_from, day_to, 0, &calls_d)) ||
        (rc = repo_activity_count(db, user_id, "call", "out", month_from, month_to, 0, &calls_m)) ||
        (rc = repo_activity_count(db, user_id, "offer_email", NULL, day_from, day_to, 0, &oe_d)) ||
        (rc = repo_activity_count(db, user_id, "offer_email", NULL, month_from, month_to, 0,
                                  &oe_m)) ||
        (rc = repo_activity_count(db, user_id, "offer_phone", NULL, day_from, day_to, 1, &op_d)) ||
        (rc = repo_activity_count(db, user_id, "offer_phone", NULL, month_from, month_to, 1,
                                  &op_m)) ||
        (rc = contact_counts(db, user_id, month_from, month_to, day_from, day_to, &total,
                             &touched_before, &touched_until, &touched_m)))
        return rc;
    int64_t touched_today = touched_until - touched_before;
    int64_t remaining = total - touched_before;
    int64_t day_contact_target =
        q.monthly_contact && working && left ? (remaining + left - 1) / left : 0;
    json_t *d =
        json_pack("{s:o, s:o, s:o, s:o, s:o}", "calls", metric(working ? q.calls_day : 0, calls_d),
                  "offers_email", metric(working ? q.offers_email_day : 0, oe_d), "offers_phone",
                  metric(working ? q.offers_phone_day : 0, op_d), "new_contracts", metric(0, 0),
                  "monthly_contact", metric(day_contact_target, touched_today));
    json_t *m =
        json_pack("{s:o, s:o, s:o, s:o, s:o}", "calls", metric(q.calls_day * month_days, calls_m),
                  "offers_email", metric(q.offers_email_day * month_days, oe_m), "offers_phone",
                  metric(q.offers_phone_day * month_days, op_m), "new_contracts",
                  metric(q.new_contracts_month, 0), "monthly_contact",
                  metric(q.monthly_contact ? total : 0, touched_m));
    char key[11];
    day_format(day, key);
    *out = json_pack("{s:I, s:s, s:s, s:b, s:o, s:o, s:{s:i, s:i}}", "user_id", (json_int_t)user_id,
                     "date", key, "tz", tz, "working_day", working, "day", d, "month", m,
                     "working_days", "month", month_days, "elapsed", elapsed);
    return 0;
}

static int resolve_day(const char *date, const char *tz, struct day *out, struct kl_error *err)
{
    if (!date) {
        *out = time_local_day(tz, time_now());
        return 0;
    }
    if (day_parse(date, out))
        return kl_error_set(err, KL_EINVAL, "date", "err.date", NULL);
    return 0;
}

int quotas_progress(struct db *db, struct arena *a, const struct principal *who, int64_t user_id,
                    const char *date, json_t **out, struct kl_error *err)
{
    struct user u;
    struct day day;
    if (!user_id)
        user_id = who->user_id;
    int rc = daily_may_view(db, a, who, user_id, err);
    if (rc)
        return rc;
    if ((rc = repo_user_get(db, a, user_id, &u)))
        return rc == KL_ENOTFOUND ? kl_error_set(err, rc, "user_id", "err.not_found", "user")
                                  : kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    if ((rc = resolve_day(date, u.tz, &day, err)))
        return rc;
    if ((rc = progress(db, user_id, u.tz, day, out)))
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    return 0;
}

int quotas_team(struct db *db, struct arena *a, const struct principal *who, const char *date,
                json_t **out, struct kl_error *err)
{
    struct db_stmt st;
    int rc;
    if (!(who->role & (ROLE_HEAD | ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM)))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    int all = (who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM)) != 0;
    rc = db_query(db, &st,
                  "SELECT id, name, tz FROM users WHERE active = 1 AND role = 'manager' AND "
                  "(? = 1 OR department_id = ?) ORDER BY name, id",
                  "ii", (int64_t)all, who->department_id);
    if (rc)
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    int64_t ids[500];
    const char *names[500], *tzs[500];
    int n = 0;
    while ((rc = db_step(&st)) == DB_ROW && n < 500) {
        ids[n] = db_int64(&st, 0);
        names[n] = arena_strdup(a, db_text(&st, 1));
        tzs[n] = arena_strdup(a, db_text(&st, 2));
        n++;
    }
    db_finish(&st);
    if (rc < 0)
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        struct day day;
        json_t *p;
        if ((rc = resolve_day(date, tzs[i], &day, err))) {
            json_decref(arr);
            return rc;
        }
        if (progress(db, ids[i], tzs[i], day, &p)) {
            json_decref(arr);
            return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
        }
        json_object_set_new(p, "name", json_string(names[i]));
        json_array_append_new(arr, p);
    }
    *out = arr;
    return 0;
}

int quotas_set(struct db *db, struct arena *a, const struct principal *who, json_t *body,
               json_t **out, struct kl_error *err)
{
    static const char *names[] = {"calls_day", "offers_email_day", "offers_phone_day",
                                  "new_contracts_month", "monthly_contact"};
    struct quota q = {-1, -1, -1, -1, -1};
    int64_t *vals[] = {&q.calls_day, &q.offers_email_day, &q.offers_phone_day,
                       &q.new_contracts_month, &q.monthly_contact};
    int64_t user_id = 0, dept_id = 0;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        char name[64];
        snprintf(name, sizeof(name), "%s", key);
        if (!strcmp(key, "user_id") || !strcmp(key, "department_id")) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return kl_error_set(err, KL_EINVAL, name, "err.positive_id", NULL);
            *(key[0] == 'u' ? &user_id : &dept_id) = (int64_t)json_integer_value(v);
            continue;
        }
        int i = 0;
        while (i < 5 && strcmp(names[i], key))
            i++;
        if (i == 5)
            return kl_error_set(err, KL_EINVAL, name, "err.unknown_field", NULL);
        if (json_is_null(v))
            continue;
        if (i == 4 && json_is_boolean(v)) {
            *vals[i] = json_is_true(v);
            continue;
        }
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 10000)
            return kl_error_set(err, KL_EINVAL, name, "err.range", "0-10000");
        *vals[i] = (int64_t)json_integer_value(v);
    }
    if (!!user_id == !!dept_id)
        return kl_error_set(err, KL_EINVAL, user_id ? "department_id" : "user_id",
                            "err.quota_scope", NULL);
    /* Heads set quotas for their department and its people; the director and admins any. */
    if (!(who->role & (ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM))) {
        if (!(who->role & ROLE_HEAD))
            return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
        if (dept_id && dept_id != who->department_id)
            return kl_error_set(err, KL_EFORBIDDEN, "department_id", "err.forbidden", NULL);
        if (user_id) {
            struct user u;
            if (repo_user_get(db, a, user_id, &u) || u.department_id != who->department_id)
                return kl_error_set(err, KL_EFORBIDDEN, "user_id", "err.forbidden", NULL);
        }
    }
    int rc = db_begin(db);
    if (rc)
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    rc = repo_quota_set(db, user_id, dept_id, &q);
    if (rc && db_errkind(db) == DB_ERR_FOREIGN_KEY) {
        db_rollback(db);
        return kl_error_set(err, KL_EINVAL, user_id ? "user_id" : "department_id",
                            "err.ref_not_found", user_id ? "user" : "department");
    }
    json_t *after = json_deep_copy(body);
    if (!rc)
        rc = audit_record(db, who, "quota", user_id ? user_id : dept_id, "set", NULL, after);
    json_decref(after);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    }
    *out = json_pack("{s:o, s:o}", "user_id",
                     user_id ? json_integer((json_int_t)user_id) : json_null(), "department_id",
                     dept_id ? json_integer((json_int_t)dept_id) : json_null());
    for (int i = 0; i < 5; i++)
        json_object_set_new(*out, names[i],
                            *vals[i] >= 0 ? json_integer((json_int_t)*vals[i]) : json_null());
    return 0;
}
