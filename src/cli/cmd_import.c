/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_import.c - klientas import (cli): `import clients FILE` (CSV of clients and their
 * contacts) and `import contacts FILE --client-id N` (vCard), through the same domain
 * import as the API (domain/transfer.c): one transaction, all or nothing, a dry run that
 * reports every bad row. Acts as the system operator, or as the user named by --login
 * (his access rules apply). FILE "-" reads standard input.
 *
 * Prints the report (English); exit 0 when imported (or a dry run found nothing wrong),
 * 1 when the file was refused or the import failed, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#include "domain/transfer.h"

static const struct cli_option opts[] = {
    {"db", 1, "database URL (default var/klientas.db)"},
    {"dry-run", 0, "check every row and report, write nothing"},
    {"login", 1, "act as this user (default: the system operator)"},
    {"delimiter", 1, "CSV: ',' ';' or 'tab' (default: detected from the header line)"},
    {"mapping", 1, "CSV: JSON object of column header to field, e.g. '{\"Firma\":\"name\"}'"},
    {"client-id", 1, "vCard: the client the contacts belong to"},
    {NULL, 0, NULL},
};

static const char *usage_text = "klientas import clients FILE [--dry-run] [--login L] "
                                "[--delimiter ;] [--mapping JSON] [--db URL]\n"
                                "       klientas import contacts FILE --client-id N "
                                "[--dry-run] [--login L] [--db URL]";

static int cmd_import_read(const char *path, struct buf *out)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char chunk[65536];
    size_t n;
    if (!f)
        return -1;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(out, chunk, n);
    int rc = ferror(f) ? -1 : 0;
    if (f != stdin)
        fclose(f);
    return rc;
}

static int cmd_import_delimiter(const char *s, char *out)
{
    *out = 0;
    if (!s)
        return 0;
    if (!strcmp(s, ",") || !strcmp(s, "comma"))
        *out = ',';
    else if (!strcmp(s, ";") || !strcmp(s, "semicolon"))
        *out = ';';
    else if (!strcmp(s, "\t") || !strcmp(s, "tab"))
        *out = '\t';
    else
        return -1;
    return 0;
}

static void cmd_import_print(const struct transfer_report *rep, const char *what)
{
    json_t *j = transfer_report_to_json(rep, LANG_EN), *e;
    size_t i;
    printf("%ld %s: %ld created, %ld updated, %ld unchanged", rep->rows, what, rep->created,
           rep->updated, rep->unchanged);
    if (!strcmp(what, "rows"))
        printf("; contacts: %ld created, %ld updated", rep->contacts_created,
               rep->contacts_updated);
    printf("\n");
    for (int k = 0; k < rep->n_ignored; k++)
        printf("column ignored (no field has this name): %s\n", rep->ignored_columns[k]);
    json_array_foreach(json_object_get(j, "errors"), i, e)
    {
        /* The message names the column; the field it was taken for follows. */
        const char *col = json_string_value(json_object_get(e, "column"));
        const char *field = json_string_value(json_object_get(e, "field"));
        printf("line %lld: %s", (long long)json_integer_value(json_object_get(e, "line")),
               json_string_value(json_object_get(e, "message")));
        if (col && field && strcmp(col, field))
            printf(" [%s]", field);
        printf("\n");
    }
    if (rep->error_count > rep->n_issues)
        printf("... and %ld more\n", rep->error_count - rep->n_issues);
    if (rep->dry_run && !rep->error_count)
        printf("dry run: nothing was written\n");
    json_decref(j);
}

int cmd_import(int argc, char **argv)
{
    int contacts = argc >= 1 && !strcmp(argv[0], "contacts");
    if (argc < 1 || (strcmp(argv[0], "clients") && !contacts)) {
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
    struct buf data = BUF_INIT;
    struct transfer_report rep;
    struct kl_error err = {0};
    struct principal who;
    json_t *mapping = NULL;
    int code = EXIT_USAGE;
    arena_init(&a);
    principal_system(&who);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: %s\n", usage_text);
        code = EXIT_OK;
        goto out;
    }
    if (argc < 2 || !strncmp(argv[1], "--", 2)) {
        fprintf(stderr, "klientas: FILE is required\nusage: %s\n", usage_text);
        goto out;
    }
    const char *path = argv[1];
    if (cli_parse(argc - 2, argv + 2, usage_text, opts, cfg, &code))
        goto out;
    code = EXIT_USAGE;
    struct transfer_csv_options opt = {.dry_run = config_get(cfg, "dry_run") != NULL};
    if (cmd_import_delimiter(config_get(cfg, "delimiter"), &opt.delimiter)) {
        fprintf(stderr, "klientas: --delimiter must be ',', ';' or 'tab'\n");
        goto out;
    }
    const char *map = config_get(cfg, "mapping");
    if (map)
        mapping = json_loads(map, JSON_REJECT_DUPLICATES, NULL);
    if (map && !json_is_object(mapping)) {
        fprintf(stderr, "klientas: --mapping must be a JSON object like '{\"Firma\":\"name\"}'\n");
        goto out;
    }
    opt.mapping = mapping;
    const char *cid = config_get(cfg, "client_id");
    char *end = NULL;
    long long client_id = cid ? strtoll(cid, &end, 10) : 0;
    if (contacts && (!cid || *end || client_id <= 0)) {
        fprintf(stderr, "klientas: --client-id N (a positive id) is required for contacts\n");
        goto out;
    }
    code = EXIT_FAIL;
    if (cmd_import_read(path, &data)) {
        fprintf(stderr, "klientas: cannot read %s\n", path);
        goto out;
    }
    if (!(db = cli_open_db(cfg, 1)))
        goto out;
    const char *login = config_get(cfg, "login");
    if (login && transfer_principal_for_login(db, &a, login, &who, &err)) {
        cli_error(&err);
        goto out;
    }
    who.lang = LANG_EN;
    int rc = contacts
                 ? transfer_import_contacts_vcard(db, &a, &who, client_id, data.data, data.len,
                                                  opt.dry_run, &rep, &err)
                 : transfer_import_clients_csv(db, &a, &who, data.data, data.len, &opt, &rep, &err);
    if (!rc || rc == KL_EINVAL)
        cmd_import_print(&rep, contacts ? "cards" : "rows");
    if (rc) {
        cli_error(&err);
        goto out;
    }
    code = EXIT_OK;
out:
    json_decref(mapping);
    buf_release(&data);
    db_close(db);
    arena_release(&a);
    config_free(cfg);
    return code;
}
