/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * clients.h - the client base (domain, R1-R6, R34): client cards and their contacts,
 * who may see and change them, validation, card issue, the segment rule, duplicates,
 * soft delete and restore, merge, and the history of a card.
 *
 * Access (R34): a manager sees and changes the clients he owns (and, during an absence,
 * those of the manager he substitutes); a head those owned by the users of his department;
 * the director and admins all; logistics none. A client outside the caller's scope is
 * answered as "not found", never "forbidden", so that its existence is not disclosed.
 *
 * Inputs are JSON objects (already parsed): the domain checks names and types of the
 * members itself, because it owns the column table.
 */
#ifndef KL_CLIENTS_H
#define KL_CLIENTS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "store/db.h"
#include "store/repo_client.h"

#define CLIENT_RESTORE_DAYS 90

/* The caller's scope of clients. */
int clients_scope(struct db *db, const struct principal *who, struct client_scope *out);

/* The card as JSON (with "issued", "missing" and "receivables"); a new reference. */
json_t *client_to_json(struct db *db, struct arena *a, const struct client *c);
json_t *contact_to_json(const struct contact *c);

int clients_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                struct client *out, struct kl_error *err);
/* Create; *warnings (new reference, may be an empty array) lists near duplicates; with
 * warnings NULL they are not looked for (the import does not report them). */
int clients_create(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                   struct client *out, json_t **warnings, struct kl_error *err);
int clients_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                   int64_t if_match, json_t *body, struct client *out, struct kl_error *err);
int clients_delete(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                   int64_t if_match, struct kl_error *err);
int clients_restore(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    struct client *out, struct kl_error *err);
/* Merge from_id into id: contacts, history and empty fields move; from_id is retired. */
int clients_merge(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                  int64_t from_id, struct client *out, struct kl_error *err);
int clients_list(struct db *db, struct arena *a, const struct principal *who,
                 struct client_filter *f, const char *q, int limit, struct client **out, int *n,
                 struct kl_error *err);
/* The history of a card and its contacts, newest first: [{at, user_id, entity, entity_id,
 * action, changes: [{field, from, to}]}]. */
int clients_history(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    int64_t before_id, int limit, json_t **out, int64_t *last_id,
                    struct kl_error *err);

int contacts_list(struct db *db, struct arena *a, const struct principal *who, int64_t client_id,
                  struct contact **out, int *n, struct kl_error *err);
int contacts_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                 struct contact *out, struct kl_error *err);
int contacts_create(struct db *db, struct arena *a, const struct principal *who, int64_t client_id,
                    json_t *body, struct contact *out, struct kl_error *err);
int contacts_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    int64_t if_match, json_t *body, struct contact *out, struct kl_error *err);
int contacts_delete(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                    int64_t if_match, struct kl_error *err);

/* Field checks, exposed for import and unit tests. */
int client_check_company_code(const char *country, const char *code, struct kl_error *err);
int client_check_vat_code(const char *country, const char *code, struct kl_error *err);
int client_check_email(const char *field, const char *email, struct kl_error *err);
/* Normalise a phone number to E.164 ("+37061234567") into out[20]; country decides the
 * meaning of a national number (LT: 8 6xx xxxxx or 6xx xxxxx). */
int client_normalize_phone(const char *field, const char *in, const char *country, char *out,
                           struct kl_error *err);
/* The key used to spot near-duplicate names: folded, legal forms (UAB, AB, MB, IĮ, VšĮ,
 * ООО, OÜ, SIA, Ltd, GmbH...) and punctuation dropped. */
char *client_name_key(struct arena *a, const char *name);

#endif
