/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * today.c - the day's call list (domain, R11, R13, R14): whom to contact today and why.
 *
 * Reasons and their weight (the list is ordered by the highest weight of an item's
 * reasons, then by how long the client has not been contacted, then by name):
 *   call_back            100  a call-back promised for today or earlier, not yet followed
 *   task_overdue          90  a task past its due time
 *   task_due              80  a task due today
 *   negotiate_soon        70  the client is marked for negotiation soon (R13)
 *   birthday              60  a contact's birthday today (R14)
 *   professional_holiday  60  the client's industry celebrates today (R14)
 *   monthly_overdue       50  not contacted last month nor this month (R11)
 *   prospect_not_called   40  a prospect nobody has called yet
 *   monthly_due           30  not contacted yet this month (R11)
 * Logging any activity with a client today takes the client's reasons off the list, except
 * tasks, which leave when they are done, and a call-back promised by today's activity for
 * later today. The list covers the user's clients and those of the managers he substitutes
 * today (R33).
 *
 * Cost: one index-only range over the owners' working clients (their last contact, "ever
 * called" and pending call-back are kept on the client row by the store), the birthdays of
 * their contacts, their open tasks; reasons are small records in the request's arena and
 * become JSON only for the items answered (at most TODAY_MAX_ITEMS).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/jsonout.h"
#include "daily.h"

#include "domain/search.h"
#include "store/repo_activity.h"
#include "store/repo_client.h"
#include "store/repo_misc.h"
#include "store/repo_user.h"

#define TODAY_MAX_ITEMS 300

enum reason_code {
    R_CALL_BACK,
    R_TASK_OVERDUE,
    R_TASK_DUE,
    R_NEGOTIATE_SOON,
    R_BIRTHDAY,
    R_HOLIDAY,
    R_MONTHLY_OVERDUE,
    R_PROSPECT_NOT_CALLED,
    R_MONTHLY_DUE,
};

static const struct {
    const char *code;
    int weight;
} reason_info[] = {
    [R_CALL_BACK] = {"call_back", 100},
    [R_TASK_OVERDUE] = {"task_overdue", 90},
    [R_TASK_DUE] = {"task_due", 80},
    [R_NEGOTIATE_SOON] = {"negotiate_soon", 70},
    [R_BIRTHDAY] = {"birthday", 60},
    [R_HOLIDAY] = {"professional_holiday", 60},
    [R_MONTHLY_OVERDUE] = {"monthly_overdue", 50},
    [R_PROSPECT_NOT_CALLED] = {"prospect_not_called", 40},
    [R_MONTHLY_DUE] = {"monthly_due", 30},
};

/* One reason of an item: its code and what its JSON shows (id, time, text). */
struct reason {
    struct reason *next;
    enum reason_code code;
    int64_t id, at;
    const char *text;
};

/* A client on the list; items[i] belongs to clients[i]. */
struct item {
    const struct today_client *c;
    int64_t contact_id;
    const char *contact_name, *phone;
    int priority;
    struct reason *first, *last;
};

static void add_reason(struct arena *a, struct item *it, enum reason_code code, int64_t id,
                       int64_t at, const char *text)
{
    struct reason *r = arena_alloc(a, sizeof(*r));
    *r = (struct reason){NULL, code, id, at, text};
    if (it->last)
        it->last->next = r;
    else
        it->first = r;
    it->last = r;
    if (reason_info[code].weight > it->priority)
        it->priority = reason_info[code].weight;
}

static json_t *reason_json(const struct reason *r)
{
    const char *code = reason_info[r->code].code;
    switch (r->code) {
    case R_CALL_BACK:
        return json_pack("{s:s, s:o, s:I}", "code", code, "due_at", json_time_or_null(r->at),
                         "activity_id", (json_int_t)r->id);
    case R_TASK_OVERDUE:
    case R_TASK_DUE:
        return json_pack("{s:s, s:I, s:s, s:o}", "code", code, "task_id", (json_int_t)r->id,
                         "title", r->text, "due_at", json_time_or_null(r->at));
    case R_BIRTHDAY:
        return json_pack("{s:s, s:I, s:s}", "code", code, "contact_id", (json_int_t)r->id,
                         "contact_name", r->text);
    case R_HOLIDAY:
        return json_pack("{s:s, s:I, s:s}", "code", code, "holiday_id", (json_int_t)r->id,
                         "holiday", r->text);
    case R_MONTHLY_OVERDUE:
    case R_MONTHLY_DUE:
        return json_pack("{s:s, s:o}", "code", code, "last_contact_at", json_time_or_null(r->at));
    default:
        return json_pack("{s:s}", "code", code);
    }
}

static int cmp_items(const void *pa, const void *pb)
{
    const struct item *a = *(const struct item *const *)pa, *b = *(const struct item *const *)pb;
    if (a->priority != b->priority)
        return b->priority - a->priority;
    if (a->c->last_at != b->c->last_at)
        return a->c->last_at < b->c->last_at ? -1 : 1;
    int n = strcmp(a->c->name ? a->c->name : "", b->c->name ? b->c->name : "");
    return n ? n : (a->c->id < b->c->id ? -1 : a->c->id > b->c->id);
}

/* Client id -> index in clients: open addressing over a power of two at least twice n. */
struct client_map {
    int32_t *slot; /* index + 1, 0 = empty */
    uint64_t mask;
};

static void map_build(struct client_map *m, struct arena *a, const struct today_client *clients,
                      int n)
{
    uint64_t size = 16;
    while (size < (uint64_t)n * 2)
        size <<= 1;
    m->slot = arena_alloc(a, sizeof(*m->slot) * size); /* zeroed */
    m->mask = size - 1;
    for (int i = 0; i < n; i++) {
        uint64_t h = (uint64_t)clients[i].id * 0x9E3779B97F4A7C15ull;
        while (m->slot[h & m->mask])
            h++;
        m->slot[h & m->mask] = i + 1;
    }
}

static int map_find(const struct client_map *m, const struct today_client *clients, int64_t id)
{
    for (uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;; h++) {
        int32_t s = m->slot[h & m->mask];
        if (!s)
            return -1;
        if (clients[s - 1].id == id)
            return s - 1;
    }
}

static const char *first_phone(struct arena *a, const char *phones_json)
{
    json_t *phones = json_array_from_text(phones_json);
    const char *p = json_array_size(phones)
                        ? arena_strdup(a, json_string_value(json_array_get(phones, 0)))
                        : NULL;
    json_decref(phones);
    return p;
}

int today_list(struct db *db, struct arena *a, const struct principal *who, int64_t user_id,
               json_t **out, struct kl_error *err)
{
    struct user u;
    int rc;
    if (!user_id)
        user_id = who->user_id;
    if ((rc = daily_may_view(db, a, who, user_id, err)))
        return rc;
    if ((rc = repo_user_get(db, a, user_id, &u)))
        return rc == KL_ENOTFOUND ? kl_error_set(err, rc, "user_id", "err.not_found", "user")
                                  : kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    int64_t now = time_now();
    struct day today = time_local_day(u.tz, now);
    int64_t day_start = time_day_start(u.tz, today),
            day_end = time_day_start(u.tz, day_add(today, 1));
    struct day month_first = {today.y, today.m, 1};
    struct day prev_first =
        today.m == 1 ? (struct day){today.y - 1, 12, 1} : (struct day){today.y, today.m - 1, 1};
    int64_t month_start = time_day_start(u.tz, month_first);
    int64_t prev_start = time_day_start(u.tz, prev_first);
    int64_t callback_from = now - 30 * 86400LL;

    /* Whose work is on this list: the user and those he substitutes today. */
    int64_t owners[17];
    int n_owners = 1, n_sub = 0;
    owners[0] = user_id;
    char key[11];
    day_format(today, key);
    if ((rc = repo_absence_substituted(db, user_id, key, owners + 1, 16, &n_sub)))
        goto db_fail;
    n_owners += n_sub;

    struct today_client *clients;
    int nc = 0;
    if ((rc = repo_today_clients(db, a, owners, n_owners, &clients, &nc)))
        goto db_fail;
    struct item *items = arena_alloc(a, sizeof(*items) * (size_t)(nc + 1)); /* zeroed */
    struct client_map map;
    map_build(&map, a, clients, nc);
    char mmdd[6];
    snprintf(mmdd, sizeof(mmdd), "%02u-%02u", (unsigned)today.m % 100u, (unsigned)today.d % 100u);
    struct holiday *hol;
    int nh = 0;
    if ((rc = repo_holiday_list(db, a, &hol, &nh)))
        goto db_fail;
    /* Today's professional holidays only, in the user's language. */
    int n_today_hol = 0;
    for (int h = 0; h < nh; h++)
        if (hol[h].month == today.m && hol[h].day == today.d)
            hol[n_today_hol++] = hol[h];
    for (int i = 0; i < nc; i++) {
        struct today_client *c = &clients[i];
        struct item *it = &items[i];
        it->c = c;
        /* A call-back due by the end of today (promised in the last 30 days) stays on the
         * list while it is the client's latest activity, even if that is today's. */
        if (c->callback_activity_id && c->callback_at >= callback_from && c->callback_at < day_end)
            add_reason(a, it, R_CALL_BACK, c->callback_activity_id, c->callback_at, NULL);
        if (c->last_at >= day_start)
            continue; /* touched today */
        if (c->negotiate_soon)
            add_reason(a, it, R_NEGOTIATE_SOON, 0, 0, NULL);
        for (int h = 0; h < n_today_hol && c->industry; h++)
            if (!strcmp(hol[h].industry, c->industry))
                add_reason(a, it, R_HOLIDAY, hol[h].id, 0,
                           u.lang && !strcmp(u.lang, "ru")   ? hol[h].name_ru
                           : u.lang && !strcmp(u.lang, "en") ? hol[h].name_en
                                                             : hol[h].name_lt);
        if (c->last_at < prev_start)
            add_reason(a, it, R_MONTHLY_OVERDUE, 0, c->last_at, NULL);
        else if (c->last_at < month_start)
            add_reason(a, it, R_MONTHLY_DUE, 0, c->last_at, NULL);
        if (!strcmp(c->status, "prospect") && !c->ever_called)
            add_reason(a, it, R_PROSPECT_NOT_CALLED, 0, 0, NULL);
        it->phone = c->phone;
    }
    /* Birthdays of contacts today, on clients not touched today (at most 200 named). */
    int64_t *bd_ids, *bd_clients;
    int nb = 0, named = 0;
    if ((rc = repo_today_birthdays(db, a, mmdd, &bd_ids, &bd_clients, &nb)))
        goto db_fail;
    for (int i = 0; i < nb && named < 200; i++) {
        int k = map_find(&map, clients, bd_clients[i]);
        struct contact ct;
        if (k < 0 || clients[k].last_at >= day_start)
            continue;
        if ((rc = repo_contact_get(db, a, bd_ids[i], &ct)))
            goto db_fail;
        named++;
        items[k].contact_id = ct.id;
        items[k].contact_name = ct.name;
        items[k].phone = first_phone(a, ct.phones);
        add_reason(a, &items[k], R_BIRTHDAY, ct.id, 0, ct.name);
    }
    /* Open tasks due by the end of today; those without one of these clients apart. */
    struct task *tasks;
    int nt = 0;
    if ((rc = repo_task_list(db, a, owners, n_owners, 0, "open", day_end, 200, &tasks, &nt)))
        goto db_fail;
    json_t *loose_tasks = json_array();
    for (int i = 0; i < nt; i++) {
        enum reason_code code = tasks[i].due_at < day_start ? R_TASK_OVERDUE : R_TASK_DUE;
        int k = tasks[i].client_id ? map_find(&map, clients, tasks[i].client_id) : -1;
        if (k < 0) {
            struct reason r = {NULL, code, tasks[i].id, tasks[i].due_at, tasks[i].title};
            json_array_append_new(loose_tasks, reason_json(&r));
            continue;
        }
        add_reason(a, &items[k], code, tasks[i].id, tasks[i].due_at, tasks[i].title);
    }
    /* The items with a reason, strongest first. */
    struct item **order = arena_alloc(a, sizeof(*order) * (size_t)(nc + 1));
    int n = 0;
    for (int i = 0; i < nc; i++)
        if (items[i].first)
            order[n++] = &items[i];
    if (n > 1)
        qsort(order, (size_t)n, sizeof(*order), cmp_items);
    /* The contact to call for each answered item: the one a call-back or a birthday named,
     * else the client's first (decision makers first), read together. */
    int shown = n < TODAY_MAX_ITEMS ? n : TODAY_MAX_ITEMS;
    for (int i = 0; i < shown; i++) {
        struct item *it = order[i];
        struct activity x;
        struct contact k;
        for (const struct reason *r = it->first; r && !it->contact_id; r = r->next)
            if (r->code == R_CALL_BACK && !repo_activity_get(db, a, r->id, &x) && x.contact_id &&
                !repo_contact_get(db, a, x.contact_id, &k) && !k.deleted_at) {
                it->contact_id = k.id;
                it->contact_name = k.name;
                it->phone = first_phone(a, k.phones);
            }
    }
    int64_t *need = arena_alloc(a, sizeof(*need) * (size_t)(shown + 1));
    int nn = 0;
    for (int i = 0; i < shown; i++)
        if (!order[i]->contact_id)
            need[nn++] = order[i]->c->id;
    struct contact *ks = NULL, **best = arena_alloc(a, sizeof(*best) * (size_t)(nc + 1));
    int nk = 0;
    if (nn && (rc = repo_contact_list_many(db, a, need, nn, &ks, &nk)))
        goto db_fail;
    for (int j = 0; j < nk; j++) { /* decision makers first, then the oldest */
        int k = map_find(&map, clients, ks[j].client_id);
        struct contact *b = k < 0 ? NULL : best[k];
        if (k >= 0 && (!b || ks[j].decision_maker > b->decision_maker ||
                       (ks[j].decision_maker == b->decision_maker && ks[j].id < b->id)))
            best[k] = &ks[j];
    }
    for (int i = 0; i < shown; i++) {
        struct item *it = order[i];
        const struct contact *b = it->contact_id ? NULL : best[it - items];
        if (!b)
            continue;
        it->contact_id = b->id;
        it->contact_name = b->name;
        const char *p = first_phone(a, b->phones);
        if (p)
            it->phone = p;
    }
    json_t *arr = json_array();
    for (int i = 0; i < shown; i++) {
        struct item *it = order[i];
        json_t *reasons = json_array();
        for (const struct reason *r = it->first; r; r = r->next)
            json_array_append_new(reasons, reason_json(r));
        if (!it->phone)
            it->phone = it->c->phone;
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:i, s:o}", "client_id",
                           (json_int_t)it->c->id, "client_name", it->c->name, "contact_id",
                           it->contact_id ? json_integer((json_int_t)it->contact_id) : json_null(),
                           "contact_name", json_str_or_null(it->contact_name), "phone",
                           json_str_or_null(it->phone), "reasons", reasons, "priority",
                           it->priority, "last_contact_at", json_time_or_null(it->c->last_at)));
    }
    *out = json_pack("{s:I, s:s, s:o, s:o, s:I}", "user_id", (json_int_t)user_id, "date", key,
                     "items", arr, "tasks", loose_tasks, "total", (json_int_t)n);
    return 0;
db_fail:
    return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
}
