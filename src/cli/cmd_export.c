/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_export.c - klientas export clients (cli): the clients the acting user sees (the
 * system operator sees all; --login acts as a user, with his access rules), filtered like
 * the client list, as CSV, XLSX or vCard 4.0 (their contacts), through the same domain
 * export as the API (domain/transfer.c). The export is audited. --out - writes to
 * standard output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#include "domain/transfer.h"

static const struct cli_option opts[] = {
    {"db", 1, "database URL (default var/klientas.db)"},
    {"format", 1, "csv, xlsx or vcf (vCard 4.0 of the clients' contacts)"},
    {"out", 1, "the file to write ('-': standard output)"},
    {"login", 1, "act as this user (default: the system operator)"},
    {"delimiter", 1, "CSV: ';' (default) or ','"},
    {"q", 1, "search text"},
    {"type", 1, "business or retail"},
    {"segment", 1, "small, medium, large or government"},
    {"status", 1, "prospect, active or lost"},
    {"owner-id", 1, "the owning manager's id"},
    {"city", 1, "city"},
    {"industry", 1, "industry"},
    {"sort", 1, "name, -name, created, -created, updated or -updated"},
    {NULL, 0, NULL},
};

static const char *usage_text = "klientas export clients --format csv|xlsx|vcf --out FILE "
                                "[--login L] [--q TEXT] [--type T] [--segment S] [--status S] "
                                "[--owner-id N] [--city C] [--industry I] [--sort S] [--db URL]";

static int cmd_export_write(const char *path, const struct buf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
    if (!f)
        return -1;
    int rc = b->len && fwrite(b->data, 1, b->len, f) != b->len ? -1 : 0;
    if (f != stdout ? fclose(f) : fflush(f))
        rc = -1;
    return rc;
}

int cmd_export(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "clients")) {
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
    struct buf out = BUF_INIT;
    struct kl_error err = {0};
    struct principal who;
    struct transfer_export ex = {0};
    long rows = 0;
    int code = EXIT_FAIL;
    arena_init(&a);
    principal_system(&who);
    if (cli_parse(argc - 1, argv + 1, usage_text, opts, cfg, &code))
        goto out;
    code = EXIT_USAGE;
    const char *path = config_get(cfg, "out"), *format = config_get(cfg, "format");
    int f = transfer_format_parse(format);
    if (!path || !format || f < 0) {
        fprintf(stderr, "klientas: --format csv|xlsx|vcf and --out FILE are required\nusage: %s\n",
                usage_text);
        goto out;
    }
    ex.format = (enum transfer_format)f;
    const char *delim = config_get(cfg, "delimiter");
    if (delim) {
        ex.delimiter = !strcmp(delim, "tab") ? '\t' : delim[0];
        if (strlen(delim) != 1 && strcmp(delim, "tab")) {
            fprintf(stderr, "klientas: --delimiter must be ';' or ','\n");
            goto out;
        }
    }
    const char *owner = config_get(cfg, "owner_id");
    char *end = NULL;
    ex.filter.owner_id = owner ? strtoll(owner, &end, 10) : 0;
    if (owner && (*end || ex.filter.owner_id <= 0)) {
        fprintf(stderr, "klientas: --owner-id must be a positive id\n");
        goto out;
    }
    ex.q = config_get(cfg, "q");
    ex.filter.type = config_get(cfg, "type");
    ex.filter.segment = config_get(cfg, "segment");
    ex.filter.status = config_get(cfg, "status");
    ex.filter.city = config_get(cfg, "city");
    ex.filter.industry = config_get(cfg, "industry");
    ex.filter.sort = config_get(cfg, "sort");
    code = EXIT_FAIL;
    if (!(db = cli_open_db(cfg, 1)))
        goto out;
    const char *login = config_get(cfg, "login");
    if (login && transfer_principal_for_login(db, &a, login, &who, &err)) {
        cli_error(&err);
        goto out;
    }
    who.lang = LANG_EN;
    if (transfer_export_clients(db, &a, &who, &ex, &out, &rows, &err)) {
        cli_error(&err);
        goto out;
    }
    if (cmd_export_write(path, &out)) {
        fprintf(stderr, "klientas: cannot write %s\n", path);
        goto out;
    }
    fprintf(strcmp(path, "-") ? stdout : stderr, "exported %ld %s to %s\n", rows,
            ex.format == TRANSFER_VCF ? "contacts" : "clients", path);
    code = EXIT_OK;
out:
    buf_release(&out);
    db_close(db);
    arena_release(&a);
    config_free(cfg);
    return code;
}
