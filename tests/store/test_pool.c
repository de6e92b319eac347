/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_pool.c - store conformance: connections (tests/store).
 *
 * The pool gives each thread its own connection and all of them see committed data; a
 * database that cannot be opened is an error with a reason, not a crash; on PostgreSQL
 * the session runs in UTC, and a connection the server dropped is re-established by the
 * next statement.
 */
#include <pthread.h>
#include <time.h>

#include "store.h"

struct pool_worker {
    struct db_pool *pool;
    const char *name;
    struct db *db;  /* the connection the thread got */
    int64_t pid;    /* its server process, on PostgreSQL */
    int64_t seen;   /* rows it saw before writing */
    int same_twice; /* db_pool_get gave the same connection twice */
    int rc;
};

static void *pool_worker_run(void *arg)
{
    struct pool_worker *w = arg;
    struct kl_error err = {0};
    w->db = db_pool_get(w->pool, &err);
    if (!w->db) {
        w->rc = err.code ? err.code : KL_EDB;
        return NULL;
    }
    w->same_twice = db_pool_get(w->pool, &err) == w->db;
    if (store_is_pg())
        w->rc = db_scalar(w->db, &w->pid, "SELECT pg_backend_pid()", "");
    if (!w->rc)
        w->rc = db_scalar(w->db, &w->seen, "SELECT COUNT(*) FROM st_parent", "");
    if (!w->rc)
        w->rc = db_begin(w->db);
    if (!w->rc)
        w->rc = db_execf(w->db, NULL, "INSERT INTO st_parent (name) VALUES (?)", "t", w->name);
    if (!w->rc)
        w->rc = db_commit(w->db);
    else
        db_rollback(w->db);
    return NULL;
}

TEST(pool_each_thread_own_connection)
{
    struct db *db = store_fresh();
    struct db_pool *pool = NULL;
    struct pool_worker w[2] = {{.name = "thread 1"}, {.name = "thread 2"}};
    pthread_t th[2];
    struct kl_error err = {0};
    if (!db)
        return;
    CHECK_INT(db_begin(db), 0);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_parent (name) VALUES ('main')", ""), 0);
    CHECK_INT(db_commit(db), 0);

    pool = db_pool_new(store_url());
    CHECK_STR(db_pool_url(pool), store_url());
    for (int i = 0; i < 2; i++) {
        w[i].pool = pool;
        CHECK_INT(pthread_create(&th[i], NULL, pool_worker_run, &w[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(w[i].rc, 0);
        CHECK(w[i].db != NULL);
        CHECK(w[i].same_twice);
        CHECK(w[i].seen >= 1); /* main's committed row, maybe the other thread's */
    }
    CHECK(w[0].db != w[1].db);
    if (store_is_pg())
        CHECK(w[0].pid != w[1].pid && w[0].pid > 0);
    /* this thread gets a third connection, not one of theirs */
    struct db *mine = db_pool_get(pool, &err);
    CHECK(mine && mine != w[0].db && mine != w[1].db);
    CHECK_INT(mine ? store_count(mine, "st_parent") : -1, 3);
    CHECK_INT(store_count(db, "st_parent"), 3);
    db_pool_free(pool);
    store_close(db);
}

TEST(open_failure_is_an_error_not_a_crash)
{
    struct db *db = NULL;
    struct kl_error err = {0};
    CHECK_INT(db_open("postgres://nobody@127.0.0.1:1/nothing?connect_timeout=5", &db, &err),
              KL_EDB);
    CHECK(db == NULL);
    CHECK_INT(err.code, KL_EDB);
    CHECK(strstr(err.arg, "127.0.0.1") != NULL);

    memset(&err, 0, sizeof(err));
    CHECK_INT(db_open("postgresql://%zz@/", &db, &err), KL_EDB); /* not even a valid URL */
    CHECK(db == NULL);
    CHECK(err.arg[0] != '\0');

    memset(&err, 0, sizeof(err));
    CHECK_INT(db_open("sqlite:/nonexistent-dir/sub/x.db", &db, &err), KL_EDB);
    CHECK(db == NULL);
    CHECK(err.arg[0] != '\0');

    /* a pool says so too */
    struct db_pool *pool = db_pool_new("postgres://nobody@127.0.0.1:1/nothing");
    memset(&err, 0, sizeof(err));
    CHECK(db_pool_get(pool, &err) == NULL);
    CHECK_INT(err.code, KL_EDB);
    db_pool_free(pool);
}

TEST(pg_session_is_utc)
{
    STORE_PG_ONLY();
    struct db *db = store_fresh();
    struct db_stmt st;
    int64_t t = 0;
    if (!db)
        return;
    CHECK_INT(db_query(db, &st,
                       "SELECT current_setting('TimeZone'), "
                       "current_setting('client_min_messages')",
                       ""),
              0);
    CHECK_INT(db_step(&st), DB_ROW);
    CHECK_STR(db_text(&st, 0), "UTC");
    CHECK_STR(db_text(&st, 1), "warning");
    db_finish(&st);
    /* a unix time converts to the same calendar day as the server reads it */
    CHECK_INT(db_scalar(db, &t,
                        "SELECT CAST(EXTRACT(HOUR FROM to_timestamp(CAST(? AS BIGINT))) AS BIGINT)",
                        "i", (int64_t)1700000000), /* 2023-11-14 22:13:20 UTC */
              0);
    CHECK_INT(t, 22);
    store_close(db);
}

TEST(pg_reconnect_after_server_drops_connection)
{
    STORE_PG_ONLY();
    struct db *db = store_fresh(), *admin = NULL;
    int64_t pid = 0, pid2 = 0, n = 0, ok = 0;
    if (!db)
        return;
    admin = store_connect();
    if (!admin)
        goto out;
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (i) VALUES (?)", "i", (int64_t)1), 0);
    CHECK_INT(db_scalar(db, &pid, "SELECT pg_backend_pid()", ""), 0);
    CHECK_INT(db_scalar(admin, &ok, "SELECT pg_terminate_backend(CAST(? AS INTEGER))", "i", pid),
              0);
    CHECK_INT(ok, 1);
    /* wait until it is gone */
    for (int i = 0; i < 100; i++) {
        CHECK_INT(
            db_scalar(admin, &n, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?", "i", pid),
            0);
        if (!n)
            break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* the statement that meets the dropped connection fails ... */
    CHECK_INT(db_scalar(db, &n, "SELECT COUNT(*) FROM st_vals", ""), KL_EDB);
    /* ... and the next ones run on a new session, cached statements prepared again */
    CHECK_INT(db_scalar(db, &pid2, "SELECT pg_backend_pid()", ""), 0);
    CHECK(pid2 != pid && pid2 > 0);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (i) VALUES (?)", "i", (int64_t)2), 0);
    CHECK_INT(db_scalar(db, &n, "SELECT COUNT(*) FROM st_vals", ""), 0);
    CHECK_INT(n, 2);
    CHECK_INT(db_scalar(db, &n, "SELECT CAST(EXTRACT(TIMEZONE FROM now()) AS BIGINT)", ""), 0);
    CHECK_INT(n, 0); /* the session settings came back too */

    /* but never inside a transaction: that would split it */
    CHECK_INT(db_scalar(db, &pid, "SELECT pg_backend_pid()", ""), 0);
    CHECK_INT(db_begin(db), 0);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (i) VALUES (?)", "i", (int64_t)3), 0);
    CHECK_INT(db_scalar(admin, &ok, "SELECT pg_terminate_backend(CAST(? AS INTEGER))", "i", pid),
              0);
    for (int i = 0; i < 100; i++) {
        CHECK_INT(
            db_scalar(admin, &n, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?", "i", pid),
            0);
        if (!n)
            break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (i) VALUES (?)", "i", (int64_t)4), KL_EDB);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (i) VALUES (?)", "i", (int64_t)5), KL_EDB);
    CHECK_INT(db_commit(db), KL_EDB);
    CHECK(!db->in_tx);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (i) VALUES (?)", "i", (int64_t)6), 0);
    CHECK_INT(db_scalar(db, &n, "SELECT SUM(i) FROM st_vals", ""), 0);
    CHECK_INT(n, 1 + 2 + 6);
out:
    store_close(admin);
    store_close(db);
}
