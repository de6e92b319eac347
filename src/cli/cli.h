/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cli.h - the command-line interface (cli): one file per command, each a thin caller of
 * the domain. Exit codes: 0 ok, 1 failure, 2 usage error.
 *
 * Settings: built-in defaults < --config FILE (`key = value`) < KLIENTAS_<KEY> environment
 * variables < flags. Keys: db, listen, web_root, threads, connection_timeout,
 * cookie_secure, smtp_url.
 */
#ifndef KL_CLI_H
#define KL_CLI_H

#include "lib/config.h"
#include "store/db.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_option {
    const char *name; /* long name without dashes, also the config key ('-' -> '_') */
    int has_arg;
    const char *help;
};

/*
 * Parse argv (after the command words) against opts; flags go into cfg (overriding the
 * file and environment). Handles --help (prints usage, returns 1 with *exit_code 0) and
 * --config. Returns 0 to go on, 1 to stop with *exit_code.
 */
int cli_parse(int argc, char **argv, const char *usage, const struct cli_option *opts,
              struct config *cfg, int *exit_code);
/* A config with the defaults applied. */
struct config *cli_config_new(void);
/* Open and migrate the database named by cfg "db"; prints the error and returns NULL. */
struct db *cli_open_db(struct config *cfg, int migrate);
/* Print an error (rendered in English) to stderr. */
void cli_error(const struct kl_error *err);

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
