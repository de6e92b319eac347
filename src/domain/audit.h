/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * audit.h - the audit trail (domain): every change is recorded in the same transaction as
 * the change itself, with who, when, the entity, the action and the before/after JSON.
 */
#ifndef KL_AUDIT_H
#define KL_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"
#include "store/db.h"
#include "store/repo_audit.h"

/* Record a change; before/after may be NULL (create/delete). Does not steal references. */
int audit_record(struct db *db, const struct principal *who, const char *entity, int64_t entity_id,
                 const char *action, json_t *before, json_t *after);

/* The same, filed under a client (its history shows the change). */
int audit_record_client(struct db *db, const struct principal *who, const char *entity,
                        int64_t entity_id, int64_t client_id, const char *action, json_t *before,
                        json_t *after);

/* Who may read the audit log: admins and the director (R34: disclosure is accountable). */
int audit_may_read(const struct principal *who);

int audit_list(struct db *db, struct arena *a, const struct principal *who, const char *entity,
               int64_t entity_id, int64_t before_id, int limit, struct audit_entry **out, int *n,
               struct kl_error *err);

#endif
