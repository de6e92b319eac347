/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_outbox.c - unit tests of the e-mail message (domain/outbox.c): RFC 2047 encoded
 * words, header folding, display names that cannot add a header, quoted-printable bodies,
 * the whole message, Message-IDs, the checks of what may be sent, the backoff schedule,
 * the verdict on an SMTP transfer (jobs/job_outbox.c) and greeting templates.
 */
#include <curl/curl.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "test.h"

#include "domain/greetings.h"
#include "domain/outbox.h"
#include "jobs/scheduler.h"
#include "lib/buf.h"

/* ---- helpers: decoders written from the RFCs, to read back what was encoded ---- */

/* Unfold a header block (CRLF followed by a space or tab joins lines). */
static void unfold(const char *in, struct buf *out)
{
    for (const char *p = in; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
            p++;
            continue;
        }
        buf_putc(out, *p);
    }
}

/* Decode the encoded-words of an unstructured value; whitespace between two adjacent
 * encoded-words is dropped (RFC 2047 6.2). Returns 0 when every word was well formed. */
static int decode_words(const char *v, struct buf *out)
{
    const char *p = v;
    int last_was_word = 0;
    while (*p) {
        const char *ws = p;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncmp(p, "=?UTF-8?B?", 10)) {
            const char *start = p + 10, *end = strstr(start, "?=");
            if (!end)
                return -1;
            unsigned char bin[128];
            size_t n = 0;
            if ((size_t)(end - start) > 160 ||
                sodium_base642bin(bin, sizeof(bin), start, (size_t)(end - start), NULL, &n, NULL,
                                  sodium_base64_VARIANT_ORIGINAL))
                return -1;
            if (n && (bin[0] & 0xC0) == 0x80)
                return -2; /* a word must not start inside a character */
            if (!last_was_word)
                buf_append(out, ws, (size_t)(p - ws));
            buf_append(out, bin, n);
            last_was_word = 1;
            p = end + 2;
        } else {
            buf_append(out, ws, (size_t)(p - ws));
            if (!*p)
                break;
            buf_putc(out, *p++);
            last_was_word = 0;
        }
    }
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode quoted-printable text with CRLF line ends into LF line ends. */
static int decode_qp(const char *in, struct buf *out)
{
    for (const char *p = in; *p;) {
        if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
            p += 3;
        } else if (p[0] == '=') {
            int h = hexval(p[1]), l = h >= 0 ? hexval(p[2]) : -1;
            if (l < 0)
                return -1;
            buf_putc(out, (char)(h * 16 + l));
            p += 3;
        } else if (p[0] == '\r' && p[1] == '\n') {
            buf_putc(out, '\n');
            p += 2;
        } else if (*p == '\r' || *p == '\n') {
            return -2; /* a bare CR or LF */
        } else {
            buf_putc(out, *p++);
        }
    }
    return 0;
}

/* The longest line (without its CRLF) of s; *bare set when a CR or LF stands alone. */
static size_t longest_line(const char *s, int *bare)
{
    size_t max = 0, cur = 0;
    *bare = 0;
    for (const char *p = s; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n') {
            if (cur > max)
                max = cur;
            cur = 0;
            p++;
        } else if (*p == '\r' || *p == '\n') {
            *bare = 1;
        } else {
            cur++;
        }
    }
    return cur > max ? cur : max;
}

static int count_lines_starting(const char *s, const char *prefix)
{
    int n = 0;
    size_t k = strlen(prefix);
    for (const char *p = s; p; p = strstr(p, "\r\n")) {
        if (p != s)
            p += 2;
        if (!strncmp(p, prefix, k))
            n++;
        if (!*p)
            break;
    }
    return n;
}

/* ---- subjects ---- */

TEST(outbox_plain_subject_stays_readable)
{
    struct buf b = BUF_INIT;
    outbox_header_text(&b, "Subject", "Offer for May: 5% off");
    CHECK_STR(b.data, "Subject: Offer for May: 5% off\r\n");
    buf_release(&b);
}

TEST(outbox_long_ascii_subject_folds_at_spaces_and_unfolds_back)
{
    const char *s = "A rather long subject line about the commercial offer for the next "
                    "quarter, with prices, delivery terms and the discount we talked about";
    struct buf b = BUF_INIT, u = BUF_INIT;
    int bare;
    outbox_header_text(&b, "Subject", s);
    CHECK(longest_line(b.data, &bare) <= 78);
    CHECK(!bare);
    CHECK(strstr(b.data, "\r\n ") != NULL); /* folded */
    unfold(b.data, &u);
    CHECK(!strncmp(u.data, "Subject: ", 9));
    CHECK(u.len == 9 + strlen(s) + 2);
    CHECK(!strncmp(u.data + 9, s, strlen(s)));
    buf_release(&b);
    buf_release(&u);
}

static void check_encoded_subject(const char *s)
{
    struct buf b = BUF_INIT, u = BUF_INIT, d = BUF_INIT;
    int bare;
    outbox_header_text(&b, "Subject", s);
    CHECK(longest_line(b.data, &bare) <= 78);
    CHECK(!bare);
    /* Only ASCII goes on the wire. */
    for (const unsigned char *p = (const unsigned char *)b.data; *p; p++)
        CHECK(*p < 0x7F);
    unfold(b.data, &u);
    CHECK(!strncmp(u.data, "Subject: ", 9));
    u.data[u.len - 2] = '\0'; /* drop the final CRLF */
    CHECK_INT(decode_words(u.data + 9, &d), 0);
    CHECK_STR(d.data, s);
    /* Every encoded-word is at most 75 characters. */
    for (const char *p = strstr(b.data, "=?"); p; p = strstr(p + 2, "=?")) {
        const char *e = strstr(p + 2, "?=");
        CHECK(e && e + 2 - p <= 75);
        p = e;
    }
    buf_release(&b);
    buf_release(&u);
    buf_release(&d);
}

TEST(outbox_non_ascii_subjects_become_encoded_words_that_decode_back)
{
    check_encoded_subject("Sveiki! Komercinis pasiūlymas – ąčęėįšųūž ĄČĘĖĮŠŲŪŽ");
    check_encoded_subject("Коммерческое предложение на поставку товаров в следующем квартале: "
                          "цены, сроки, условия оплаты и скидка, о которой мы договорились");
    check_encoded_subject("日本語のテキストと emoji 🎉🎉🎉 mixed with ASCII words to make it long "
                          "enough to need several encoded words");
    /* "=?" in plain ASCII would read as an encoded-word: it is encoded instead. */
    check_encoded_subject("Price =?UTF-8?B?SGk=?= not a word");
}

TEST(outbox_subject_check_refuses_line_breaks_and_lengths)
{
    struct kl_error err = {0};
    CHECK_INT(outbox_check_subject("subject", "Hello\r\nBcc: victim@example.com", &err), KL_EINVAL);
    CHECK_STR(err.field, "subject");
    CHECK_STR(err.key, "err.control_chars");
    CHECK_INT(outbox_check_subject("subject", "Hello\nX", NULL), KL_EINVAL);
    CHECK_INT(outbox_check_subject("subject", "Hello\rX", NULL), KL_EINVAL);
    CHECK_INT(outbox_check_subject("subject", "Tab\tX", NULL), KL_EINVAL);
    CHECK_INT(outbox_check_subject("subject", "", NULL), KL_EINVAL);
    char s[1024];
    memset(s, 'a', 200);
    s[200] = '\0';
    CHECK_INT(outbox_check_subject("subject", s, NULL), 0);
    s[200] = 'a';
    s[201] = '\0';
    CHECK_INT(outbox_check_subject("subject", s, NULL), KL_EINVAL);
    /* 200 characters of two bytes each are 200 characters. */
    s[0] = '\0';
    for (int i = 0; i < 200; i++)
        strcat(s, "ž");
    CHECK_INT(outbox_check_subject("subject", s, NULL), 0);
}

TEST(outbox_body_and_address_checks)
{
    CHECK_INT(outbox_check_body("body", "Hi\r\n\tthere\n", 11, NULL), 0);
    CHECK_INT(outbox_check_body("body", "Hi\0there", 8, NULL), KL_EINVAL); /* a NUL inside */
    CHECK_INT(outbox_check_body("body", "bell\a", 5, NULL), KL_EINVAL);
    CHECK_INT(outbox_check_body("body", "", 0, NULL), KL_EINVAL);
    CHECK_INT(outbox_check_to("to", "jonas@example.lt", NULL), 0);
    CHECK_INT(outbox_check_to("to", "jonas@example", NULL), KL_EINVAL);
    CHECK_INT(outbox_check_to("to", "jonas@example.lt\r\nBcc: x@y.lt", NULL), KL_EINVAL);
    CHECK_INT(outbox_check_to("to", "jonas <j@example.lt>", NULL), KL_EINVAL);
    CHECK_INT(outbox_check_to("to", "jūratė@example.lt", NULL), KL_EINVAL); /* no SMTPUTF8 */
}

/* ---- mailboxes ---- */

TEST(outbox_display_names_are_quoted_or_encoded_and_cannot_add_a_header)
{
    struct buf b = BUF_INIT, u = BUF_INIT, d = BUF_INIT;
    int bare;
    outbox_header_mailbox(&b, "To", "O\"Brien \\ Co", "ob@example.ie");
    CHECK_STR(b.data, "To: \"O\\\"Brien \\\\ Co\" <ob@example.ie>\r\n");
    buf_reset(&b);
    outbox_header_mailbox(&b, "To", NULL, "a@example.lt");
    CHECK_STR(b.data, "To: <a@example.lt>\r\n");
    buf_reset(&b);
    /* CR LF in a name: no new line, no Bcc header. */
    outbox_header_mailbox(&b, "To", "Evil\r\nBcc: victim@example.com", "a@example.lt");
    CHECK(longest_line(b.data, &bare) < 998);
    CHECK(!bare);
    CHECK_INT(count_lines_starting(b.data, "Bcc"), 0);
    CHECK(!strstr(b.data, "\r\nBcc"));
    CHECK_STR(b.data, "To: \"Evil  Bcc: victim@example.com\" <a@example.lt>\r\n");
    buf_reset(&b);
    /* Non-ASCII names are encoded-words, and decode to the name. */
    outbox_header_mailbox(&b, "To", "Ąžuolas Žemaitis-Šimkūnas", "az@example.lt");
    unfold(b.data, &u);
    CHECK(strstr(u.data, "<az@example.lt>\r\n") != NULL);
    char *angle = strstr(u.data, " <az@");
    *angle = '\0';
    CHECK_INT(decode_words(u.data + 4, &d), 0);
    CHECK_STR(d.data, "Ąžuolas Žemaitis-Šimkūnas");
    CHECK(longest_line(b.data, &bare) <= 78);
    buf_release(&b);
    buf_release(&u);
    buf_release(&d);
}

TEST(outbox_parse_mailbox_forms)
{
    struct arena a;
    const char *name, *addr;
    arena_init(&a);
    outbox_parse_mailbox(&a, "sales@example.lt", &name, &addr);
    CHECK(name == NULL);
    CHECK_STR(addr, "sales@example.lt");
    outbox_parse_mailbox(&a, "UAB Prekyba <sales@example.lt>", &name, &addr);
    CHECK_STR(name, "UAB Prekyba");
    CHECK_STR(addr, "sales@example.lt");
    outbox_parse_mailbox(&a, "\"Baltijos prekyba\" <info@example.lt> ", &name, &addr);
    CHECK_STR(name, "Baltijos prekyba");
    CHECK_STR(addr, "info@example.lt");
    arena_release(&a);
}

/* ---- bodies ---- */

static void check_qp(const char *body, const char *expect_decoded)
{
    struct buf b = BUF_INIT, d = BUF_INIT;
    int bare;
    outbox_quoted_printable(&b, body);
    CHECK(longest_line(b.data, &bare) <= 76);
    CHECK(!bare);
    CHECK(b.len >= 2 && !strcmp(b.data + b.len - 2, "\r\n"));
    for (const char *p = b.data; *p; p++) {
        CHECK((unsigned char)*p < 0x7F);
        /* no white space right before a line end */
        if (p[0] == '\r')
            CHECK(p == b.data || (p[-1] != ' ' && p[-1] != '\t'));
    }
    CHECK_INT(decode_qp(b.data, &d), 0);
    CHECK_STR(d.data, expect_decoded);
    buf_release(&b);
    buf_release(&d);
}

TEST(outbox_quoted_printable_bodies_decode_back_with_short_lines)
{
    check_qp("Labas,\n\nSiunčiame pasiūlymą.\n", "Labas,\n\nSiunčiame pasiūlymą.\n");
    check_qp("no newline at the end", "no newline at the end\n");
    check_qp("CRLF\r\nand CR\rand LF\n", "CRLF\nand CR\nand LF\n");
    check_qp("trailing space \ntrailing tab\t\n", "trailing space \ntrailing tab\t\n");
    check_qp("a=b and =?UTF-8?B?x?=\n", "a=b and =?UTF-8?B?x?=\n");
    check_qp(".\n.hidden\nFrom the start\n", ".\n.hidden\nFrom the start\n");
    char longline[3000] = "";
    for (int i = 0; i < 120; i++)
        strcat(longline, "žodis ");
    strcat(longline, "\n");
    check_qp(longline, longline);
    char ascii[400];
    memset(ascii, 'x', 399);
    ascii[399] = '\0';
    char expect[402];
    snprintf(expect, sizeof(expect), "%s\n", ascii);
    check_qp(ascii, expect);
}

TEST(outbox_quoted_printable_guards_dots_and_from_lines)
{
    struct buf b = BUF_INIT;
    outbox_quoted_printable(&b, ".\nFrom here\nX\n");
    CHECK_STR(b.data, "=2E\r\n=46rom here\r\nX\r\n");
    buf_release(&b);
}

/* ---- the message ---- */

TEST(outbox_message_has_the_header_set_and_crlf_lines)
{
    struct buf b = BUF_INIT;
    int bare;
    struct outbox_mail m = {
        .from = "UAB Baltijos prekyba <crm@prekyba.lt>",
        .to_addr = "jonas@example.lt",
        .to_name = "Jonas Jonaitis\r\nBcc: victim@example.com",
        .reply_to_addr = "tomas@prekyba.lt",
        .reply_to_name = "Tomas Žukauskas",
        .subject = "Pasiūlymas",
        .body = "Sveiki,\n.\nTomas\n",
        .message_id = "<outbox-7-0123456789abcdef@prekyba.lt>",
        .date = 1772528700, /* 2026-03-03T09:05:00Z */
    };
    outbox_build(&b, &m);
    CHECK(longest_line(b.data, &bare) <= 78);
    CHECK(!bare);
    const char *sep = strstr(b.data, "\r\n\r\n");
    CHECK(sep != NULL);
    const char *names[] = {"From:",         "To:",           "Reply-To:",
                           "Subject:",      "Date:",         "Message-ID:",
                           "MIME-Version:", "Content-Type:", "Content-Transfer-Encoding:"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        CHECK_INT(count_lines_starting(b.data, names[i]), 1);
    CHECK_INT(count_lines_starting(b.data, "Bcc"), 0);
    CHECK(strstr(b.data, "Date: Tue, 03 Mar 2026 09:05:00 +0000\r\n") != NULL);
    CHECK(strstr(b.data, "Message-ID: <outbox-7-0123456789abcdef@prekyba.lt>\r\n") != NULL);
    CHECK(strstr(b.data, "From: \"UAB Baltijos prekyba\" <crm@prekyba.lt>\r\n") != NULL);
    CHECK(strstr(b.data, "Content-Type: text/plain; charset=UTF-8\r\n") != NULL);
    CHECK(strstr(b.data, "Content-Transfer-Encoding: quoted-printable\r\n") != NULL);
    CHECK(strstr(b.data, "\r\n\r\nSveiki,\r\n=2E\r\nTomas\r\n") != NULL);
    CHECK(!strstr(b.data, "Auto-Submitted"));
    buf_reset(&b);
    m.auto_submitted = 1;
    m.reply_to_addr = NULL;
    outbox_build(&b, &m);
    CHECK_INT(count_lines_starting(b.data, "Auto-Submitted: auto-generated"), 1);
    CHECK_INT(count_lines_starting(b.data, "Reply-To:"), 0);
    buf_release(&b);
}

TEST(outbox_message_ids_are_unique_and_take_the_sender_host)
{
    struct arena a;
    arena_init(&a);
    char *x = outbox_message_id(&a, 42, "Sales <sales@prekyba.lt>");
    char *y = outbox_message_id(&a, 42, "Sales <sales@prekyba.lt>");
    CHECK(!strncmp(x, "<outbox-42-", 11));
    CHECK_INT(strlen(x), strlen("<outbox-42-0123456789abcdef@prekyba.lt>"));
    CHECK(!strcmp(x + strlen(x) - 12, "@prekyba.lt>"));
    CHECK(strcmp(x, y));
    char *z = outbox_message_id(&a, 1, "weird@ho st>\r\n<x");
    CHECK(!strchr(z, ' ') && !strchr(z, '\r') && !strchr(z, '\n'));
    char *w = outbox_message_id(&a, 1, "");
    CHECK(strstr(w, "@localhost>") != NULL);
    arena_release(&a);
}

TEST(outbox_date_is_rfc5322)
{
    char d[32];
    outbox_date(0, d);
    CHECK_STR(d, "Thu, 01 Jan 1970 00:00:00 +0000");
}

/* ---- delivery rules ---- */

TEST(outbox_backoff_grows_to_an_hour)
{
    const int64_t expect[] = {10, 30, 60, 300, 900, 1800, 3600, 3600, 3600};
    for (int i = 0; i < 9; i++)
        CHECK_INT(outbox_backoff(10, i + 1), expect[i]);
    CHECK_INT(outbox_backoff(1, 1), 1);
    CHECK_INT(outbox_backoff(1, 2), 3);
    CHECK_INT(outbox_backoff(0, 1), 1);
    CHECK_INT(outbox_backoff(100, 7), 3600);
}

TEST(outbox_smtp_verdicts)
{
    CHECK_INT(job_outbox_classify(CURLE_OK, 250), JOB_OUTBOX_SENT);
    CHECK_INT(job_outbox_classify(CURLE_COULDNT_CONNECT, 0), JOB_OUTBOX_RETRY);
    CHECK_INT(job_outbox_classify(CURLE_OPERATION_TIMEDOUT, 0), JOB_OUTBOX_RETRY);
    CHECK_INT(job_outbox_classify(CURLE_SEND_ERROR, 0), JOB_OUTBOX_RETRY);
    CHECK_INT(job_outbox_classify(CURLE_RECV_ERROR, 0), JOB_OUTBOX_RETRY);
    CHECK_INT(job_outbox_classify(CURLE_SEND_ERROR, 451), JOB_OUTBOX_RETRY);
    CHECK_INT(job_outbox_classify(CURLE_SEND_ERROR, 550), JOB_OUTBOX_FAIL);
    CHECK_INT(job_outbox_classify(CURLE_WEIRD_SERVER_REPLY, 554), JOB_OUTBOX_FAIL);
    CHECK_INT(job_outbox_classify(CURLE_LOGIN_DENIED, 535), JOB_OUTBOX_FAIL);
    CHECK_INT(job_outbox_classify(CURLE_LOGIN_DENIED, 0), JOB_OUTBOX_FAIL);
    CHECK_INT(jobs_parse_tls("starttls"), SMTP_TLS_STARTTLS);
    CHECK_INT(jobs_parse_tls("tls"), SMTP_TLS_TLS);
    CHECK_INT(jobs_parse_tls("none"), SMTP_TLS_NONE);
    CHECK_INT(jobs_parse_tls("ssl"), -1);
}

/* ---- greetings ---- */

TEST(greetings_render_fills_placeholders_without_line_breaks)
{
    struct arena a;
    arena_init(&a);
    struct greetings_values v = {.contact_name = "Ona\r\nBcc: x@y.lt",
                                 .client_name = "UAB \"Alfa\"",
                                 .holiday_name = NULL,
                                 .sender_name = "Tomas"};
    char *s =
        greetings_render(&a, "Hi {contact_name} of {client_name}{holiday_name}! {other} {", &v);
    CHECK_STR(s, "Hi Ona  Bcc: x@y.lt of UAB \"Alfa\"! {other} {");
    CHECK_STR(greetings_render(&a, "{sender_name}", &v), "Tomas");
    arena_release(&a);
}

TEST(greetings_placeholders_are_checked)
{
    struct kl_error err = {0};
    CHECK_INT(greetings_check_placeholders("body", "Dear {contact_name}, {sender_name}", &err), 0);
    CHECK_INT(greetings_check_placeholders("body", "Braces { like this } are text", &err), 0);
    CHECK_INT(greetings_check_placeholders("body", "Dear {contact}", &err), KL_EINVAL);
    CHECK_STR(err.field, "body");
    CHECK_STR(err.arg, "{contact}");
}
