/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * daily.h - the manager's day (domain, R7-R14, R33, R40): the working calendar (workcal_),
 * activities (activities_), quotas and their progress (quotas_), the day's call list
 * (today_), tasks from heads and the director (tasks_) and absences with substitutes
 * (absences_). See docs/daily.md for the rules and the order of the call list.
 *
 * "Today" and "this month" are the caller's: days follow the user's time zone (users.tz),
 * and counts come from the logged activities only (R32).
 */
#ifndef KL_DAILY_H
#define KL_DAILY_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "lib/timeutil.h"
#include "store/db.h"
#include "store/repo_activity.h"
#include "store/repo_task.h"

#define QUOTA_CALLS_DAY           30
#define QUOTA_OFFERS_EMAIL_DAY    50
#define QUOTA_OFFERS_PHONE_DAY    20
#define QUOTA_NEW_CONTRACTS_MONTH 4
#define ACTIVITY_EDIT_SECONDS     (24 * 3600)

/* Working calendar: weekends and Lithuanian public holidays are days off unless an admin
 * override says otherwise. *name (may be NULL) gets the holiday or override note. */
int workcal_is_working(struct db *db, struct arena *a, struct day d, int *working,
                       const char **name);
/* working[i] for the n days from first (n <= 62): the same rule, with one query. */
int workcal_days(struct db *db, struct day first, int n, int *working);
int workcal_list(struct db *db, struct arena *a, struct day from, struct day to, json_t **out);
int workcal_set(struct db *db, const struct principal *who, struct day d, int working,
                const char *note, struct kl_error *err);
int workcal_clear(struct db *db, const struct principal *who, struct day d, struct kl_error *err);

/* Who may look at another user's day (lists, progress): himself, the head of his
 * department, the director and admins. */
int daily_may_view(struct db *db, struct arena *a, const struct principal *who, int64_t user_id,
                   struct kl_error *err);

json_t *activity_to_json(const struct activity *x);
int activities_log(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                   struct activity *out, struct kl_error *err);
int activities_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                      int64_t if_match, json_t *body, struct activity *out, struct kl_error *err);
int activities_list(struct db *db, struct arena *a, const struct principal *who,
                    struct activity_filter *f, int limit, struct activity **out, int *n,
                    struct kl_error *err);

/* Targets in force for a user: his own, else his department's, else the defaults. */
int quotas_effective(struct db *db, int64_t user_id, struct quota *out);
int quotas_progress(struct db *db, struct arena *a, const struct principal *who, int64_t user_id,
                    const char *date, json_t **out, struct kl_error *err);
int quotas_set(struct db *db, struct arena *a, const struct principal *who, json_t *body,
               json_t **out, struct kl_error *err);
/* Each manager of the caller's reach with his progress today and this month. */
int quotas_team(struct db *db, struct arena *a, const struct principal *who, const char *date,
                json_t **out, struct kl_error *err);

/* The day's call list of a user: [{client_id, client_name, contact_id, contact_name, phone,
 * reasons: [{code, ...}], priority, last_contact_at}], best first. */
int today_list(struct db *db, struct arena *a, const struct principal *who, int64_t user_id,
               json_t **out, struct kl_error *err);

json_t *task_to_json(const struct task *t);
int tasks_create(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                 struct task *out, struct kl_error *err);
int tasks_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                 int64_t if_match, json_t *body, struct task *out, struct kl_error *err);
int tasks_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
              struct task *out, struct kl_error *err);
int tasks_list(struct db *db, struct arena *a, const struct principal *who, int64_t assignee_id,
               const char *status, int overdue_only, struct task **out, int *n,
               struct kl_error *err);

json_t *absence_to_json(const struct absence *x);
int absences_create(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                    struct absence *out, struct kl_error *err);
int absences_cancel(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    int64_t if_match, struct kl_error *err);
int absences_list(struct db *db, struct arena *a, const struct principal *who, int64_t user_id,
                  int active_only, struct absence **out, int *n, struct kl_error *err);
/* The users whom who stands in for today (in his time zone). */
int absences_substituted_today(struct db *db, const struct principal *who, int64_t *ids, int max,
                               int *n);

#endif
