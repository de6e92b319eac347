/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * outbox.c - e-mail through a durable outbox (domain): checks, the message format
 * (RFC 5322 headers, RFC 2047 encoded-words, quoted-printable bodies), queueing with the
 * activity and audit in one transaction, the delivery rules and the job rows.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "outbox.h"

#include "domain/audit.h"
#include "domain/clients.h"
#include "domain/daily.h"
#include "lib/i18n.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "lib/timeutil.h"

struct outbox_settings outbox_settings = {
    .smtp_from = "klientas@localhost",
    .public_url = "",
    .backoff_s = 10,
    .give_up_s = 86400,
};

#define LINE_MAX_CHARS 78 /* the recommended header line length */
#define QP_LINE_MAX    76

static int db_fail(const struct principal *who, struct kl_error *err)
{
    return kl_error_set(err, KL_EDB, NULL, "err.db", who ? who->request_id : NULL);
}

/* ---- checks ---- */

size_t outbox_utf8_len(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

int outbox_check_to(const char *field, const char *addr, struct kl_error *err)
{
    int rc = client_check_email(field, addr, err);
    if (rc)
        return rc;
    /* Without SMTPUTF8 an envelope address is ASCII. */
    for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
        if (*p >= 0x7F)
            return kl_error_set(err, KL_EINVAL, field, "err.email", NULL);
    return 0;
}

int outbox_check_subject(const char *field, const char *s, struct kl_error *err)
{
    size_t n = outbox_utf8_len(s);
    if (n < 1)
        return kl_error_set(err, KL_EINVAL, field, "err.too_short", "1");
    if (n > OUTBOX_SUBJECT_MAX)
        return kl_error_setf(err, KL_EINVAL, field, "err.too_long", "%d", OUTBOX_SUBJECT_MAX);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return kl_error_set(err, KL_EINVAL, field, "err.control_chars", NULL);
    return 0;
}

int outbox_check_body(const char *field, const char *s, size_t len, struct kl_error *err)
{
    if (strlen(s) != len)
        return kl_error_set(err, KL_EINVAL, field, "err.control_chars", NULL);
    size_t n = outbox_utf8_len(s);
    if (n < 1)
        return kl_error_set(err, KL_EINVAL, field, "err.too_short", "1");
    if (n > OUTBOX_BODY_MAX)
        return kl_error_setf(err, KL_EINVAL, field, "err.too_long", "%d", OUTBOX_BODY_MAX);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n') || *p == 0x7F)
            return kl_error_set(err, KL_EINVAL, field, "err.control_chars", NULL);
    return 0;
}

char *outbox_clean_text(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    char *out = arena_strdup(a, s);
    for (unsigned char *p = (unsigned char *)out; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            *p = ' ';
    char *start = out;
    while (*start == ' ')
        start++;
    size_t n = strlen(start);
    while (n && start[n - 1] == ' ')
        start[--n] = '\0';
    return start;
}

void outbox_parse_mailbox(struct arena *a, const char *s, const char **name, const char **addr)
{
    const char *lt = strrchr(s, '<');
    size_t n = strlen(s);
    *name = NULL;
    while (n && s[n - 1] == ' ')
        n--;
    if (lt && n && s[n - 1] == '>') {
        *addr = arena_strndup(a, lt + 1, (size_t)(s + n - 1 - (lt + 1)));
        char *nm = arena_strndup(a, s, (size_t)(lt - s));
        nm = outbox_clean_text(a, nm);
        size_t k = strlen(nm);
        if (k >= 2 && nm[0] == '"' && nm[k - 1] == '"') {
            nm[k - 1] = '\0';
            nm++;
        }
        *name = *nm ? nm : NULL;
    } else {
        *addr = outbox_clean_text(a, s);
    }
}

/* ---- headers ---- */

static int plain_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p >= 0x7F)
            return 0;
    return !strstr(s, "=?");
}

/* Bytes of the UTF-8 character at p (1 for a stray byte), never past the end. */
static size_t utf8_char(const unsigned char *p)
{
    size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return i;
    return n;
}

void outbox_encoded_words(struct buf *out, const char *text, size_t *col)
{
    static const char open[] = "=?UTF-8?B?", close[] = "?=";
    const size_t overhead = sizeof(open) - 1 + sizeof(close) - 1; /* 12 */
    const unsigned char *p = (const unsigned char *)text;
    size_t c = *col;
    while (*p) {
        /* Room for at least two base64 quads on this line, else fold. */
        if (c + 1 + overhead + 8 > LINE_MAX_CHARS) {
            buf_puts(out, "\r\n");
            c = 0;
        }
        size_t avail = LINE_MAX_CHARS - c - 1 - overhead;
        if (avail > 75 - overhead)
            avail = 75 - overhead; /* an encoded-word is at most 75 characters */
        size_t maxraw = avail / 4 * 3, n = 0;
        while (p[n]) {
            size_t k = utf8_char(p + n);
            if (n + k > maxraw)
                break;
            n += k;
        }
        char b64[80];
        sodium_bin2base64(b64, sizeof(b64), p, n, sodium_base64_VARIANT_ORIGINAL);
        buf_putc(out, ' ');
        buf_puts(out, open);
        buf_puts(out, b64);
        buf_puts(out, close);
        c += 1 + overhead + strlen(b64);
        p += n;
    }
    *col = c;
}

/* Append " token", folding before it when the line would pass 78 characters. */
static void header_token(struct buf *out, size_t *col, size_t min_col, const char *tok, size_t n)
{
    if (*col + 1 + n > LINE_MAX_CHARS && *col > min_col) {
        buf_puts(out, "\r\n");
        *col = 0;
    }
    buf_putc(out, ' ');
    buf_append(out, tok, n);
    *col += 1 + n;
}

void outbox_header_text(struct buf *out, const char *field, const char *text)
{
    size_t col = strlen(field) + 1;
    buf_puts(out, field);
    buf_putc(out, ':');
    if (plain_ascii(text)) {
        /* Fold before the spaces between words; unfolding gives the text back. */
        const char *p = text;
        int first = 1;
        while (*p) {
            const char *w = p;
            if (!first)
                w++; /* the space the fold goes before */
            const char *e = strchr(w, ' ');
            size_t n = e ? (size_t)(e - w) : strlen(w);
            if (first) {
                header_token(out, &col, col, w, n);
                first = 0;
            } else {
                if (col + 1 + n > LINE_MAX_CHARS) {
                    buf_puts(out, "\r\n");
                    col = 0;
                }
                buf_putc(out, ' ');
                buf_append(out, w, n);
                col += 1 + n;
            }
            p = w + n;
        }
        if (first)
            buf_putc(out, ' ');
    } else {
        outbox_encoded_words(out, text, &col);
    }
    buf_puts(out, "\r\n");
}

void outbox_header_mailbox(struct buf *out, const char *field, const char *display,
                           const char *addr)
{
    struct arena a;
    arena_init(&a);
    size_t col = strlen(field) + 1, min_col = col;
    buf_puts(out, field);
    buf_putc(out, ':');
    const char *name = display ? outbox_clean_text(&a, display) : NULL;
    if (name && *name) {
        if (plain_ascii(name) && strlen(name) <= 60) {
            struct buf q = BUF_INIT;
            buf_putc(&q, '"');
            for (const char *p = name; *p; p++) {
                if (*p == '"' || *p == '\\')
                    buf_putc(&q, '\\');
                buf_putc(&q, *p);
            }
            buf_putc(&q, '"');
            header_token(out, &col, min_col, q.data, q.len);
            buf_release(&q);
        } else {
            outbox_encoded_words(out, name, &col);
        }
    }
    char *angle = arena_printf(&a, "<%s>", addr);
    header_token(out, &col, min_col, angle, strlen(angle));
    buf_puts(out, "\r\n");
    arena_release(&a);
}

/* ---- body ---- */

void outbox_quoted_printable(struct buf *out, const char *body)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)body;
    size_t col = 0;
    int line_start = 1;
    while (*p) {
        if (*p == '\r' || *p == '\n') {
            if (p[0] == '\r' && p[1] == '\n')
                p++;
            p++;
            buf_puts(out, "\r\n");
            col = 0;
            line_start = 1;
            continue;
        }
        unsigned c = *p;
        int eol = p[1] == '\0' || p[1] == '\r' || p[1] == '\n';
        int literal;
        if (c == ' ' || c == '\t')
            literal = !eol; /* trailing white space would be lost in transport */
        else
            literal = c >= 33 && c <= 126 && c != '=' && !(line_start && c == '.') &&
                      !(line_start && !strncmp((const char *)p, "From ", 5));
        char tok[3];
        size_t n = 1;
        if (literal) {
            tok[0] = (char)c;
        } else {
            tok[0] = '=';
            tok[1] = hex[c >> 4];
            tok[2] = hex[c & 15];
            n = 3;
        }
        /* A soft line break ("=") keeps every line within 76 characters. */
        if (col + n > QP_LINE_MAX - 1) {
            buf_puts(out, "=\r\n");
            col = 0;
        }
        buf_append(out, tok, n);
        col += n;
        line_start = 0;
        p++;
    }
    if (!out->len || out->data[out->len - 1] != '\n')
        buf_puts(out, "\r\n");
}

void outbox_date(int64_t t, char out[static 32])
{
    static const char *days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    time_t tt = (time_t)t;
    gmtime_r(&tt, &tm);
    snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], (tm.tm_year + 1900) % 10000, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

char *outbox_message_id(struct arena *a, int64_t id, const char *smtp_from)
{
    const char *name, *addr;
    char rnd[17];
    outbox_parse_mailbox(a, smtp_from ? smtp_from : "", &name, &addr);
    const char *at = strrchr(addr, '@');
    char host[128];
    size_t n = 0;
    for (const char *p = at ? at + 1 : ""; *p && n < sizeof(host) - 1; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '.' || *p == '-')
            host[n++] = *p;
    host[n] = '\0';
    secret_hex8(rnd);
    return arena_printf(a, "<outbox-%lld-%s@%s>", (long long)id, rnd, n ? host : "localhost");
}

void outbox_build(struct buf *out, const struct outbox_mail *m)
{
    struct arena a;
    char date[32];
    const char *from_name, *from_addr;
    arena_init(&a);
    outbox_parse_mailbox(&a, m->from ? m->from : "", &from_name, &from_addr);
    outbox_header_mailbox(out, "From", from_name, from_addr);
    outbox_header_mailbox(out, "To", m->to_name, m->to_addr);
    if (m->reply_to_addr && *m->reply_to_addr)
        outbox_header_mailbox(out, "Reply-To", m->reply_to_name, m->reply_to_addr);
    outbox_header_text(out, "Subject", outbox_clean_text(&a, m->subject));
    outbox_date(m->date, date);
    buf_printf(out, "Date: %s\r\n", date);
    buf_printf(out, "Message-ID: %s\r\n", m->message_id);
    buf_puts(out, "MIME-Version: 1.0\r\n");
    buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n");
    buf_puts(out, "Content-Transfer-Encoding: quoted-printable\r\n");
    if (m->auto_submitted)
        buf_puts(out, "Auto-Submitted: auto-generated\r\n");
    buf_puts(out, "\r\n");
    outbox_quoted_printable(out, m->body ? m->body : "");
    arena_release(&a);
}

void outbox_mail_of(const struct outbox_row *r, struct outbox_mail *m)
{
    memset(m, 0, sizeof(*m));
    m->from = outbox_settings.smtp_from;
    m->to_addr = r->to_addr;
    m->to_name = r->to_name;
    m->reply_to_addr = r->reply_to_addr;
    m->reply_to_name = r->reply_to_name;
    m->subject = r->subject;
    m->body = r->body;
    m->message_id = r->message_id;
    m->date = r->created_at;
    m->auto_submitted = r->user_id == 0;
}

int64_t outbox_backoff(int64_t base_s, int64_t attempts)
{
    static const int64_t mult[] = {1, 3, 6, 30, 90, 180, 360};
    const int64_t n = (int64_t)(sizeof(mult) / sizeof(mult[0]));
    int64_t i = attempts < 1 ? 0 : attempts > n ? n - 1 : attempts - 1;
    if (base_s < 1)
        base_s = 1;
    int64_t d = base_s * mult[i];
    return d > 3600 ? 3600 : d;
}

/* ---- queueing ---- */

int outbox_queue(struct db *db, struct arena *a, struct outbox_row *r, int64_t now)
{
    char rnd[17];
    secret_hex8(rnd);
    /* A unique placeholder until the id is known. */
    r->message_id = arena_printf(a, "<pending-%s-%lld>", rnd, (long long)now);
    r->next_attempt_at = now;
    r->queued_at = now;
    r->created_at = now;
    int rc = repo_outbox_insert(db, r);
    if (rc)
        return rc;
    r->message_id = outbox_message_id(a, r->id, outbox_settings.smtp_from);
    return repo_outbox_set_message_id(db, r->id, r->message_id);
}

static const char *kind_activity(const char *kind)
{
    if (!kind || !strcmp(kind, "email"))
        return "email";
    if (!strcmp(kind, "greeting"))
        return "greeting";
    if (!strcmp(kind, "offer_email"))
        return "offer_email";
    return NULL;
}

int outbox_send(struct db *db, struct arena *a, const struct principal *who,
                const struct outbox_input *in, struct outbox_row *out, struct kl_error *err)
{
    struct outbox_row r = {0};
    struct client c;
    int rc;
    const char *type = kind_activity(in->kind);

    if (!in->to)
        return kl_error_set(err, KL_EINVAL, "to", "err.required", NULL);
    if ((rc = outbox_check_to("to", in->to, err)))
        return rc;
    if (!in->subject)
        return kl_error_set(err, KL_EINVAL, "subject", "err.required", NULL);
    if ((rc = outbox_check_subject("subject", in->subject, err)))
        return rc;
    if (!in->body)
        return kl_error_set(err, KL_EINVAL, "body", "err.required", NULL);
    if ((rc = outbox_check_body("body", in->body, in->body_len, err)))
        return rc;
    if (!type)
        return kl_error_set(err, KL_EINVAL, "kind", "err.email_kind", NULL);
    if (!in->client_id)
        return kl_error_set(err, KL_EINVAL, "client_id", "err.required", NULL);
    if (who->role & ROLE_LOGISTICS)
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);

    if (db_begin(db))
        return db_fail(who, err);
    if ((rc = clients_get(db, a, who, in->client_id, &c, err)))
        goto fail;
    r.to_addr = in->to;
    if (in->contact_id) {
        struct contact k;
        rc = repo_contact_get(db, a, in->contact_id, &k);
        if (rc == KL_ENOTFOUND || (!rc && (k.deleted_at || k.client_id != c.id))) {
            rc = kl_error_set(err, KL_EINVAL, "contact_id", "err.contact_client", NULL);
            goto fail;
        }
        if (rc) {
            rc = db_fail(who, err);
            goto fail;
        }
        r.to_name = outbox_clean_text(a, k.name);
    }
    if (who->user_id) {
        struct outbox_user u;
        if (!repo_outbox_user_get(db, a, who->user_id, &u) && u.email) {
            r.reply_to_addr = u.email;
            r.reply_to_name = u.name;
        }
    }
    r.subject = in->subject;
    r.body = in->body;
    r.client_id = c.id;
    r.contact_id = in->contact_id;
    r.user_id = who->user_id;
    r.activity_type = type;
    int64_t now = time_now();
    /* The activity the message stands for (R7), logged with it. */
    struct activity x = {.client_id = c.id,
                         .contact_id = in->contact_id,
                         .user_id = who->user_id,
                         .type = type,
                         .direction = "out",
                         .notes = in->subject,
                         .at = now,
                         .duration_s = -1};
    if ((rc = outbox_queue(db, a, &r, now)) || (rc = repo_activity_insert(db, &x)) ||
        (rc = repo_outbox_set_activity(db, r.id, x.id))) {
        rc = db_fail(who, err);
        goto fail;
    }
    r.activity_id = x.id;
    json_t *act = activity_to_json(&x);
    rc = audit_record_client(db, who, "activity", x.id, c.id, "create", NULL, act);
    json_decref(act);
    json_t *after = json_pack("{s:s, s:s?, s:s, s:s, s:s, s:I}", "to", r.to_addr, "to_name",
                              r.to_name, "subject", r.subject, "kind", type, "message_id",
                              r.message_id, "activity_id", (json_int_t)x.id);
    if (!rc)
        rc = audit_record_client(db, who, "email", r.id, c.id, "queue", NULL, after);
    json_decref(after);
    if (rc || db_commit(db)) {
        rc = db_fail(who, err);
        goto fail;
    }
    *out = r;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

static void set_time(json_t *o, const char *key, int64_t t)
{
    char iso[21];
    if (!t) {
        json_object_set_new(o, key, json_null());
        return;
    }
    time_iso(t, iso);
    json_object_set_new(o, key, json_string(iso));
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer((json_int_t)id) : json_null();
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *outbox_to_json(const struct outbox_row *r, int with_body)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)r->id));
    json_object_set_new(o, "to", json_string(r->to_addr));
    json_object_set_new(o, "to_name", str_or_null(r->to_name));
    json_object_set_new(o, "reply_to", str_or_null(r->reply_to_addr));
    json_object_set_new(o, "subject", json_string(r->subject));
    if (with_body)
        json_object_set_new(o, "body", str_or_null(r->body));
    json_object_set_new(o, "client_id", id_or_null(r->client_id));
    json_object_set_new(o, "contact_id", id_or_null(r->contact_id));
    json_object_set_new(o, "user_id", id_or_null(r->user_id));
    json_object_set_new(o, "kind", str_or_null(r->activity_type ? r->activity_type : "system"));
    json_object_set_new(o, "activity_id", id_or_null(r->activity_id));
    json_object_set_new(o, "message_id", json_string(r->message_id));
    json_object_set_new(o, "status", json_string(r->status));
    json_object_set_new(o, "attempts", json_integer((json_int_t)r->attempts));
    set_time(o, "next_attempt_at",
             !strcmp(r->status, "queued") || !strcmp(r->status, "sending") ? r->next_attempt_at
                                                                           : 0);
    json_object_set_new(o, "last_error", str_or_null(r->last_error));
    set_time(o, "queued_at", r->queued_at);
    set_time(o, "sent_at", r->sent_at);
    json_object_set_new(o, "version", json_integer((json_int_t)r->version));
    set_time(o, "created_at", r->created_at);
    set_time(o, "updated_at", r->updated_at);
    return o;
}

static int may_admin(const struct principal *who, struct kl_error *err)
{
    if (who->role & (ROLE_ADMIN | ROLE_SYSTEM))
        return 0;
    return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
}

int outbox_list(struct db *db, struct arena *a, const struct principal *who, const char *status,
                int64_t before_id, int limit, struct outbox_row **out, int *n, struct kl_error *err)
{
    int rc = may_admin(who, err);
    if (rc)
        return rc;
    if (status && strcmp(status, "queued") && strcmp(status, "sending") && strcmp(status, "sent") &&
        strcmp(status, "failed"))
        return kl_error_set(err, KL_EINVAL, "status", "err.outbox_status", NULL);
    if (repo_outbox_list(db, a, status, before_id, limit, out, n))
        return db_fail(who, err);
    return 0;
}

int outbox_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
               struct outbox_row *out, struct kl_error *err)
{
    int rc = may_admin(who, err);
    if (rc)
        return rc;
    rc = repo_outbox_get(db, a, id, out);
    if (rc == KL_ENOTFOUND)
        return kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "message");
    return rc ? db_fail(who, err) : 0;
}

int outbox_retry(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                 struct outbox_row *out, struct kl_error *err)
{
    int rc = may_admin(who, err);
    if (rc)
        return rc;
    if (db_begin(db))
        return db_fail(who, err);
    rc = repo_outbox_retry(db, id, time_now());
    if (rc == KL_ENOTFOUND) {
        rc = kl_error_set(err, KL_ENOTFOUND, "id", "err.not_found", "message");
        goto fail;
    }
    if (rc == KL_ECONFLICT) {
        rc = kl_error_set(err, KL_ECONFLICT, "status", "err.outbox_not_failed", NULL);
        goto fail;
    }
    if (rc || (rc = repo_outbox_get(db, a, id, out))) {
        rc = db_fail(who, err);
        goto fail;
    }
    json_t *before = json_pack("{s:s}", "status", "failed");
    json_t *after = json_pack("{s:s}", "status", "queued");
    rc = audit_record(db, who, "email", id, "retry", before, after);
    json_decref(before);
    json_decref(after);
    if (rc || db_commit(db)) {
        rc = db_fail(who, err);
        goto fail;
    }
    return 0;
fail:
    db_rollback(db);
    return rc;
}

/* ---- delivery ---- */

int outbox_due(struct db *db, int64_t now, int *due)
{
    return repo_outbox_due(db, now, now - OUTBOX_STALE_S, due);
}

int outbox_claim(struct db *db, struct arena *a, const char *node, int64_t now, int limit,
                 struct outbox_row **out, int *n)
{
    int64_t stale = 0;
    int rc = db_begin(db);
    if (rc)
        return rc;
    if ((rc = repo_outbox_release_stale(db, now - OUTBOX_STALE_S, now, &stale)) ||
        (rc = repo_outbox_claim(db, a, node, now, limit, out, n)) || (rc = db_commit(db))) {
        db_rollback(db);
        return rc;
    }
    if (stale)
        log_kv(LOG_WARN, "outbox: stale claims returned to the queue", "rows", 'i',
               (long long)stale, NULL);
    return 0;
}

int outbox_attempt(struct db *db, struct outbox_row *r, const char *node, int64_t now)
{
    int rc = repo_outbox_attempt(db, r->id, node, now);
    if (!rc)
        r->attempts++;
    return rc;
}

int outbox_delivered(struct db *db, const struct outbox_row *r, const char *node, int64_t now)
{
    return repo_outbox_finish(db, r->id, node, "sent", r->next_attempt_at, NULL, now);
}

int outbox_attempt_failed(struct db *db, const struct outbox_row *r, const char *node, int64_t now,
                          int permanent, const char *error, int *final)
{
    char msg[OUTBOX_ERROR_MAX + 64];
    int give_up = !permanent && now - r->queued_at >= outbox_settings.give_up_s;
    *final = permanent || give_up;
    if (give_up)
        snprintf(msg, sizeof(msg), "gave up after %lld attempts: %.*s", (long long)r->attempts,
                 OUTBOX_ERROR_MAX, error);
    else
        snprintf(msg, sizeof(msg), "%.*s", OUTBOX_ERROR_MAX, error);
    int64_t next = *final ? now : now + outbox_backoff(outbox_settings.backoff_s, r->attempts);
    return repo_outbox_finish(db, r->id, node, *final ? "failed" : "queued", next, msg, now);
}

int outbox_release(struct db *db, const struct outbox_row *r, const char *node, int64_t next_at)
{
    return repo_outbox_finish(db, r->id, node, "queued", next_at, NULL, next_at);
}

/* ---- the morning digest ---- */

/* One line of the digest per reason of a call-list item. */
static void digest_reason(struct buf *b, enum lang l, json_t *reason)
{
    const char *code = json_string_value(json_object_get(reason, "code"));
    const char *arg = json_string_value(json_object_get(reason, "title"));
    if (!arg)
        arg = json_string_value(json_object_get(reason, "contact_name"));
    if (!arg)
        arg = json_string_value(json_object_get(reason, "holiday"));
    if (!arg)
        arg = json_string_value(json_object_get(reason, "due_at"));
    if (!arg)
        arg = json_string_value(json_object_get(reason, "last_contact_at"));
    char key[64], line[512];
    snprintf(key, sizeof(key), "digest.reason.%s", code ? code : "");
    if (strcmp(i18n_get(l, key), key))
        i18n_format(l, key, NULL, arg ? arg : "", line, sizeof(line));
    else /* a reason this build does not know: its code */
        snprintf(line, sizeof(line), "%s%s%s", code ? code : "?", arg ? ": " : "", arg ? arg : "");
    buf_printf(b, "   - %s\n", line);
}

/* The text of the digest from the call list (domain/daily.h today_list). */
static void digest_text(struct buf *b, enum lang l, const struct outbox_user *u, json_t *list)
{
    char line[512];
    json_t *items = json_object_get(list, "items"), *tasks = json_object_get(list, "tasks");
    size_t total = json_array_size(items);
    i18n_format(l, "digest.greeting", NULL, u->name ? u->name : "", line, sizeof(line));
    buf_printf(b, "%s\n\n", line);
    if (!total && !json_array_size(tasks))
        buf_printf(b, "%s\n\n", i18n_get(l, "digest.nothing"));
    if (total) {
        char n[24];
        snprintf(n, sizeof(n), "%zu", total);
        i18n_format(l, "digest.count", NULL, n, line, sizeof(line));
        buf_printf(b, "%s\n\n", line);
    }
    for (size_t i = 0; i < total && i < OUTBOX_DIGEST_ITEMS; i++) {
        json_t *it = json_array_get(items, i), *r;
        const char *contact = json_string_value(json_object_get(it, "contact_name"));
        const char *phone = json_string_value(json_object_get(it, "phone"));
        size_t k;
        buf_printf(b, "%zu. %s", i + 1, json_string_value(json_object_get(it, "client_name")));
        if (contact)
            buf_printf(b, ", %s", contact);
        if (phone)
            buf_printf(b, ", %s", phone);
        buf_putc(b, '\n');
        json_array_foreach(json_object_get(it, "reasons"), k, r) digest_reason(b, l, r);
    }
    if (total > OUTBOX_DIGEST_ITEMS) {
        char n[24];
        snprintf(n, sizeof(n), "%zu", total - OUTBOX_DIGEST_ITEMS);
        i18n_format(l, "digest.more", NULL, n, line, sizeof(line));
        buf_printf(b, "%s\n", line);
    }
    if (json_array_size(tasks)) {
        json_t *t;
        size_t k;
        buf_printf(b, "\n%s\n", i18n_get(l, "digest.tasks"));
        json_array_foreach(tasks, k, t) digest_reason(b, l, t);
    }
    if (outbox_settings.public_url && *outbox_settings.public_url) {
        i18n_format(l, "digest.open", NULL, outbox_settings.public_url, line, sizeof(line));
        buf_printf(b, "\n%s\n", line);
    }
}

int outbox_digest_users(struct db *db, struct arena *a, struct outbox_user **out, int *n)
{
    return repo_outbox_digest_users(db, a, out, n);
}

int outbox_digest_queue(struct db *db, struct arena *a, const struct outbox_user *u,
                        const char *day, int64_t now, int *queued)
{
    struct principal sys;
    struct kl_error err = {0};
    json_t *list = NULL;
    int taken = 0, rc;
    int l = i18n_lang_parse(u->lang);
    enum lang lang = l < 0 ? LANG_LT : (enum lang)l;
    *queued = 0;
    principal_system(&sys);
    if ((rc = db_begin(db)))
        return rc;
    if ((rc = repo_outbox_digest_take(db, u->id, day, now, &taken)) || !taken)
        goto out;
    if ((rc = today_list(db, a, &sys, u->id, &list, &err)))
        goto out;
    struct buf body = BUF_INIT;
    char subject[256];
    digest_text(&body, lang, u, list);
    i18n_format(lang, "digest.subject", NULL, day, subject, sizeof(subject));
    struct outbox_row r = {0};
    r.to_addr = u->email;
    r.to_name = u->name;
    r.subject = arena_strdup(a, subject);
    r.body = arena_strdup(a, body.data);
    buf_release(&body);
    if ((rc = outbox_queue(db, a, &r, now)) ||
        (rc = repo_outbox_digest_set_outbox(db, u->id, day, r.id)))
        goto out;
    if ((rc = db_commit(db)))
        goto out;
    *queued = 1;
out:
    json_decref(list);
    db_rollback(db);
    return rc;
}

static json_t *digest_json(const struct outbox_user *u)
{
    return json_pack("{s:b, s:o}", "enabled", u->digest, "email", str_or_null(u->email));
}

int outbox_digest_get(struct db *db, struct arena *a, const struct principal *who, json_t **out,
                      struct kl_error *err)
{
    struct outbox_user u;
    int rc = repo_outbox_user_get(db, a, who->user_id, &u);
    if (rc == KL_ENOTFOUND)
        return kl_error_set(err, KL_ENOTFOUND, NULL, "err.not_found", "user");
    if (rc)
        return db_fail(who, err);
    *out = digest_json(&u);
    return 0;
}

int outbox_digest_set(struct db *db, struct arena *a, const struct principal *who, int enabled,
                      int has_email, const char *email, json_t **out, struct kl_error *err)
{
    struct outbox_user u;
    int rc;
    if (has_email && email && (rc = outbox_check_to("email", email, err)))
        return rc;
    if (db_begin(db))
        return db_fail(who, err);
    rc = repo_outbox_user_get(db, a, who->user_id, &u);
    if (rc) {
        rc = rc == KL_ENOTFOUND ? kl_error_set(err, KL_ENOTFOUND, NULL, "err.not_found", "user")
                                : db_fail(who, err);
        goto fail;
    }
    json_t *before = digest_json(&u);
    const char *new_email = has_email ? email : u.email;
    if (enabled && !new_email) {
        json_decref(before);
        rc = kl_error_set(err, KL_EINVAL, "email", "err.required", NULL);
        goto fail;
    }
    u.digest = enabled;
    u.email = new_email;
    json_t *after = digest_json(&u);
    rc = repo_outbox_user_set_digest(db, who->user_id, enabled, new_email, time_now());
    if (!rc)
        rc = audit_record(db, who, "user", who->user_id, "digest", before, after);
    json_decref(before);
    if (rc || db_commit(db)) {
        json_decref(after);
        rc = db_fail(who, err);
        goto fail;
    }
    *out = after;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

/* ---- recurring jobs ---- */

int outbox_job_claim(struct db *db, const char *kind, const char *node, int64_t now,
                     int64_t lease_s, int *claimed)
{
    return repo_outbox_job_claim(db, kind, node, now, now - lease_s, claimed);
}

int outbox_job_finish(struct db *db, const char *kind, const char *node, int64_t started,
                      int64_t duration_ms, int ok, int64_t processed, const char *detail,
                      int64_t next_run_at)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    rc = repo_outbox_job_finish(db, kind, node, started, ok, detail, next_run_at);
    if (!rc && (processed || !ok)) {
        struct job_run_row run = {.kind = kind,
                                  .node = node,
                                  .started_at = started,
                                  .duration_ms = duration_ms,
                                  .status = ok ? "ok" : "error",
                                  .processed = processed,
                                  .detail = detail};
        rc = repo_outbox_job_run_insert(db, &run, 200);
    }
    if (rc || (rc = db_commit(db)))
        db_rollback(db);
    return rc;
}

int outbox_jobs_json(struct db *db, struct arena *a, const struct principal *who, json_t **out,
                     struct kl_error *err)
{
    struct job_row *jobs;
    int n = 0, rc = may_admin(who, err);
    if (rc)
        return rc;
    if (repo_outbox_job_list(db, a, &jobs, &n))
        return db_fail(who, err);
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        struct job_row *j = &jobs[i];
        struct job_run_row *runs;
        int nr = 0;
        if (repo_outbox_job_runs(db, a, j->kind, 20, &runs, &nr)) {
            json_decref(items);
            return db_fail(who, err);
        }
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer((json_int_t)j->id));
        json_object_set_new(o, "kind", json_string(j->kind));
        json_object_set_new(o, "interval_s", json_integer((json_int_t)j->interval_s));
        set_time(o, "next_run_at", j->next_run_at);
        json_object_set_new(o, "locked_by", str_or_null(j->locked_by));
        set_time(o, "locked_at", j->locked_at);
        set_time(o, "last_run_at", j->last_run_at);
        json_object_set_new(o, "last_status", str_or_null(j->last_status));
        json_object_set_new(o, "last_error", str_or_null(j->last_error));
        json_object_set_new(o, "runs", json_integer((json_int_t)j->runs));
        json_object_set_new(o, "failures", json_integer((json_int_t)j->failures));
        json_t *ra = json_array();
        for (int k = 0; k < nr; k++) {
            json_t *r = json_object();
            json_object_set_new(r, "id", json_integer((json_int_t)runs[k].id));
            json_object_set_new(r, "node", json_string(runs[k].node));
            set_time(r, "started_at", runs[k].started_at);
            json_object_set_new(r, "duration_ms", json_integer((json_int_t)runs[k].duration_ms));
            json_object_set_new(r, "status", json_string(runs[k].status));
            json_object_set_new(r, "processed", json_integer((json_int_t)runs[k].processed));
            json_object_set_new(r, "detail", str_or_null(runs[k].detail));
            json_array_append_new(ra, r);
        }
        json_object_set_new(o, "recent_runs", ra);
        json_array_append_new(items, o);
    }
    *out = items;
    return 0;
}
