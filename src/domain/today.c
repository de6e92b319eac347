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
 * tasks, which leave when they are done. The list covers the user's clients and those of
 * the managers he substitutes today (R33).
 */
#include <stdio.h>
#include <string.h>

#include "domain/jsonout.h"
#include "daily.h"

#include "domain/search.h"
#include "store/repo_client.h"
#include "store/repo_misc.h"
#include "store/repo_user.h"

#define TODAY_MAX_ITEMS 300

struct item {
    int64_t client_id, contact_id;
    const char *client_name, *contact_name, *phone;
    int64_t last_at;
    int priority;
    json_t *reasons;
};

struct list {
    struct item *items;
    int n, cap;
};

/* The item of a client, made when missing; fresh = 1 when the caller knows there is
 * none yet (the first pass meets every client once), which saves the search. */
static struct item *item_get(struct list *l, struct arena *a, int64_t client_id, const char *name,
                             int fresh)
{
    for (int i = 0; !fresh && i < l->n; i++)
        if (l->items[i].client_id == client_id)
            return &l->items[i];
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        struct item *items = arena_alloc(a, sizeof(*items) * (size_t)cap);
        if (l->n)
            memcpy(items, l->items, sizeof(*items) * (size_t)l->n);
        l->items = items;
        l->cap = cap;
    }
    struct item *it = &l->items[l->n++];
    memset(it, 0, sizeof(*it));
    it->client_id = client_id;
    it->client_name = name;
    it->reasons = json_array();
    return it;
}

static void add_reason(struct item *it, int weight, json_t *reason)
{
    json_array_append_new(it->reasons, reason);
    if (weight > it->priority)
        it->priority = weight;
}

static int cmp_items(const void *pa, const void *pb)
{
    const struct item *a = pa, *b = pb;
    if (a->priority != b->priority)
        return b->priority - a->priority;
    if (a->last_at != b->last_at)
        return a->last_at < b->last_at ? -1 : 1;
    return strcmp(a->client_name ? a->client_name : "", b->client_name ? b->client_name : "");
}

int today_list(struct db *db, struct arena *a, const struct principal *who, int64_t user_id,
               json_t **out, struct kl_error *err)
{
    struct user u;
    struct list l = {0};
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
    /* Clients touched today leave the list (tasks excepted). */
    char mmdd[6];
    snprintf(mmdd, sizeof(mmdd), "%02u-%02u", (unsigned)today.m % 100u, (unsigned)today.d % 100u);
    struct holiday *hol;
    int nh = 0;
    if ((rc = repo_holiday_list(db, a, &hol, &nh)))
        goto db_fail;
    for (int i = 0; i < nc; i++) {
        struct today_client *c = &clients[i];
        if (c->last_at >= day_start)
            continue;
        struct item *it = NULL;
#define ITEM() (it ? it : (it = item_get(&l, a, c->id, c->name, 1)))
        if (c->negotiate_soon)
            add_reason(ITEM(), 70, json_pack("{s:s}", "code", "negotiate_soon"));
        for (int h = 0; h < nh && c->industry; h++)
            if (hol[h].month == today.m && hol[h].day == today.d &&
                !strcmp(hol[h].industry, c->industry))
                add_reason(ITEM(), 60,
                           json_pack("{s:s, s:I, s:s}", "code", "professional_holiday",
                                     "holiday_id", (json_int_t)hol[h].id, "holiday",
                                     u.lang && !strcmp(u.lang, "ru")   ? hol[h].name_ru
                                     : u.lang && !strcmp(u.lang, "en") ? hol[h].name_en
                                                                       : hol[h].name_lt));
        if (c->last_at < prev_start)
            add_reason(ITEM(), 50,
                       json_pack("{s:s, s:o}", "code", "monthly_overdue", "last_contact_at",
                                 json_time_or_null(c->last_at)));
        else if (c->last_at < month_start)
            add_reason(ITEM(), 30,
                       json_pack("{s:s, s:o}", "code", "monthly_due", "last_contact_at",
                                 json_time_or_null(c->last_at)));
        if (!strcmp(c->status, "prospect") && !c->ever_called)
            add_reason(ITEM(), 40, json_pack("{s:s}", "code", "prospect_not_called"));
        if (it) {
            it->last_at = c->last_at;
            it->phone = c->phone;
        }
#undef ITEM
    }
    /* Call-backs due by the end of today (from the last 30 days). */
    struct today_callback *cbs;
    int ncb = 0;
    if ((rc = repo_today_callbacks(db, a, owners, n_owners, now - 30 * 86400LL, day_end, &cbs,
                                   &ncb)))
        goto db_fail;
    for (int i = 0; i < ncb; i++) {
        const char *name = NULL;
        int64_t last = 0;
        for (int k = 0; k < nc; k++)
            if (clients[k].id == cbs[i].client_id)
                name = clients[k].name, last = clients[k].last_at;
        if (!name)
            continue; /* not (or no longer) one of these clients */
        struct item *it = item_get(&l, a, cbs[i].client_id, name, 0);
        it->last_at = last;
        if (cbs[i].contact_id)
            it->contact_id = cbs[i].contact_id;
        add_reason(it, 100,
                   json_pack("{s:s, s:o, s:I}", "code", "call_back", "due_at",
                             json_time_or_null(cbs[i].callback_at), "activity_id",
                             (json_int_t)cbs[i].activity_id));
    }
    /* Birthdays of contacts today. */
    struct today_contact *bd;
    int nb = 0;
    if ((rc = repo_today_birthdays(db, a, owners, n_owners, mmdd, &bd, &nb)))
        goto db_fail;
    for (int i = 0; i < nb; i++) {
        const char *name = NULL;
        int64_t last = 0;
        for (int k = 0; k < nc; k++)
            if (clients[k].id == bd[i].client_id)
                name = clients[k].name, last = clients[k].last_at;
        if (!name || last >= day_start)
            continue;
        struct item *it = item_get(&l, a, bd[i].client_id, name, 0);
        it->last_at = last;
        it->contact_id = bd[i].id;
        it->contact_name = bd[i].name;
        add_reason(it, 60,
                   json_pack("{s:s, s:I, s:s}", "code", "birthday", "contact_id",
                             (json_int_t)bd[i].id, "contact_name", bd[i].name));
    }
    /* Open tasks due by the end of today. */
    struct task *tasks;
    int nt = 0;
    if ((rc = repo_task_list(db, a, owners, n_owners, 0, "open", day_end, 200, &tasks, &nt)))
        goto db_fail;
    json_t *loose_tasks = json_array();
    for (int i = 0; i < nt; i++) {
        json_t *r = json_pack("{s:s, s:I, s:s, s:o}", "code",
                              tasks[i].due_at < day_start ? "task_overdue" : "task_due", "task_id",
                              (json_int_t)tasks[i].id, "title", tasks[i].title, "due_at",
                              json_time_or_null(tasks[i].due_at));
        if (!tasks[i].client_id) {
            json_array_append_new(loose_tasks, r);
            continue;
        }
        const char *name = NULL;
        int64_t last = 0;
        for (int k = 0; k < nc; k++)
            if (clients[k].id == tasks[i].client_id)
                name = clients[k].name, last = clients[k].last_at;
        if (!name) {
            json_array_append_new(loose_tasks, r);
            continue;
        }
        struct item *it = item_get(&l, a, tasks[i].client_id, name, 0);
        it->last_at = last;
        add_reason(it, tasks[i].due_at < day_start ? 90 : 80, r);
    }
    if (l.n > 1)
        qsort(l.items, (size_t)l.n, sizeof(*l.items), cmp_items);
    json_t *arr = json_array();
    for (int i = 0; i < l.n && i < TODAY_MAX_ITEMS; i++) {
        struct item *it = &l.items[i];
        if (it->contact_id && !it->contact_name) {
            /* The contact a call-back named: his own name and first phone. */
            struct contact k;
            if (!repo_contact_get(db, a, it->contact_id, &k) && !k.deleted_at) {
                it->contact_name = k.name;
                json_t *phones = json_array_from_text(k.phones);
                if (json_array_size(phones))
                    it->phone = arena_strdup(a, json_string_value(json_array_get(phones, 0)));
                json_decref(phones);
            }
        }
        if (!it->contact_id) {
            struct today_contact k;
            if (!repo_today_main_contact(db, a, it->client_id, &k)) {
                it->contact_id = k.id;
                it->contact_name = k.name;
                json_t *phones = json_array_from_text(k.phones);
                if (json_array_size(phones))
                    it->phone = arena_strdup(a, json_string_value(json_array_get(phones, 0)));
                json_decref(phones);
            }
        }
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:i, s:o}", "client_id",
                           (json_int_t)it->client_id, "client_name", it->client_name, "contact_id",
                           it->contact_id ? json_integer((json_int_t)it->contact_id) : json_null(),
                           "contact_name",
                           it->contact_name ? json_string(it->contact_name) : json_null(), "phone",
                           it->phone ? json_string(it->phone) : json_null(), "reasons",
                           json_incref(it->reasons), "priority", it->priority, "last_contact_at",
                           json_time_or_null(it->last_at)));
    }
    for (int i = 0; i < l.n; i++)
        json_decref(l.items[i].reasons);
    *out = json_pack("{s:I, s:s, s:o, s:o, s:I}", "user_id", (json_int_t)user_id, "date", key,
                     "items", arr, "tasks", loose_tasks, "total", (json_int_t)l.n);
    return 0;
db_fail:
    for (int i = 0; i < l.n; i++)
        json_decref(l.items[i].reasons);
    return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
}
