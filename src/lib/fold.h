/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fold.h - text folding for search and sorting (lib), over libunistring: compatibility
 * decomposition (NFKD), combining marks dropped, lower case. "ŽALGIRIS" and "žalgiris"
 * fold to "zalgiris"; "Иван" to "иван" (Cyrillic keeps its letters: й folds to и).
 */
#ifndef KL_FOLD_H
#define KL_FOLD_H

#include "lib/arena.h"
#include "lib/buf.h"

/* The folded form of UTF-8 s, from the arena; invalid UTF-8 bytes are dropped. */
char *fold_text(struct arena *a, const char *s);
/* Append the folded form of s to b. */
void fold_append(struct buf *b, const char *s);
/* Only the ASCII digits of s, from the arena ("+370 (612) 34-567" -> "37061234567"). */
char *fold_digits(struct arena *a, const char *s);

#endif
