/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_backup.c - klientas backup --out FILE (cli): a consistent copy of a SQLite database
 * through the online backup API (safe while the server writes). PostgreSQL has pg_dump.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

int db_sqlite_backup(struct db *db, const char *dest_path, char *errbuf, size_t errsz);

static const struct cli_option opts[] = {
    {"db", 1, "database URL (default var/klientas.db)"},
    {"out", 1, "the backup file to write (must not exist)"},
    {NULL, 0, NULL},
};

int cmd_backup(int argc, char **argv)
{
    struct config *cfg = cli_config_new();
    struct db *db = NULL;
    int code = EXIT_FAIL;
    if (cli_parse(argc, argv, "klientas backup --out FILE [--db URL]", opts, cfg, &code))
        goto out;
    const char *dest = config_get(cfg, "out");
    code = EXIT_USAGE;
    if (!dest) {
        fprintf(stderr, "klientas: --out FILE is required\n");
        goto out;
    }
    code = EXIT_FAIL;
    if (db_url_is_pg(config_get(cfg, "db"))) {
        fprintf(stderr,
                "klientas: for PostgreSQL use its own tool, which makes a consistent "
                "dump while the server runs:\n  pg_dump --format=custom --file=%s '%s'\n"
                "and pg_restore to restore it.\n",
                dest, config_get(cfg, "db"));
        goto out;
    }
    if (access(dest, F_OK) == 0) {
        fprintf(stderr, "klientas: %s exists; refusing to overwrite it\n", dest);
        goto out;
    }
    if (!(db = cli_open_db(cfg, 0)))
        goto out;
    char msg[256] = "";
    if (db_sqlite_backup(db, dest, msg, sizeof(msg))) {
        fprintf(stderr, "klientas: backup failed: %s\n", msg);
        unlink(dest);
        goto out;
    }
    printf("backup written to %s\n", dest);
    code = EXIT_OK;
out:
    db_close(db);
    config_free(cfg);
    return code;
}
