/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * job_digest.c - the morning digest job (jobs): every minute, for each user who asked for
 * it (users.digest, with an address), on a working day after 07:30 in his time zone (and
 * before noon, so that a server down all morning does not mail a stale list), queue his
 * day's call list through the outbox, once per user and local day.
 */
#include <stdio.h>

#include "scheduler.h"

#include "domain/daily.h"
#include "domain/outbox.h"
#include "lib/timeutil.h"

#define DIGEST_FROM_S  (7 * 3600 + 30 * 60) /* 07:30 local */
#define DIGEST_UNTIL_S (12 * 3600)          /* noon local */

int job_digest_run(struct job_ctx *ctx)
{
    struct outbox_user *users;
    int n = 0, rc;
    if ((rc = outbox_digest_users(ctx->db, ctx->arena, &users, &n))) {
        snprintf(ctx->detail, sizeof(ctx->detail), "reading users: %s", db_errmsg(ctx->db));
        return rc;
    }
    for (int i = 0; i < n && !atomic_load(ctx->stopping); i++) {
        struct outbox_user *u = &users[i];
        struct day today = time_local_day(u->tz, ctx->now);
        /* Local midnight plus the time of day: an hour off on the two days a year the
         * clocks change, which a morning digest can bear. */
        int64_t midnight = time_day_start(u->tz, today);
        if (ctx->now < midnight + DIGEST_FROM_S || ctx->now >= midnight + DIGEST_UNTIL_S)
            continue;
        int working = 1;
        if (workcal_is_working(ctx->db, ctx->arena, today, &working, NULL)) {
            rc = KL_EDB;
            break;
        }
        if (!working)
            continue;
        char day[11];
        int queued = 0;
        day_format(today, day);
        if ((rc = outbox_digest_queue(ctx->db, ctx->arena, u, day, ctx->now, &queued)))
            break;
        ctx->processed += queued;
    }
    if (rc)
        snprintf(ctx->detail, sizeof(ctx->detail), "queuing digests: %s", db_errmsg(ctx->db));
    else if (ctx->processed)
        snprintf(ctx->detail, sizeof(ctx->detail), "queued %lld digests",
                 (long long)ctx->processed);
    return rc;
}
