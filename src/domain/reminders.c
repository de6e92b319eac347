/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * reminders.c - in-app reminders (domain): who is told what when a call-back or a task
 * comes due, when a task is overdue, and the day's summary of overdue monthly contacts.
 * See reminders.h.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reminders.h"

#include "domain/daily.h"
#include "domain/jsonout.h"
#include "lib/timeutil.h"
#include "store/repo_reminder.h"
#include "store/repo_user.h"

#define MAX_SUBSTITUTES 8

/* An owner or assignee as this run sees him: his name and who stands in for him on his
 * local day. */
struct person {
    int64_t id;
    const char *name; /* NULL: no such user */
    int64_t subs[MAX_SUBSTITUTES];
    int nsubs;
};

struct people {
    struct person *items;
    int n, cap;
};

static int person_get(struct db *db, struct arena *a, struct people *p, int64_t id, int64_t now,
                      struct person **out)
{
    for (int i = 0; i < p->n; i++)
        if (p->items[i].id == id) {
            *out = &p->items[i];
            return 0;
        }
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 32;
        struct person *items = arena_alloc(a, sizeof(*items) * (size_t)cap);
        if (p->n)
            memcpy(items, p->items, sizeof(*items) * (size_t)p->n);
        p->items = items;
        p->cap = cap;
    }
    struct person *x = &p->items[p->n];
    memset(x, 0, sizeof(*x));
    x->id = id;
    struct user u;
    int rc = repo_user_get(db, a, id, &u);
    if (rc && rc != KL_ENOTFOUND)
        return rc;
    if (!rc) {
        char day[11];
        day_format(time_local_day(u.tz, now), day);
        x->name = u.name;
        if ((rc = repo_reminder_substitutes(db, id, day, x->subs, MAX_SUBSTITUTES, &x->nsubs)))
            return rc;
    }
    p->n++;
    *out = x;
    return 0;
}

/* A notification to insert. */
struct pending {
    int64_t user_id, entity_id;
    const char *kind, *entity, *data, *dedup;
};

struct pendings {
    struct pending *items;
    int n, cap;
};

/* Queue a notification of data (stolen) for user_id, once per user and dedup key. */
static void pending_add(struct pendings *p, struct arena *a, int64_t user_id, const char *kind,
                        const char *entity, int64_t entity_id, json_t *data, const char *dedup)
{
    for (int i = 0; i < p->n; i++)
        if (p->items[i].user_id == user_id && !strcmp(p->items[i].dedup, dedup)) {
            json_decref(data);
            return;
        }
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 64;
        struct pending *items = arena_alloc(a, sizeof(*items) * (size_t)cap);
        if (p->n)
            memcpy(items, p->items, sizeof(*items) * (size_t)p->n);
        p->items = items;
        p->cap = cap;
    }
    char *text = json_dumps(data, JSON_COMPACT);
    json_decref(data);
    p->items[p->n++] = (struct pending){
        .user_id = user_id,
        .entity_id = entity_id,
        .kind = kind,
        .entity = entity,
        .data = arena_strdup(a, text ? text : "{}"),
        .dedup = dedup,
    };
    free(text);
}

/* data for a substitute: whom he stands in for. A new reference. */
static json_t *standing_in(json_t *data, const struct person *absent)
{
    json_t *d = json_deep_copy(data);
    json_object_set_new(d, "for_user_id", json_integer((json_int_t)absent->id));
    json_object_set_new(d, "for_user_name", json_str_or_null(absent->name));
    return d;
}

/* To a person and to those who stand in for him today. */
static void to_person_and_substitutes(struct pendings *p, struct arena *a, const struct person *who,
                                      const char *kind, const char *entity, int64_t entity_id,
                                      json_t *data, const char *dedup)
{
    for (int i = 0; i < who->nsubs; i++)
        pending_add(p, a, who->subs[i], kind, entity, entity_id, standing_in(data, who), dedup);
    pending_add(p, a, who->id, kind, entity, entity_id, data, dedup);
}

static int callbacks(struct db *db, struct arena *a, const struct reminder_window *w, int64_t now,
                     struct people *people, struct pendings *out, int *full)
{
    struct reminder_callback *cbs;
    int n = 0, rc = repo_reminder_callbacks(db, a, w, REMINDERS_BATCH, &cbs, &n);
    if (rc)
        return rc;
    *full |= n >= REMINDERS_BATCH;
    for (int i = 0; i < n; i++) {
        struct reminder_callback *cb = &cbs[i];
        struct person *owner;
        if ((rc = person_get(db, a, people, cb->owner_id, now, &owner)))
            return rc;
        json_t *data = json_pack(
            "{s:I, s:s, s:I, s:o, s:I}", "client_id", (json_int_t)cb->client_id, "client_name",
            cb->client_name, "activity_id", (json_int_t)cb->activity_id, "callback_at",
            json_time_or_null(cb->callback_at), "owner_id", (json_int_t)cb->owner_id);
        if (cb->contact_id) {
            json_object_set_new(data, "contact_id", json_integer((json_int_t)cb->contact_id));
            json_object_set_new(data, "contact_name", json_string(cb->contact_name));
        }
        const char *dedup = arena_printf(a, "call_back_due:%lld", (long long)cb->activity_id);
        to_person_and_substitutes(out, a, owner, "call_back_due", "activity", cb->activity_id, data,
                                  dedup);
    }
    return 0;
}

static int tasks(struct db *db, struct arena *a, const char *kind, const struct reminder_window *w,
                 int64_t now, struct people *people, struct pendings *out, int *full)
{
    struct reminder_task *ts;
    int n = 0, rc = repo_reminder_tasks(db, a, kind, w, REMINDERS_BATCH, &ts, &n);
    if (rc)
        return rc;
    *full |= n >= REMINDERS_BATCH;
    int overdue = !strcmp(kind, "task_overdue");
    for (int i = 0; i < n; i++) {
        struct reminder_task *t = &ts[i];
        struct person *assignee;
        if ((rc = person_get(db, a, people, t->assignee_id, now, &assignee)))
            return rc;
        json_t *data = json_pack(
            "{s:I, s:s, s:o, s:o, s:o, s:I, s:s, s:I}", "task_id", (json_int_t)t->task_id, "title",
            t->title, "due_at", json_time_or_null(t->due_at), "client_id",
            t->client_id ? json_integer((json_int_t)t->client_id) : json_null(), "client_name",
            json_str_or_null(t->client_name), "assignee_id", (json_int_t)t->assignee_id,
            "assignee_name", t->assignee_name, "created_by", (json_int_t)t->created_by);
        const char *dedup = arena_printf(a, "%s:%lld", kind, (long long)t->task_id);
        /* Who gave the task hears that it is overdue (once, also when he is a substitute
         * or the assignee himself). */
        if (overdue)
            pending_add(out, a, t->created_by, kind, "task", t->task_id, json_incref(data), dedup);
        to_person_and_substitutes(out, a, assignee, kind, "task", t->task_id, data, dedup);
    }
    return 0;
}

static int64_t max64(int64_t x, int64_t y)
{
    return x > y ? x : y;
}

int reminders_scan(struct db *db, struct arena *a, int64_t now, struct reminders_stats *st)
{
    int64_t mark = 0;
    int rc = repo_reminder_scan_get(db, &mark);
    if (rc)
        return rc;
    /* Read again from a little before the last run (rows committed late, clocks of
     * several servers), never further back than the oldest call-back reminded. */
    int64_t oldest = now - REMINDERS_CALLBACK_DAYS * 86400LL;
    int64_t since = max64(mark - REMINDERS_OVERLAP_S, oldest);
    struct reminder_window cb_w = {
        .due_from = since, .due_to = now, .changed_since = since, .due_oldest = oldest};
    /* A task seen only when it is already a day late is told overdue, not due. */
    int64_t due_oldest = max64(oldest, now - REMINDERS_OVERDUE_S + 1);
    struct reminder_window due_w = {.due_from = max64(since, due_oldest),
                                    .due_to = now,
                                    .changed_since = since,
                                    .due_oldest = due_oldest};
    struct reminder_window overdue_w = {.due_from = max64(since - REMINDERS_OVERDUE_S, oldest),
                                        .due_to = now - REMINDERS_OVERDUE_S,
                                        .changed_since = since,
                                        .due_oldest = oldest};
    struct people people = {0};
    struct pendings todo = {0};
    int full = 0;
    if ((rc = callbacks(db, a, &cb_w, now, &people, &todo, &full)) ||
        (rc = tasks(db, a, "task_due", &due_w, now, &people, &todo, &full)) ||
        (rc = tasks(db, a, "task_overdue", &overdue_w, now, &people, &todo, &full)))
        return rc;
    if (!todo.n && mark >= now)
        return 0;
    if ((rc = db_begin(db)))
        return rc;
    for (int i = 0; i < todo.n && !rc; i++) {
        struct pending *p = &todo.items[i];
        int inserted = 0;
        rc = repo_reminder_notify(db, p->user_id, p->kind, p->entity, p->entity_id, p->data,
                                  p->dedup, now, &inserted);
        if (!inserted)
            continue;
        if (!strcmp(p->kind, "call_back_due"))
            st->call_backs++;
        else if (!strcmp(p->kind, "task_due"))
            st->tasks_due++;
        else
            st->tasks_overdue++;
    }
    /* A full batch leaves the mark: the next run reads the same window and goes on (what
     * was told is left out of it). */
    if (!rc && !full)
        rc = repo_reminder_scan_set(db, now, now);
    if (!rc)
        rc = db_commit(db);
    if (rc)
        db_rollback(db);
    return rc;
}

int reminders_prune(struct db *db, int64_t now, int64_t *deleted)
{
    *deleted = 0;
    int rc = db_begin(db);
    if (!rc)
        rc = repo_notifications_prune(db, now - REMINDERS_KEEP_READ_DAYS * 86400LL,
                                      REMINDERS_PRUNE_BATCH, deleted);
    if (!rc)
        rc = db_commit(db);
    if (rc)
        db_rollback(db);
    return rc;
}

int reminders_summary_users(struct db *db, struct arena *a, struct reminder_user **out, int *n)
{
    return repo_reminder_owners(db, a, out, n);
}

int reminders_summary(struct db *db, struct arena *a, const struct reminder_user *u, int64_t now,
                      int *made)
{
    int rc, done = 0, working = 1, taken = 0, inserted = 0;
    *made = 0;
    struct day today = time_local_day(u->tz, now);
    /* Local midnight plus the time of day, as the morning digest. */
    if (now < time_day_start(u->tz, today) + REMINDERS_SUMMARY_FROM_S)
        return 0;
    char day[11];
    day_format(today, day);
    if ((rc = repo_reminder_day_done(db, u->id, day, &done)) || done)
        return rc;
    if (workcal_is_working(db, a, today, &working, NULL))
        return KL_EDB;
    if (!working)
        return 0;
    /* Not contacted last month nor this month: no activity since the first of last
     * month (the call list's monthly_overdue). */
    struct day prev_first =
        today.m == 1 ? (struct day){today.y - 1, 12, 1} : (struct day){today.y, today.m - 1, 1};
    int64_t count = 0;
    if ((rc = repo_reminder_monthly_overdue(db, u->id, time_day_start(u->tz, prev_first), &count)))
        return rc;
    if ((rc = db_begin(db)))
        return rc;
    if ((rc = repo_reminder_day_take(db, u->id, day, now, &taken)) || !taken)
        goto out;
    if (count > 0) {
        json_t *data = json_pack("{s:I, s:s}", "count", (json_int_t)count, "date", day);
        char *text = json_dumps(data, JSON_COMPACT);
        json_decref(data);
        rc = repo_reminder_notify(db, u->id, "monthly_overdue", "user", u->id, text,
                                  arena_printf(a, "monthly_overdue:%s", day), now, &inserted);
        free(text);
        if (rc)
            goto out;
    }
    if ((rc = db_commit(db)))
        goto out;
    *made = inserted;
out:
    db_rollback(db);
    return rc;
}
