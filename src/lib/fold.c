/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* fold.c - text folding for search and sorting over libunistring (lib). */
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "fold.h"

void fold_append(struct buf *b, const char *s)
{
    if (!s || !*s)
        return;
    size_t n = strlen(s), dlen = 0, llen = 0;
    /* ASCII text is its own NFKD and has no marks: folding it is lowering A-Z (most codes,
     * e-mails, addresses and many names), without three passes and three allocations. */
    size_t ascii = 0;
    while (ascii < n && !((unsigned char)s[ascii] & 0x80))
        ascii++;
    if (ascii == n) {
        size_t at = b->len;
        buf_append(b, s, n);
        for (char *p = b->data + at; p < b->data + b->len; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        return;
    }
    uint8_t *decomposed = u8_normalize(UNINORM_NFKD, (const uint8_t *)s, n, NULL, &dlen);
    if (!decomposed)
        return;
    /* Drop combining marks (the diacritics after NFKD), keep everything else. */
    uint8_t *kept = malloc(dlen + 1);
    size_t k = 0;
    const uint8_t *p = decomposed, *end = decomposed + dlen;
    while (p < end) {
        ucs4_t c;
        int len = u8_mbtoucr(&c, p, (size_t)(end - p));
        if (len < 0) {
            p++;
            continue;
        }
        if (!uc_is_general_category(c, UC_CATEGORY_Mn)) {
            memcpy(kept + k, p, (size_t)len);
            k += (size_t)len;
        }
        p += len;
    }
    uint8_t *lower = u8_tolower(kept, k, NULL, NULL, NULL, &llen);
    if (lower)
        buf_append(b, lower, llen);
    free(lower);
    free(kept);
    free(decomposed);
}

char *fold_text(struct arena *a, const char *s)
{
    struct buf b = BUF_INIT;
    fold_append(&b, s);
    char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_release(&b);
    return out;
}

char *fold_digits(struct arena *a, const char *s)
{
    size_t n = s ? strlen(s) : 0, k = 0;
    char *out = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9')
            out[k++] = s[i];
    out[k] = '\0';
    return out;
}
