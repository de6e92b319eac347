/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_demo.c - klientas demo (cli): fill an empty database with a demo wholesale trading
 * house (UAB "Baltijos prekyba"): departments, a director, a head of the wholesale
 * department, managers, a logistics manager and an administrator. Refuses a database that
 * already has users. Prints the logins; the password of all is DEMO_PASSWORD.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#include "domain/demo.h"
#include "domain/users.h"
#include "lib/timeutil.h"
#include "store/repo_user.h"

#define DEMO_PASSWORD "klientas-demo"

static const struct cli_option opts[] = {
    {"db", 1, "database URL (default var/klientas.db)"},
    {NULL, 0, NULL},
};

struct demo_user {
    const char *login, *name, *role, *department, *lang, *segment;
    int clients; /* how many demo clients he owns */
};

static const struct demo_user demo_users[] = {
    {"admin", "Sistemos administratorius", "admin", NULL, "en", NULL, 0},
    {"direktorius", "Jonas Petrauskas", "director", NULL, "lt", NULL, 0},
    {"vadovas", "Rūta Kazlauskienė", "head", "Didmeninė prekyba", "lt", NULL, 8},
    {"vadybininkas1", "Tomas Žukauskas", "manager", "Didmeninė prekyba", "lt", "business", 45},
    {"vadybininkas2", "Andrius Vasiliauskas", "manager", "Didmeninė prekyba", "lt", "business", 30},
    {"vadybininke3", "Ольга Смирнова", "manager", "Didmeninė prekyba", "ru", "retail", 20},
    {"logistikas", "Mindaugas Stankevičius", "logistics", "Logistika", "lt", NULL, 0},
};

int cmd_demo(int argc, char **argv)
{
    struct config *cfg = cli_config_new();
    struct arena a;
    struct db *db = NULL;
    int code = EXIT_FAIL;
    struct principal op;
    struct kl_error err = {0};
    arena_init(&a);
    principal_system(&op);
    if (cli_parse(argc, argv, "klientas demo [--db URL]", opts, cfg, &code))
        goto out;
    code = EXIT_FAIL;
    if (!(db = cli_open_db(cfg, 1)))
        goto out;
    int64_t users = 0;
    if (db_scalar(db, &users, "SELECT COUNT(*) FROM users", "")) {
        fprintf(stderr, "klientas: %s\n", db_errmsg(db));
        goto out;
    }
    if (users > 0) {
        fprintf(stderr, "klientas: the database already has users; demo data goes only into an "
                        "empty database\n");
        goto out;
    }
    int64_t head_id = 0, wholesale_id = 0;
    int64_t owner_ids[sizeof(demo_users) / sizeof(demo_users[0])];
    for (size_t i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
        const struct demo_user *du = &demo_users[i];
        struct user_input in = {.login = du->login,
                                .name = du->name,
                                .role = du->role,
                                .password = DEMO_PASSWORD,
                                .lang = du->lang,
                                .has_segment = du->segment != NULL,
                                .segment = du->segment};
        if (du->department) {
            struct department d;
            if (departments_ensure(db, &a, &op, du->department, &d, &err))
                goto fail;
            in.has_department = 1;
            in.department_id = d.id;
            if (!head_id && !wholesale_id)
                wholesale_id = d.id;
        }
        struct user u;
        if (users_create(db, &a, &op, &in, &u, &err))
            goto fail;
        if (!head_id && in.department_id == wholesale_id && !strcmp(du->role, "head"))
            head_id = u.id;
        owner_ids[i] = u.id;
    }
    struct department d;
    if (repo_department_get(db, &a, wholesale_id, &d) == 0) {
        struct department_input din = {.has_head = 1, .head_id = head_id};
        if (departments_update(db, &a, &op, d.id, d.version, &din, &d, &err))
            goto fail;
    }
    /* The client base: every segment, status and type, Lithuanian and Russian names. */
    struct demo_rng rng;
    demo_rng_init(&rng, 20261127);
    long number = 1;
    int clients = 0;
    for (size_t i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
        const struct demo_user *du = &demo_users[i];
        if (!du->clients)
            continue;
        if (demo_fill_clients(db, &op, owner_ids[i], du->segment ? du->segment : "business",
                              du->clients, number, &rng, &err))
            goto fail;
        number += du->clients;
        clients += du->clients;
    }
    /* Their history, and the notifications of the setup (cards issued) read: a new demo
     * shows a working day, not a pile of unread news. */
    int64_t now = time_now();
    for (size_t i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++)
        if (demo_users[i].clients && demo_fill_history(db, owner_ids[i], now, &rng)) {
            kl_error_set(&err, KL_EDB, "db", "err.db", db_errmsg(db));
            goto fail;
        }
    if (db_execf(db, NULL, "UPDATE notifications SET read_at = created_at WHERE read_at IS NULL",
                 "")) {
        kl_error_set(&err, KL_EDB, "db", "err.db", db_errmsg(db));
        goto fail;
    }
    printf("Demo trading house UAB \"Baltijos prekyba\" created in %s\n\n", config_get(cfg, "db"));
    printf("  %-15s %-10s %s\n", "login", "role", "name");
    for (size_t i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++)
        printf("  %-15s %-10s %s\n", demo_users[i].login, demo_users[i].role, demo_users[i].name);
    printf("\n%d demo clients with their contacts.\n", clients);
    printf("Password for every demo login: %s\n", DEMO_PASSWORD);
    code = EXIT_OK;
    goto out;
fail:
    cli_error(&err);
out:
    db_close(db);
    arena_release(&a);
    config_free(cfg);
    return code;
}
