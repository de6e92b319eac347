/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * gen.c - the benchmark data generator (bench): a trading house with many managers,
 * clients, contacts and activities, written straight through the store layer in large
 * transactions (the search index included), so that a million clients take minutes.
 *
 *   build/bench-gen --db URL [--managers 200] [--clients 1000000] [--contacts 2000000]
 *                   [--activities 0] [--seed 1]
 *   build/bench-gen --db postgres://... --activities N --activities-only
 *
 * On PostgreSQL, --activities-only adds N activities to a database made before (by the
 * owners of their clients, over the last 90 days, the same mix as below) in one INSERT ...
 * SELECT over generate_series, then rebuilds what the store keeps with each activity
 * (each client's last contact, activity_days) as migration 0006 does: minutes instead of
 * hours of round trips for twenty million rows.
 *
 * Managers are named bench-mNNN (password "klientas-bench"); the first manager owns
 * clients/managers clients like everyone else. The database must be empty of clients.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/clients.h"
#include "domain/demo.h"
#include "domain/search.h"
#include "domain/users.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "lib/timeutil.h"
#include "store/repo_activity.h"

static int has_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], name))
            return 1;
    return 0;
}

/* See the header comment. The pseudo-random choices are multiplicative hashes of the row
 * number, so that a rerun makes the same rows. */
static int pg_activities(struct db *db, long n)
{
    static const char *steps[] = {
        "INSERT INTO activities (client_id, user_id, type, direction, outcome, at, duration_s, "
        "version, created_at, updated_at) SELECT c.id, c.owner_id, (ARRAY['call', 'call', "
        "'call', 'offer_email', 'offer_email', 'offer_phone', 'email', 'meeting', "
        "'note'])[1 + (g * 7919) % 9], 'out', 'reached', x.now - (g * 104729) % (90 * 86400), "
        "60, 1, x.now, x.now FROM (SELECT MIN(id) AS lo, MAX(id) - MIN(id) + 1 AS span, "
        "extract(epoch FROM now())::bigint AS now FROM clients) x CROSS JOIN "
        "generate_series(1::bigint, $N) g JOIN clients c ON c.id = x.lo + (g * 2654435761) % "
        "x.span "
        "WHERE c.owner_id IS NOT NULL",
        "DELETE FROM activity_days",
        "INSERT INTO activity_days (user_id, type, direction, day, n) SELECT user_id, type, "
        "direction, at / 86400, COUNT(*) FROM activities WHERE deleted_at IS NULL GROUP BY "
        "user_id, type, direction, at / 86400",
        "UPDATE clients SET last_contact_at = l.last_at, called = l.called, callback_at = "
        "l.callback_at, callback_activity_id = l.callback_id FROM (SELECT DISTINCT ON "
        "(x.client_id) x.client_id, MAX(x.at) OVER w AS last_at, (BOOL_OR(x.type = 'call') OVER "
        "w)::int AS called, x.callback_at, CASE WHEN x.callback_at IS NULL THEN NULL ELSE x.id "
        "END AS callback_id FROM activities x WHERE x.deleted_at IS NULL WINDOW w AS "
        "(PARTITION BY x.client_id) ORDER BY x.client_id, x.at DESC, x.id DESC) l WHERE "
        "clients.id = l.client_id",
        "VACUUM ANALYZE",
    };
    double t0 = time_mono();
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        char sql[2048], num[32];
        snprintf(num, sizeof(num), "%ld", n);
        const char *at = strstr(steps[i], "$N");
        if (at)
            snprintf(sql, sizeof(sql), "%.*s%s%s", (int)(at - steps[i]), steps[i], num, at + 2);
        else
            snprintf(sql, sizeof(sql), "%s", steps[i]);
        if (db_exec_script(db, sql)) {
            fprintf(stderr, "bench-gen: %s\n", db_errmsg(db));
            return 1;
        }
        fprintf(stderr, "bench-gen: step %zu of %zu, %.0f s\n", i + 1,
                sizeof(steps) / sizeof(steps[0]), time_mono() - t0);
    }
    printf("bench-gen: %ld activities in %.1f s\n", n, time_mono() - t0);
    return 0;
}

static long arg_long(int argc, char **argv, const char *name, long dflt)
{
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], name))
            return strtol(argv[i + 1], NULL, 10);
    return dflt;
}

static const char *arg_str(int argc, char **argv, const char *name, const char *dflt)
{
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], name))
            return argv[i + 1];
    return dflt;
}

/* Fill a struct client from the JSON card the demo generator makes. */
static void client_from_json(struct arena *a, json_t *o, struct client *c)
{
    memset(c, 0, sizeof(*c));
    c->payment_terms_days = c->credit_limit_amount = c->issue_seconds = CLIENT_NULL;
    c->country = "LT";
    for (const struct column *k = client_columns; k->name; k++) {
        json_t *v = json_object_get(o, k->name);
        if (!v)
            continue;
        if (k->kind == COL_TEXT)
            COL_TEXT_AT(c, k) = arena_strdup(a, json_string_value(v));
        else
            COL_INT_AT(c, k) = (int64_t)json_integer_value(v);
    }
    json_t *cl = json_object_get(o, "credit_limit");
    if (cl) {
        c->credit_limit_amount = (int64_t)json_integer_value(json_object_get(cl, "amount"));
        c->credit_limit_currency = "EUR";
    }
    c->name_key = client_name_key(a, c->name);
}

int main(int argc, char **argv)
{
    const char *url = arg_str(argc, argv, "--db", NULL);
    long managers = arg_long(argc, argv, "--managers", 200);
    long clients = arg_long(argc, argv, "--clients", 1000000);
    long contacts = arg_long(argc, argv, "--contacts", clients * 2);
    long activities = arg_long(argc, argv, "--activities", 0);
    long seed = arg_long(argc, argv, "--seed", 1);
    if (!url || managers < 1 || clients < 0) {
        fprintf(stderr, "usage: bench-gen --db URL [--managers N] [--clients N] [--contacts N] "
                        "[--activities N] [--seed N]\n");
        return 2;
    }
    log_set_level(LOG_WARN);
    if (secret_init())
        return 1;
    struct db *db;
    struct kl_error err = {0};
    if (db_open(url, &db, &err) || db_migrate(db, NULL, &err)) {
        fprintf(stderr, "bench-gen: %s\n", err.arg);
        return 1;
    }
    /* A bulk load: durability of each batch does not matter here (a failed load is rerun). */
    if (db_url_is_pg(url))
        db_exec_script(db, "SET synchronous_commit = off");
    else
        db_exec_script(db, "PRAGMA synchronous = OFF");
    if (has_flag(argc, argv, "--activities-only")) {
        if (!db_url_is_pg(url)) {
            fprintf(stderr, "bench-gen: --activities-only is for PostgreSQL\n");
            return 2;
        }
        int rc = pg_activities(db, activities);
        db_close(db);
        return rc;
    }
    struct principal op;
    principal_system(&op);
    struct arena a;
    arena_init(&a);
    double t0 = time_mono();

    /* Managers: one department of business managers, one of retail. */
    struct department dept;
    if (departments_ensure(db, &a, &op, "Bench wholesale", &dept, &err)) {
        fprintf(stderr, "bench-gen: department: %s\n", err.key);
        return 1;
    }
    int64_t *owner = calloc((size_t)managers, sizeof(int64_t));
    char hash[SECRET_HASH_LEN];
    secret_password_hash("klientas-bench", hash);
    db_begin(db);
    for (long m = 0; m < managers; m++) {
        struct user u = {0};
        char login[32], name[64];
        snprintf(login, sizeof(login), "bench-m%03ld", m);
        snprintf(name, sizeof(name), "Bench Manager %ld", m);
        u.login = login;
        u.name = name;
        u.role = "manager";
        u.department_id = dept.id;
        u.password_hash = hash;
        u.lang = "lt";
        u.tz = "Europe/Vilnius";
        u.active = 1;
        u.segment = "business";
        if (repo_user_insert(db, &u)) {
            fprintf(stderr, "bench-gen: user %s: %s\n", login, db_errmsg(db));
            return 1;
        }
        owner[m] = u.id;
    }
    db_commit(db);

    struct demo_rng rng;
    demo_rng_init(&rng, (uint64_t)seed);
    long made_contacts = 0;
    const long batch = 5000;
    for (long i = 0; i < clients; i += batch) {
        struct arena b;
        arena_init(&b);
        if (db_begin(db))
            return 1;
        for (long j = i; j < i + batch && j < clients; j++) {
            json_t *o = demo_client_json(&rng, "business", j + 1);
            struct client c;
            client_from_json(&b, o, &c);
            json_decref(o);
            c.owner_id = owner[j % managers];
            c.created_at = time_now();
            if (repo_client_insert(db, &c, NULL)) {
                fprintf(stderr, "bench-gen: client %ld: %s\n", j, db_errmsg(db));
                return 1;
            }
            /* Spread the contacts evenly: contacts/clients per client, the rest first. */
            long want =
                contacts / (clients ? clients : 1) + (j < contacts % (clients ? clients : 1));
            for (long k = 0; k < want; k++) {
                json_t *p = demo_contact_json(&rng, 0);
                struct contact ct = {.client_id = c.id};
                ct.name = arena_strdup(&b, json_string_value(json_object_get(p, "name")));
                ct.position = arena_strdup(&b, json_string_value(json_object_get(p, "position")));
                ct.decision_maker = json_is_true(json_object_get(p, "decision_maker"));
                char *ph = json_dumps(json_object_get(p, "phones"), JSON_COMPACT);
                char *em = json_dumps(json_object_get(p, "emails"), JSON_COMPACT);
                ct.phones = arena_strdup(&b, ph);
                ct.emails = arena_strdup(&b, em);
                free(ph);
                free(em);
                ct.birthday = arena_strdup(&b, json_string_value(json_object_get(p, "birthday")));
                ct.lang = "lt";
                json_decref(p);
                if (repo_contact_insert(db, &ct)) {
                    fprintf(stderr, "bench-gen: contact: %s\n", db_errmsg(db));
                    return 1;
                }
                made_contacts++;
            }
            if (search_index_new_client(db, &b, c.id, NULL)) {
                fprintf(stderr, "bench-gen: search: %s\n", db_errmsg(db));
                return 1;
            }
        }
        if (db_commit(db))
            return 1;
        arena_release(&b);
        if ((i / batch) % 20 == 0)
            fprintf(stderr, "bench-gen: %ld clients, %ld contacts, %.0f s\n",
                    i + batch < clients ? i + batch : clients, made_contacts, time_mono() - t0);
    }

    /* The clients' search texts were written by this build: the server need not rewrite
     * them at its first start. */
    if (clients && search_set_current(db)) {
        fprintf(stderr, "bench-gen: search version: %s\n", db_errmsg(db));
        return 1;
    }

    /* Activities over the last 90 days, by the owners of the clients. */
    static const char *types[] = {"call",        "call",  "call",    "offer_email", "offer_email",
                                  "offer_phone", "email", "meeting", "note"};
    int64_t now = time_now();
    for (long i = 0; i < activities; i += 20000) {
        if (db_begin(db))
            return 1;
        for (long j = i; j < i + 20000 && j < activities; j++) {
            long client = (long)(demo_rng_next(&rng) % (uint64_t)clients) + 1;
            struct activity x = {.client_id = client,
                                 .user_id = owner[(client - 1) % managers],
                                 .type = types[demo_rng_next(&rng) % 9],
                                 .direction = "out",
                                 .outcome = "reached",
                                 .at = now - (int64_t)(demo_rng_next(&rng) % (90 * 86400)),
                                 .duration_s = 60};
            if (repo_activity_insert(db, &x)) {
                fprintf(stderr, "bench-gen: activity: %s\n", db_errmsg(db));
                return 1;
            }
        }
        if (db_commit(db))
            return 1;
        if ((i / 20000) % 50 == 0)
            fprintf(stderr, "bench-gen: %ld activities, %.0f s\n", i, time_mono() - t0);
    }
    printf("bench-gen: %ld managers, %ld clients, %ld contacts, %ld activities in %.1f s\n",
           managers, clients, made_contacts, activities, time_mono() - t0);
    free(owner);
    arena_release(&a);
    db_close(db);
    return 0;
}
