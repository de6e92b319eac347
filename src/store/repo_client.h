/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * repo_client.h - clients and contacts tables (store).
 *
 * The editable columns of a client are described once, in client_columns[]: the name
 * (also the JSON name), the kind and the offset in struct client. Inserts, updates, reads,
 * JSON encoding and the audit diff all walk that table. A NULL text is SQL NULL; a NULL
 * integer is CLIENT_NULL.
 */
#ifndef KL_REPO_CLIENT_H
#define KL_REPO_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/db.h"

#define CLIENT_NULL INT64_MIN

struct client {
    int64_t id;
    /* editable */
    const char *name, *company_code, *vat_code, *country, *type, *segment, *status;
    int64_t owner_id; /* 0 = none */
    const char *industry, *source, *city, *address, *delivery_address, *email, *phone, *website,
        *price_type;
    int64_t payment_terms_days, credit_limit_amount; /* CLIENT_NULL = none */
    const char *credit_limit_currency, *contract_terms, *notes;
    int64_t negotiate_soon; /* 0 or 1: on the list to negotiate with soon (R13) */
    /* maintained by the domain */
    const char *name_key;
    int64_t issued_at, issue_seconds, merged_into_id, deleted_at, deleted_by, created_by;
    int64_t version, created_at, updated_at;
    /* maintained by the store with each activity (read only here; 0 = never) */
    int64_t last_contact_at;
};

enum column_kind { COL_TEXT, COL_INT, COL_ID, COL_BOOL };

struct column {
    const char *name;
    enum column_kind kind;
    size_t offset;
};

/* The editable columns, ended by {NULL}. */
extern const struct column client_columns[];

#define COL_TEXT_AT(c, col) (*(const char **)((char *)(c) + (col)->offset))
#define COL_INT_AT(c, col)  (*(int64_t *)((char *)(c) + (col)->offset))

/* Visibility of clients to a caller, as the domain decides it. */
struct client_scope {
    int all;               /* director, admin */
    int none;              /* logistics */
    int64_t department_id; /* head: owners in this department (or none-owned in it) */
    int64_t owner_ids[16]; /* manager: himself and those he substitutes */
    int n_owners;
};

/* Append the scope as " AND (...)" on unqualified clients columns, with its bindings. */
struct buf;
void repo_client_scope_sql(const struct client_scope *s, struct buf *where, int64_t *binds,
                           int *nb);

int repo_client_get(struct db *db, struct arena *a, int64_t id, struct client *out);
/* 1 when the client is within scope (whatever its deleted state), 0 when not. */
int repo_client_in_scope(struct db *db, const struct client_scope *scope, const struct client *c,
                         int *visible);
/* Insert c (id, version, times set). KL_ECONFLICT: company code taken (*dup_id gets the
 * live client with it). */
int repo_client_insert(struct db *db, struct client *c, int64_t *dup_id);
/* Write every column of c where version = expected; KL_ESTALE when moved on,
 * KL_ECONFLICT on a company code taken (*dup_id). */
int repo_client_update(struct db *db, struct client *c, int64_t expected_version, int64_t *dup_id);
/* The live client with this country and company code, or KL_ENOTFOUND. */
int repo_client_find_code(struct db *db, const char *country, const char *code, int64_t *id);
/* Live clients whose name_key equals key (near duplicates), at most max ids. */
int repo_client_find_name_key(struct db *db, const char *key, int64_t except_id, int64_t *ids,
                              int max, int *n);

struct client_filter {
    const char *type, *segment, *status, *city, *industry;
    int64_t owner_id;
    int deleted;      /* 1: only soft-deleted clients (for restoring) */
    const char *sort; /* "name", "-name", "created", "-created", "updated", "-updated" */
    /* keyset cursor: the sort value and id of the last row seen */
    int has_cursor;
    const char *after_text;
    int64_t after_int;
    int64_t after_id;
    int64_t *only_ids; /* search results: restrict to these ids (NULL: no restriction) */
    int n_only;
};

int repo_client_list(struct db *db, struct arena *a, const struct client_scope *scope,
                     const struct client_filter *f, int limit, struct client **out, int *n);

struct contact {
    int64_t id, client_id;
    const char *name, *position;
    int decision_maker;
    const char *phones, *emails; /* JSON arrays as text */
    const char *birthday, *lang, *notes;
    int64_t deleted_at, version, created_at, updated_at;
};

int repo_contact_get(struct db *db, struct arena *a, int64_t id, struct contact *out);
int repo_contact_insert(struct db *db, struct contact *c);
int repo_contact_update(struct db *db, struct contact *c, int64_t expected_version);
/* Live contacts of a client, ordered by decision makers first, then name. */
int repo_contact_list(struct db *db, struct arena *a, int64_t client_id, struct contact **out,
                      int *n);
/* The live contacts of several clients, by client id (as repo_contact_list orders each),
 * in a statement per 32 clients. */
int repo_contact_list_many(struct db *db, struct arena *a, const int64_t *client_ids, int n,
                           struct contact **out, int *count);
/* Move every contact of from_id to to_id (merge). */
int repo_contact_move(struct db *db, int64_t from_id, int64_t to_id);
/* Number of live contacts of a client that have a phone or an e-mail. */
int repo_contact_count_reachable(struct db *db, int64_t client_id, int64_t *n);

#endif
