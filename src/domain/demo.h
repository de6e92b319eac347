/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * demo.h - realistic demo and benchmark data (domain): Lithuanian and Russian company and
 * person names with diacritics, all segments, statuses and types, valid company and VAT
 * codes and phone numbers. Deterministic for a given seed.
 */
#ifndef KL_DEMO_H
#define KL_DEMO_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "store/db.h"

struct demo_rng {
    uint64_t s;
};

void demo_rng_init(struct demo_rng *r, uint64_t seed);
uint64_t demo_rng_next(struct demo_rng *r);

/* A client card as the API takes it (type given), number n makes the company code unique.
 * A new reference. */
json_t *demo_client_json(struct demo_rng *r, const char *type, long n);
/* A contact of a client (Lithuanian or Russian person). A new reference. */
json_t *demo_contact_json(struct demo_rng *r, int russian);

/* Create count clients owned by owner_id through the domain (validated, audited, indexed),
 * each with 1-3 contacts. Returns 0 or a kl_err with err filled. */
int demo_fill_clients(struct db *db, const struct principal *who, int64_t owner_id,
                      const char *type, int count, long first_number, struct demo_rng *r,
                      struct kl_error *err);

/* A working history for owner_id's clients: 0-3 earlier activities each (calls, offers by
 * e-mail and phone, meetings), on the past 70 days before today in working hours, so that
 * the call list, the quota bars and the timelines of a new demo look lived in. Returns 0
 * or KL_EDB. */
int demo_fill_history(struct db *db, int64_t owner_id, int64_t now, struct demo_rng *r);

#endif
