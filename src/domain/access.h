/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * access.h - roles and the acting principal (domain).
 *
 * Roles are bits so that a route or a rule can name a set of them. The principal is who
 * acts: the signed-in user of a request, or the operator of a CLI command (user_id 0,
 * role ROLE_SYSTEM, which may do anything and is audited as "system").
 */
#ifndef KL_ACCESS_H
#define KL_ACCESS_H

#include <stdint.h>

#include "lib/i18n.h"

enum role {
    ROLE_MANAGER = 1 << 0,
    ROLE_HEAD = 1 << 1,
    ROLE_DIRECTOR = 1 << 2,
    ROLE_LOGISTICS = 1 << 3,
    ROLE_ADMIN = 1 << 4,
    ROLE_SYSTEM = 1 << 5, /* the CLI operator; never stored */
};

#define ROLES_ALL  (ROLE_MANAGER | ROLE_HEAD | ROLE_DIRECTOR | ROLE_LOGISTICS | ROLE_ADMIN)
#define ROLE_COUNT 5

/* "manager" -> ROLE_MANAGER, ...; 0 when unknown. */
int role_parse(const char *name);
/* ROLE_MANAGER -> "manager"; "system" for ROLE_SYSTEM. */
const char *role_name(int role);
/* The i-th stored role (0 <= i < ROLE_COUNT). */
int role_at(int i);

struct principal {
    int64_t user_id; /* 0 for the CLI operator */
    int role;
    int64_t department_id; /* 0 when none */
    enum lang lang;
    const char *login;
    const char *name;
    const char *tz;
    int64_t session_id; /* cookie session, or 0 */
    int64_t token_id;   /* bearer token, or 0 */
    const char *csrf_token;
    const char *request_id; /* for the audit log; may be NULL */
};

/* The principal of CLI commands. */
void principal_system(struct principal *p);

#endif
