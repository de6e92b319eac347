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
/* Who works with clients (R34): logistics does not. */
#define SALES (ROLE_MANAGER | ROLE_HEAD | ROLE_DIRECTOR | ROLE_ADMIN)
#define LEADS (ROLE_HEAD | ROLE_DIRECTOR | ROLE_ADMIN)

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
    {"GET", "/api/v1/clients", api_clients_list, SALES, 0, "List and search visible clients"},
    {"POST", "/api/v1/clients", api_clients_create, SALES, 0, "Create a client card"},
    {"GET", "/api/v1/clients/{id}", api_clients_get, SALES, 0, "Get a client card"},
    {"PATCH", "/api/v1/clients/{id}", api_clients_patch, SALES, 0, "Change a client card"},
    {"DELETE", "/api/v1/clients/{id}", api_clients_delete, SALES, 0, "Delete (restorable)"},
    {"POST", "/api/v1/clients/{id}/restore", api_clients_restore, LEADS, 0,
     "Restore a deleted client"},
    {"POST", "/api/v1/clients/{id}/merge", api_clients_merge, LEADS, 0,
     "Merge another client into this one"},
    {"GET", "/api/v1/clients/{id}/history", api_clients_history, SALES, 0,
     "History of a card and its contacts"},
    {"GET", "/api/v1/clients/{id}/contacts", api_contacts_list, SALES, 0, "Contacts of a client"},
    {"POST", "/api/v1/clients/{id}/contacts", api_contacts_create, SALES, 0, "Add a contact"},
    {"GET", "/api/v1/contacts/{id}", api_contacts_get, SALES, 0, "Get a contact"},
    {"PATCH", "/api/v1/contacts/{id}", api_contacts_patch, SALES, 0, "Change a contact"},
    {"DELETE", "/api/v1/contacts/{id}", api_contacts_delete, SALES, 0, "Delete a contact"},
    {"GET", "/api/v1/search", api_search, SALES, 0, "Search clients and contacts"},
    {"GET", "/api/v1/notifications", api_notifications_list, ALL, 0, "Own notifications"},
    {"POST", "/api/v1/notifications/{id}/read", api_notifications_read, ALL, 0,
     "Mark a notification read"},
    {"GET", "/api/v1/settings", api_settings_get, ALL, 0, "Read the settings"},
    {"PATCH", "/api/v1/settings", api_settings_patch, ADMIN, 0, "Change the settings"},
    {"GET", "/api/v1/holidays", api_holidays_list, ALL, 0, "Professional holidays"},
    {"POST", "/api/v1/holidays", api_holidays_create, ADMIN, 0, "Add a professional holiday"},
    {"PATCH", "/api/v1/holidays/{id}", api_holidays_patch, ADMIN, 0,
     "Change a professional holiday"},
    {"DELETE", "/api/v1/holidays/{id}", api_holidays_delete, ADMIN, 0,
     "Delete a professional holiday"},
    {"GET", "/api/v1/team", api_team_list, ALL, 0, "The people the caller works with"},
    {"GET", "/api/v1/me/calendar", api_me_calendar_get, ALL, 0, "Own calendar feed address"},
    {"POST", "/api/v1/me/calendar/reset", api_me_calendar_reset, ALL, 0,
     "Revoke the calendar feed address and make a new one"},
    {"GET", "/calendar/{token}", api_calendar_feed, PUBLIC, 0,
     "Calendar feed (iCalendar); {token} is <token>.ics"},
    {"GET", "/api/v1/activities", api_activities_list, SALES, 0, "Logged activities"},
    {"POST", "/api/v1/activities", api_activities_create, SALES, 0, "Log an activity"},
    {"PATCH", "/api/v1/activities/{id}", api_activities_patch, SALES, 0,
     "Correct or delete an activity"},
    {"GET", "/api/v1/quotas/progress", api_quotas_progress, SALES, 0,
     "Quota targets and counts for a day and its month"},
    {"PUT", "/api/v1/quotas", api_quotas_put, LEADS, 0, "Set a department's or a user's quotas"},
    {"GET", "/api/v1/team/progress", api_team_progress, LEADS, 0,
     "Each manager's progress today and this month"},
    {"GET", "/api/v1/today", api_today, SALES, 0, "The day's call list"},
    {"GET", "/api/v1/tasks", api_tasks_list, SALES, 0, "Tasks"},
    {"POST", "/api/v1/tasks", api_tasks_create, LEADS, 0, "Give a task"},
    {"GET", "/api/v1/tasks/{id}", api_tasks_get, SALES, 0, "Get a task"},
    {"PATCH", "/api/v1/tasks/{id}", api_tasks_patch, SALES, 0, "Complete or change a task"},
    {"GET", "/api/v1/absences", api_absences_list, SALES, 0, "Absences and substitutes"},
    {"POST", "/api/v1/absences", api_absences_create, LEADS, 0,
     "Record an absence and its substitute"},
    {"DELETE", "/api/v1/absences/{id}", api_absences_delete, LEADS, 0, "Cancel an absence"},
    {"GET", "/api/v1/workdays", api_workdays_list, ALL, 0, "The working calendar"},
    {"PUT", "/api/v1/workdays/{day}", api_workdays_put, ADMIN, 0, "Override a day"},
    {"DELETE", "/api/v1/workdays/{day}", api_workdays_delete, ADMIN, 0, "Return a day to the rule"},
    {"GET", "/api/v1/activity-reasons", api_reasons_list, ALL, 0, "Reasons clients get in touch"},
    {"PUT", "/api/v1/activity-reasons/{code}", api_reasons_put, ADMIN, 0, "Add or change a reason"},
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);
