/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_migrate.c - store conformance: schema migrations (tests/store).
 *
 * From an empty database every migration applies, a second run applies none, the
 * version row says the newest version, both backends know the same migration numbers,
 * and a migration that fails leaves neither its tables nor a new version behind.
 */
#include "store.h"

static int migrate_count(const struct db_migration *m)
{
    int n = 0;
    for (; m->sql; m++)
        n++;
    return n;
}

static const struct db_migration *migrate_list(const struct db *db)
{
    return db->drv == &db_pg_driver ? db_migrations_pg : db_migrations_sqlite;
}

TEST(migrate_from_empty_then_nothing_to_do)
{
    struct db *db = store_fresh_empty();
    struct kl_error err = {0};
    int version = -1, applied = -1;
    if (!db)
        return;
    CHECK_INT(db_schema_version(db, &version), 0);
    CHECK_INT(version, 0);

    CHECK_INT(db_migrate(db, &applied, &err), 0);
    CHECK_INT(applied, migrate_count(migrate_list(db)));
    CHECK(applied > 0);
    CHECK_INT(db_schema_version(db, &version), 0);
    CHECK_INT(version, db_latest_version(db));

    CHECK_INT(db_migrate(db, &applied, &err), 0);
    CHECK_INT(applied, 0);
    store_close(db);

    /* and the version is stored, not remembered by the connection */
    db = store_connect();
    if (!db)
        return;
    CHECK_INT(db_migrate(db, &applied, &err), 0);
    CHECK_INT(applied, 0);
    CHECK_INT(db_schema_version(db, &version), 0);
    CHECK_INT(version, db_latest_version(db));
    store_close(db);
}

TEST(migrate_schema_version_is_latest)
{
    struct db *db = store_fresh();
    int version = -1;
    if (!db)
        return;
    CHECK_INT(db_schema_version(db, &version), 0);
    CHECK_INT(version, db_latest_version(db));
    CHECK(db_latest_version(db) >= 1);
    /* the platform tables of migration 0001 are there and empty */
    CHECK_INT(store_count(db, "users"), 0);
    CHECK_INT(store_count(db, "departments"), 0);
    store_close(db);
}

TEST(migrate_same_numbers_in_both_backends)
{
    const struct db_migration *s = db_migrations_sqlite, *p = db_migrations_pg;
    int prev = 0;
    for (; s->sql && p->sql; s++, p++) {
        CHECK_INT(p->version, s->version);
        CHECK_STR(p->name, s->name);
        CHECK(s->version > prev); /* strictly increasing: applied in order */
        prev = s->version;
    }
    CHECK(!s->sql && !p->sql); /* as many of each */
}

TEST(migrate_failure_leaves_version_and_schema_unchanged)
{
    struct db *db = store_fresh_empty();
    struct kl_error err = {0};
    int version = -1, applied = -1;
    if (!db)
        return;
    /* A version table whose row cannot be written: every migration script runs, then
     * recording its version fails, so the whole migration must be rolled back. */
    CHECK_INT(db_exec_script(db, "CREATE TABLE schema_version (id INTEGER PRIMARY KEY "
                                 "CHECK (id = 1), version INTEGER NOT NULL CHECK (version < 0))"),
              0);
    int64_t tables = store_table_count(db);
    CHECK_INT(tables, 1);

    CHECK_INT(db_migrate(db, &applied, &err), KL_EDB);
    CHECK_INT(err.code, KL_EDB);
    CHECK(strstr(err.arg, "migration 0001") != NULL);
    CHECK_INT(db_schema_version(db, &version), 0);
    CHECK_INT(version, 0);
    CHECK_INT(store_table_count(db), tables);
    CHECK_INT(store_count(db, "users"), -1); /* no such table */
    CHECK(!db->in_tx);

    /* once the cause is gone, the same migrations apply */
    CHECK_INT(db_exec_script(db, "DROP TABLE schema_version"), 0);
    CHECK_INT(db_migrate(db, &applied, &err), 0);
    CHECK_INT(applied, migrate_count(migrate_list(db)));
    CHECK_INT(db_schema_version(db, &version), 0);
    CHECK_INT(version, db_latest_version(db));
    store_close(db);
}

/* The CHECKs of the clients table hold after migration 0008 respelled them on SQLite:
 * every allowed type, segment and status goes in, anything else is refused. */
TEST(migrate_client_checks_allow_exactly_the_listed_values)
{
    struct db *db = store_fresh();
    if (!db)
        return;
    static const char *const segments[] = {"small", "medium", "large", "government"};
    static const char *const statuses[] = {"prospect", "active", "lost"};
    static const char *const types[] = {"business", "retail"};
    const char *sql = "INSERT INTO clients (name, name_key, country, type, segment, status, "
                      "version, created_at, updated_at) VALUES ('x', 'x', 'LT', ?, ?, ?, 1, 0, 0)";
    for (int t = 0; t < 2; t++)
        for (int s = 0; s < 4; s++)
            for (int u = 0; u < 3; u++)
                CHECK_INT(db_execf(db, NULL, sql, "ttt", types[t], segments[s], statuses[u]), 0);
    CHECK_INT(store_count(db, "clients"), 24);
    static const char *const bad[][3] = {
        {"business", "tiny", "active"},   {"business", "Small", "active"},
        {"business", "small", "closed"},  {"business", "small", ""},
        {"wholesale", "small", "active"}, {"business", "", "prospect"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK(db_execf(db, NULL, sql, "ttt", bad[i][0], bad[i][1], bad[i][2]) != 0);
        CHECK_INT(db_errkind(db), DB_ERR_OTHER);
    }
    CHECK_INT(store_count(db, "clients"), 24);
    /* and on SQLite they are comparisons, not IN lists (each list was a transient table
     * built on every INSERT: migration 0008) */
    if (!store_is_pg()) {
        struct db_stmt st;
        CHECK_INT(db_query(db, &st, "SELECT sql FROM sqlite_schema WHERE name = 'clients'", ""), 0);
        CHECK_INT(db_step(&st), DB_ROW);
        const char *text = db_text(&st, 0);
        CHECK(text && !strstr(text, "segment IN") && !strstr(text, "status IN"));
        CHECK(text && strstr(text, "segment = 'government'") && strstr(text, "status = 'lost'"));
        db_finish(&st);
    }
    store_close(db);
}
