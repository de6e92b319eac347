/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_tx.c - store conformance: transactions and constraint errors (tests/store).
 *
 * A duplicate gives DB_ERR_UNIQUE and the transaction rolls back with nothing written, a
 * dangling reference gives DB_ERR_FOREIGN_KEY, rollback discards and commit keeps as seen
 * from a second connection, which never sees uncommitted rows. On PostgreSQL, a COMMIT of
 * a transaction that an error aborted is a failure, and a lock conflict is DB_ERR_BUSY.
 */
#include "store.h"

TEST(tx_unique_violation_rolls_back)
{
    static const char *const ins = "INSERT INTO st_parent (name, n) VALUES (?, ?)";
    struct db *db = store_fresh();
    if (!db)
        return;
    CHECK_INT(db_errkind(db), DB_ERR_NONE);
    CHECK_INT(db_begin(db), 0);
    CHECK_INT(db_execf(db, NULL, ins, "ti", "Šiauliai", (int64_t)1), 0);
    CHECK_INT(db_execf(db, NULL, ins, "ti", "Panevėžys", (int64_t)2), 0);
    CHECK_INT(db_execf(db, NULL, ins, "ti", "Šiauliai", (int64_t)3), KL_EDB);
    CHECK_INT(db_errkind(db), DB_ERR_UNIQUE);
    db_rollback(db);
    CHECK(!db->in_tx);
    CHECK_INT(store_count(db, "st_parent"), 0);

    /* outside a transaction too, and the first row stays */
    CHECK_INT(db_execf(db, NULL, ins, "ti", "Šiauliai", (int64_t)1), 0);
    CHECK_INT(db_execf(db, NULL, ins, "ti", "Šiauliai", (int64_t)2), KL_EDB);
    CHECK_INT(db_errkind(db), DB_ERR_UNIQUE);
    CHECK_INT(store_count(db, "st_parent"), 1);

    /* a primary key is unique too */
    int64_t id = 0;
    CHECK_INT(db_scalar(db, &id, "SELECT id FROM st_parent", ""), 0);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_parent (id, name) VALUES (?, 'x')", "i", id),
              KL_EDB);
    CHECK_INT(db_errkind(db), DB_ERR_UNIQUE);
    store_close(db);
}

TEST(tx_foreign_key_violation)
{
    struct db *db = store_fresh();
    int64_t parent = 0;
    if (!db)
        return;
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_child (parent_id, note) VALUES (?, 'orphan')", "i",
                       (int64_t)999),
              KL_EDB);
    CHECK_INT(db_errkind(db), DB_ERR_FOREIGN_KEY);
    CHECK_INT(store_count(db, "st_child"), 0);

    CHECK_INT(db_scalar(db, &parent, "INSERT INTO st_parent (name) VALUES ('p') RETURNING id", ""),
              0);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_child (parent_id) VALUES (?)", "i", parent), 0);
    /* deleting a referenced row is refused too */
    CHECK_INT(db_execf(db, NULL, "DELETE FROM st_parent WHERE id = ?", "i", parent), KL_EDB);
    CHECK_INT(db_errkind(db), DB_ERR_FOREIGN_KEY);
    CHECK_INT(store_count(db, "st_parent"), 1);
    store_close(db);
}

TEST(tx_rollback_discards_commit_keeps)
{
    static const char *const ins = "INSERT INTO st_vals (t) VALUES (?)";
    struct db *db = store_fresh(), *other = NULL;
    if (!db)
        return;
    other = store_connect();
    if (!other)
        goto out;

    CHECK_INT(db_begin(db), 0);
    CHECK_INT(db_execf(db, NULL, ins, "t", "discarded"), 0);
    CHECK_INT(store_count(db, "st_vals"), 1);    /* visible inside */
    CHECK_INT(store_count(other, "st_vals"), 0); /* not outside */
    db_rollback(db);
    CHECK_INT(store_count(db, "st_vals"), 0);
    CHECK_INT(store_count(other, "st_vals"), 0);

    CHECK_INT(db_begin(db), 0);
    CHECK_INT(db_execf(db, NULL, ins, "t", "kept 1"), 0);
    CHECK_INT(db_execf(db, NULL, ins, "t", "kept 2"), 0);
    CHECK_INT(store_count(other, "st_vals"), 0);
    CHECK_INT(db_commit(db), 0);
    CHECK(!db->in_tx);
    CHECK_INT(store_count(other, "st_vals"), 2);

    /* rollback with nothing open is harmless */
    db_rollback(db);
    CHECK_INT(store_count(other, "st_vals"), 2);
out:
    store_close(other);
    store_close(db);
}

/* SQLite undoes only the failed statement and keeps the transaction going; PostgreSQL
 * aborts the transaction. Repositories must roll back after any failure; here we check
 * that on PostgreSQL a COMMIT regardless does not report success. */
TEST(tx_commit_after_failed_statement_fails)
{
    static const char *const ins = "INSERT INTO st_parent (name) VALUES (?)";
    STORE_PG_ONLY();
    struct db *db = store_fresh();
    if (!db)
        return;
    CHECK_INT(db_begin(db), 0);
    CHECK_INT(db_execf(db, NULL, ins, "t", "a"), 0);
    CHECK_INT(db_execf(db, NULL, ins, "t", "a"), KL_EDB);
    CHECK_INT(db_commit(db), KL_EDB);
    CHECK_INT(db_errkind(db), DB_ERR_UNIQUE);
    CHECK(strstr(db_errmsg(db), "rolled back") != NULL);
    CHECK(!db->in_tx);
    CHECK_INT(store_count(db, "st_parent"), 0);
    /* the connection goes on */
    CHECK_INT(db_execf(db, NULL, ins, "t", "b"), 0);
    CHECK_INT(store_count(db, "st_parent"), 1);
    store_close(db);
}

TEST(tx_lock_conflict_is_busy)
{
    STORE_PG_ONLY();
    struct db *db = store_fresh(), *other = NULL;
    int64_t id = 0, n = 0;
    if (!db)
        return;
    other = store_connect();
    if (!other)
        goto out;
    CHECK_INT(
        db_scalar(db, &id, "INSERT INTO st_parent (name, n) VALUES ('x', 1) RETURNING id", ""), 0);
    CHECK_INT(db_begin(db), 0);
    CHECK_INT(db_execf(db, NULL, "UPDATE st_parent SET n = 2 WHERE id = ?", "i", id), 0);
    CHECK_INT(db_begin(other), 0);
    CHECK_INT(
        db_scalar(other, &n, "SELECT n FROM st_parent WHERE id = ? FOR UPDATE NOWAIT", "i", id),
        KL_EDB);
    CHECK_INT(db_errkind(other), DB_ERR_BUSY);
    db_rollback(other);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT(db_scalar(other, &n, "SELECT n FROM st_parent WHERE id = ?", "i", id), 0);
    CHECK_INT(n, 2);
out:
    store_close(other);
    store_close(db);
}
