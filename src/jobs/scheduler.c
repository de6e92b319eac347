/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * scheduler.c - the jobs thread of `serve` (jobs): settings, the tick, claiming job rows
 * and recording their runs. See scheduler.h.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scheduler.h"

#include "domain/outbox.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/xalloc.h"

struct job_def {
    const char *kind;
    int64_t interval_s; /* 0: every tick */
    int (*run)(struct job_ctx *ctx);
    /* A cheap read telling whether a run would do anything (NULL: always run), so that an
     * idle server does not write the job row every tick. */
    int (*due)(const struct jobs_settings *settings, struct db *db, int64_t now, int *due);
};

static const struct job_def job_defs[] = {
    {"outbox", 0, job_outbox_run, job_outbox_due},
    {"digest", 60, job_digest_run, NULL},
    {"reminders", 60, job_reminders_run, NULL},
};

struct scheduler {
    struct jobs_settings settings;
    char *db_url, *smtp_url, *smtp_user, *smtp_password, *smtp_from, *public_url;
    char node[128];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_int stopping;
};

int jobs_parse_tls(const char *s)
{
    if (!s || !*s || !strcmp(s, "none"))
        return SMTP_TLS_NONE;
    if (!strcmp(s, "starttls"))
        return SMTP_TLS_STARTTLS;
    if (!strcmp(s, "tls"))
        return SMTP_TLS_TLS;
    return -1;
}

static char *dup_setting(const struct config *cfg, const char *key)
{
    const char *v = config_get(cfg, key);
    return xstrdup(v ? v : "");
}

/* Run one job if it is due and this server gets it. */
static int run_job(struct scheduler *s, struct db *db, const struct job_def *def)
{
    int claimed = 0, due = 1;
    int64_t now = time_now();
    if (def->due && (def->due(&s->settings, db, now, &due) || !due))
        return 0;
    int rc = outbox_job_claim(db, def->kind, s->node, now, JOBS_LEASE_S, &claimed);
    if (rc || !claimed)
        return rc;
    struct arena a;
    arena_init(&a);
    struct job_ctx ctx = {
        .db = db,
        .arena = &a,
        .node = s->node,
        .settings = &s->settings,
        .stopping = &s->stopping,
        .now = now,
    };
    double t0 = time_mono();
    rc = def->run(&ctx);
    db_rollback(db); /* a job never leaves a transaction open */
    int64_t ms = (int64_t)((time_mono() - t0) * 1000.0);
    int64_t next = now + def->interval_s;
    if (rc) {
        if (!ctx.detail[0])
            snprintf(ctx.detail, sizeof(ctx.detail), "%s", kl_err_slug(rc));
        next = now + (def->interval_s > JOBS_RETRY_S ? def->interval_s : JOBS_RETRY_S);
        log_kv(LOG_ERROR, "job failed", "kind", 's', def->kind, "error", 's', ctx.detail, NULL);
    } else if (ctx.processed) {
        log_kv(LOG_INFO, "job", "kind", 's', def->kind, "processed", 'i', (long long)ctx.processed,
               "detail", 's', ctx.detail, "ms", 'i', (long long)ms, NULL);
    }
    int frc = outbox_job_finish(db, def->kind, s->node, now, ms, rc == 0, ctx.processed,
                                ctx.detail[0] ? ctx.detail : NULL, next);
    arena_release(&a);
    return rc == KL_EDB ? rc : frc;
}

static void wait_tick(struct scheduler *s)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long ms = s->settings.tick_ms;
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->lock);
    while (!atomic_load(&s->stopping))
        if (pthread_cond_timedwait(&s->wake, &s->lock, &ts) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&s->lock);
}

static void *scheduler_main(void *arg)
{
    struct scheduler *s = arg;
    struct db *db = NULL;
    while (!atomic_load(&s->stopping)) {
        if (!db) {
            struct kl_error err = {0};
            if (db_open(s->settings.db_url, &db, &err)) {
                log_kv(LOG_ERROR, "jobs: cannot open the database", "error", 's', err.arg, NULL);
                db = NULL;
            }
        }
        for (size_t i = 0; db && i < sizeof(job_defs) / sizeof(job_defs[0]); i++) {
            if (atomic_load(&s->stopping))
                break;
            if (run_job(s, db, &job_defs[i]) == KL_EDB) {
                /* Start again on a new connection next tick (the database may have
                 * restarted). */
                db_close(db);
                db = NULL;
            }
        }
        wait_tick(s);
    }
    db_close(db);
    return NULL;
}

static void scheduler_free(struct scheduler *s)
{
    free(s->db_url);
    free(s->smtp_url);
    free(s->smtp_user);
    free(s->smtp_password);
    free(s->smtp_from);
    free(s->public_url);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    free(s);
}

struct scheduler *scheduler_start(const struct config *cfg)
{
    struct scheduler *s = xcalloc(1, sizeof(*s));
    pthread_condattr_t ca;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_condattr_destroy(&ca);

    s->db_url = dup_setting(cfg, "db");
    s->smtp_url = dup_setting(cfg, "smtp_url");
    s->smtp_user = dup_setting(cfg, "smtp_user");
    s->smtp_password = dup_setting(cfg, "smtp_password");
    s->smtp_from = dup_setting(cfg, "smtp_from");
    s->public_url = dup_setting(cfg, "public_url");
    int tls = jobs_parse_tls(config_get(cfg, "smtp_tls"));
    if (tls < 0) {
        log_kv(LOG_ERROR, "smtp_tls must be none, starttls or tls", "smtp_tls", 's',
               config_get(cfg, "smtp_tls"), NULL);
        scheduler_free(s);
        return NULL;
    }
    s->settings = (struct jobs_settings){
        .db_url = s->db_url,
        .smtp_url = s->smtp_url,
        .smtp_tls = (enum smtp_tls)tls,
        .smtp_user = s->smtp_user,
        .smtp_password = s->smtp_password,
        .tick_ms = config_get_long(cfg, "jobs_tick_ms", 1000),
    };
    if (s->settings.tick_ms < 10)
        s->settings.tick_ms = 10;
    if (*s->smtp_from)
        outbox_settings.smtp_from = s->smtp_from;
    outbox_settings.public_url = s->public_url;
    outbox_settings.backoff_s = config_get_long(cfg, "outbox_backoff_s", 10);
    outbox_settings.give_up_s = config_get_long(cfg, "outbox_give_up_s", 86400);
    if (outbox_settings.backoff_s < 1)
        outbox_settings.backoff_s = 1;

    char host[64] = "localhost";
    gethostname(host, sizeof(host) - 1);
    snprintf(s->node, sizeof(s->node), "%s:%ld", host, (long)getpid());

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (pthread_create(&s->thread, NULL, scheduler_main, s)) {
        log_kv(LOG_ERROR, "jobs: cannot start the thread", NULL);
        curl_global_cleanup();
        scheduler_free(s);
        return NULL;
    }
    /* Never log credentials written into the URL. */
    char shown[256];
    const char *scheme = strstr(s->smtp_url, "://"), *at = scheme ? strrchr(scheme, '@') : NULL;
    if (at)
        snprintf(shown, sizeof(shown), "%.*s***%s", (int)(scheme + 3 - s->smtp_url), s->smtp_url,
                 at);
    else
        snprintf(shown, sizeof(shown), "%s", *s->smtp_url ? s->smtp_url : "(none: mail waits)");
    log_kv(LOG_INFO, "jobs started", "node", 's', s->node, "tick_ms", 'i',
           (long long)s->settings.tick_ms, "smtp_url", 's', shown, NULL);
    return s;
}

void scheduler_stop(struct scheduler *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    atomic_store(&s->stopping, 1);
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    curl_global_cleanup();
    /* The settings point into s: back to the defaults before it goes. */
    outbox_settings.smtp_from = "klientas@localhost";
    outbox_settings.public_url = "";
    log_kv(LOG_INFO, "jobs stopped", NULL);
    scheduler_free(s);
}
