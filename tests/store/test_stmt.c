/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_stmt.c - store conformance: prepared statements and their cache (tests/store).
 *
 * The same SQL used again with other bindings gives the new answers (nothing stale from
 * the cache), the same SQL opened twice at once gives two independent statements, other
 * statements may run while one is open, and mistakes (bad SQL, too many bindings, a bad
 * script) are errors that leave the connection usable.
 */
#include "store.h"

TEST(stmt_cache_reuse_with_other_bindings)
{
    static const char *const get = "SELECT t FROM st_vals WHERE i = ?";
    struct db *db = store_fresh();
    struct db_stmt st;
    if (!db)
        return;
    for (int64_t i = 0; i < 50; i++) {
        char t[32];
        snprintf(t, sizeof(t), "row %d", (int)i);
        CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (t, i) VALUES (?, ?)", "ti", t, i), 0);
    }
    for (int64_t i = 49; i >= 0; i--) {
        char t[32];
        snprintf(t, sizeof(t), "row %d", (int)i);
        CHECK_INT(db_query(db, &st, get, "i", i), 0);
        CHECK_INT(db_step(&st), DB_ROW);
        CHECK_STR(db_text(&st, 0), t);
        CHECK_INT(db_step(&st), DB_DONE);
        db_finish(&st);
    }
    /* a binding from the previous use does not linger: unbound is NULL (db_query refuses
     * to leave one unbound, so through the driver) */
    void *raw = db->drv->prepare(db->conn, get);
    CHECK(raw != NULL);
    if (raw) {
        CHECK_INT(db->drv->step(raw), DB_DONE);
        db->drv->finish(raw);
    }

    if (store_is_pg()) {
        /* prepared once on this connection, not once per use */
        int64_t n = -1;
        CHECK_INT(db_scalar(db, &n,
                            "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement = "
                            "'SELECT t FROM st_vals WHERE i = $1'",
                            ""),
                  0);
        CHECK_INT(n, 1);
    }
    store_close(db);
}

TEST(stmt_same_sql_nested_while_open)
{
    static const char *const list = "SELECT id, name FROM st_parent WHERE n >= ? ORDER BY id";
    struct db *db = store_fresh();
    struct db_stmt outer, inner;
    int outer_rows = 0, inner_rows = 0;
    if (!db)
        return;
    CHECK_INT(db_execf(db, NULL,
                       "INSERT INTO st_parent (name, n) VALUES ('a', 1), ('b', 2), ('c', 3)", ""),
              0);
    CHECK_INT(db_query(db, &outer, list, "i", (int64_t)1), 0);
    while (db_step(&outer) == DB_ROW) {
        outer_rows++;
        int64_t id = db_int64(&outer, 0);
        char name[8];
        snprintf(name, sizeof(name), "%s", db_text(&outer, 1) ? db_text(&outer, 1) : "?");
        /* the same SQL again, with another binding, while the first is open */
        CHECK_INT(db_query(db, &inner, list, "i", (int64_t)3), 0);
        CHECK(inner.impl != outer.impl);
        CHECK_INT(db_step(&inner), DB_ROW);
        CHECK_STR(db_text(&inner, 1), "c");
        CHECK_INT(db_step(&inner), DB_DONE);
        db_finish(&inner);
        inner_rows++;
        /* and a write to the table being read */
        CHECK_INT(db_execf(db, NULL, "UPDATE st_parent SET n = n + 0 WHERE id = ?", "i", id), 0);
        /* the open statement still has its row */
        CHECK_INT(db_int64(&outer, 0), id);
        CHECK_STR(db_text(&outer, 1), name);
    }
    db_finish(&outer);
    CHECK_INT(outer_rows, 3);
    CHECK_INT(inner_rows, 3);

    /* both copies went back to the cache and still work */
    int64_t n = 0;
    CHECK_INT(db_query(db, &outer, list, "i", (int64_t)2), 0);
    CHECK_INT(db_query(db, &inner, list, "i", (int64_t)1), 0);
    while (db_step(&outer) == DB_ROW)
        n += 10;
    while (db_step(&inner) == DB_ROW)
        n += 1;
    db_finish(&inner);
    db_finish(&outer);
    CHECK_INT(n, 23);
    store_close(db);
}

TEST(stmt_finish_without_stepping)
{
    struct db *db = store_fresh();
    struct db_stmt st;
    int64_t n = -1;
    if (!db)
        return;
    CHECK_INT(db_query(db, &st, "INSERT INTO st_vals (i) VALUES (?)", "i", (int64_t)1), 0);
    db_finish(&st); /* never executed */
    CHECK_INT(store_count(db, "st_vals"), 0);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (i) VALUES (?)", "i", (int64_t)2), 0);
    CHECK_INT(db_scalar(db, &n, "SELECT SUM(i) FROM st_vals", ""), 0);
    CHECK_INT(n, 2);
    store_close(db);
}

TEST(stmt_errors_leave_connection_usable)
{
    struct db *db = store_fresh();
    struct db_stmt st;
    int64_t n = -1;
    if (!db)
        return;
    /* bad SQL (more bindings than placeholders: see stmt_driver_placeholders) */
    CHECK_INT(db_query(db, &st, "SELEC id FROM st_vals", ""), KL_EDB);
    CHECK(st.impl == NULL);
    CHECK(db_errmsg(db) && *db_errmsg(db));
    CHECK_INT(db_errkind(db), DB_ERR_OTHER);
    /* a table that does not exist */
    CHECK_INT(db_query(db, &st, "SELECT * FROM st_nowhere", ""), KL_EDB);
    /* a script failing half-way reports it */
    CHECK_INT(db_exec_script(db, "INSERT INTO st_vals (i) VALUES (5); INSERT INTO nowhere VALUES "
                                 "(1);"),
              KL_EDB);
    CHECK(strstr(db_errmsg(db), "nowhere") != NULL);
    /* still fine */
    CHECK_INT(db_scalar(db, &n, "SELECT ? + 1", "i", (int64_t)41), 0);
    CHECK_INT(n, 42);
    CHECK_INT(db_exec_script(db, "INSERT INTO st_vals (i) VALUES (1); INSERT INTO st_vals (i) "
                                 "VALUES (2);"),
              0);
    CHECK(store_count(db, "st_vals") >= 2);
    store_close(db);
}

/* Run sql through the driver (db_query's own placeholder count is not under test here):
 * bind "first" and "second" to ? 1 and 2, check that a third does not exist, and return
 * the statement stepped to its row (NULL on failure). */
static void *stmt_driver_row(struct db *db, const char *sql)
{
    const struct db_driver *d = db->drv;
    void *s = d->prepare(db->conn, sql);
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "  prepare: %s\n", db_errmsg(db));
        return NULL;
    }
    CHECK_INT(d->bind_text(s, 1, "first", 5), 0);
    CHECK_INT(d->bind_text(s, 2, "second", 6), 0);
    CHECK_INT(d->bind_int64(s, 3, 3), KL_EDB); /* exactly two placeholders */
    CHECK_INT(d->bind_null(s, 0), KL_EDB);
    CHECK_INT(d->step(s), DB_ROW);
    return s;
}

TEST(stmt_driver_placeholders)
{
    struct db *db = store_fresh();
    const struct db_driver *d;
    void *s;
    if (!db)
        return;
    d = db->drv;
    /* quoted identifiers and comments hide a ? from the driver, as they do in SQL */
    s = stmt_driver_row(db, "SELECT ? AS \"what?\", 'it''s?' AS \"a\"\"b?\", ? /* why? */ "
                            "-- really?\n");
    if (s) {
        CHECK_STR(d->column_text(s, 0), "first");
        CHECK_STR(d->column_text(s, 1), "it's?");
        CHECK_STR(d->column_text(s, 2), "second");
        CHECK_INT(d->step(s), DB_DONE);
        d->finish(s);
    }
    if (store_is_pg()) {
        /* PostgreSQL's own quoting: dollar quotes, E'' escapes, nested comments */
        s = stmt_driver_row(db, "SELECT $$?$$, $tag$ '? $$ $tag$, E'\\'?', ?, "
                                "/* a /* b? */ c? */ ? AS \"?\"\"\"");
        if (s) {
            CHECK_STR(d->column_text(s, 0), "?");
            CHECK_STR(d->column_text(s, 1), " '? $$ ");
            CHECK_STR(d->column_text(s, 2), "'?");
            CHECK_STR(d->column_text(s, 3), "first");
            CHECK_STR(d->column_text(s, 4), "second");
            CHECK_INT(d->step(s), DB_DONE);
            d->finish(s);
        }
    }
    store_close(db);
}
