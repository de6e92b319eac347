/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_user.c - klientas user add (cli): create a user; the department is created when it
 * does not exist; the password is read from standard input (first line).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#include "domain/auth.h"
#include "domain/users.h"

static const struct cli_option opts[] = {
    {"db", 1, "database URL (default var/klientas.db)"},
    {"login", 1, "login (a-z, 0-9, . _ -)"},
    {"name", 1, "full name"},
    {"role", 1, "manager, head, director, logistics or admin"},
    {"department", 1, "department name (created if missing)"},
    {"lang", 1, "en, lt or ru (default lt)"},
    {"password-stdin", 0, "read the password from standard input"},
    {NULL, 0, NULL},
};

static const char *usage_text = "klientas user add --login L --name N --role R "
                                "[--department NAME] --password-stdin";

static int read_password(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin))
        return -1;
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "add")) {
        if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
            printf("usage: %s\n", usage_text);
            return EXIT_OK;
        }
        fprintf(stderr, "usage: %s\n", usage_text);
        return EXIT_USAGE;
    }
    struct config *cfg = cli_config_new();
    struct arena a;
    struct db *db = NULL;
    int code = EXIT_FAIL;
    arena_init(&a);
    if (cli_parse(argc - 1, argv + 1, usage_text, opts, cfg, &code))
        goto out;
    code = EXIT_USAGE;
    const char *login = config_get(cfg, "login"), *name = config_get(cfg, "name"),
               *role = config_get(cfg, "role");
    if (!login || !name || !role || !config_get(cfg, "password_stdin")) {
        fprintf(stderr,
                "klientas: --login, --name, --role and --password-stdin are required\n"
                "usage: %s\n",
                usage_text);
        goto out;
    }
    char password[1024];
    if (read_password(password, sizeof(password))) {
        fprintf(stderr, "klientas: no password on standard input\n");
        goto out;
    }
    code = EXIT_FAIL;
    if (!(db = cli_open_db(cfg, 1)))
        goto out;
    struct principal op;
    struct kl_error err = {0};
    principal_system(&op);
    struct user_input in = {.login = login,
                            .name = name,
                            .role = role,
                            .password = password,
                            .lang = config_get(cfg, "lang")};
    const char *dept = config_get(cfg, "department");
    /* Check the user's own fields first, so that a refused user leaves no new department
     * behind. */
    if (!role_parse(role)) {
        kl_error_set(&err, KL_EINVAL, "role", "err.role", NULL);
        cli_error(&err);
        code = EXIT_USAGE;
        goto out;
    }
    if (auth_check_password_policy("password", password, &err)) {
        cli_error(&err);
        code = EXIT_USAGE;
        goto out;
    }
    if (dept) {
        struct department d;
        if (departments_ensure(db, &a, &op, dept, &d, &err)) {
            cli_error(&err);
            goto out;
        }
        in.has_department = 1;
        in.department_id = d.id;
    }
    struct user u;
    if (users_create(db, &a, &op, &in, &u, &err)) {
        cli_error(&err);
        code = err.code == KL_EINVAL ? EXIT_USAGE : EXIT_FAIL;
        goto out;
    }
    printf("user %lld %s (%s) created\n", (long long)u.id, u.login, u.role);
    code = EXIT_OK;
out:
    db_close(db);
    arena_release(&a);
    config_free(cfg);
    return code;
}
