/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * routes.c - the route table of the API (api): every endpoint with its access rule.
 * `klientas routes` prints this table; the tests hold docs/openapi.yaml to it and walk it
 * with every role.
 */
#include "api.h"

#define ALL    ROLES_ALL
#define ADMIN  ROLE_ADMIN
#define PUBLIC 0

const struct route api_routes[] = {
    {"GET", "/healthz", api_health_get, PUBLIC, 0, "Liveness"},
    {"GET", "/metrics", api_metrics_get, PUBLIC, 0, "Prometheus metrics"},
    {"POST", "/api/v1/session", api_session_create, PUBLIC, 0, "Sign in"},
    {"DELETE", "/api/v1/session", api_session_delete, ALL, 0, "Sign out"},
    {"GET", "/api/v1/me", api_me_get, ALL, 0, "The signed-in user"},
    {"PATCH", "/api/v1/me", api_me_patch, ALL, 0, "Change own name, language, time zone"},
    {"POST", "/api/v1/me/password", api_me_password, ALL, 0, "Change own password"},
    {"GET", "/api/v1/tokens", api_tokens_list, ALL, 0, "Own API tokens"},
    {"POST", "/api/v1/tokens", api_tokens_create, ALL, 0, "Create an API token"},
    {"DELETE", "/api/v1/tokens/{id}", api_tokens_delete, ALL, 0, "Revoke an API token"},
    {"GET", "/api/v1/users", api_users_list, ADMIN, 0, "List users"},
    {"POST", "/api/v1/users", api_users_create, ADMIN, 0, "Create a user"},
    {"GET", "/api/v1/users/{id}", api_users_get, ADMIN, 0, "Get a user"},
    {"PATCH", "/api/v1/users/{id}", api_users_patch, ADMIN, 0, "Change a user"},
    {"GET", "/api/v1/departments", api_departments_list, ADMIN, 0, "List departments"},
    {"POST", "/api/v1/departments", api_departments_create, ADMIN, 0, "Create a department"},
    {"GET", "/api/v1/departments/{id}", api_departments_get, ADMIN, 0, "Get a department"},
    {"PATCH", "/api/v1/departments/{id}", api_departments_patch, ADMIN, 0, "Change a department"},
    {"DELETE", "/api/v1/departments/{id}", api_departments_delete, ADMIN, 0,
     "Delete an empty department"},
    {"GET", "/api/v1/audit", api_audit_list, ADMIN | ROLE_DIRECTOR, 0, "Read the audit trail"},
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);
