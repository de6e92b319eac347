/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cmd_token.c - klientas token create (cli): a bearer token for a user, printed once. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#include "domain/auth.h"
#include "store/repo_user.h"

static const struct cli_option opts[] = {
    {"db", 1, "database URL (default var/klientas.db)"},
    {"login", 1, "whose token"},
    {"name", 1, "what the token is for"},
    {NULL, 0, NULL},
};

static const char *usage_text = "klientas token create --login L --name N";

int cmd_token(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "create")) {
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
    const char *login = config_get(cfg, "login"), *name = config_get(cfg, "name");
    if (!login || !name) {
        fprintf(stderr, "klientas: --login and --name are required\nusage: %s\n", usage_text);
        goto out;
    }
    code = EXIT_FAIL;
    if (!(db = cli_open_db(cfg, 1)))
        goto out;
    struct user u;
    if (repo_user_get_by_login(db, &a, login, &u)) {
        fprintf(stderr, "klientas: no user with login '%s'\n", login);
        goto out;
    }
    struct principal who;
    principal_system(&who);
    who.user_id = u.id; /* the token is the user's; the audit shows him as its creator */
    struct auth_token_out t;
    struct kl_error err = {0};
    if (auth_token_create(db, &who, name, &t, &err)) {
        cli_error(&err);
        goto out;
    }
    printf("%s\n", t.token);
    code = EXIT_OK;
out:
    db_close(db);
    arena_release(&a);
    config_free(cfg);
    return code;
}
