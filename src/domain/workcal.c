/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * workcal.c - the working calendar (domain): Monday to Friday are working days, except
 * the Lithuanian public holidays (Jan 1, Feb 16, Mar 11, Easter Sunday and Monday, May 1,
 * Jun 24, Jul 6, Aug 15, Nov 1, Nov 2, Dec 24, 25, 26); an admin's override of a single
 * day (calendar_days) wins over the rule.
 */
#include <string.h>

#include "daily.h"

#include "domain/audit.h"

struct fixed_holiday {
    int m, d;
    const char *name;
};

static const struct fixed_holiday lt_holidays[] = {
    {1, 1, "Naujieji metai"},
    {2, 16, "Lietuvos valstybės atkūrimo diena"},
    {3, 11, "Lietuvos nepriklausomybės atkūrimo diena"},
    {5, 1, "Tarptautinė darbo diena"},
    {6, 24, "Rasos ir Joninių diena"},
    {7, 6, "Valstybės (Lietuvos karaliaus Mindaugo karūnavimo) diena"},
    {8, 15, "Žolinė"},
    {11, 1, "Visų šventųjų diena"},
    {11, 2, "Mirusiųjų atminimo diena"},
    {12, 24, "Kūčios"},
    {12, 25, "Kalėdos"},
    {12, 26, "Kalėdos (antra diena)"},
};

static const char *rule_holiday(struct day d)
{
    for (size_t i = 0; i < sizeof(lt_holidays) / sizeof(lt_holidays[0]); i++)
        if (lt_holidays[i].m == d.m && lt_holidays[i].d == d.d)
            return lt_holidays[i].name;
    struct day easter = day_easter(d.y);
    if (!day_cmp(d, easter))
        return "Velykos";
    if (!day_cmp(d, day_add(easter, 1)))
        return "Velykų antroji diena";
    return NULL;
}

int workcal_is_working(struct db *db, struct arena *a, struct day d, int *working,
                       const char **name)
{
    char key[11];
    int found = 0;
    const char *note = NULL;
    day_format(d, key);
    int rc = repo_calendar_get(db, a, key, &found, working, &note);
    if (rc)
        return rc;
    if (found) {
        if (name)
            *name = note;
        return 0;
    }
    const char *h = rule_holiday(d);
    *working = !h && day_weekday(d) < 5;
    if (name)
        *name = h;
    return 0;
}

int workcal_days(struct db *db, struct day first, int n, int *working)
{
    char from[11], to[11], days[62][11];
    int over[62], no = 0;
    if (n > 62)
        return KL_EINVAL;
    day_format(first, from);
    day_format(day_add(first, n - 1), to);
    int rc = repo_calendar_range(db, from, to, days, over, 62, &no);
    if (rc)
        return rc;
    struct day d = first;
    for (int i = 0, k = 0; i < n; i++, d = day_add(d, 1)) {
        char key[11];
        day_format(d, key);
        while (k < no && strcmp(days[k], key) < 0)
            k++;
        working[i] =
            k < no && !strcmp(days[k], key) ? over[k] : !rule_holiday(d) && day_weekday(d) < 5;
    }
    return 0;
}

int workcal_list(struct db *db, struct arena *a, struct day from, struct day to, json_t **out)
{
    json_t *arr = json_array();
    for (struct day d = from; day_cmp(d, to) <= 0; d = day_add(d, 1)) {
        int working = 0;
        const char *name = NULL;
        char key[11];
        if (workcal_is_working(db, a, d, &working, &name)) {
            json_decref(arr);
            return KL_EDB;
        }
        day_format(d, key);
        json_array_append_new(arr, json_pack("{s:s, s:b, s:o}", "day", key, "working", working,
                                             "note", name ? json_string(name) : json_null()));
    }
    *out = arr;
    return 0;
}

static int admin_only(const struct principal *who, struct kl_error *err)
{
    if (who->role & (ROLE_ADMIN | ROLE_SYSTEM))
        return 0;
    return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
}

int workcal_set(struct db *db, const struct principal *who, struct day d, int working,
                const char *note, struct kl_error *err)
{
    char key[11];
    int rc = admin_only(who, err);
    if (rc)
        return rc;
    day_format(d, key);
    if ((rc = db_begin(db)))
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    rc = repo_calendar_set(db, key, working, note);
    json_t *after = json_pack("{s:s, s:b, s:s?}", "day", key, "working", working, "note", note);
    if (!rc)
        rc = audit_record(db, who, "calendar", 0, "set", NULL, after);
    json_decref(after);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    }
    return 0;
}

int workcal_clear(struct db *db, const struct principal *who, struct day d, struct kl_error *err)
{
    char key[11];
    int rc = admin_only(who, err);
    if (rc)
        return rc;
    day_format(d, key);
    if ((rc = db_begin(db)))
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    rc = repo_calendar_clear(db, key);
    json_t *before = json_pack("{s:s}", "day", key);
    if (!rc)
        rc = audit_record(db, who, "calendar", 0, "clear", before, NULL);
    json_decref(before);
    if (rc || (rc = db_commit(db))) {
        db_rollback(db);
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    }
    return 0;
}
