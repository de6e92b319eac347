/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_transfer.c - unit tests of the import and export building blocks (domain/transfer.c):
 * encodings, CSV reading (BOM, delimiters, quotes, line numbers, broken quotes) and
 * writing, header names, amounts, vCard escaping, folding and parsing, and XLSX cells (a
 * text that looks like a formula stays text: the sheet XML is read back with unzip).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#include "domain/transfer.h"

/* ---- encodings ---- */

TEST(transfer_text_must_be_utf8_and_other_encodings_are_named)
{
    struct kl_error err = {0};
    long line = 0;
    const char ok[] = "\xEF\xBB\xBFPavadinimas;Miestas\n\xC5\xBD"
                      "algiris;Kaunas\n";
    CHECK_INT(transfer_check_text(ok, sizeof(ok) - 1, &line, &err), 0);
    /* Lithuanian in Windows-1257: Įmonė = C1 m o n EB */
    const char lt[] = "Pavadinimas;Miestas\n\xC1mon\xEB;\xD0iauliai\nU\xDE"
                      "dara;Vilnius\n";
    CHECK_INT(transfer_check_text(lt, sizeof(lt) - 1, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.import_cp1257");
    CHECK_INT(line, 2);
    /* Russian in Windows-1251: Название */
    const char ru[] =
        "Name,City\nok,ok\n\xCD\xE0\xE7\xE2\xE0\xED\xE8\xE5,\xCC\xEE\xF1\xEA\xE2\xE0\n";
    CHECK_INT(transfer_check_text(ru, sizeof(ru) - 1, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.import_cp1251");
    CHECK_INT(line, 3);
    /* Latin-1 French: neither */
    const char fr[] = "Name\nCaf\xE9 de la gare\n";
    CHECK_INT(transfer_check_text(fr, sizeof(fr) - 1, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.import_not_utf8");
    /* UTF-16 with and without a BOM, and a binary file */
    const char u16[] = "\xFF\xFEN\0a\0m\0e\0\n\0";
    CHECK_INT(transfer_check_text(u16, sizeof(u16) - 1, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.import_utf16");
    const char u16nobom[] = "N\0a\0m\0e\0\n\0x\0";
    CHECK_INT(transfer_check_text(u16nobom, sizeof(u16nobom) - 1, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.import_utf16");
    const char bin[] = "Name\nabcdefghij\0klmnopqrstuvwxyz\n";
    CHECK_INT(transfer_check_text(bin, sizeof(bin) - 1, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.import_not_text");
    CHECK_INT(line, 2);
}

/* ---- reading CSV ---- */

struct rec {
    long line[16];
    char text[16][256];
    int n;
};

/* Each record as "line:field|field|...". */
static int collect(void *ctx, long line, char **fields, int n)
{
    struct rec *r = ctx;
    if (r->n >= 16)
        return 1;
    r->line[r->n] = line;
    r->text[r->n][0] = '\0';
    for (int i = 0; i < n; i++) {
        strncat(r->text[r->n], fields[i], 200);
        if (i + 1 < n)
            strcat(r->text[r->n], "|");
    }
    r->n++;
    return 0;
}

TEST(transfer_csv_delimiter_is_detected_from_the_header_line)
{
    CHECK_INT(transfer_csv_detect_delimiter("a;b;c\n1,5;2;3\n", 14), ';');
    CHECK_INT(transfer_csv_detect_delimiter("a,b,c\n1;2\n", 10), ',');
    CHECK_INT(transfer_csv_detect_delimiter("\"a;b\",c,d\n", 10), ',');
    CHECK_INT(transfer_csv_detect_delimiter("a\tb\tc\n", 6), '\t');
    CHECK_INT(transfer_csv_detect_delimiter("\xEF\xBB\xBFname\n", 8), ',');
}

TEST(transfer_csv_records_know_their_physical_lines)
{
    const char in[] = "\xEF\xBB\xBFname;notes;city\r\n"
                      "\"UAB \"\"Alfa\"\"\";\"two\r\nlines; and a ;\";Vilnius\r\n"
                      "\r\n"
                      "   \r\n"
                      "Beta;\"a,b\";Kaunas\r\n"
                      " Gama ; x ;\"\"\r\n"
                      "Delta;;Klaipeda";
    struct rec r = {0};
    struct kl_error err = {0};
    long line = 0;
    CHECK_INT(transfer_csv_read(in, sizeof(in) - 1, ';', collect, &r, &line, &err), 0);
    CHECK_INT(r.n, 5);
    CHECK_INT(r.line[0], 1);
    CHECK_STR(r.text[0], "name|notes|city");
    CHECK_INT(r.line[1], 2);
    CHECK_STR(r.text[1], "UAB \"Alfa\"|two\r\nlines; and a ;|Vilnius");
    CHECK_INT(r.line[2], 6); /* after the two-line record and two blank lines */
    CHECK_STR(r.text[2], "Beta|a,b|Kaunas");
    CHECK_INT(r.line[3], 7);
    CHECK_STR(r.text[3], "Gama|x|");
    CHECK_INT(r.line[4], 8);
    CHECK_STR(r.text[4], "Delta||Klaipeda");
}

TEST(transfer_csv_broken_quotes_name_their_line)
{
    struct rec r = {0};
    struct kl_error err = {0};
    long line = 0;
    const char stray[] = "name,city\nAlfa,Vilnius\nUAB \"Beta\",Kaunas\n";
    CHECK_INT(transfer_csv_read(stray, sizeof(stray) - 1, ',', collect, &r, &line, &err),
              KL_EINVAL);
    CHECK_STR(err.key, "err.import_quote");
    CHECK_INT(line, 3);
    memset(&r, 0, sizeof(r));
    const char after[] = "name,city\n\"Alfa\"x,Vilnius\n";
    CHECK_INT(transfer_csv_read(after, sizeof(after) - 1, ',', collect, &r, &line, &err),
              KL_EINVAL);
    CHECK_STR(err.key, "err.import_quote");
    CHECK_INT(line, 2);
    memset(&r, 0, sizeof(r));
    const char unclosed[] = "name,city\nAlfa,Vilnius\n\"Beta,Kaunas\nGama,Kaunas\n";
    CHECK_INT(transfer_csv_read(unclosed, sizeof(unclosed) - 1, ',', collect, &r, &line, &err),
              KL_EINVAL);
    CHECK_STR(err.key, "err.import_quote_unclosed");
    CHECK_INT(line, 3);
    /* The quote of line 2 swallows the line break; the error shows on line 3. */
    memset(&r, 0, sizeof(r));
    const char swallowed[] = "name,city\n\"Alfa,Vilnius\nBeta,\"Kaunas\"\n";
    CHECK_INT(transfer_csv_read(swallowed, sizeof(swallowed) - 1, ',', collect, &r, &line, &err),
              KL_EINVAL);
    CHECK_STR(err.key, "err.import_quote_unclosed");
    CHECK_INT(line, 2);
}

TEST(transfer_csv_fields_are_quoted_only_when_needed_and_read_back)
{
    struct buf b = BUF_INIT;
    const char *vals[] = {"plain", "a;b", "say \"hi\"", "two\nlines", " padded", "=SUM(1)", ""};
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        if (i)
            buf_putc(&b, ';');
        transfer_csv_field(&b, vals[i], ';');
    }
    CHECK_STR(b.data, "plain;\"a;b\";\"say \"\"hi\"\"\";\"two\nlines\";\" padded\";=SUM(1);");
    struct rec r = {0};
    struct kl_error err = {0};
    long line = 0;
    CHECK_INT(transfer_csv_read(b.data, b.len, ';', collect, &r, &line, &err), 0);
    CHECK_INT(r.n, 1);
    CHECK_STR(r.text[0], "plain|a;b|say \"hi\"|two\nlines| padded|=SUM(1)|");
    buf_release(&b);
}

/* ---- values ---- */

TEST(transfer_headers_in_three_languages_name_fields)
{
    struct arena a;
    arena_init(&a);
    const struct {
        const char *header, *field;
    } cases[] = {
        {"Pavadinimas", "name"},
        {"Įmonės kodas", "company_code"},
        {"ĮMONĖS_KODAS", "company_code"},
        {"PVM kodas", "vat_code"},
        {"Miestas", "city"},
        {"Adresas", "address"},
        {"Telefonas", "phone"},
        {"El. paštas", "email"},
        {"E-mail", "email"},
        {"Название", "name"},
        {"Эл. почта", "email"},
        {"Company code", "company_code"},
        {"company_code", "company_code"},
        {"Contact name", "contact_name"},
        {"Contact phone", "contact_phone"},
        {"Contact e-mail", "contact_email"},
        {"Kontaktinis asmuo", "contact_name"},
        {"Kliento ID", "id"},
        {"Vadybininko vardas", "owner_name"},
        {"Mokėjimo terminas, d.", "payment_terms_days"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *f = transfer_header_field(&a, cases[i].header);
        if (!f || strcmp(f, cases[i].field))
            fprintf(stderr, "  header %s -> %s\n", cases[i].header, f ? f : "(none)");
        CHECK(f && !strcmp(f, cases[i].field));
    }
    CHECK(transfer_header_field(&a, "Nr.") == NULL);
    CHECK(transfer_header_field(&a, "Kažkas kita") == NULL);
    CHECK(transfer_header_field(&a, "") == NULL);
    arena_release(&a);
}

TEST(transfer_amounts_of_money_in_local_spellings)
{
    int64_t m = 0;
    char cur[4];
    const struct {
        const char *in;
        int64_t minor;
        const char *cur;
    } ok[] = {
        {"1500", 150000, ""},
        {"1500.5", 150050, ""},
        {"1 500,50", 150050, ""},
        {"1,500.50", 150050, ""},
        {"1.500,50", 150050, ""},
        {"1,500", 150000, ""},
        {"12,345,678.9", 1234567890, ""},
        {"0,05", 5, ""},
        {"€ 12.5", 1250, "EUR"},
        {"99.90 EUR", 9990, "EUR"},
        {"usd 10", 1000, "USD"},
        {"1\xC2\xA0"
         "000",
         100000, ""},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        m = -1;
        int rc = transfer_parse_money(ok[i].in, &m, cur);
        if (rc || m != ok[i].minor)
            fprintf(stderr, "  money %s -> rc %d, %lld\n", ok[i].in, rc, (long long)m);
        CHECK_INT(rc, 0);
        CHECK_INT(m, ok[i].minor);
        CHECK_STR(cur, ok[i].cur);
    }
    const char *bad[] = {"", "abc", "1.2.3", "1,5,0", "-5", "12.345.67", "1 500,505", "EUR"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = transfer_parse_money(bad[i], &m, cur);
        if (rc != KL_EINVAL)
            fprintf(stderr, "  money %s accepted as %lld\n", bad[i], (long long)m);
        CHECK_INT(rc, KL_EINVAL);
    }
}

/* ---- vCard ---- */

TEST(transfer_vcard_values_are_escaped_and_lines_folded_on_characters)
{
    struct buf b = BUF_INIT;
    transfer_vcard_escape(&b, "UAB \"Alfa\", filialas; 2\\3\nnext");
    CHECK_STR(b.data, "UAB \"Alfa\"\\, filialas\\; 2\\\\3\\nnext");
    buf_reset(&b);
    /* 100 two-byte letters: folded lines of at most 75 octets, never inside a letter. */
    char name[256] = "";
    for (int i = 0; i < 100; i++)
        strcat(name, "\xC5\xBE"); /* ž */
    transfer_vcard_line(&b, "FN", name);
    int lines = 0;
    size_t total = 0;
    for (char *p = b.data; *p;) {
        char *end = strstr(p, "\r\n");
        CHECK(end != NULL);
        if (!end)
            break;
        size_t n = (size_t)(end - p);
        CHECK(n <= 75);
        if (lines)
            CHECK(p[0] == ' ');
        /* a line never starts with a continuation byte after the fold */
        CHECK(((unsigned char)p[lines ? 1 : 0] & 0xC0) != 0x80);
        total += n - (lines ? 1 : 0);
        lines++;
        p = end + 2;
    }
    CHECK(lines >= 3);
    CHECK_INT(total, strlen("FN:") + 200);
    buf_reset(&b);
    transfer_vcard_line(&b, "VERSION", "4.0");
    CHECK_STR(b.data, "VERSION:4.0\r\n");
    buf_release(&b);
}

TEST(transfer_vcard_3_and_4_are_unfolded_and_unescaped)
{
    const char in[] = "BEGIN:VCARD\r\n"
                      "VERSION:3.0\r\n"
                      "N:Petrauskas;Jonas;;;\r\n"
                      "FN:Jonas Petrauskas\r\n"
                      "TITLE:Direktorius\\, vadovas\r\n"
                      "NOTE:Pirma\\nantra eilut\xC4\x97 labai ilga\\; ji\r\n"
                      "  sulankstyta\r\n"
                      "item1.EMAIL;TYPE=INTERNET:jonas@alfa.lt\r\n"
                      "TEL;TYPE=WORK,VOICE:+370 600 00001\r\n"
                      "TEL;TYPE=\"cell,voice\":8 600 00002\r\n"
                      "BDAY:1980-02-03\r\n"
                      "PHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n"
                      "END:VCARD\n"
                      "BEGIN:VCARD\n"
                      "VERSION:4.0\n"
                      "N:Smirnova;Olga;;;\n"
                      "TEL;VALUE=uri;TYPE=work:tel:+370-611-11111;ext=2\n"
                      "BDAY:19840512\n"
                      "END:VCARD\n";
    struct arena a;
    struct transfer_vcard *cards = NULL;
    struct kl_error err = {0};
    int n = 0;
    long line = 0;
    arena_init(&a);
    CHECK_INT(transfer_vcard_parse(&a, in, sizeof(in) - 1, &cards, &n, &line, &err), 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(cards[0].line, 1);
        CHECK_STR(cards[0].fn, "Jonas Petrauskas");
        CHECK_STR(cards[0].family, "Petrauskas");
        CHECK_STR(cards[0].given, "Jonas");
        CHECK_STR(cards[0].title, "Direktorius, vadovas");
        CHECK_STR(cards[0].note, "Pirma\nantra eilut\xC4\x97 labai ilga; ji sulankstyta");
        CHECK_INT(cards[0].n_emails, 1);
        CHECK_STR(cards[0].emails[0], "jonas@alfa.lt");
        CHECK_INT(cards[0].n_tels, 2);
        CHECK_STR(cards[0].tels[1], "8 600 00002");
        CHECK_STR(cards[0].bday, "1980-02-03");
        CHECK_INT(cards[1].line, 14);
        CHECK(cards[1].fn == NULL);
        CHECK_STR(cards[1].given, "Olga");
        CHECK_STR(cards[1].tels[0], "+370-611-11111");
        CHECK_STR(cards[1].bday, "19840512");
    }
    arena_release(&a);
}

TEST(transfer_vcard_errors_name_their_line)
{
    struct arena a;
    struct transfer_vcard *cards;
    struct kl_error err = {0};
    int n;
    long line;
    arena_init(&a);
    const char v21[] = "BEGIN:VCARD\nVERSION:2.1\nFN:X\nEND:VCARD\n";
    CHECK_INT(transfer_vcard_parse(&a, v21, sizeof(v21) - 1, &cards, &n, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.vcard_version");
    CHECK_INT(line, 2);
    const char open[] = "BEGIN:VCARD\nVERSION:4.0\nFN:X\nEND:VCARD\nBEGIN:VCARD\nFN:Y\n";
    CHECK_INT(transfer_vcard_parse(&a, open, sizeof(open) - 1, &cards, &n, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.vcard_unclosed");
    CHECK_INT(line, 5);
    const char junk[] = "name,city\nAlfa,Vilnius\n";
    CHECK_INT(transfer_vcard_parse(&a, junk, sizeof(junk) - 1, &cards, &n, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.vcard_syntax");
    CHECK_INT(line, 1);
    const char qp[] = "BEGIN:VCARD\nVERSION:3.0\nFN;ENCODING=QUOTED-PRINTABLE:J=C5=BE\nEND:VCARD\n";
    CHECK_INT(transfer_vcard_parse(&a, qp, sizeof(qp) - 1, &cards, &n, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.vcard_encoding");
    CHECK_INT(line, 3);
    CHECK_INT(transfer_vcard_parse(&a, "\r\n", 2, &cards, &n, &line, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.import_empty");
    arena_release(&a);
}

/* ---- XLSX ---- */

/* The text of one member of an XLSX file (a zip), read with unzip. */
static char *xlsx_member(const char *path, const char *member)
{
    char cmd[512];
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    snprintf(cmd, sizeof(cmd), "unzip -p '%s' '%s' 2>/dev/null", path, member);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        buf_append(&b, chunk, n);
    pclose(p);
    return buf_detach(&b, NULL);
}

TEST(transfer_xlsx_text_that_looks_like_a_formula_stays_text)
{
    char path[] = "/tmp/klientas-unit-xlsx-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    const char *headers[] = {"Pavadinimas", "Telefonas", "Suma", "Kiekis"};
    struct transfer_sheet *s = transfer_sheet_new(path, headers, 4);
    CHECK(s != NULL);
    if (!s)
        return;
    const char *texts[] = {"=SUM(1)", "+37060000000", "-5", "@home"};
    for (int r = 0; r < 4; r++) {
        transfer_sheet_text(s, 0, texts[r]);
        transfer_sheet_text(s, 1, texts[(r + 1) % 4]);
        transfer_sheet_money(s, 2, 150050);
        transfer_sheet_number(s, 3, 42);
        transfer_sheet_next_row(s);
    }
    CHECK_INT(transfer_sheet_close(s), 0);
    char *sheet = xlsx_member(path, "xl/worksheets/sheet1.xml");
    CHECK(sheet && strlen(sheet) > 100);
    if (sheet) {
        CHECK(strstr(sheet, "<f>") == NULL); /* no formula anywhere */
        CHECK(strstr(sheet, "<f ") == NULL);
        CHECK(strstr(sheet, "<t>=SUM(1)</t>") != NULL); /* the text itself */
        CHECK(strstr(sheet, "<t>+37060000000</t>") != NULL);
        CHECK(strstr(sheet, "<t>-5</t>") != NULL);
        CHECK(strstr(sheet, "<t>@home</t>") != NULL);
        CHECK(strstr(sheet, "<c r=\"A2\" t=\"inlineStr\">") != NULL);
        CHECK(strstr(sheet, "<v>1500.5</v>") != NULL);    /* money: a number */
        CHECK(strstr(sheet, "<v>42</v>") != NULL);        /* a number */
        CHECK(strstr(sheet, "state=\"frozen\"") != NULL); /* the header row stays */
        CHECK(strstr(sheet, "<autoFilter ref=\"A1:D5\"/>") != NULL);
        CHECK(strstr(sheet, "<cols>") != NULL); /* column widths */
    }
    char *styles = xlsx_member(path, "xl/styles.xml");
    CHECK(styles && strstr(styles, "<b/>") && strstr(styles, "#,##0.00"));
    free(sheet);
    free(styles);
    unlink(path);
}

/* ---- the report ---- */

TEST(transfer_report_renders_messages_with_the_column_in_the_callers_language)
{
    struct transfer_issue issue = {.line = 7, .column = "Įmonės kodas"};
    kl_error_set(&issue.err, KL_EINVAL, "company_code", "err.company_code_lt", NULL);
    struct transfer_report rep = {.rows = 9,
                                  .created = 8,
                                  .error_count = 1,
                                  .issues = &issue,
                                  .n_issues = 1,
                                  .delimiter = ';'};
    json_t *j = transfer_report_to_json(&rep, LANG_LT);
    json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    CHECK_INT(json_integer_value(json_object_get(j, "rows")), 9);
    CHECK_INT(json_integer_value(json_object_get(e, "line")), 7);
    CHECK_STR(json_string_value(json_object_get(e, "field")), "company_code");
    CHECK_STR(json_string_value(json_object_get(e, "column")), "Įmonės kodas");
    CHECK_STR(json_string_value(json_object_get(e, "message")),
              "Įmonės kodas: Lietuvos įmonės kodą sudaro 9 skaitmenys");
    CHECK_STR(json_string_value(json_object_get(j, "delimiter")), ";");
    json_decref(j);
}

TEST(transfer_report_keeps_an_error_whose_field_was_cut_inside_a_letter)
{
    char name[128] = "";
    for (int i = 0; i < 40; i++)
        strcat(name, "\xC5\xBD"); /* Ž: 80 bytes, cut by kl_error's 64 */
    struct transfer_issue issue = {.line = 1};
    kl_error_set(&issue.err, KL_EINVAL, name, "err.import_mapping_field", "bogus");
    struct transfer_report rep = {.error_count = 1, .issues = &issue, .n_issues = 1};
    json_t *j = transfer_report_to_json(&rep, LANG_EN);
    json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    CHECK(e != NULL);
    const char *field = json_string_value(json_object_get(e, "field"));
    CHECK(field && strlen(field) == 62); /* 31 whole letters */
    CHECK(strstr(json_string_value(json_object_get(e, "message")), "unknown field bogus"));
    json_decref(j);
}
