/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* repo_audit.h - the append-only audit log (store). Written inside the caller's transaction. */
#ifndef KL_REPO_AUDIT_H
#define KL_REPO_AUDIT_H

#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

struct audit_entry {
    int64_t id;
    int64_t at;
    int64_t user_id; /* 0 for the system */
    const char *entity;
    int64_t entity_id;
    const char *action;
    const char *before_json; /* NULL when none */
    const char *after_json;
    const char *request_id;
    int64_t client_id; /* the client the change belongs to, 0 when none */
};

int repo_audit_insert(struct db *db, const struct audit_entry *e);
/* Entries filtered by entity (NULL: any) and entity_id (0: any), newest first, with
 * id < before_id (0: from the newest). */
/* Entries of a client and its contacts, newest first. */
int repo_audit_list_client(struct db *db, struct arena *a, int64_t client_id, int64_t before_id,
                           int limit, struct audit_entry **out, int *n);
/* Re-file the history of a merged client under the client it was merged into. */
int repo_audit_move_client(struct db *db, int64_t from_id, int64_t to_id);
int repo_audit_list(struct db *db, struct arena *a, const char *entity, int64_t entity_id,
                    int64_t before_id, int limit, struct audit_entry **out, int *n);

#endif
