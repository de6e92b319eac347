/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * job_reminders.c - the reminders job (jobs): every minute, the in-app notifications of
 * call-backs and tasks that came due and of tasks overdue (domain/reminders.h
 * reminders_scan), then for each user who owns clients the day's summary of his clients
 * overdue for their monthly contact, once per user and local working day after 07:30;
 * and the deletion of notifications read more than 90 days ago.
 */
#include <stdio.h>

#include "scheduler.h"

#include "domain/reminders.h"
#include "store/repo_reminder.h"

int job_reminders_run(struct job_ctx *ctx)
{
    struct reminders_stats st = {0};
    struct reminder_user *users;
    int n = 0, rc;
    if ((rc = reminders_scan(ctx->db, ctx->arena, ctx->now, &st))) {
        snprintf(ctx->detail, sizeof(ctx->detail), "due call-backs and tasks: %s",
                 db_errmsg(ctx->db));
        return rc;
    }
    int64_t pruned = 0;
    if ((rc = reminders_prune(ctx->db, ctx->now, &pruned))) {
        snprintf(ctx->detail, sizeof(ctx->detail), "deleting old notifications: %s",
                 db_errmsg(ctx->db));
        return rc;
    }
    if ((rc = reminders_summary_users(ctx->db, ctx->arena, &users, &n))) {
        snprintf(ctx->detail, sizeof(ctx->detail), "reading users: %s", db_errmsg(ctx->db));
        return rc;
    }
    for (int i = 0; i < n && !atomic_load(ctx->stopping); i++) {
        int made = 0;
        if ((rc = reminders_summary(ctx->db, ctx->arena, &users[i], ctx->now, &made))) {
            snprintf(ctx->detail, sizeof(ctx->detail), "monthly summary: %s", db_errmsg(ctx->db));
            return rc;
        }
        st.summaries += made;
    }
    ctx->processed = st.call_backs + st.tasks_due + st.tasks_overdue + st.summaries + pruned;
    if (ctx->processed)
        snprintf(ctx->detail, sizeof(ctx->detail),
                 "call-backs %lld, tasks due %lld, tasks overdue %lld, monthly summaries %lld, "
                 "old notifications deleted %lld",
                 (long long)st.call_backs, (long long)st.tasks_due, (long long)st.tasks_overdue,
                 (long long)st.summaries, (long long)pruned);
    return 0;
}
