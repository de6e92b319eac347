/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* access.c - roles and the acting principal (domain). */
#include <string.h>

#include "access.h"

static const struct {
    int role;
    const char *name;
} roles[] = {
    {ROLE_MANAGER, "manager"},     {ROLE_HEAD, "head"},   {ROLE_DIRECTOR, "director"},
    {ROLE_LOGISTICS, "logistics"}, {ROLE_ADMIN, "admin"},
};

int role_parse(const char *name)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (name && !strcmp(roles[i].name, name))
            return roles[i].role;
    return 0;
}

const char *role_name(int role)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (roles[i].role == role)
            return roles[i].name;
    return "system";
}

int role_at(int i)
{
    return roles[i].role;
}

void principal_system(struct principal *p)
{
    memset(p, 0, sizeof(*p));
    p->role = ROLE_SYSTEM;
    p->lang = LANG_EN;
    p->login = "system";
    p->name = "system";
    p->tz = "Europe/Vilnius";
}
