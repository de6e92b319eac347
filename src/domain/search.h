/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * search.h - full-text search over clients and their contacts (domain, R6).
 *
 * Each client has one search text: its name, codes, city, addresses, e-mail, phone, notes
 * and its live contacts' names, positions, e-mails and phones, folded (lower case, no
 * diacritics; words of letters and digits) and phone numbers added as digit strings (the
 * full number, its last 8 digits and, for Lithuania, the national form 8xxxxxxxx), so that
 * "zalgiris", "ŽALG", "+370 612 34567" and "8 612 34567" all find what they should.
 * A query is folded the same way; every word must match as a prefix of a word. The text is
 * rewritten in the same transaction as every change of the client or its contacts.
 */
#ifndef KL_SEARCH_H
#define KL_SEARCH_H

#include <stdint.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "store/db.h"
#include "store/repo_client.h"

/* The version of the search text's words; a server finding another version in the
 * settings rewrites every client's text at start-up (search_ensure_current). */
#define SEARCH_VERSION "2"
int search_ensure_current(struct db *db, int *reindexed);
/* Record that every client's text is of this version (a generator that wrote them all). */
int search_set_current(struct db *db);

/* Query words with a digit shorter than this match whole words only (search_clients). */
#define SEARCH_MIN_DIGIT_PREFIX 6

/* The word prefix that marks a client's owner in the search text. */
#define SEARCH_OWNER_WORD "ownr"
/* Where the dialect wants them (db_dialect.search_owner_words), every word once more as
 * SEARCH_OWNER_PREFIX <owner id> "x" <word>: "o17xzalgiris". */
#define SEARCH_OWNER_PREFIX "o"

/* Rebuild the search text of a client (inside the caller's transaction). */
int search_reindex_client(struct db *db, struct arena *a, int64_t client_id);
/* The same for a client created in this transaction (it has no text yet); known, when
 * not NULL, is the card as written and the client has no contacts yet (saves two reads). */
int search_index_new_client(struct db *db, struct arena *a, int64_t client_id,
                            const struct client *known);
/*
 * A batch of search-text writes, for a bulk import. With db->search_batch set, the two
 * functions above note the client instead of writing its text; search_batch_flush writes
 * every noted client once, at the end of the import's transaction. Why: SQLite calls FTS5's
 * savepoint method at the start of every statement that keeps a statement journal (an
 * INSERT into clients, with its unique index, does), and FTS5 then flushes its pending
 * words as a segment of their own; writing the index row by row between such statements
 * made one segment a row and spent a quarter of an import's time merging them.
 */
struct search_batch;
struct search_batch *search_batch_new(void);
void search_batch_free(struct search_batch *b);
/* Write the search text of every noted client through db (which must not have the batch
 * set), in the caller's transaction; the batch is empty afterwards. */
int search_batch_flush(struct db *db, struct search_batch *b);

/* The folded words of a query (at most 8), each at least 1 character; *n gets the count. */
int search_query_words(struct arena *a, const char *q, const char **words, int max);
/* Ids of live clients within scope matching q, at most limit, best first. */
int search_clients(struct db *db, struct arena *a, const struct client_scope *scope, const char *q,
                   int limit, int64_t **ids, int *n);
/* A JSON array parsed from stored text (an empty array for NULL or anything else). */
#include <jansson.h>
json_t *json_array_from_text(const char *s);
/* Append to b the folded words of s, space-separated (phones: see above). */
void search_text_append(struct buf *b, const char *s);

#endif
