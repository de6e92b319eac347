/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store.h - fixture of the store conformance suite (tests/store): one C program run once
 * per backend, against the database URL given as its first argument.
 *
 * Every test gets a database of its own: a new SQLite file, or for PostgreSQL the
 * `public` schema dropped and created again. store_fresh also applies the migrations
 * and creates the suite's own tables (st_parent, st_child, st_vals), so that the tests
 * do not depend on the application's schema:
 *   st_parent (id auto, name TEXT NOT NULL UNIQUE, n BIGINT)
 *   st_child  (id auto, parent_id BIGINT NOT NULL REFERENCES st_parent, note TEXT)
 *   st_vals   (id auto, t TEXT, i BIGINT)
 * A fixture function that fails prints why, counts a failure of the current test and
 * returns NULL (or -1); the test then returns early.
 */
#ifndef KL_TESTS_STORE_H
#define KL_TESTS_STORE_H

#include <stdint.h>

#include "store/db.h"
#include "test.h"

/* 1 when the suite runs against PostgreSQL. */
int store_is_pg(void);
/* A fresh database with the migrations applied and the suite's tables created. */
struct db *store_fresh(void);
/* A fresh database with nothing in it (not even the migrations). */
struct db *store_fresh_empty(void);
/* The URL of the current test's database (valid after store_fresh*). */
const char *store_url(void);
/* Another connection to the current test's database. */
struct db *store_connect(void);
void store_close(struct db *db);
/* SELECT COUNT(*) FROM table, or -1 (the table does not exist, ...). */
int64_t store_count(struct db *db, const char *table);
/* The number of tables in the database (the application's and ours), or -1. */
int64_t store_table_count(struct db *db);

/* For a check that only means something on PostgreSQL (driver-specific behaviour). */
#define STORE_PG_ONLY()                                                                            \
    do {                                                                                           \
        if (!store_is_pg()) {                                                                      \
            printf("  skip: PostgreSQL only\n");                                                   \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#endif
