/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * scheduler.h - background jobs inside `serve` (jobs): one thread that wakes every tick
 * (setting jobs_tick_ms, default 1000), claims each due job row in the `jobs` table in a
 * transaction of its own, runs it, and records the result (the row's last status, and a
 * row in job_runs when the run did something or failed; the newest 200 are kept).
 *
 * Several servers may share one PostgreSQL database: a job row is claimed by one server
 * at a time (a claim lapses after JOBS_LEASE_S, should its server die), and the outbox
 * job claims each message separately, so that no message is sent by two servers.
 *
 * The thread has its own database connection. scheduler_stop wakes it, waits for the
 * job in progress (an SMTP transfer is aborted, its message goes back to the queue) and
 * closes the connection.
 *
 * One file per job type: job_<kind>.c with int job_<kind>_run(struct job_ctx *).
 */
#ifndef KL_SCHEDULER_H
#define KL_SCHEDULER_H

#include <stdatomic.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/config.h"
#include "store/db.h"

#define JOBS_LEASE_S 120 /* a claim older than this is taken back */
#define JOBS_RETRY_S 30  /* a failed run is tried again after this (or its interval) */
#define OUTBOX_BATCH 20  /* messages claimed at a time */

enum smtp_tls { SMTP_TLS_NONE, SMTP_TLS_STARTTLS, SMTP_TLS_TLS };

/* What the jobs read from the settings. */
struct jobs_settings {
    const char *db_url;
    const char *smtp_url; /* "" or NULL: no delivery (messages stay queued) */
    enum smtp_tls smtp_tls;
    const char *smtp_user, *smtp_password;
    long tick_ms;
};

/* What a run gets. A job returns 0, or a negative kl_err with detail filled. */
struct job_ctx {
    struct db *db;
    struct arena *arena;
    const char *node; /* who claims: "host:pid" */
    const struct jobs_settings *settings;
    atomic_int *stopping; /* set when the server stops: finish quickly */
    int64_t now;
    int64_t processed; /* what the run did (messages handled, digests queued) */
    char detail[256];  /* a summary or the error */
};

int job_outbox_run(struct job_ctx *ctx);
/* Whether the outbox job has work (a mail server is set and a message is due). */
int job_outbox_due(const struct jobs_settings *settings, struct db *db, int64_t now, int *due);
int job_digest_run(struct job_ctx *ctx);
int job_reminders_run(struct job_ctx *ctx);

/* The verdict on one SMTP transfer, from libcurl's result and the last SMTP reply code:
 * sent, try again later (connection trouble, timeouts, 4xx), or fail for good (5xx,
 * login denied). Exposed for the unit tests. */
enum job_outbox_verdict { JOB_OUTBOX_SENT, JOB_OUTBOX_RETRY, JOB_OUTBOX_FAIL };
enum job_outbox_verdict job_outbox_classify(int curl_code, long smtp_code);

/* Parse "none", "starttls" or "tls"; -1 otherwise. */
int jobs_parse_tls(const char *s);

struct scheduler;
/* Read the settings (smtp_*, public_url, jobs_tick_ms, outbox_backoff_s,
 * outbox_give_up_s, db) into the jobs' and the outbox's settings and start the thread.
 * NULL (logged) when the settings are wrong or the thread cannot start. */
struct scheduler *scheduler_start(const struct config *cfg);
/* Stop and join the thread, close its connection, free s. NULL is fine. */
void scheduler_stop(struct scheduler *s);

#endif
