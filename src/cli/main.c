/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * main.c - klientas: a CRM server for B2B account managers (cli). Dispatches the first
 * word of the command line to a command.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#include "lib/log.h"
#include "lib/secret.h"

#ifndef KLIENTAS_VERSION
#define KLIENTAS_VERSION "0.1.0"
#endif

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"serve", cmd_serve, "serve the API and the web application"},
    {"migrate", cmd_migrate, "apply pending database migrations"},
    {"user", cmd_user, "manage users (user add ...)"},
    {"token", cmd_token, "create API tokens (token create ...)"},
    {"demo", cmd_demo, "fill an empty database with the demo trading house"},
    {"backup", cmd_backup, "make a consistent copy of the database"},
    {"routes", cmd_routes, "print the API route table with access rules"},
    {"import", cmd_import, "import clients (CSV) or contacts (vCard)"},
    {"export", cmd_export, "export the clients as CSV, XLSX or vCard"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: klientas <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "  %-10s %s\n", "version", "print the version");
    fprintf(f, "\n'klientas <command> --help' tells the options of a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("klientas %s\n", KLIENTAS_VERSION);
        return EXIT_OK;
    }
    if (secret_init()) {
        fprintf(stderr, "klientas: cannot initialise libsodium\n");
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(cmd, commands[i].name)) {
            if (strcmp(cmd, "serve"))
                log_set_level(LOG_WARN);
            return commands[i].fn(argc - 2, argv + 2);
        }
    fprintf(stderr, "klientas: unknown command '%s'\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
