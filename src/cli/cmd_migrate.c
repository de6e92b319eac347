/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cmd_migrate.c - klientas migrate (cli): apply pending migrations, each in a transaction. */
#include <stdio.h>

#include "cli.h"

static const struct cli_option opts[] = {
    {"db", 1, "database URL (default var/klientas.db)"},
    {NULL, 0, NULL},
};

int cmd_migrate(int argc, char **argv)
{
    struct config *cfg = cli_config_new();
    int code = EXIT_FAIL, applied = 0, version = 0;
    struct kl_error err = {0};
    if (cli_parse(argc, argv, "klientas migrate [--db URL]", opts, cfg, &code))
        goto out;
    code = EXIT_FAIL;
    struct db *db = cli_open_db(cfg, 0);
    if (!db)
        goto out;
    if (db_migrate(db, &applied, &err)) {
        cli_error(&err);
    } else {
        db_schema_version(db, &version);
        printf("applied %d migration(s); schema version %d\n", applied, version);
        code = EXIT_OK;
    }
    db_close(db);
out:
    config_free(cfg);
    return code;
}
