/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* search.c - full-text search over clients and their contacts (domain). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "search.h"

#include "lib/fold.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/repo_misc.h"

/* Turn folded text into words of letters and digits separated by single spaces; every
 * other character (spaces, ASCII and typographic punctuation like „ “ « ») separates. */
static void append_words(struct buf *b, const char *folded)
{
    const uint8_t *p = (const uint8_t *)folded, *end = p + strlen(folded);
    int in_word = 0;
    while (p < end) {
        ucs4_t c;
        int len = u8_mbtouc(&c, p, (size_t)(end - p));
        if (len <= 0)
            break;
        if (uc_is_alnum(c)) {
            if (!in_word && b->len && b->data[b->len - 1] != ' ')
                buf_putc(b, ' ');
            buf_append(b, p, (size_t)len);
            in_word = 1;
        } else {
            in_word = 0;
        }
        p += len;
    }
}

void search_text_append(struct buf *b, const char *s)
{
    if (!s || !*s)
        return;
    struct buf f = BUF_INIT;
    fold_append(&f, s);
    if (f.data)
        append_words(b, f.data);
    buf_release(&f);
}

static void append_phone(struct buf *b, const char *phone)
{
    char digits[32];
    size_t k = 0;
    for (const char *p = phone; *p && k < sizeof(digits) - 1; p++)
        if (*p >= '0' && *p <= '9')
            digits[k++] = *p;
    digits[k] = '\0';
    if (k < 3)
        return;
    buf_printf(b, " %s", digits);
    if (k > 8)
        buf_printf(b, " %s", digits + k - 8);
    if (k == 11 && !strncmp(digits, "370", 3))
        buf_printf(b, " 8%s", digits + 3);
}

json_t *json_array_from_text(const char *s)
{
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    if (!json_is_array(j)) {
        json_decref(j);
        return json_array();
    }
    return j;
}

static void append_json_phones(struct buf *b, const char *json_array)
{
    json_t *arr = json_array_from_text(json_array);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) append_phone(b, json_string_value(v) ? json_string_value(v) : "");
    json_decref(arr);
}

static void append_json_strings(struct buf *b, const char *json_array)
{
    json_t *arr = json_array_from_text(json_array);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        buf_putc(b, ' ');
        search_text_append(b, json_string_value(v));
    }
    json_decref(arr);
}

static int index_client(struct db *db, struct arena *a, int64_t client_id, int is_new,
                        const struct client *known);

int search_reindex_client(struct db *db, struct arena *a, int64_t client_id)
{
    return index_client(db, a, client_id, 0, NULL);
}

int search_index_new_client(struct db *db, struct arena *a, int64_t client_id,
                            const struct client *known)
{
    return index_client(db, a, client_id, 1, known);
}

/* The search text of a card and its live contacts. */
static void client_text(struct buf *b, const struct client *c, const struct contact *contacts,
                        int n)
{
    const char *fields[] = {
        c->name,  c->company_code, c->vat_code, c->city, c->address, c->delivery_address,
        c->email, c->website,      c->industry, c->notes};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        buf_putc(b, ' ');
        search_text_append(b, fields[i]);
    }
    if (c->phone)
        append_phone(b, c->phone);
    /* The owner as a word of its own ("ownr17"): a scoped search intersects the query with
     * the owners' words inside the index instead of filtering every match afterwards. */
    if (c->owner_id)
        buf_printf(b, " %s%lld", SEARCH_OWNER_WORD, (long long)c->owner_id);
    for (int i = 0; i < n; i++) {
        buf_putc(b, ' ');
        search_text_append(b, contacts[i].name);
        buf_putc(b, ' ');
        search_text_append(b, contacts[i].position);
        append_json_strings(b, contacts[i].emails);
        append_json_phones(b, contacts[i].phones);
    }
}

/* Append every word of b once more, qualified by the owner
 * ("o17xzalgiris"; db_dialect.search_owner_words). The owner's own word is left out. */
static void append_owner_words(struct buf *b, int64_t owner_id)
{
    size_t end = b->len;
    char prefix[32];
    int pl = snprintf(prefix, sizeof(prefix), " " SEARCH_OWNER_PREFIX "%lldx", (long long)owner_id);
    for (size_t p = 0; p < end;) {
        while (p < end && b->data[p] == ' ')
            p++;
        size_t w = p;
        while (p < end && b->data[p] != ' ')
            p++;
        if (p == w || !strncmp(b->data + w, SEARCH_OWNER_WORD, strlen(SEARCH_OWNER_WORD)))
            continue;
        buf_grow(b, (size_t)pl + (p - w)); /* first: the word is copied from b itself */
        buf_append(b, prefix, (size_t)pl);
        buf_append(b, b->data + w, p - w);
    }
}

static int store_text(struct db *db, int64_t client_id, int is_new, const char *text)
{
    int rc = 0;
    /* A new client has no text yet: skipping the delete keeps FTS5 from flushing its
     * pending inserts (a bulk import writes many new clients in one transaction). */
    if (db->dialect->search_clear && !is_new)
        rc = db_execf(db, NULL, db->dialect->search_clear, "i", client_id);
    if (!rc)
        rc = db_execf(db, NULL, db->dialect->search_store, "it", client_id, text);
    return rc;
}

struct batch_entry {
    int64_t client_id;
    size_t seq; /* the order noted, among the entries of one client */
    int is_new; /* the client was created in this transaction: it has no text yet */
    char *text; /* the text, for a card noted as written; NULL: read it at the flush */
};

struct search_batch {
    struct batch_entry *v;
    size_t n, cap;
};

struct search_batch *search_batch_new(void)
{
    return xcalloc(1, sizeof(struct search_batch));
}

static void batch_clear(struct search_batch *b)
{
    while (b->n)
        free(b->v[--b->n].text);
}

void search_batch_free(struct search_batch *b)
{
    if (!b)
        return;
    batch_clear(b);
    free(b->v);
    free(b);
}

static void batch_note(struct search_batch *b, int64_t client_id, int is_new, char *text)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 1024;
        b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
    }
    b->v[b->n] = (struct batch_entry){client_id, b->n, is_new, text};
    b->n++;
}

static int entry_cmp(const void *x, const void *y)
{
    const struct batch_entry *a = x, *b = y;
    if (a->client_id != b->client_id)
        return a->client_id < b->client_id ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Texts stored many to a statement (db_dialect.search_store_batch): a round trip for each
 * SEARCH_STORE_BATCH clients instead of one each. */
#define SEARCH_STORE_BATCH 500

struct store_many {
    struct buf ids, texts;
    int n;
};

static int store_many_send(struct db *db, struct store_many *m)
{
    if (!m->n)
        return 0;
    buf_putc(&m->ids, '}');
    buf_putc(&m->texts, '}');
    int rc = db_execf(db, NULL, db->dialect->search_store_batch, "tt", m->ids.data, m->texts.data);
    buf_reset(&m->ids);
    buf_reset(&m->texts);
    m->n = 0;
    return rc;
}

static int store_many_add(struct db *db, struct store_many *m, int64_t client_id, const char *text)
{
    buf_puts(&m->ids, m->n ? "," : "{");
    buf_printf(&m->ids, "%lld", (long long)client_id);
    buf_puts(&m->texts, m->n ? ",\"" : "{\"");
    for (const char *p = text; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_putc(&m->texts, '\\');
        buf_putc(&m->texts, *p);
    }
    buf_putc(&m->texts, '"');
    return ++m->n == SEARCH_STORE_BATCH ? store_many_send(db, m) : 0;
}

int search_batch_flush(struct db *db, struct search_batch *b)
{
    int rc = 0;
    struct store_many many = {BUF_INIT, BUF_INIT, 0};
    if (!b->n)
        return 0; /* (no qsort of a NULL array) */
    qsort(b->v, b->n, sizeof(*b->v), entry_cmp);
    for (size_t i = 0; i < b->n && !rc;) {
        size_t j = i;
        int is_new = 0, have_text = 1;
        for (; j < b->n && b->v[j].client_id == b->v[i].client_id; j++) {
            is_new |= b->v[j].is_new;
            have_text &= b->v[j].text != NULL;
        }
        /* One write a client: its last text when every change noted one (a new card without
         * contacts), else the text read afresh (contacts added, a card changed). */
        if (have_text && db->dialect->search_store_batch) {
            rc = store_many_add(db, &many, b->v[i].client_id, b->v[j - 1].text);
        } else if (have_text) {
            rc = store_text(db, b->v[i].client_id, is_new, b->v[j - 1].text);
        } else {
            struct arena a;
            arena_init(&a);
            rc = index_client(db, &a, b->v[i].client_id, is_new, NULL);
            arena_release(&a);
        }
        i = j;
    }
    if (!rc)
        rc = store_many_send(db, &many);
    buf_release(&many.ids);
    buf_release(&many.texts);
    batch_clear(b);
    return rc;
}

static int index_client(struct db *db, struct arena *a, int64_t client_id, int is_new,
                        const struct client *known)
{
    struct client c;
    struct contact *contacts = NULL;
    int n = 0, rc;
    if (db->search_batch && !known) {
        batch_note(db->search_batch, client_id, is_new, NULL);
        return 0;
    }
    if (known) {
        c = *known; /* a card just written, with no contacts yet */
    } else if ((rc = repo_client_get(db, a, client_id, &c)) ||
               (rc = repo_contact_list(db, a, client_id, &contacts, &n))) {
        return rc;
    }
    struct buf b = BUF_INIT;
    if (!c.deleted_at) {
        client_text(&b, &c, contacts, n);
        if (db->dialect->search_owner_words && c.owner_id)
            append_owner_words(&b, c.owner_id);
    }
    if (db->search_batch) {
        batch_note(db->search_batch, client_id, is_new, b.data ? b.data : xstrdup(""));
        return 0;
    }
    rc = store_text(db, client_id, is_new, b.data ? b.data : "");
    buf_release(&b);
    return rc;
}

int search_query_words(struct arena *a, const char *q, const char **words, int max)
{
    struct buf b = BUF_INIT;
    int n = 0;
    /* A query that is mostly a phone number searches its digits as one word. */
    size_t digits = 0, other = 0;
    for (const char *p = q; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" +-()./", *p))
            other++;
    }
    if (digits >= 5 && !other) {
        char *d = fold_digits(a, q);
        /* 00 is the international prefix: 00370... is +370...; the Lithuanian national
         * form 8 6xx xxxxx is indexed as it is. */
        if (!strncmp(d, "00", 2) && strlen(d) > 6)
            d += 2;
        words[n++] = d;
        return n;
    }
    search_text_append(&b, q);
    char *s = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    char *save = NULL;
    for (char *tok = strtok_r(s, " ", &save); tok && n < max; tok = strtok_r(NULL, " ", &save))
        words[n++] = tok;
    return n;
}

/* How well a client's folded name answers the query words: 3 when the name begins with
 * the first word and every word starts a word of the name, 2 when every word starts a word
 * of the name, 1 when the match is elsewhere (codes, contacts, notes...). */
static int name_score(const char *name_key, const char **words, int nw)
{
    int all = 1;
    for (int i = 0; i < nw && all; i++) {
        size_t wl = strlen(words[i]);
        int found = 0;
        for (const char *p = name_key; p && *p && !found;) {
            if (!strncmp(p, words[i], wl))
                found = 1;
            p = strchr(p, ' ');
            if (p)
                p++;
        }
        all = found;
    }
    if (!all)
        return 1;
    return !strncmp(name_key, words[0], strlen(words[0])) ? 3 : 2;
}

struct scored {
    int64_t id;
    int score;
    const char *key;
};

static int cmp_scored(const void *pa, const void *pb)
{
    const struct scored *a = pa, *b = pb;
    if (a->score != b->score)
        return b->score - a->score;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->id < b->id ? -1 : a->id > b->id);
}

int search_clients(struct db *db, struct arena *a, const struct client_scope *scope, const char *q,
                   int limit, int64_t **ids, int *n)
{
    const char *words[8];
    int nw = search_query_words(a, q ? q : "", words, 8);
    *n = 0;
    *ids = arena_alloc(a, sizeof(int64_t) * (size_t)(limit > 0 ? limit : 1));
    if (!nw)
        return 0;
    /* The owners in scope, to restrict the match inside the index (the SQL scope below
     * stays the rule; this only makes it cheap). */
    int64_t owners[64];
    int no = 0, complete = !scope->all && !scope->none;
    if (complete) {
        for (int i = 0; i < scope->n_owners && no < 64; i++)
            owners[no++] = scope->owner_ids[i];
        if (scope->department_id) {
            struct db_stmt us;
            if (!db_query(db, &us, "SELECT id FROM users WHERE department_id = ? LIMIT 65", "i",
                          scope->department_id)) {
                while (db_step(&us) == DB_ROW) {
                    if (no < 64)
                        owners[no++] = db_int64(&us, 0);
                    else
                        complete = 0;
                }
                db_finish(&us);
            } else {
                complete = 0;
            }
        }
    }
    int by_owner_words = complete && no && db->dialect->search_owner_words;
    struct buf match = BUF_INIT, sql = BUF_INIT;
    for (int i = 0; i < nw; i++) {
        if (i)
            buf_puts(&match, db->dialect->search_and);
        /* A short word with digits ("3706", a house number, "info1") matches whole words
         * only: as a prefix it would match millions of phone numbers, or the e-mail
         * addresses numbered after it, and take from tens of milliseconds to seconds. */
        size_t wl = strlen(words[i]);
        int short_number = wl < SEARCH_MIN_DIGIT_PREFIX && strpbrk(words[i], "0123456789");
        const char *close = short_number ? db->dialect->term_exact_close : db->dialect->term_close;
        if (!by_owner_words) {
            buf_printf(&match, "%s%s%s", db->dialect->term_open, words[i], close);
            continue;
        }
        buf_putc(&match, '(');
        for (int k = 0; k < no; k++)
            buf_printf(&match, "%s%s" SEARCH_OWNER_PREFIX "%lldx%s%s",
                       k ? db->dialect->search_or : "", db->dialect->term_open,
                       (long long)owners[k], words[i], close);
        buf_putc(&match, ')');
    }
    if (complete && no && !by_owner_words) {
        buf_printf(&match, "%s(", db->dialect->search_and);
        for (int i = 0; i < no; i++) {
            if (i)
                buf_puts(&match, db->dialect->search_or);
            buf_printf(&match, "%s%s%lld%s", db->dialect->term_open, SEARCH_OWNER_WORD,
                       (long long)owners[i], db->dialect->term_exact_close);
        }
        buf_puts(&match, ")");
    }
    /* Candidates come from the index in its own order; they are ranked here, by how well
     * the name answers the query, then alphabetically. Fetching a bounded pool of them keeps
     * a two-letter query on a million clients fast. */
    int pool = limit * 10 < 200 ? 200 : limit * 10 > 2000 ? 2000 : limit * 10;
    int64_t binds[24];
    int nb = 0;
    buf_puts(&sql, db->dialect->search_from);
    buf_puts(&sql, " AND clients.deleted_at IS NULL");
    repo_client_scope_sql(scope, &sql, binds, &nb);
    buf_puts(&sql, " LIMIT ?");
    struct db_stmt st;
    struct scored *cand = arena_alloc(a, sizeof(*cand) * (size_t)pool);
    int nc = 0;
    int rc = db_prepare(db, &st, sql.data);
    int idx = 1;
    if (!rc)
        rc = db_bind_text(&st, idx++, match.data);
    for (int i = 0; !rc && i < nb; i++)
        rc = db_bind_int64(&st, idx++, binds[i]);
    if (!rc)
        rc = db_bind_int64(&st, idx++, pool);
    if (!rc) {
        while ((rc = db_step(&st)) == DB_ROW && nc < pool) {
            cand[nc].id = db_int64(&st, 0);
            cand[nc].key = arena_strdup(a, db_text(&st, 1));
            cand[nc].score = name_score(cand[nc].key ? cand[nc].key : "", words, nw);
            nc++;
        }
        rc = rc < 0 ? rc : 0;
    }
    if (st.impl)
        db_finish(&st);
    if (nc > 1)
        qsort(cand, (size_t)nc, sizeof(*cand), cmp_scored);
    for (int i = 0; !rc && i < nc && *n < limit; i++)
        (*ids)[(*n)++] = cand[i].id;
    buf_release(&match);
    buf_release(&sql);
    return rc;
}

/* The words' version as stored: the dialects with owner words have more of them. */
static const char *search_version(const struct db *db)
{
    return db->dialect->search_owner_words ? SEARCH_VERSION "o" : SEARCH_VERSION;
}

int search_set_current(struct db *db)
{
    int rc = db_begin(db);
    if (!rc)
        rc = repo_setting_set(db, "search_version", search_version(db));
    if (rc || (rc = db_commit(db)))
        db_rollback(db);
    return rc;
}

int search_ensure_current(struct db *db, int *reindexed)
{
    struct arena a;
    const char *have = NULL;
    int rc, n = 0;
    *reindexed = 0;
    arena_init(&a);
    if ((rc = repo_setting_get(db, &a, "search_version", &have)))
        goto out;
    if (have && !strcmp(have, search_version(db)))
        goto out;
    /* The words of the search text changed: rewrite every client's text, in batches. */
    int64_t last = 0;
    for (;;) {
        int64_t ids[1000];
        int k = 0;
        struct db_stmt st;
        if ((rc = db_query(db, &st, "SELECT id FROM clients WHERE id > ? ORDER BY id LIMIT 1000",
                           "i", last)))
            goto out;
        while (db_step(&st) == DB_ROW && k < 1000)
            ids[k++] = db_int64(&st, 0);
        db_finish(&st);
        if (!k)
            break;
        if ((rc = db_begin(db)))
            goto out;
        for (int i = 0; i < k && !rc; i++) {
            struct arena b;
            arena_init(&b);
            rc = search_reindex_client(db, &b, ids[i]);
            arena_release(&b);
        }
        if (rc || (rc = db_commit(db))) {
            db_rollback(db);
            goto out;
        }
        n += k;
        last = ids[k - 1];
    }
    rc = search_set_current(db);
    *reindexed = n;
out:
    arena_release(&a);
    return rc;
}
