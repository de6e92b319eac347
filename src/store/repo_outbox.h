/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * repo_outbox.h - the outbox of e-mail, the recurring jobs and their runs, greeting
 * templates and the morning digest bookkeeping (store); the tables are in
 * sql/sqlite/0004_outbox.sql and sql/postgres/0004_outbox.sql.
 *
 * Outbox rows move queued -> sending -> sent | queued | failed. A row in `sending` belongs
 * to the server named in locked_by: every later change of that row is conditional on
 * status = 'sending' AND locked_by = the caller, so that a server whose claim was taken
 * back (stale after a crash) cannot overwrite what another server did. Strings of fetched
 * rows come from the arena; an id of 0 is SQL NULL.
 */
#ifndef KL_REPO_OUTBOX_H
#define KL_REPO_OUTBOX_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

struct outbox_row {
    int64_t id;
    const char *to_addr, *to_name, *reply_to_addr, *reply_to_name;
    const char *subject, *body; /* body is NULL in lists */
    int64_t client_id, contact_id, user_id;
    const char *activity_type; /* email, offer_email, greeting, or NULL (system mail) */
    int64_t activity_id;
    const char *message_id;
    const char *status; /* queued, sending, sent, failed */
    int64_t attempts, next_attempt_at, queued_at;
    const char *locked_by;
    int64_t locked_at;
    const char *last_error;
    int64_t sent_at, version, created_at, updated_at;
};

/* Insert r as queued (r->message_id must be unique; id, version and times are set). */
int repo_outbox_insert(struct db *db, struct outbox_row *r);
int repo_outbox_set_message_id(struct db *db, int64_t id, const char *message_id);
int repo_outbox_set_activity(struct db *db, int64_t id, int64_t activity_id);
/* One row with its body; KL_ENOTFOUND. */
int repo_outbox_get(struct db *db, struct arena *a, int64_t id, struct outbox_row *out);
/* Rows with id < before_id (0: from the newest), newest first, optionally of one status,
 * without bodies; at most limit. */
int repo_outbox_list(struct db *db, struct arena *a, const char *status, int64_t before_id,
                     int limit, struct outbox_row **out, int *n);
/* failed -> queued, due now, with a new give-up window. KL_ENOTFOUND when no such row,
 * KL_ECONFLICT when it is not failed. */
int repo_outbox_retry(struct db *db, int64_t id, int64_t now);

/* Delivery. Claim up to limit due queued rows for node (-> sending); *out gets them with
 * bodies. Run inside a transaction; on PostgreSQL the rows are locked with SKIP LOCKED. */
int repo_outbox_claim(struct db *db, struct arena *a, const char *node, int64_t now, int limit,
                      struct outbox_row **out, int *n);
/* Whether any row is due for delivery now, or stuck in sending since before `stale_before`. */
int repo_outbox_due(struct db *db, int64_t now, int64_t stale_before, int *due);
/* sending rows locked before `before` go back to queued (a server died mid-batch). */
int repo_outbox_release_stale(struct db *db, int64_t before, int64_t now, int64_t *n);
/* Count an attempt and renew the claim; KL_ENOTFOUND when the row is no longer ours. */
int repo_outbox_attempt(struct db *db, int64_t id, const char *node, int64_t now);
/* End a claim: status sent (sent_at = now), queued (next_attempt_at) or failed, with
 * last_error (NULL keeps it for sent). KL_ENOTFOUND when the row is no longer ours. */
int repo_outbox_finish(struct db *db, int64_t id, const char *node, const char *status,
                       int64_t next_attempt_at, const char *last_error, int64_t now);

/* A user's name, own e-mail address (NULL when none), language, time zone and digest flag. */
struct outbox_user {
    int64_t id;
    const char *name, *email, *lang, *tz;
    int digest, active;
};
int repo_outbox_user_get(struct db *db, struct arena *a, int64_t id, struct outbox_user *out);
int repo_outbox_user_set_digest(struct db *db, int64_t id, int digest, const char *email,
                                int64_t now);
/* Active users who asked for the digest and have an address. */
int repo_outbox_digest_users(struct db *db, struct arena *a, struct outbox_user **out, int *n);
/* Take the digest of (user, day): 1 in *taken when this call took it, 0 when it was sent. */
int repo_outbox_digest_take(struct db *db, int64_t user_id, const char *day, int64_t now,
                            int *taken);
int repo_outbox_digest_set_outbox(struct db *db, int64_t user_id, const char *day,
                                  int64_t outbox_id);
/* ---- recurring jobs ---- */
struct job_row {
    int64_t id;
    const char *kind;
    int64_t interval_s, next_run_at;
    const char *locked_by;
    int64_t locked_at, last_run_at;
    const char *last_status, *last_error;
    int64_t runs, failures, fail_streak, updated_at;
};
struct job_run_row {
    int64_t id;
    const char *kind, *node;
    int64_t started_at, duration_ms;
    const char *status;
    int64_t processed;
    const char *detail;
};
/* Claim a due job for node: due (next_run_at <= now) and not locked, or locked before
 * lease_before (its server died). One statement; *claimed 1 when this call got it. */
int repo_outbox_job_claim(struct db *db, const char *kind, const char *node, int64_t now,
                          int64_t lease_before, int *claimed);
/* Release the claim with the run's result; next_run_at as given. */
int repo_outbox_job_finish(struct db *db, const char *kind, const char *node, int64_t now, int ok,
                           const char *error, int64_t next_run_at);
/* Record a run and keep only the newest `keep` runs. */
int repo_outbox_job_run_insert(struct db *db, const struct job_run_row *r, int keep);
int repo_outbox_job_list(struct db *db, struct arena *a, struct job_row **out, int *n);
/* The newest runs of kind (NULL: of every kind), at most limit. */
int repo_outbox_job_runs(struct db *db, struct arena *a, const char *kind, int limit,
                         struct job_run_row **out, int *n);

/* ---- greeting templates ---- */
struct greeting_template {
    int64_t id;
    const char *kind, *lang, *subject, *body;
    int64_t version, created_at, updated_at;
};
int repo_outbox_template_list(struct db *db, struct arena *a, struct greeting_template **out,
                              int *n);
int repo_outbox_template_get(struct db *db, struct arena *a, int64_t id,
                             struct greeting_template *out);
int repo_outbox_template_find(struct db *db, struct arena *a, const char *kind, const char *lang,
                              struct greeting_template *out);
/* Write subject and body where version = expected; KL_ESTALE when moved on. */
int repo_outbox_template_update(struct db *db, struct greeting_template *t,
                                int64_t expected_version);

#endif
