/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * outbox.h - e-mail through a durable outbox (domain): the checks of what a user may send,
 * the queueing of a message in the same transaction as the business change (with the
 * activity it stands for), the rules of delivery (claims, retries with backoff, the final
 * failure), the admin's view, and the RFC 5322 message itself.
 *
 * Invariants:
 * - A message is queued (a row in `outbox`) in the transaction of the change it belongs
 *   to; the delivery job sends it later. An acknowledged message is never lost.
 * - Its Message-ID is made at queue time and never changes, so a receiver can drop the
 *   duplicate of a message sent again after a crash between sending and marking it sent.
 * - No user input reaches a header unencoded: CR and LF are refused in subjects (400),
 *   display names lose their control characters, and anything not plain printable ASCII
 *   becomes RFC 2047 encoded-words (UTF-8, base64). Bodies are quoted-printable with lines
 *   of at most 76 characters; every line ends with CRLF.
 */
#ifndef KL_OUTBOX_H
#define KL_OUTBOX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "store/db.h"
#include "store/repo_outbox.h"

#define OUTBOX_SUBJECT_MAX  200    /* characters */
#define OUTBOX_BODY_MAX     100000 /* characters */
#define OUTBOX_STALE_S      300    /* a `sending` row older than this goes back to queued */
#define OUTBOX_ERROR_MAX    480    /* bytes of last_error kept */
#define OUTBOX_DIGEST_ITEMS 40     /* call-list items in a digest */

/* Settings of e-mail, set once by `serve` (jobs/scheduler.c) before the server starts. */
struct outbox_settings {
    const char *smtp_from;  /* "addr" or "Display Name <addr>"; the envelope sender */
    const char *public_url; /* the web application's address for links, or "" */
    int64_t backoff_s;      /* the first retry delay (later ones grow from it) */
    int64_t give_up_s;      /* failed when not sent within this time of queuing */
};
extern struct outbox_settings outbox_settings;

/* ---- the message (pure functions) ---- */

/* `to`: a valid address (client_check_email) in plain ASCII. */
int outbox_check_to(const char *field, const char *addr, struct kl_error *err);
/* A subject: 1..200 characters, no CR, LF or other control characters. */
int outbox_check_subject(const char *field, const char *s, struct kl_error *err);
/* A body of len bytes: 1..100000 characters, no NUL or control characters but TAB, CR, LF. */
int outbox_check_body(const char *field, const char *s, size_t len, struct kl_error *err);
/* Characters (UTF-8 code points) in s. */
size_t outbox_utf8_len(const char *s);
/* s with every control character replaced by a space, trimmed (arena string). */
char *outbox_clean_text(struct arena *a, const char *s);
/* Split a mailbox "addr" or "Display Name <addr>" (arena strings; *name NULL when none). */
void outbox_parse_mailbox(struct arena *a, const char *s, const char **name, const char **addr);

/* Header fields, folded to lines of at most 78 characters where they can be, ending in
 * CRLF. outbox_header_text: an unstructured field (Subject); outbox_header_mailbox: a
 * mailbox field (From, To, Reply-To) with an optional display name. */
void outbox_header_text(struct buf *out, const char *field, const char *text);
void outbox_header_mailbox(struct buf *out, const char *field, const char *display,
                           const char *addr);
/* text as RFC 2047 encoded-words (=?UTF-8?B?...?=), each at most 75 characters, separated
 * by folding whitespace; *col is the column where the first starts (updated). */
void outbox_encoded_words(struct buf *out, const char *text, size_t *col);
/* The body as quoted-printable: CRLF line ends, lines of at most 76 characters. */
void outbox_quoted_printable(struct buf *out, const char *body);
/* RFC 5322 date-time of t in UTC ("Tue, 03 Mar 2026 09:05:00 +0000") into out[32]. */
void outbox_date(int64_t t, char out[static 32]);
/* <outbox-ID-RANDOM@host>, host taken from the address of smtp_from (arena string). */
char *outbox_message_id(struct arena *a, int64_t id, const char *smtp_from);

struct outbox_mail {
    const char *from;                          /* smtp_from */
    const char *to_addr, *to_name;             /* to_name may be NULL */
    const char *reply_to_addr, *reply_to_name; /* both may be NULL */
    const char *subject, *body, *message_id;
    int64_t date;
    int auto_submitted; /* sent by the system (the digest), not by a person */
};
/* The whole message (headers, blank line, quoted-printable body), CRLF line ends. */
void outbox_build(struct buf *out, const struct outbox_mail *m);
/* The mail of an outbox row under the current settings. */
void outbox_mail_of(const struct outbox_row *r, struct outbox_mail *m);

/* The delay before retry number `attempts` (1 = after the first failure): base, 3 base,
 * 6 base, 30 base, 90 base, 180 base, 360 base (10 s, 30 s, 1 min, 5 min, 15 min, 30 min,
 * 1 h with the default base), never more than an hour. */
int64_t outbox_backoff(int64_t base_s, int64_t attempts);

/* ---- queueing ---- */

struct outbox_input {
    const char *to, *subject, *body;
    size_t body_len;  /* bytes of body (a NUL inside is refused) */
    const char *kind; /* email (default), greeting, offer_email: the activity logged */
    int64_t client_id, contact_id;
};

/* POST /api/v1/emails: check, then in one transaction queue the message, log the activity
 * of its kind on the client and audit it. The client must be visible to who (404). */
int outbox_send(struct db *db, struct arena *a, const struct principal *who,
                const struct outbox_input *in, struct outbox_row *out, struct kl_error *err);
/* Queue r inside the caller's transaction (sets id, message_id, times, status). r must
 * have to_addr, subject and body already checked. */
int outbox_queue(struct db *db, struct arena *a, struct outbox_row *r, int64_t now);

/* The JSON of a row (times ISO 8601, body only with with_body); new reference. */
json_t *outbox_to_json(const struct outbox_row *r, int with_body);
/* Admin views. status NULL: all. */
int outbox_list(struct db *db, struct arena *a, const struct principal *who, const char *status,
                int64_t before_id, int limit, struct outbox_row **out, int *n,
                struct kl_error *err);
int outbox_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
               struct outbox_row *out, struct kl_error *err);
/* failed -> queued (404, 409 when not failed); audited. */
int outbox_retry(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                 struct outbox_row *out, struct kl_error *err);

/* ---- delivery (called by jobs/job_outbox.c) ---- */

/* Whether the delivery job has anything to do now (a read, no write). */
int outbox_due(struct db *db, int64_t now, int *due);
/* In one transaction: send rows stuck in `sending` for OUTBOX_STALE_S back to the queue,
 * then claim up to limit due rows for node. */
int outbox_claim(struct db *db, struct arena *a, const char *node, int64_t now, int limit,
                 struct outbox_row **out, int *n);
/* Before sending r: count the attempt and renew the claim. KL_ENOTFOUND: not ours any more
 * (do not send). */
int outbox_attempt(struct db *db, struct outbox_row *r, const char *node, int64_t now);
int outbox_delivered(struct db *db, const struct outbox_row *r, const char *node, int64_t now);
/* After a failed attempt: permanent -> failed; temporary -> queued after the backoff, or
 * failed when give_up_s has passed since queuing. *final set to 1 when it is failed now. */
int outbox_attempt_failed(struct db *db, const struct outbox_row *r, const char *node, int64_t now,
                          int permanent, const char *error, int *final);
/* Give back a claimed row that was not attempted, due at next_at. */
int outbox_release(struct db *db, const struct outbox_row *r, const char *node, int64_t next_at);

/* ---- the morning digest ---- */

/* Active users who asked for the digest and have an address. */
int outbox_digest_users(struct db *db, struct arena *a, struct outbox_user **out, int *n);
/* Queue the digest of user u for his local day `day` ("YYYY-MM-DD"): his call list (today_list
 * of domain/daily.h) in his language, at most OUTBOX_DIGEST_ITEMS items. Once per user and
 * day, even with several servers; *queued 1 when this call queued it. */
int outbox_digest_queue(struct db *db, struct arena *a, const struct outbox_user *u,
                        const char *day, int64_t now, int *queued);
/* The caller's own digest setting: {"enabled": bool, "email": string or null}. */
int outbox_digest_get(struct db *db, struct arena *a, const struct principal *who, json_t **out,
                      struct kl_error *err);
/* Turn it on (an address is needed: the given one, or the one kept) or off; audited. */
int outbox_digest_set(struct db *db, struct arena *a, const struct principal *who, int enabled,
                      int has_email, const char *email, json_t **out, struct kl_error *err);

/* ---- recurring jobs (the scheduler's rows) ---- */

int outbox_job_claim(struct db *db, const char *kind, const char *node, int64_t now,
                     int64_t lease_s, int *claimed);
/* Release the claim and record the run (a run is kept when it did something or failed). */
int outbox_job_finish(struct db *db, const char *kind, const char *node, int64_t started,
                      int64_t duration_ms, int ok, int64_t processed, const char *detail,
                      int64_t next_run_at);
/* GET /api/v1/jobs: {"items": [job with "recent_runs"], "next_cursor": null}. */
int outbox_jobs_json(struct db *db, struct arena *a, const struct principal *who, json_t **out,
                     struct kl_error *err);

#endif
