/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli.c - option parsing, settings and database opening shared by the commands (cli). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#include "lib/i18n.h"

struct config *cli_config_new(void)
{
    struct config *c = config_new();
    config_default(c, "db", "var/klientas.db");
    config_default(c, "listen", "127.0.0.1:8080");
    config_default(c, "web_root", "web/dist");
    config_default(c, "threads", "4");
    config_default(c, "connection_timeout", "30");
    config_default(c, "cookie_secure", "0");
    config_default(c, "smtp_url", "");
    config_default(c, "smtp_tls", "none");
    config_default(c, "smtp_user", "");
    config_default(c, "smtp_password", "");
    config_default(c, "smtp_from", "klientas@localhost");
    config_default(c, "public_url", "");
    config_default(c, "jobs_tick_ms", "1000");
    config_default(c, "outbox_backoff_s", "10");
    config_default(c, "outbox_give_up_s", "86400");
    return c;
}

void cli_error(const struct kl_error *err)
{
    char msg[512];
    i18n_format(LANG_EN, err->key[0] ? err->key : "err.internal", err->field, err->arg, msg,
                sizeof(msg));
    fprintf(stderr, "klientas: %s\n", msg);
}

static void print_usage(const char *usage, const struct cli_option *opts, FILE *f)
{
    fprintf(f, "usage: %s\n\noptions:\n", usage);
    for (const struct cli_option *o = opts; o && o->name; o++)
        fprintf(f, "  --%-16s %s\n", o->name, o->help);
    fprintf(f, "  --%-16s %s\n", "config FILE", "read settings from FILE (key = value)");
    fprintf(f, "  --%-16s %s\n", "help", "show this help");
}

int cli_parse(int argc, char **argv, const char *usage, const struct cli_option *opts,
              struct config *cfg, int *exit_code)
{
    /* First pass: --config and --help, so that flags override the file. */
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            print_usage(usage, opts, stdout);
            *exit_code = EXIT_OK;
            return 1;
        }
        if (!strcmp(argv[i], "--config") || !strncmp(argv[i], "--config=", 9)) {
            const char *file = argv[i][8] == '=' ? argv[i] + 9 : (i + 1 < argc ? argv[++i] : NULL);
            struct kl_error err = {0};
            if (!file) {
                fprintf(stderr, "klientas: --config needs a file\n");
                *exit_code = EXIT_USAGE;
                return 1;
            }
            if (config_load_file(cfg, file, &err)) {
                cli_error(&err);
                *exit_code = EXIT_USAGE;
                return 1;
            }
        }
    }
    config_load_env(cfg);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--config")) {
            i++;
            continue;
        }
        if (!strncmp(a, "--config=", 9))
            continue;
        if (strncmp(a, "--", 2)) {
            fprintf(stderr, "klientas: unexpected argument '%s'\n", a);
            print_usage(usage, opts, stderr);
            *exit_code = EXIT_USAGE;
            return 1;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const struct cli_option *o = opts;
        while (o && o->name && (strlen(o->name) != nlen || strncmp(o->name, name, nlen)))
            o++;
        if (!o || !o->name) {
            fprintf(stderr, "klientas: unknown option '%s'\n", a);
            print_usage(usage, opts, stderr);
            *exit_code = EXIT_USAGE;
            return 1;
        }
        char key[64];
        snprintf(key, sizeof(key), "%.*s", (int)nlen, name);
        for (char *k = key; *k; k++)
            if (*k == '-')
                *k = '_';
        if (o->has_arg) {
            const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val) {
                fprintf(stderr, "klientas: option '--%s' needs a value\n", o->name);
                *exit_code = EXIT_USAGE;
                return 1;
            }
            config_set(cfg, key, val);
        } else {
            config_set(cfg, key, "1");
        }
    }
    return 0;
}

struct db *cli_open_db(struct config *cfg, int migrate)
{
    struct db *db = NULL;
    struct kl_error err = {0};
    const char *url = config_get(cfg, "db");
    if (db_open(url, &db, &err)) {
        cli_error(&err);
        return NULL;
    }
    if (migrate && db_migrate(db, NULL, &err)) {
        cli_error(&err);
        db_close(db);
        return NULL;
    }
    return db;
}
