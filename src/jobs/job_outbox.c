/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * job_outbox.c - the outbox delivery job (jobs): claims due messages, sends each over
 * SMTP with libcurl (one connection for the batch; STARTTLS or TLS and credentials from
 * the settings), and marks it sent, queued again after a backoff (temporary failure), or
 * failed (permanent failure). libcurl does the SMTP dialogue and the dot-stuffing.
 *
 * A message is marked sent after the server accepted it; a crash between the two leaves
 * the row `sending`, and it is sent again after OUTBOX_STALE_S with the same Message-ID
 * (see docs/email.md).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "scheduler.h"

#include "domain/outbox.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#define SMTP_CONNECT_TIMEOUT_S 10
#define SMTP_TIMEOUT_S         60

enum job_outbox_verdict job_outbox_classify(int curl_code, long smtp_code)
{
    if (curl_code == CURLE_OK)
        return JOB_OUTBOX_SENT;
    if (curl_code == CURLE_LOGIN_DENIED)
        return JOB_OUTBOX_FAIL;
    if (smtp_code >= 500 && smtp_code <= 599)
        return JOB_OUTBOX_FAIL;
    /* 4xx replies, refused connections, timeouts, broken connections, TLS trouble and
     * wrong settings: try again later (until the give-up time). */
    return JOB_OUTBOX_RETRY;
}

struct upload {
    const char *data;
    size_t len, pos;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *userp)
{
    struct upload *u = userp;
    size_t room = size * nmemb, n = u->len - u->pos;
    if (n > room)
        n = room;
    memcpy(ptr, u->data + u->pos, n);
    u->pos += n;
    return n;
}

/* Abort a transfer when the server stops (the message goes back to the queue). */
static int progress_cb(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return atomic_load((atomic_int *)clientp) ? 1 : 0;
}

/* Keep the last refusal of the SMTP server (libcurl's own message names only the code):
 * "550 5.1.1 User unknown" tells an admin more than "RCPT failed: 550". */
static int debug_cb(CURL *handle, curl_infotype type, char *data, size_t size, void *userp)
{
    char *last = userp;
    (void)handle;
    /* Only refusals: after one, libcurl's QUIT brings a "221 Bye" that says nothing. */
    if (type != CURLINFO_HEADER_IN || size < 3 || (data[0] != '4' && data[0] != '5'))
        return 0;
    while (size && (data[size - 1] == '\r' || data[size - 1] == '\n'))
        size--;
    if (size > 200)
        size = 200;
    memcpy(last, data, size);
    last[size] = '\0';
    return 0;
}

/* Whether the failure means the server could not be reached at all (then the rest of the
 * batch waits instead of each trying in turn). */
static int unreachable(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
           rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_ABORTED_BY_CALLBACK;
}

/* The URL to use: with smtp_tls = tls, smtp:// becomes smtps://. */
static const char *smtp_url(struct job_ctx *ctx)
{
    const char *url = ctx->settings->smtp_url;
    if (ctx->settings->smtp_tls == SMTP_TLS_TLS && !strncmp(url, "smtp://", 7))
        return arena_printf(ctx->arena, "smtps://%s", url + 7);
    return url;
}

/* Send one message; *smtp_code gets the last SMTP reply, err the reason of a failure. */
static CURLcode send_one(struct job_ctx *ctx, CURL *curl, const char *url, const char *from,
                         const struct outbox_row *r, long *smtp_code, char *err, size_t errsz)
{
    struct outbox_mail m;
    struct buf msg = BUF_INIT;
    struct curl_slist *rcpt = NULL;
    char errbuf[CURL_ERROR_SIZE] = "", reply[256] = "";
    outbox_mail_of(r, &m);
    outbox_build(&msg, &m);
    struct upload up = {msg.data, msg.len, 0};
    const char *env_from = arena_printf(ctx->arena, "<%s>", from);
    rcpt = curl_slist_append(rcpt, arena_printf(ctx->arena, "<%s>", r->to_addr));

    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, env_from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)SMTP_CONNECT_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, ctx->stopping);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, debug_cb);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, (void *)reply);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(curl, CURLOPT_USE_SSL,
                     ctx->settings->smtp_tls == SMTP_TLS_STARTTLS ? (long)CURLUSESSL_ALL
                                                                  : (long)CURLUSESSL_NONE);
    if (*ctx->settings->smtp_user) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, ctx->settings->smtp_user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, ctx->settings->smtp_password);
    }
    CURLcode rc = curl_easy_perform(curl);
    *smtp_code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, smtp_code);
    if (rc != CURLE_OK) {
        const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        if (*smtp_code && reply[0])
            snprintf(err, errsz, "%s (%s)", reply, why);
        else
            snprintf(err, errsz, "%s", why);
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, NULL);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 0L);
    curl_slist_free_all(rcpt);
    buf_release(&msg);
    return rc;
}

int job_outbox_due(const struct jobs_settings *settings, struct db *db, int64_t now, int *due)
{
    *due = 0;
    if (!settings->smtp_url || !*settings->smtp_url)
        return 0; /* no mail server set: messages wait in the queue */
    return outbox_due(db, now, due);
}

int job_outbox_run(struct job_ctx *ctx)
{
    struct outbox_row *rows;
    int n = 0, rc;
    int64_t sent = 0, retry = 0, failed = 0, released = 0;
    if (!ctx->settings->smtp_url || !*ctx->settings->smtp_url)
        return 0; /* no mail server set: messages wait in the queue */
    rc = outbox_claim(ctx->db, ctx->arena, ctx->node, ctx->now, OUTBOX_BATCH, &rows, &n);
    if (rc) {
        snprintf(ctx->detail, sizeof(ctx->detail), "claiming messages: %s", db_errmsg(ctx->db));
        return rc;
    }
    if (!n)
        return 0;
    CURL *curl = curl_easy_init();
    if (!curl) {
        snprintf(ctx->detail, sizeof(ctx->detail), "curl_easy_init failed");
        for (int i = 0; i < n; i++)
            outbox_release(ctx->db, &rows[i], ctx->node, ctx->now);
        return KL_EIO;
    }
    const char *url = smtp_url(ctx);
    const char *from_name, *from;
    outbox_parse_mailbox(ctx->arena, outbox_settings.smtp_from, &from_name, &from);
    /* When the server cannot be reached, the rest of the batch is not tried one by one
     * (each would wait for the same timeout): they share the failure and its backoff. */
    char down[OUTBOX_ERROR_MAX] = "";
    for (int i = 0; i < n; i++) {
        struct outbox_row *r = &rows[i];
        int64_t now = time_now();
        if (atomic_load(ctx->stopping)) {
            if (!(rc = outbox_release(ctx->db, r, ctx->node, now)))
                released++;
            continue;
        }
        if (outbox_attempt(ctx->db, r, ctx->node, now))
            continue; /* taken back (stale) by another server: not ours to send */
        long code = 0;
        char err[OUTBOX_ERROR_MAX];
        CURLcode crc = CURLE_COULDNT_CONNECT;
        if (down[0])
            snprintf(err, sizeof(err), "%s", down);
        else
            crc = send_one(ctx, curl, url, from, r, &code, err, sizeof(err));
        enum job_outbox_verdict v = job_outbox_classify((int)crc, code);
        now = time_now();
        if (v == JOB_OUTBOX_SENT) {
            rc = outbox_delivered(ctx->db, r, ctx->node, now);
            sent++;
            log_kv(LOG_INFO, "mail sent", "outbox_id", 'i', (long long)r->id, "message_id", 's',
                   r->message_id, NULL);
        } else {
            int final = 0;
            rc = outbox_attempt_failed(ctx->db, r, ctx->node, now, v == JOB_OUTBOX_FAIL, err,
                                       &final);
            if (final)
                failed++;
            else
                retry++;
            log_kv(final ? LOG_WARN : LOG_INFO, final ? "mail failed" : "mail deferred",
                   "outbox_id", 'i', (long long)r->id, "attempts", 'i', (long long)r->attempts,
                   "error", 's', err, NULL);
            if (v == JOB_OUTBOX_RETRY && unreachable(crc) && !down[0])
                snprintf(down, sizeof(down), "%s", err);
        }
        if (rc == KL_EDB)
            break;
        rc = 0;
    }
    curl_easy_cleanup(curl);
    ctx->processed = sent + retry + failed;
    snprintf(ctx->detail, sizeof(ctx->detail),
             "sent %lld, deferred %lld, failed %lld, waiting %lld", (long long)sent,
             (long long)retry, (long long)failed, (long long)released);
    return rc;
}
