/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* audit.c - the audit trail (domain). */
#include <stdlib.h>

#include "audit.h"

#include "lib/timeutil.h"

int audit_record(struct db *db, const struct principal *who, const char *entity, int64_t entity_id,
                 const char *action, json_t *before, json_t *after)
{
    return audit_record_client(db, who, entity, entity_id, 0, action, before, after);
}

int audit_record_client(struct db *db, const struct principal *who, const char *entity,
                        int64_t entity_id, int64_t client_id, const char *action, json_t *before,
                        json_t *after)
{
    /* Members in the order the domain put them (jansson keeps it): a fixed order, as each
     * entity's *_to_json builds them, without a sort of every object's keys. */
    char *b = before ? json_dumps(before, JSON_COMPACT) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT) : NULL;
    struct audit_entry e = {
        .at = time_now(),
        .user_id = who ? who->user_id : 0,
        .entity = entity,
        .entity_id = entity_id,
        .action = action,
        .before_json = b,
        .after_json = a,
        .request_id = who ? who->request_id : NULL,
        .client_id = client_id,
    };
    int rc = repo_audit_insert(db, &e);
    free(b);
    free(a);
    return rc;
}

int audit_may_read(const struct principal *who)
{
    return (who->role & (ROLE_ADMIN | ROLE_DIRECTOR | ROLE_SYSTEM)) != 0;
}

int audit_list(struct db *db, struct arena *a, const struct principal *who, const char *entity,
               int64_t entity_id, int64_t before_id, int limit, struct audit_entry **out, int *n,
               struct kl_error *err)
{
    if (!audit_may_read(who))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    int rc = repo_audit_list(db, a, entity, entity_id, before_id, limit, out, n);
    return rc ? kl_error_set(err, rc, NULL, "err.db", who->request_id) : 0;
}
