/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_values.c - store conformance: values in and out, and the SQL both backends share
 * (tests/store).
 *
 * Text round-trips byte for byte (Lithuanian and Cyrillic letters, emoji, quotes), the
 * empty string stays distinct from NULL, int64 keeps its extremes, `?` in literals,
 * quoted identifiers and comments is not a placeholder, RETURNING, ON CONFLICT upserts,
 * change counts, booleans read as 0/1, and the dialect's case-insensitive LIKE.
 */
#include <stdint.h>

#include "store.h"

static const char *const values_texts[] = {
    "Žąsis čiūžia per ėglę: ąčęėįšųūž ĄČĘĖĮŠŲŪŽ",
    "Съешь же ещё этих мягких французских булок, да выпей чаю. Ёё",
    "😀 👍🏽 🇱🇹 👨‍👩‍👧",
    "it's \"quoted\" \\ back\\slash; -- not a comment /* nor this */ ?",
    "tab\tnew\nline",
    " ",
};

TEST(values_text_round_trip)
{
    struct db *db = store_fresh();
    if (!db)
        return;
    for (size_t i = 0; i < sizeof(values_texts) / sizeof(*values_texts); i++) {
        int64_t id = 0;
        struct db_stmt st;
        CHECK_INT(db_scalar(db, &id, "INSERT INTO st_vals (t) VALUES (?) RETURNING id", "t",
                            values_texts[i]),
                  0);
        CHECK_INT(db_query(db, &st, "SELECT t FROM st_vals WHERE id = ?", "i", id), 0);
        CHECK_INT(db_step(&st), DB_ROW);
        CHECK_STR(db_text(&st, 0), values_texts[i]);
        CHECK_INT(db_step(&st), DB_DONE);
        db_finish(&st);
        /* and the database sees text equal to what we bound */
        int64_t n = 0;
        CHECK_INT(
            db_scalar(db, &n, "SELECT COUNT(*) FROM st_vals WHERE t = ?", "t", values_texts[i]), 0);
        CHECK_INT(n, 1);
    }
    /* stored as UTF-8 characters, not bytes: "Žąsis" is 5 letters */
    int64_t len = 0;
    CHECK_INT(db_scalar(db, &len, "SELECT LENGTH(?)", "t", "Žąsis"), 0);
    CHECK_INT(len, 5);
    CHECK_INT(db_scalar(db, &len, "SELECT LENGTH(t) FROM st_vals WHERE t LIKE ?", "t", "😀%"), 0);
    CHECK_INT(len, 13);
    store_close(db);
}

TEST(values_empty_string_is_not_null)
{
    struct db *db = store_fresh();
    struct db_stmt st;
    int64_t n = -1;
    if (!db)
        return;
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (t, i) VALUES (?, 1)", "t", ""), 0);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (t, i) VALUES (?, 2)", "t", NULL), 0);
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (t, i) VALUES (?, 3)", "n"), 0);

    CHECK_INT(db_query(db, &st, "SELECT t, i FROM st_vals ORDER BY i", ""), 0);
    CHECK_INT(db_step(&st), DB_ROW);
    CHECK(!db_is_null(&st, 0));
    CHECK_STR(db_text(&st, 0), "");
    CHECK_INT(db_step(&st), DB_ROW);
    CHECK(db_is_null(&st, 0));
    CHECK(db_text(&st, 0) == NULL);
    CHECK_INT(db_int64(&st, 0), 0);
    CHECK_INT(db_step(&st), DB_ROW);
    CHECK(db_is_null(&st, 0));
    CHECK_INT(db_step(&st), DB_DONE);
    db_finish(&st);

    CHECK_INT(db_scalar(db, &n, "SELECT COUNT(*) FROM st_vals WHERE t = ''", ""), 0);
    CHECK_INT(n, 1);
    CHECK_INT(db_scalar(db, &n, "SELECT COUNT(*) FROM st_vals WHERE t IS NULL", ""), 0);
    CHECK_INT(n, 2);
    store_close(db);
}

TEST(values_int64_extremes)
{
    static const int64_t values[] = {INT64_MIN, INT64_MIN + 1,          -1,       0,
                                     1,         (INT64_C(1) << 53) + 1, INT64_MAX};
    struct db *db = store_fresh();
    if (!db)
        return;
    for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
        int64_t id = 0, back = 42, n = 0;
        CHECK_INT(
            db_scalar(db, &id, "INSERT INTO st_vals (i) VALUES (?) RETURNING id", "i", values[i]),
            0);
        CHECK_INT(db_scalar(db, &back, "SELECT i FROM st_vals WHERE id = ?", "i", id), 0);
        CHECK_INT(back, values[i]);
        CHECK_INT(db_scalar(db, &n, "SELECT COUNT(*) FROM st_vals WHERE i = ?", "i", values[i]), 0);
        CHECK_INT(n, 1);
    }
    int64_t v = 0;
    CHECK_INT(db_scalar(db, &v, "SELECT MAX(i) FROM st_vals", ""), 0);
    CHECK_INT(v, INT64_MAX);
    CHECK_INT(db_scalar(db, &v, "SELECT MIN(i) FROM st_vals", ""), 0);
    CHECK_INT(v, INT64_MIN);
    store_close(db);
}

TEST(values_question_mark_in_literals_is_not_a_placeholder)
{
    struct db *db = store_fresh();
    struct db_stmt st;
    if (!db)
        return;
    CHECK_INT(db_query(db, &st, "SELECT 'a?b', ?, 'it''s ?', ?, '?'", "tt", "first", "second"), 0);
    CHECK_INT(db_step(&st), DB_ROW);
    CHECK_STR(db_text(&st, 0), "a?b");
    CHECK_STR(db_text(&st, 1), "first");
    CHECK_STR(db_text(&st, 2), "it's ?");
    CHECK_STR(db_text(&st, 3), "second");
    CHECK_STR(db_text(&st, 4), "?");
    CHECK_INT(db_step(&st), DB_DONE);
    db_finish(&st);

    /* in a WHERE clause, next to a real placeholder */
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (t, i) VALUES ('why?', ?)", "i", (int64_t)7),
              0);
    int64_t i = 0;
    CHECK_INT(
        db_scalar(db, &i, "SELECT i FROM st_vals WHERE t = 'why?' AND i = ?", "i", (int64_t)7), 0);
    CHECK_INT(i, 7);
    store_close(db);
}

TEST(values_returning_id)
{
    struct db *db = store_fresh();
    int64_t a = 0, b = 0;
    struct db_stmt st;
    if (!db)
        return;
    CHECK_INT(db_scalar(db, &a, "INSERT INTO st_parent (name, n) VALUES (?, ?) RETURNING id", "ti",
                        "Vilnius", (int64_t)1),
              0);
    CHECK_INT(db_scalar(db, &b, "INSERT INTO st_parent (name, n) VALUES (?, ?) RETURNING id", "ti",
                        "Kaunas", (int64_t)2),
              0);
    CHECK(a > 0);
    CHECK(b > a);
    CHECK_INT(store_count(db, "st_parent"), 2); /* RETURNING ran the insert exactly once */

    /* several columns back from one RETURNING */
    CHECK_INT(db_query(db, &st,
                       "UPDATE st_parent SET n = n + 10 WHERE id = ? RETURNING id, name, n", "i",
                       b),
              0);
    CHECK_INT(db_step(&st), DB_ROW);
    CHECK_INT(db_int64(&st, 0), b);
    CHECK_STR(db_text(&st, 1), "Kaunas");
    CHECK_INT(db_int64(&st, 2), 12);
    CHECK_INT(db_step(&st), DB_DONE);
    db_finish(&st);
    store_close(db);
}

TEST(values_insert_id)
{
    struct db *db = store_fresh();
    int64_t a = 0, b = 0, c = 0, name_id = 0;
    if (!db)
        return;
    /* the id of each insert, whether the backend says it with RETURNING or keeps it on
     * the connection; and the one the row really got */
    CHECK_INT(db_insertf(db, &a, DB_INSERT_SQL(db, "INSERT INTO st_parent (name, n) VALUES (?, ?)"),
                         "ti", "Vilnius", (int64_t)1),
              0);
    CHECK_INT(db_insertf(db, &b, DB_INSERT_SQL(db, "INSERT INTO st_parent (name, n) VALUES (?, ?)"),
                         "ti", "Kaunas", (int64_t)2),
              0);
    CHECK(a > 0);
    CHECK(b > a);
    CHECK_INT(db_scalar(db, &name_id, "SELECT id FROM st_parent WHERE name = ?", "t", "Kaunas"), 0);
    CHECK_INT(name_id, b);
    CHECK_INT(store_count(db, "st_parent"), 2);
    /* a child row in between does not leak its id into the next parent's */
    CHECK_INT(db_insertf(db, &c, DB_INSERT_SQL(db, "INSERT INTO st_child (parent_id) VALUES (?)"),
                         "i", a),
              0);
    CHECK_INT(db_scalar(db, &name_id, "SELECT id FROM st_child WHERE parent_id = ?", "i", a), 0);
    CHECK_INT(name_id, c);
    /* a refused insert is an error, and says so instead of giving an old id */
    int64_t dup = -7;
    CHECK(db_insertf(db, &dup, DB_INSERT_SQL(db, "INSERT INTO st_parent (name, n) VALUES (?, ?)"),
                     "ti", "Kaunas", (int64_t)3) != 0);
    CHECK_INT(db_errkind(db), DB_ERR_UNIQUE);
    CHECK_INT(store_count(db, "st_parent"), 2);
    store_close(db);
}

TEST(values_scalar_not_found)
{
    struct db *db = store_fresh();
    int64_t v = 99;
    if (!db)
        return;
    CHECK_INT(db_scalar(db, &v, "SELECT id FROM st_parent WHERE name = ?", "t", "nobody"),
              KL_ENOTFOUND);
    CHECK_INT(db_scalar(db, &v, "SELECT COUNT(*) FROM st_parent WHERE name = ?", "t", "nobody"), 0);
    CHECK_INT(v, 0);
    store_close(db);
}

TEST(values_changes_of_update_and_delete)
{
    struct db *db = store_fresh();
    int64_t changes = -1;
    if (!db)
        return;
    for (int i = 1; i <= 3; i++) {
        char name[16];
        snprintf(name, sizeof(name), "p%d", i);
        CHECK_INT(db_execf(db, &changes, "INSERT INTO st_parent (name, n) VALUES (?, ?)", "ti",
                           name, (int64_t)i),
                  0);
        CHECK_INT(changes, 1);
    }
    CHECK_INT(
        db_execf(db, &changes, "UPDATE st_parent SET n = n * 10 WHERE n >= ?", "i", (int64_t)2), 0);
    CHECK_INT(changes, 2);
    CHECK_INT(db_execf(db, &changes, "UPDATE st_parent SET n = 0 WHERE name = ?", "t", "none"), 0);
    CHECK_INT(changes, 0);
    CHECK_INT(db_execf(db, &changes, "DELETE FROM st_parent", ""), 0);
    CHECK_INT(changes, 3);
    store_close(db);
}

TEST(values_upsert_on_conflict)
{
    static const char *const upsert = "INSERT INTO st_parent (name, n) VALUES (?, ?) "
                                      "ON CONFLICT (name) DO UPDATE SET n = excluded.n "
                                      "RETURNING id";
    struct db *db = store_fresh();
    int64_t a = 0, b = 0, n = 0, changes = -1;
    if (!db)
        return;
    CHECK_INT(db_scalar(db, &a, upsert, "ti", "Klaipėda", (int64_t)1), 0);
    CHECK_INT(db_scalar(db, &b, upsert, "ti", "Klaipėda", (int64_t)2), 0);
    CHECK_INT(b, a);
    CHECK_INT(store_count(db, "st_parent"), 1);
    CHECK_INT(db_scalar(db, &n, "SELECT n FROM st_parent WHERE id = ?", "i", a), 0);
    CHECK_INT(n, 2);

    CHECK_INT(db_execf(db, &changes,
                       "INSERT INTO st_parent (name, n) VALUES (?, ?) ON CONFLICT DO NOTHING", "ti",
                       "Klaipėda", (int64_t)3),
              0);
    CHECK_INT(changes, 0);
    CHECK_INT(db_scalar(db, &n, "SELECT n FROM st_parent WHERE id = ?", "i", a), 0);
    CHECK_INT(n, 2);
    store_close(db);
}

TEST(values_booleans_read_as_integers)
{
    struct db *db = store_fresh();
    struct db_stmt st;
    if (!db)
        return;
    CHECK_INT(db_query(db, &st,
                       "SELECT 1 = 1, 1 = 0, NULL IS NULL, EXISTS (SELECT 1 FROM st_parent)", ""),
              0);
    CHECK_INT(db_step(&st), DB_ROW);
    CHECK_INT(db_int64(&st, 0), 1);
    CHECK_INT(db_int64(&st, 1), 0);
    CHECK_INT(db_int64(&st, 2), 1);
    CHECK_INT(db_int64(&st, 3), 0);
    db_finish(&st);
    store_close(db);
}

/* The portable way to write an optional filter: an untyped `? IS NULL` is an error in
 * PostgreSQL (it cannot infer the type), a CAST works in both. */
TEST(values_optional_filter_with_cast)
{
    static const char *const sql = "SELECT COUNT(*) FROM st_parent "
                                   "WHERE (CAST(? AS BIGINT) IS NULL OR n = ?) "
                                   "AND (CAST(? AS TEXT) IS NULL OR name = ?)";
    struct db *db = store_fresh();
    int64_t n = -1;
    if (!db)
        return;
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_parent (name, n) VALUES ('a', 1), ('b', 2)", ""),
              0);
    CHECK_INT(db_scalar(db, &n, sql, "oott", (int64_t)0, (int64_t)0, NULL, NULL), 0);
    CHECK_INT(n, 2);
    CHECK_INT(db_scalar(db, &n, sql, "oott", (int64_t)2, (int64_t)2, NULL, NULL), 0);
    CHECK_INT(n, 1);
    CHECK_INT(db_scalar(db, &n, sql, "oott", (int64_t)0, (int64_t)0, "a", "a"), 0);
    CHECK_INT(n, 1);
    CHECK_INT(db_scalar(db, &n, sql, "oott", (int64_t)2, (int64_t)2, "a", "a"), 0);
    CHECK_INT(n, 0);
    store_close(db);
}

TEST(values_dialect_ilike)
{
    struct db *db = store_fresh();
    char sql[256];
    int64_t n = -1;
    if (!db)
        return;
    CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (t) VALUES ('Jonas Petraitis'), ('Ona')", ""),
              0);
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM st_vals WHERE t %s ?", db->dialect->ilike);
    CHECK_INT(db_scalar(db, &n, sql, "t", "%PETR%"), 0);
    CHECK_INT(n, 1);
    CHECK_INT(db_scalar(db, &n, sql, "t", "jonas%"), 0);
    CHECK_INT(n, 1);
    CHECK_INT(db_scalar(db, &n, sql, "t", "%ONA"), 0);
    CHECK_INT(n, 1);
    store_close(db);
}

TEST(values_many_rows)
{
    struct db *db = store_fresh();
    struct db_stmt st;
    int64_t sum = 0, rows = 0;
    int rc;
    if (!db)
        return;
    CHECK_INT(db_begin(db), 0);
    for (int64_t i = 1; i <= 1000; i++)
        CHECK_INT(db_execf(db, NULL, "INSERT INTO st_vals (i) VALUES (?)", "i", i), 0);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT(db_query(db, &st, "SELECT i FROM st_vals ORDER BY i", ""), 0);
    while ((rc = db_step(&st)) == DB_ROW) {
        rows++;
        sum += db_int64(&st, 0);
    }
    CHECK_INT(rc, DB_DONE);
    db_finish(&st);
    CHECK_INT(rows, 1000);
    CHECK_INT(sum, 500500);

    /* a page of them, as the API lists do */
    CHECK_INT(db_query(db, &st, "SELECT i FROM st_vals WHERE i > ? ORDER BY i LIMIT ? OFFSET ?",
                       "iii", (int64_t)100, (int64_t)3, (int64_t)2),
              0);
    for (int64_t want = 103; want <= 105; want++) {
        CHECK_INT(db_step(&st), DB_ROW);
        CHECK_INT(db_int64(&st, 0), want);
    }
    CHECK_INT(db_step(&st), DB_DONE);
    db_finish(&st);
    store_close(db);
}
