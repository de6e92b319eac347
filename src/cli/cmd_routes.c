/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cmd_routes.c - klientas routes (cli): the route table, one "METHOD PATH ROLES" a line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#include "api/api.h"
#include "domain/access.h"

int cmd_routes(int argc, char **argv)
{
    if (argc > 0 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        printf("usage: klientas routes\nPrints METHOD PATH ROLES (comma-separated, or "
               "'public') for every API route.\n");
        return EXIT_OK;
    }
    if (argc > 0) {
        fprintf(stderr, "usage: klientas routes\n");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct route *r = &api_routes[i];
        printf("%s %s ", r->method, r->pattern);
        if (!r->roles) {
            printf("public\n");
            continue;
        }
        const char *sep = "";
        for (int k = 0; k < ROLE_COUNT; k++)
            if (r->roles & role_at(k)) {
                printf("%s%s", sep, role_name(role_at(k)));
                sep = ",";
            }
        printf("\n");
    }
    return EXIT_OK;
}
