/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * repo_outbox.c - the outbox, jobs, job runs, greeting templates and digest bookkeeping
 * (store). Every claim is one conditional UPDATE (or a SELECT ... SKIP LOCKED inside the
 * caller's transaction on PostgreSQL), so that several servers on one database never take
 * the same row.
 */
#include <stdio.h>
#include <string.h>

#include "repo_outbox.h"

#include "lib/buf.h"

/* ---- outbox ---- */

#define OUTBOX_COLS                                                                                \
    "id, to_addr, to_name, reply_to_addr, reply_to_name, subject, client_id, contact_id, "         \
    "user_id, activity_type, activity_id, message_id, status, attempts, next_attempt_at, "         \
    "queued_at, locked_by, locked_at, last_error, sent_at, version, created_at, updated_at"
#define OUTBOX_NCOLS 23

static int64_t col_id(struct db_stmt *st, int col)
{
    return db_is_null(st, col) ? 0 : db_int64(st, col);
}

static void read_outbox(struct db_stmt *st, struct arena *a, struct outbox_row *r, int with_body)
{
    r->id = db_int64(st, 0);
    r->to_addr = arena_strdup(a, db_text(st, 1));
    r->to_name = arena_strdup(a, db_text(st, 2));
    r->reply_to_addr = arena_strdup(a, db_text(st, 3));
    r->reply_to_name = arena_strdup(a, db_text(st, 4));
    r->subject = arena_strdup(a, db_text(st, 5));
    r->client_id = col_id(st, 6);
    r->contact_id = col_id(st, 7);
    r->user_id = col_id(st, 8);
    r->activity_type = arena_strdup(a, db_text(st, 9));
    r->activity_id = col_id(st, 10);
    r->message_id = arena_strdup(a, db_text(st, 11));
    r->status = arena_strdup(a, db_text(st, 12));
    r->attempts = db_int64(st, 13);
    r->next_attempt_at = db_int64(st, 14);
    r->queued_at = db_int64(st, 15);
    r->locked_by = arena_strdup(a, db_text(st, 16));
    r->locked_at = col_id(st, 17);
    r->last_error = arena_strdup(a, db_text(st, 18));
    r->sent_at = col_id(st, 19);
    r->version = db_int64(st, 20);
    r->created_at = db_int64(st, 21);
    r->updated_at = db_int64(st, 22);
    r->body = with_body ? arena_strdup(a, db_text(st, OUTBOX_NCOLS)) : NULL;
}

int repo_outbox_insert(struct db *db, struct outbox_row *r)
{
    int rc =
        db_scalar(db, &r->id,
                  "INSERT INTO outbox (to_addr, to_name, reply_to_addr, reply_to_name, "
                  "subject, body, client_id, contact_id, user_id, activity_type, message_id, "
                  "status, attempts, next_attempt_at, queued_at, version, created_at, "
                  "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, 1, "
                  "?, ?) RETURNING id",
                  "ttttttooottiiii", r->to_addr, r->to_name, r->reply_to_addr, r->reply_to_name,
                  r->subject, r->body, r->client_id, r->contact_id, r->user_id, r->activity_type,
                  r->message_id, r->next_attempt_at, r->queued_at, r->created_at, r->created_at);
    if (rc)
        return rc;
    r->status = "queued";
    r->attempts = 0;
    r->version = 1;
    r->updated_at = r->created_at;
    return 0;
}

int repo_outbox_set_message_id(struct db *db, int64_t id, const char *message_id)
{
    return db_execf(db, NULL, "UPDATE outbox SET message_id = ? WHERE id = ?", "ti", message_id,
                    id);
}

int repo_outbox_set_activity(struct db *db, int64_t id, int64_t activity_id)
{
    return db_execf(db, NULL, "UPDATE outbox SET activity_id = ? WHERE id = ?", "oi", activity_id,
                    id);
}

int repo_outbox_get(struct db *db, struct arena *a, int64_t id, struct outbox_row *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " OUTBOX_COLS ", body FROM outbox WHERE id = ?", "i", id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        read_outbox(&st, a, out, 1);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = KL_ENOTFOUND;
    }
    db_finish(&st);
    return rc;
}

int repo_outbox_list(struct db *db, struct arena *a, const char *status, int64_t before_id,
                     int limit, struct outbox_row **out, int *n)
{
    struct db_stmt st;
    int64_t before = before_id > 0 ? before_id : INT64_MAX;
    int rc;
    if (status)
        rc = db_query(db, &st,
                      "SELECT " OUTBOX_COLS " FROM outbox WHERE status = ? AND id < ? ORDER BY "
                      "id DESC LIMIT ?",
                      "tii", status, before, (int64_t)limit);
    else
        rc = db_query(db, &st,
                      "SELECT " OUTBOX_COLS " FROM outbox WHERE id < ? ORDER BY id DESC LIMIT ?",
                      "ii", before, (int64_t)limit);
    if (rc)
        return rc;
    struct outbox_row *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
    int count = 0;
    while ((rc = db_step(&st)) == DB_ROW && count < limit)
        read_outbox(&st, a, &items[count++], 0);
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = count;
    return 0;
}

int repo_outbox_retry(struct db *db, int64_t id, int64_t now)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE outbox SET status = 'queued', next_attempt_at = ?, queued_at = ?, "
                      "locked_by = NULL, locked_at = NULL, version = version + 1, updated_at = ? "
                      "WHERE id = ? AND status = 'failed'",
                      "iiii", now, now, now, id);
    if (rc || changed)
        return rc;
    int64_t exists = 0;
    rc = db_scalar(db, &exists, "SELECT COUNT(*) FROM outbox WHERE id = ?", "i", id);
    if (rc)
        return rc;
    return exists ? KL_ECONFLICT : KL_ENOTFOUND;
}

int repo_outbox_claim(struct db *db, struct arena *a, const char *node, int64_t now, int limit,
                      struct outbox_row **out, int *n)
{
    struct db_stmt st;
    int64_t *ids = arena_alloc(a, sizeof(*ids) * (size_t)(limit > 0 ? limit : 1));
    int count = 0, rc;
    /* Oldest due first; PostgreSQL skips rows another server is claiming right now. */
    const char *sql = arena_printf(a,
                                   "SELECT id FROM outbox WHERE status = 'queued' AND "
                                   "next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?%s",
                                   db->dialect->skip_locked ? db->dialect->skip_locked : "");
    if ((rc = db_query(db, &st, sql, "ii", now, (int64_t)limit)))
        return rc;
    while ((rc = db_step(&st)) == DB_ROW && count < limit)
        ids[count++] = db_int64(&st, 0);
    db_finish(&st);
    if (rc < 0)
        return rc;
    struct outbox_row *rows = arena_alloc(a, sizeof(*rows) * (size_t)(count ? count : 1));
    int got = 0;
    for (int i = 0; i < count; i++) {
        int64_t changed = 0;
        rc = db_execf(db, &changed,
                      "UPDATE outbox SET status = 'sending', locked_by = ?, locked_at = ?, "
                      "updated_at = ? WHERE id = ? AND status = 'queued'",
                      "tiii", node, now, now, ids[i]);
        if (rc)
            return rc;
        if (!changed)
            continue;
        if ((rc = repo_outbox_get(db, a, ids[i], &rows[got])))
            return rc;
        got++;
    }
    *out = rows;
    *n = got;
    return 0;
}

int repo_outbox_due(struct db *db, int64_t now, int64_t stale_before, int *due)
{
    int64_t n = 0;
    int rc = db_scalar(db, &n,
                       "SELECT COUNT(*) FROM (SELECT id FROM outbox WHERE status = 'queued' AND "
                       "next_attempt_at <= ? UNION ALL SELECT id FROM outbox WHERE status = "
                       "'sending' AND locked_at < ? LIMIT 1) d",
                       "ii", now, stale_before);
    *due = n > 0;
    return rc;
}

int repo_outbox_release_stale(struct db *db, int64_t before, int64_t now, int64_t *n)
{
    return db_execf(
        db, n,
        "UPDATE outbox SET status = 'queued', locked_by = NULL, locked_at = NULL, "
        "next_attempt_at = ?, updated_at = ? WHERE status = 'sending' AND locked_at < ?",
        "iii", now, now, before);
}

int repo_outbox_attempt(struct db *db, int64_t id, const char *node, int64_t now)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE outbox SET attempts = attempts + 1, locked_at = ?, updated_at = ? "
                      "WHERE id = ? AND status = 'sending' AND locked_by = ?",
                      "iiit", now, now, id, node);
    return rc ? rc : changed ? 0 : KL_ENOTFOUND;
}

int repo_outbox_finish(struct db *db, int64_t id, const char *node, const char *status,
                       int64_t next_attempt_at, const char *last_error, int64_t now)
{
    int64_t changed = 0;
    int sent = !strcmp(status, "sent");
    int rc = db_execf(db, &changed,
                      "UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = "
                      "COALESCE(?, last_error), sent_at = ?, locked_by = NULL, locked_at = NULL, "
                      "version = version + 1, updated_at = ? WHERE id = ? AND status = 'sending' "
                      "AND locked_by = ?",
                      "titoiit", status, next_attempt_at, last_error, sent ? now : (int64_t)0, now,
                      id, node);
    return rc ? rc : changed ? 0 : KL_ENOTFOUND;
}

/* ---- users: e-mail address and digest ---- */

static void read_user(struct db_stmt *st, struct arena *a, struct outbox_user *u)
{
    u->id = db_int64(st, 0);
    u->name = arena_strdup(a, db_text(st, 1));
    u->email = arena_strdup(a, db_text(st, 2));
    u->lang = arena_strdup(a, db_text(st, 3));
    u->tz = arena_strdup(a, db_text(st, 4));
    u->digest = (int)db_int64(st, 5);
    u->active = (int)db_int64(st, 6);
}

#define USER_COLS "id, name, email, lang, tz, digest, active"

int repo_outbox_user_get(struct db *db, struct arena *a, int64_t id, struct outbox_user *out)
{
    struct db_stmt st;
    int rc = db_query(db, &st, "SELECT " USER_COLS " FROM users WHERE id = ?", "i", id);
    if (rc)
        return rc;
    rc = db_step(&st);
    if (rc == DB_ROW) {
        read_user(&st, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = KL_ENOTFOUND;
    }
    db_finish(&st);
    return rc;
}

int repo_outbox_user_set_digest(struct db *db, int64_t id, int digest, const char *email,
                                int64_t now)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed,
                      /* Not a change of the user record the users API versions: its
                       * version (ETag) stays. */
                      "UPDATE users SET digest = ?, email = ?, updated_at = ? WHERE id = ?", "itii",
                      (int64_t)(digest != 0), email, now, id);
    return rc ? rc : changed ? 0 : KL_ENOTFOUND;
}

int repo_outbox_digest_users(struct db *db, struct arena *a, struct outbox_user **out, int *n)
{
    int64_t count = 0;
    int rc = db_scalar(db, &count,
                       "SELECT COUNT(*) FROM users WHERE digest = 1 AND active = 1 AND email IS "
                       "NOT NULL",
                       "");
    if (rc)
        return rc;
    struct outbox_user *items = arena_alloc(a, sizeof(*items) * (size_t)(count + 1));
    struct db_stmt st;
    if ((rc = db_query(db, &st,
                       "SELECT " USER_COLS " FROM users WHERE digest = 1 AND active = 1 AND "
                       "email IS NOT NULL ORDER BY id",
                       "")))
        return rc;
    int i = 0;
    while ((rc = db_step(&st)) == DB_ROW && i < count)
        read_user(&st, a, &items[i++]);
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = i;
    return 0;
}

int repo_outbox_digest_take(struct db *db, int64_t user_id, const char *day, int64_t now,
                            int *taken)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed,
                      "INSERT INTO digest_sent (user_id, day, created_at) VALUES (?, ?, ?) ON "
                      "CONFLICT (user_id, day) DO NOTHING",
                      "iti", user_id, day, now);
    *taken = !rc && changed == 1;
    return rc;
}

int repo_outbox_digest_set_outbox(struct db *db, int64_t user_id, const char *day,
                                  int64_t outbox_id)
{
    return db_execf(db, NULL, "UPDATE digest_sent SET outbox_id = ? WHERE user_id = ? AND day = ?",
                    "iit", outbox_id, user_id, day);
}

/* ---- jobs ---- */

int repo_outbox_job_claim(struct db *db, const char *kind, const char *node, int64_t now,
                          int64_t lease_before, int *claimed)
{
    int64_t changed = 0;
    int rc = db_execf(db, &changed,
                      "UPDATE jobs SET locked_by = ?, locked_at = ?, updated_at = ? WHERE kind = ? "
                      "AND next_run_at <= ? AND (locked_by IS NULL OR locked_at < ?)",
                      "tiitii", node, now, now, kind, now, lease_before);
    *claimed = !rc && changed == 1;
    return rc;
}

int repo_outbox_job_finish(struct db *db, const char *kind, const char *node, int64_t now, int ok,
                           const char *error, int64_t next_run_at)
{
    return db_execf(db, NULL,
                    "UPDATE jobs SET locked_by = NULL, locked_at = NULL, last_run_at = ?, "
                    "last_status = ?, last_error = ?, runs = runs + 1, failures = failures + ?, "
                    "fail_streak = CASE WHEN ? = 1 THEN 0 ELSE fail_streak + 1 END, next_run_at = "
                    "?, updated_at = ? WHERE kind = ? AND locked_by = ?",
                    "ittiiiitt", now, ok ? "ok" : "error", ok ? NULL : error, (int64_t)!ok,
                    (int64_t)ok, next_run_at, now, kind, node);
}

int repo_outbox_job_run_insert(struct db *db, const struct job_run_row *r, int keep)
{
    int rc = db_execf(db, NULL,
                      "INSERT INTO job_runs (kind, node, started_at, duration_ms, status, "
                      "processed, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      "ttiitit", r->kind, r->node, r->started_at, r->duration_ms, r->status,
                      r->processed, r->detail);
    if (rc)
        return rc;
    return db_execf(db, NULL,
                    "DELETE FROM job_runs WHERE id <= (SELECT id FROM job_runs ORDER BY id DESC "
                    "LIMIT 1 OFFSET ?)",
                    "i", (int64_t)keep);
}

int repo_outbox_job_list(struct db *db, struct arena *a, struct job_row **out, int *n)
{
    int64_t count = 0;
    int rc = db_scalar(db, &count, "SELECT COUNT(*) FROM jobs", "");
    if (rc)
        return rc;
    struct job_row *items = arena_alloc(a, sizeof(*items) * (size_t)(count + 1));
    struct db_stmt st;
    if ((rc = db_query(db, &st,
                       "SELECT id, kind, interval_s, next_run_at, locked_by, locked_at, "
                       "last_run_at, last_status, last_error, runs, failures, fail_streak, "
                       "updated_at FROM jobs ORDER BY id",
                       "")))
        return rc;
    int i = 0;
    while ((rc = db_step(&st)) == DB_ROW && i < count) {
        struct job_row *j = &items[i++];
        j->id = db_int64(&st, 0);
        j->kind = arena_strdup(a, db_text(&st, 1));
        j->interval_s = db_int64(&st, 2);
        j->next_run_at = db_int64(&st, 3);
        j->locked_by = arena_strdup(a, db_text(&st, 4));
        j->locked_at = col_id(&st, 5);
        j->last_run_at = col_id(&st, 6);
        j->last_status = arena_strdup(a, db_text(&st, 7));
        j->last_error = arena_strdup(a, db_text(&st, 8));
        j->runs = db_int64(&st, 9);
        j->failures = db_int64(&st, 10);
        j->fail_streak = db_int64(&st, 11);
        j->updated_at = db_int64(&st, 12);
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = i;
    return 0;
}

int repo_outbox_job_runs(struct db *db, struct arena *a, const char *kind, int limit,
                         struct job_run_row **out, int *n)
{
    struct db_stmt st;
    int rc = db_query(db, &st,
                      "SELECT id, kind, node, started_at, duration_ms, status, processed, detail "
                      "FROM job_runs WHERE (CAST(? AS TEXT) IS NULL OR kind = ?) ORDER BY id DESC "
                      "LIMIT ?",
                      "tti", kind, kind, (int64_t)limit);
    if (rc)
        return rc;
    struct job_run_row *items = arena_alloc(a, sizeof(*items) * (size_t)(limit > 0 ? limit : 1));
    int i = 0;
    while ((rc = db_step(&st)) == DB_ROW && i < limit) {
        struct job_run_row *r = &items[i++];
        r->id = db_int64(&st, 0);
        r->kind = arena_strdup(a, db_text(&st, 1));
        r->node = arena_strdup(a, db_text(&st, 2));
        r->started_at = db_int64(&st, 3);
        r->duration_ms = db_int64(&st, 4);
        r->status = arena_strdup(a, db_text(&st, 5));
        r->processed = db_int64(&st, 6);
        r->detail = arena_strdup(a, db_text(&st, 7));
    }
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = i;
    return 0;
}

/* ---- greeting templates ---- */

#define TEMPLATE_COLS "id, kind, lang, subject, body, version, created_at, updated_at"

static void read_template(struct db_stmt *st, struct arena *a, struct greeting_template *t)
{
    t->id = db_int64(st, 0);
    t->kind = arena_strdup(a, db_text(st, 1));
    t->lang = arena_strdup(a, db_text(st, 2));
    t->subject = arena_strdup(a, db_text(st, 3));
    t->body = arena_strdup(a, db_text(st, 4));
    t->version = db_int64(st, 5);
    t->created_at = db_int64(st, 6);
    t->updated_at = db_int64(st, 7);
}

static int one_template(struct db_stmt *st, struct arena *a, struct greeting_template *out)
{
    int rc = db_step(st);
    if (rc == DB_ROW) {
        read_template(st, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = KL_ENOTFOUND;
    }
    db_finish(st);
    return rc;
}

int repo_outbox_template_list(struct db *db, struct arena *a, struct greeting_template **out,
                              int *n)
{
    int64_t count = 0;
    int rc = db_scalar(db, &count, "SELECT COUNT(*) FROM greeting_templates", "");
    if (rc)
        return rc;
    struct greeting_template *items = arena_alloc(a, sizeof(*items) * (size_t)(count + 1));
    struct db_stmt st;
    if ((rc = db_query(db, &st,
                       "SELECT " TEMPLATE_COLS " FROM greeting_templates ORDER BY kind, lang, id",
                       "")))
        return rc;
    int i = 0;
    while ((rc = db_step(&st)) == DB_ROW && i < count)
        read_template(&st, a, &items[i++]);
    db_finish(&st);
    if (rc < 0)
        return rc;
    *out = items;
    *n = i;
    return 0;
}

int repo_outbox_template_get(struct db *db, struct arena *a, int64_t id,
                             struct greeting_template *out)
{
    struct db_stmt st;
    int rc =
        db_query(db, &st, "SELECT " TEMPLATE_COLS " FROM greeting_templates WHERE id = ?", "i", id);
    return rc ? rc : one_template(&st, a, out);
}

int repo_outbox_template_find(struct db *db, struct arena *a, const char *kind, const char *lang,
                              struct greeting_template *out)
{
    struct db_stmt st;
    int rc = db_query(
        db, &st, "SELECT " TEMPLATE_COLS " FROM greeting_templates WHERE kind = ? AND lang = ?",
        "tt", kind, lang);
    return rc ? rc : one_template(&st, a, out);
}

int repo_outbox_template_update(struct db *db, struct greeting_template *t,
                                int64_t expected_version)
{
    int64_t changed = 0;
    int64_t now = t->updated_at;
    int rc = db_execf(db, &changed,
                      "UPDATE greeting_templates SET subject = ?, body = ?, version = version + 1, "
                      "updated_at = ? WHERE id = ? AND version = ?",
                      "ttiii", t->subject, t->body, now, t->id, expected_version);
    if (rc)
        return rc;
    if (!changed)
        return KL_ESTALE;
    t->version = expected_version + 1;
    return 0;
}
