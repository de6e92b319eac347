/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_serve.c - klientas serve (cli): apply pending migrations, then serve the API and
 * the web application until SIGTERM or SIGINT.
 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#include "api/api.h"
#include "domain/search.h"
#include "http/http.h"
#include "jobs/scheduler.h"

static const struct cli_option opts[] = {
    {"db", 1, "database URL: sqlite:PATH, PATH or postgres://... (default var/klientas.db)"},
    {"listen", 1, "address and port (default 127.0.0.1:8080)"},
    {"web-root", 1, "directory of the built web application (default web/dist)"},
    {"threads", 1, "worker threads (default 4)"},
    {NULL, 0, NULL},
};

int cmd_serve(int argc, char **argv)
{
    struct config *cfg = cli_config_new();
    int code = EXIT_FAIL;
    if (cli_parse(argc, argv, "klientas serve [--db URL] [--listen ADDR:PORT] [--web-root DIR]",
                  opts, cfg, &code))
        goto out;
    code = EXIT_FAIL;
    /* Requests allocate and free a few hundred KiB (a call list of thousands of clients):
     * without a high trim threshold glibc hands that memory back to the kernel after each
     * one and the next request pays the page faults again (seen in perf as munmap and
     * page-table work on the workers). Setting one threshold turns off glibc's dynamic
     * mmap threshold, so both are set: blocks up to 32 MiB come from the heap. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    struct db *db = cli_open_db(cfg, 1);
    if (!db)
        goto out;
    int reindexed = 0;
    if (search_ensure_current(db, &reindexed)) {
        fprintf(stderr, "klientas: cannot rebuild the search index: %s\n", db_errmsg(db));
        db_close(db);
        goto out;
    }
    if (reindexed)
        fprintf(stderr, "klientas: search index rebuilt for %d clients\n", reindexed);
    if (db->dialect->analyze)
        db_exec_script(db, db->dialect->analyze);
    db_close(db);

    api_settings.cookie_secure = config_get_long(cfg, "cookie_secure", 0) != 0;
    /* No built-in default (cli.c), so the environment is read here: it outranks the file. */
    api_settings.public_url = getenv("KLIENTAS_PUBLIC_URL") ? getenv("KLIENTAS_PUBLIC_URL")
                                                            : config_get(cfg, "public_url");
    /* Block the stop signals in every thread; server_run waits for them with sigwait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct server_config sc = {
        .listen = config_get(cfg, "listen"),
        .db_url = config_get(cfg, "db"),
        .web_root = config_get(cfg, "web_root"),
        .threads = (int)config_get_long(cfg, "threads", 4),
        .connection_timeout = (int)config_get_long(cfg, "connection_timeout", 30),
    };
    struct kl_error err = {0};
    struct server *srv = server_new(&sc, api_routes, api_routes_count, &err);
    if (!srv) {
        cli_error(&err);
        goto out;
    }
    fprintf(stderr, "klientas: serving http://%.*s:%d/\n",
            (int)(strrchr(sc.listen, ':') - sc.listen), sc.listen, server_port(srv));
    /* Background jobs: their own thread and connection (signals are blocked already);
     * stopped once the server has stopped, before the process exits. */
    struct scheduler *jobs = scheduler_start(cfg);
    if (!jobs) {
        fprintf(stderr, "klientas: cannot start the background jobs (see the log)\n");
        server_free(srv);
        goto out;
    }
    code = server_run(srv) ? EXIT_FAIL : EXIT_OK;
    scheduler_stop(jobs);
    server_free(srv);
out:
    config_free(cfg);
    return code;
}
