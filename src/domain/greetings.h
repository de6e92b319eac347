/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * greetings.h - birthday and professional-holiday greetings (domain, R14): editable
 * templates in en, lt and ru, and the preview of a greeting for a contact, rendered in the
 * contact's language (else the user's). The manager sends the preview himself through
 * POST /api/v1/emails with kind "greeting" (never automatically), which logs the activity.
 *
 * Placeholders: {contact_name}, {client_name}, {holiday_name}, {sender_name}. Values put
 * into a template lose their control characters, so a name cannot add a line to a subject.
 */
#ifndef KL_GREETINGS_H
#define KL_GREETINGS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "lib/err.h"
#include "store/db.h"
#include "store/repo_outbox.h"

json_t *greetings_template_to_json(const struct greeting_template *t);
int greetings_templates_list(struct db *db, struct arena *a, const struct principal *who,
                             struct greeting_template **out, int *n, struct kl_error *err);
int greetings_template_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                           struct greeting_template *out, struct kl_error *err);
/* Change subject and/or body (admins); members other than those are refused, unknown
 * placeholders too. Audited; KL_ESTALE when if_match is not the current version. */
int greetings_template_update(struct db *db, struct arena *a, const struct principal *who,
                              int64_t id, int64_t if_match, json_t *body,
                              struct greeting_template *out, struct kl_error *err);

/* Replace the placeholders of tmpl (arena string); NULL values render as "". */
struct greetings_values {
    const char *contact_name, *client_name, *holiday_name, *sender_name;
};
char *greetings_render(struct arena *a, const char *tmpl, const struct greetings_values *v);
/* 0 when every {placeholder} in s is known; else KL_EINVAL naming field and placeholder. */
int greetings_check_placeholders(const char *field, const char *s, struct kl_error *err);

/* The greeting for a contact the caller may see: {to, to_name, subject, body, lang, kind,
 * contact_id, client_id, holiday_id (holiday)}. kind "birthday" or "holiday"; for a
 * holiday, holiday_id picks one (0: the next holiday of the client's industry). */
int greetings_preview(struct db *db, struct arena *a, const struct principal *who,
                      int64_t contact_id, const char *kind, int64_t holiday_id, json_t **out,
                      struct kl_error *err);

#endif
