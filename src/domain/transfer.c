/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * transfer.c - import and export of the client base (domain). See transfer.h and
 * docs/import-export.md.
 *
 * One transaction a file: the domain functions of clients.c begin and commit their own
 * transaction, so each row calls them on a struct db that shares the import's connection
 * but whose begin and commit do nothing and whose rollback returns to the row's savepoint
 * (a decorator of the driver interface, see row_db below). The import's own transaction
 * is committed only when every row passed and it is not a dry run.
 *
 * Row savepoints: PostgreSQL aborts a transaction at the first failed statement, so there
 * each row runs in a savepoint and a bad row is undone before the next one is checked.
 * A row that went in keeps its savepoint open until the next row begins: the RELEASE goes
 * with the next SAVEPOINT in one round trip (the COMMIT ends the last one). SQLite undoes
 * a failed statement by itself and a bad row dooms the whole transaction anyway; there
 * rows run without savepoints, and what a bad row wrote before it failed stays in the
 * transaction that will be rolled back.
 *
 * CSV is read with libcsv (strict mode) line by line, so that every record knows the
 * physical line it starts on; XLSX is written with libxlsxwriter; JSON with jansson.
 * vCard is parsed here: libvformat (Debian's vCard library) is a vCard 2.1 library that
 * neither unescapes "\," nor respects "\;" inside a value (measured: ORG:A\;B is split
 * into two values and FN:A\, B keeps its backslash), does not know vCard 4.0 and
 * redefines NULL in its header; the few rules of RFC 6350 we need (unfolding, escaping,
 * parameters, quoted parameter values) are below.
 */
#include <csv.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <unistr.h>
#include <xlsxwriter.h>

#include "transfer.h"

#include "domain/audit.h"
#include "domain/clients.h"
#include "domain/search.h"
#include "lib/fold.h"
#include "lib/i18n.h"
#include "lib/timeutil.h"
#include "lib/xalloc.h"
#include "store/repo_user.h"

/* ---- the fields of a row ---- */

enum tf {
    TF_ID,
    TF_NAME,
    TF_COMPANY_CODE,
    TF_VAT_CODE,
    TF_COUNTRY,
    TF_TYPE,
    TF_SEGMENT,
    TF_STATUS,
    TF_OWNER_ID,
    TF_OWNER_NAME,
    TF_INDUSTRY,
    TF_SOURCE,
    TF_CITY,
    TF_ADDRESS,
    TF_DELIVERY_ADDRESS,
    TF_EMAIL,
    TF_PHONE,
    TF_WEBSITE,
    TF_PRICE_TYPE,
    TF_PAYMENT_TERMS_DAYS,
    TF_CREDIT_LIMIT,
    TF_CREDIT_LIMIT_CURRENCY,
    TF_CONTRACT_TERMS,
    TF_NOTES,
    TF_CREATED_AT,
    TF_UPDATED_AT,
    TF_CONTACT_NAME,
    TF_CONTACT_POSITION,
    TF_CONTACT_PHONE,
    TF_CONTACT_EMAIL,
    TF_CONTACT_BIRTHDAY,
    TF_CONTACT_DECISION_MAKER,
    TF_COUNT
};

/* The columns of an export: the card, in this order. */
#define TF_EXPORTED (TF_UPDATED_AT + 1)

enum tf_kind {
    K_ID,       /* matches the row to a client */
    K_TEXT,     /* passed to the domain as it is */
    K_LOWER,    /* type, segment, status */
    K_UPPER,    /* country */
    K_VAT,      /* upper case, no spaces (as the domain stores it) */
    K_PHONE,    /* E.164 when it can be normalised */
    K_OWNER,    /* a user id or login */
    K_INT,      /* payment terms */
    K_MONEY,    /* credit limit: a decimal amount */
    K_CURRENCY, /* credit limit currency */
    K_CONTACT,  /* the row's contact */
    K_READONLY, /* exported, ignored on import */
};

/* Each field with the headers it is recognised by (besides its own name and its labels
 * col.<name> in every language), '|'-separated; compared folded (header_key). */
static const struct {
    const char *name;
    enum tf_kind kind;
    const char *synonyms;
} fields[TF_COUNT] = {
    [TF_ID] = {"id", K_ID, "ID"},
    [TF_NAME] = {"name", K_TEXT,
                 "Company|Company name|Client|Client name|Legal name|Pavadinimas|Įmonės "
                 "pavadinimas|Kliento pavadinimas|Klientas|Įmonė|Название|Наименование|Название "
                 "компании|Компания|Организация|Клиент"},
    [TF_COMPANY_CODE] = {"company_code", K_TEXT,
                         "Company code|Registration code|Registration number|Reg. No.|Įmonės "
                         "kodas|Kodas|Juridinio asmens kodas|Код предприятия|Код "
                         "компании|Регистрационный код|Регистрационный номер"},
    [TF_VAT_CODE] = {"vat_code", K_VAT,
                     "VAT code|VAT|VAT number|VAT No.|PVM kodas|PVM mokėtojo kodas|Код НДС|Код "
                     "плательщика НДС|Номер НДС"},
    [TF_COUNTRY] = {"country", K_UPPER, "Country|Country code|Šalis|Страна"},
    [TF_TYPE] = {"type", K_LOWER, "Type|Client type|Tipas|Kliento tipas|Тип|Тип клиента"},
    [TF_SEGMENT] = {"segment", K_LOWER, "Segment|Size|Segmentas|Dydis|Сегмент"},
    [TF_STATUS] = {"status", K_LOWER, "Status|Būsena|Statusas|Статус"},
    [TF_OWNER_ID] = {"owner_id", K_OWNER,
                     "Owner|Owner id|Manager|Account manager|Vadybininkas|Atsakingas "
                     "vadybininkas|Менеджер|Ответственный|Ответственный менеджер"},
    [TF_OWNER_NAME] = {"owner_name", K_READONLY, "Owner name|Manager name"},
    [TF_INDUSTRY] = {"industry", K_TEXT,
                     "Industry|Sector|Sritis|Veiklos sritis|Pramonės šaka|Отрасль|Сфера "
                     "деятельности"},
    [TF_SOURCE] = {"source", K_TEXT, "Source|Lead source|Šaltinis|Источник"},
    [TF_CITY] = {"city", K_TEXT, "City|Town|Miestas|Город"},
    [TF_ADDRESS] = {"address", K_TEXT,
                    "Address|Legal address|Adresas|Juridinis adresas|Buveinės adresas|Адрес|"
                    "Юридический адрес"},
    [TF_DELIVERY_ADDRESS] = {"delivery_address", K_TEXT,
                             "Delivery address|Shipping address|Pristatymo adresas|Адрес "
                             "доставки"},
    [TF_EMAIL] = {"email", K_TEXT,
                  "Email|E-mail|E-mail address|El. paštas|El. pašto adresas|Эл. "
                  "почта|Электронная почта|E-mail адрес"},
    [TF_PHONE] = {"phone", K_PHONE, "Phone|Telephone|Tel.|Telefonas|Tel. nr.|Телефон"},
    [TF_WEBSITE] = {"website", K_TEXT,
                    "Website|Web|WWW|Web site|Svetainė|Interneto svetainė|Сайт|Веб-сайт"},
    [TF_PRICE_TYPE] = {"price_type", K_TEXT,
                       "Price type|Kainos tipas|Kainų tipas|Тип цены|Тип цен"},
    [TF_PAYMENT_TERMS_DAYS] = {"payment_terms_days", K_INT,
                               "Payment terms|Payment terms (days)|Payment days|Mokėjimo "
                               "terminas|Atsiskaitymo terminas|Mokėjimo terminas (d.)|Срок "
                               "оплаты|Отсрочка платежа|Отсрочка"},
    [TF_CREDIT_LIMIT] = {"credit_limit", K_MONEY,
                         "Credit limit|Credit limit amount|Kredito limitas|Кредитный лимит"},
    [TF_CREDIT_LIMIT_CURRENCY] = {"credit_limit_currency", K_CURRENCY,
                                  "Currency|Credit limit currency|Valiuta|Валюта"},
    [TF_CONTRACT_TERMS] = {"contract_terms", K_TEXT,
                           "Contract terms|Sutarties sąlygos|Условия договора"},
    [TF_NOTES] = {"notes", K_TEXT,
                  "Notes|Note|Comment|Comments|Pastabos|Komentaras|Komentarai|Примечания|"
                  "Примечание|Комментарий|Заметки"},
    [TF_CREATED_AT] = {"created_at", K_READONLY, "Created|Sukurta|Создан"},
    [TF_UPDATED_AT] = {"updated_at", K_READONLY, "Updated|Changed|Pakeista|Изменён"},
    [TF_CONTACT_NAME] = {"contact_name", K_CONTACT,
                         "Contact|Contact person|Kontaktinis asmuo|Kontaktas|Kontaktinio asmens "
                         "vardas|Контактное лицо|Контакт|Имя контакта"},
    [TF_CONTACT_POSITION] = {"contact_position", K_CONTACT,
                             "Position|Job title|Pareigos|Kontaktinio asmens "
                             "pareigos|Должность|Должность контакта"},
    [TF_CONTACT_PHONE] = {"contact_phone", K_CONTACT,
                          "Mobile|Kontakto telefonas|Kontaktinio asmens "
                          "telefonas|Mobilusis|Телефон контакта|Телефон контактного "
                          "лица|Мобильный"},
    [TF_CONTACT_EMAIL] = {"contact_email", K_CONTACT,
                          "Contact e-mail|Kontakto el. paštas|Kontaktinio asmens el. "
                          "paštas|Эл. почта контакта|E-mail контакта"},
    [TF_CONTACT_BIRTHDAY] = {"contact_birthday", K_CONTACT,
                             "Birthday|Date of birth|Gimimo data|Gimtadienis|День "
                             "рождения|Дата рождения"},
    [TF_CONTACT_DECISION_MAKER] = {"contact_decision_maker", K_CONTACT,
                                   "Decision maker|Sprendimų priėmėjas|ЛПР|Лицо, принимающее "
                                   "решение"},
};

static int field_index(const char *name)
{
    for (int f = 0; f < TF_COUNT; f++)
        if (!strcmp(fields[f].name, name))
            return f;
    return -1;
}

/* A header compared without case, diacritics and punctuation: "Įmonės kodas",
 * "IMONES_KODAS" and "įmonės-kodas" are all "imones kodas". */
static char *header_key(struct arena *a, const char *s)
{
    char *out = fold_text(a, s ? s : "");
    size_t k = 0;
    int space = 1;
    for (const char *p = out; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x80 && !isalnum(ch)) {
            if (!space)
                out[k++] = ' ';
            space = 1;
        } else {
            out[k++] = *p;
            space = 0;
        }
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
    return out;
}

const char *transfer_header_field(struct arena *a, const char *header)
{
    const char *key = header_key(a, header);
    if (!*key)
        return NULL;
    for (int f = 0; f < TF_COUNT; f++) {
        if (!strcmp(key, header_key(a, fields[f].name)))
            return fields[f].name;
        char label[64];
        snprintf(label, sizeof(label), "col.%s", fields[f].name);
        for (int l = 0; l < LANG_COUNT; l++)
            if (!strcmp(key, header_key(a, i18n_get((enum lang)l, label))))
                return fields[f].name;
        const char *p = fields[f].synonyms;
        while (p && *p) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            if (!strcmp(key, header_key(a, arena_strndup(a, p, n))))
                return fields[f].name;
            p = bar ? bar + 1 : NULL;
        }
    }
    return NULL;
}

/* Trim ASCII white space in place; NULL for an empty value. */
static char *trim(char *s)
{
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return n ? s : NULL;
}

/* ---- encoding ---- */

static long line_at(const unsigned char *s, const unsigned char *at)
{
    long line = 1;
    for (const unsigned char *p = s; p < at; p++)
        line += *p == '\n';
    return line;
}

/* Name the single-byte encoding the bytes that are not UTF-8 look like. Lithuanian text
 * in Windows-1257 has its letters alone among ASCII ones (Įmonės: one byte for Į, one for
 * ė); Russian text in Windows-1251 is whole words of bytes 0xC0-0xFF. */
static const char *single_byte_guess(const unsigned char *s, size_t len)
{
    static const unsigned char lt[] = {0xC0, 0xC1, 0xC6, 0xC8, 0xCB, 0xD0, 0xD8, 0xDB,
                                       0xDE, 0xE0, 0xE1, 0xE6, 0xE8, 0xEB, 0xF0, 0xF8,
                                       0xFB, 0xFE, 0x84, 0x93, 0x96, 0x97};
    size_t high = 0, adjacent = 0, lith = 0, cyr = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < 0x80)
            continue;
        int n = u8_mblen(s + i, len - i);
        if (n > 1) { /* a valid UTF-8 character: not part of the question */
            i += (size_t)n - 1;
            continue;
        }
        high++;
        if ((i && s[i - 1] >= 0x80) || (i + 1 < len && s[i + 1] >= 0x80))
            adjacent++;
        if (memchr(lt, s[i], sizeof(lt)))
            lith++;
        if (s[i] >= 0xC0 || s[i] == 0xA8 || s[i] == 0xB8)
            cyr++;
    }
    if (!high)
        return "err.import_not_utf8";
    if (adjacent * 2 > high && cyr * 10 >= high * 9)
        return "err.import_cp1251";
    if (lith * 10 >= high * 8)
        return "err.import_cp1257";
    return "err.import_not_utf8";
}

int transfer_check_text(const char *data, size_t len, long *line, struct kl_error *err)
{
    const unsigned char *s = (const unsigned char *)data;
    *line = 1;
    if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return kl_error_set(err, KL_EINVAL, NULL, "err.import_utf16", NULL);
    const unsigned char *nul = len ? memchr(s, 0, len) : NULL;
    if (nul) {
        /* UTF-16 without a BOM: every other byte of Latin text is zero. */
        size_t zeros = 0;
        for (size_t i = 0; i < len; i++)
            zeros += !s[i];
        *line = line_at(s, nul);
        return kl_error_set(err, KL_EINVAL, NULL,
                            zeros * 3 > len ? "err.import_utf16" : "err.import_not_text", NULL);
    }
    const uint8_t *bad = len ? u8_check(s, len) : NULL;
    if (!bad)
        return 0;
    *line = line_at(s, bad);
    return kl_error_set(err, KL_EINVAL, NULL, single_byte_guess(s, len), NULL);
}

/* ---- reading CSV ---- */

static size_t bom_length(const char *data, size_t len)
{
    return len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

char transfer_csv_detect_delimiter(const char *data, size_t len)
{
    size_t comma = 0, semi = 0, tab = 0;
    int quoted = 0;
    for (size_t i = bom_length(data, len); i < len; i++) {
        char c = data[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            comma += c == ',', semi += c == ';', tab += c == '\t';
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

struct csv_reader {
    struct buf text; /* the fields of the record being read, each NUL-terminated */
    size_t offs[TRANSFER_MAX_COLUMNS];
    int n, overflow;
    long cur_line, start_line;
    int need_start;
    transfer_record_fn fn;
    void *ctx;
    int stop;
    long overflow_line;
};

static void reader_field(void *s, size_t len, void *data)
{
    struct csv_reader *r = data;
    if (r->stop)
        return;
    if (r->n >= TRANSFER_MAX_COLUMNS) {
        r->overflow = 1;
        return;
    }
    r->offs[r->n++] = r->text.len;
    if (s && len)
        buf_append(&r->text, s, len);
    buf_append(&r->text, "", 1);
}

static void reader_record(int c, void *data)
{
    struct csv_reader *r = data;
    char *f[TRANSFER_MAX_COLUMNS];
    (void)c;
    if (!r->stop && r->overflow) {
        r->stop = 1;
        r->overflow_line = r->start_line;
    }
    if (!r->stop) {
        for (int i = 0; i < r->n; i++)
            f[i] = r->text.data + r->offs[i];
        if (r->n && r->fn(r->ctx, r->start_line, f, r->n))
            r->stop = 1;
    }
    r->n = 0;
    buf_reset(&r->text);
    r->need_start = 1;
}

static int blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i]))
            return 0;
    return 1;
}

int transfer_csv_read(const char *data, size_t len, char delimiter, transfer_record_fn fn,
                      void *ctx, long *line, struct kl_error *err)
{
    struct csv_parser p;
    struct csv_reader r = {.cur_line = 1, .start_line = 1, .need_start = 1, .fn = fn, .ctx = ctx};
    int rc = 0;
    *line = 0;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
        return kl_error_set(err, KL_EIO, NULL, "err.internal", NULL);
    csv_set_delim(&p, (unsigned char)delimiter);
    buf_init(&r.text);
    /* Feed one physical line at a time: a record then knows the line it started on. Old
     * Mac files end lines with CR alone. */
    char eol = memchr(data, '\n', len) || !memchr(data, '\r', len) ? '\n' : '\r';
    size_t pos = bom_length(data, len);
    while (pos < len && !r.stop) {
        const char *nl = memchr(data + pos, eol, len - pos);
        size_t end = nl ? (size_t)(nl - data) + 1 : len;
        if (r.need_start && !blank_line(data + pos, end - pos)) {
            r.start_line = r.cur_line;
            r.need_start = 0;
        }
        size_t done = csv_parse(&p, data + pos, end - pos, reader_field, reader_record, &r);
        if (done < end - pos) {
            if (csv_error(&p) != CSV_EPARSE) {
                rc = kl_error_set(err, KL_EIO, NULL, "err.internal", NULL);
                goto out;
            }
            /* A quote inside an unquoted value, or text after a closing quote; when the
             * record began lines earlier, the quote that opened it was never closed. */
            int earlier = !r.need_start && r.start_line < r.cur_line;
            *line = earlier ? r.start_line : r.cur_line;
            rc = kl_error_set(err, KL_EINVAL, NULL,
                              earlier ? "err.import_quote_unclosed" : "err.import_quote", NULL);
            goto out;
        }
        r.cur_line++;
        pos = end;
    }
    if (!r.stop && csv_fini(&p, reader_field, reader_record, &r)) {
        *line = r.start_line;
        rc = kl_error_set(err, KL_EINVAL, NULL, "err.import_quote_unclosed", NULL);
        goto out;
    }
    if (r.overflow_line) {
        *line = r.overflow_line;
        rc = kl_error_setf(err, KL_EINVAL, NULL, "err.import_too_many_columns", "%d",
                           TRANSFER_MAX_COLUMNS);
    }
out:
    csv_free(&p);
    buf_release(&r.text);
    return rc;
}

/* ---- writing CSV ---- */

void transfer_csv_field(struct buf *out, const char *s, char delimiter)
{
    size_t n = s ? strlen(s) : 0;
    int quote = n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == delimiter || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        buf_append(out, s, n);
        return;
    }
    size_t need = csv_write2(NULL, 0, s, n, '"');
    buf_grow(out, need);
    csv_write2(out->data + out->len, need, s, n, '"');
    out->len += need;
    out->data[out->len] = '\0';
}

/* ---- values ---- */

int transfer_parse_money(const char *in, int64_t *minor, char currency[4])
{
    char clean[64];
    size_t c = 0;
    currency[0] = '\0';
    /* Drop spaces (also no-break ones) and apostrophes that group digits; a euro sign
     * or a currency code at either end names the currency. */
    for (const char *s = in; *s;) {
        if (!strncmp(s, "\xE2\x82\xAC", 3)) {
            snprintf(currency, 4, "EUR");
            s += 3;
        } else if (!strncmp(s, "\xC2\xA0", 2)) {
            s += 2;
        } else if (!strncmp(s, "\xE2\x80\xAF", 3)) {
            s += 3;
        } else if (*s == ' ' || *s == '\'') {
            s++;
        } else if (c + 1 < sizeof(clean)) {
            clean[c++] = *s++;
        } else {
            return KL_EINVAL;
        }
    }
    clean[c] = '\0';
    char *p = clean;
    int code_at = c >= 3 && isalpha((unsigned char)p[0]) && isalpha((unsigned char)p[1]) &&
                          isalpha((unsigned char)p[2])
                      ? 0
                  : c >= 3 && isalpha((unsigned char)p[c - 1]) &&
                          isalpha((unsigned char)p[c - 2]) && isalpha((unsigned char)p[c - 3])
                      ? (int)c - 3
                      : -1;
    if (code_at >= 0) {
        for (int i = 0; i < 3; i++)
            currency[i] = (char)toupper((unsigned char)p[code_at + i]);
        currency[3] = '\0';
        memmove(p + code_at, p + code_at + 3, c - (size_t)code_at - 2);
        c -= 3;
    }
    if (!c)
        return KL_EINVAL;
    /* The last separator is the decimal mark when 1 or 2 digits follow it; otherwise every
     * separator groups thousands. Groups after the first have exactly 3 digits. */
    char *last = NULL;
    for (char *q = p; *q; q++)
        if (*q == '.' || *q == ',')
            last = q;
    size_t after = last ? strlen(last + 1) : 0;
    int decimal = last && (after == 1 || after == 2);
    char group = decimal ? (*last == '.' ? ',' : '.') : (last ? *last : '\0');
    char *int_end = decimal ? last : p + c;
    char digits[24];
    size_t k = 0, run = 0;
    int groups = 0;
    for (char *q = p; q < int_end; q++) {
        if (group && *q == group) {
            if (!run || (groups && run != 3) || (!groups && run > 3))
                return KL_EINVAL;
            groups++;
            run = 0;
            continue;
        }
        if (!isdigit((unsigned char)*q) || k >= 15)
            return KL_EINVAL;
        digits[k++] = *q;
        run++;
    }
    if ((groups && run != 3) || (!k && !decimal))
        return KL_EINVAL;
    int64_t cents = 0;
    if (decimal) {
        for (const char *q = last + 1; *q; q++) {
            if (!isdigit((unsigned char)*q))
                return KL_EINVAL;
            cents = cents * 10 + (*q - '0');
        }
        if (after == 1)
            cents *= 10;
    }
    digits[k] = '\0';
    *minor = (k ? strtoll(digits, NULL, 10) : 0) * 100 + cents;
    return 0;
}

static int parse_positive(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    *out = strtoll(s, NULL, 10);
    return *out > 0 ? 0 : -1;
}

static int parse_integer(const char *s, int64_t *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p || strlen(p) > 15)
        return -1;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return -1;
    *out = strtoll(s, NULL, 10);
    return 0;
}

/* "taip", "yes", "да", "x", "1"... -> 1; "ne", "no", "нет", "0"... -> 0; else -1. */
static int parse_yes_no(struct arena *a, const char *s)
{
    static const char *yes[] = {"1", "true", "yes", "y", "x", "taip", "t", "да", "д", NULL};
    static const char *no[] = {"0", "false", "no", "n", "ne", "нет", "н", NULL};
    const char *k = header_key(a, s);
    for (int i = 0; yes[i]; i++)
        if (!strcmp(k, yes[i]))
            return 1;
    for (int i = 0; no[i]; i++)
        if (!strcmp(k, no[i]))
            return 0;
    return -1;
}

/* A birthday as YYYY-MM-DD: "1980-01-15", "19800115", "15.01.1980", "1980.01.15" (the
 * domain checks that the date exists); NULL for a date without a year ("--0115"). */
static const char *normal_date(struct arena *a, const char *s)
{
    int d[8], n = 0;
    size_t len = strlen(s);
    if (!strncmp(s, "--", 2))
        return NULL;
    const char *t = strchr(s, 'T');
    if (t)
        len = (size_t)(t - s);
    if (len == 8) {
        for (size_t i = 0; i < 8; i++)
            if (isdigit((unsigned char)s[i]))
                d[n++] = s[i] - '0';
        if (n == 8)
            return arena_printf(a, "%d%d%d%d-%d%d-%d%d", d[0], d[1], d[2], d[3], d[4], d[5], d[6],
                                d[7]);
    }
    if (len == 10 && s[2] == '.' && s[5] == '.')
        return arena_printf(a, "%.4s-%.2s-%.2s", s + 6, s + 3, s);
    if (len == 10 && s[4] == '.' && s[7] == '.')
        return arena_printf(a, "%.4s-%.2s-%.2s", s, s + 5, s + 8);
    return arena_strndup(a, s, len);
}

static const char *ascii_case(struct arena *a, const char *s, int up, int drop_spaces)
{
    char *out = arena_strdup(a, s);
    size_t k = 0;
    for (const char *p = s; *p; p++) {
        if (drop_spaces && *p == ' ')
            continue;
        out[k++] = (char)(up ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
    }
    out[k] = '\0';
    return out;
}

/* ---- the import's transaction ---- */

/* The connection of a row: the import's, seen through a driver whose begin and commit do
 * nothing and whose rollback returns to the row's savepoint. */
struct sp_conn {
    const struct db_driver *real;
    void *conn;
    const char *rollback; /* "ROLLBACK TO SAVEPOINT ...", or NULL: nothing to undo */
};

static void *sp_prepare(void *c, const char *sql)
{
    struct sp_conn *s = c;
    return s->real->prepare(s->conn, sql);
}

static int64_t sp_changes(void *c)
{
    struct sp_conn *s = c;
    return s->real->changes(s->conn);
}

static int64_t sp_last_insert_id(void *c)
{
    struct sp_conn *s = c;
    return s->real->last_insert_id(s->conn);
}

static int sp_exec(void *c, const char *script)
{
    struct sp_conn *s = c;
    return s->real->exec(s->conn, script);
}

static int sp_begin(void *c)
{
    (void)c;
    return 0;
}

static int sp_commit(void *c)
{
    (void)c;
    return 0;
}

static int sp_rollback(void *c)
{
    struct sp_conn *s = c;
    return s->rollback ? s->real->exec(s->conn, s->rollback) : 0;
}

static const char *sp_errmsg(void *c)
{
    struct sp_conn *s = c;
    return s->real->errmsg(s->conn);
}

static enum db_errkind sp_errkind(void *c)
{
    struct sp_conn *s = c;
    return s->real->errkind(s->conn);
}

struct import {
    struct db *db;    /* the import's connection, in its transaction */
    struct db row_db; /* the same connection for the domain functions (see above) */
    struct db_driver sp_drv;
    struct sp_conn sp;
    int row_savepoints;          /* see the head of the file */
    int row_released_late;       /* the last row's savepoint is still open (it went in) */
    struct search_batch *search; /* the search texts, written at the end (search.h) */
    struct arena *a;             /* the report's */
    const struct principal *who;
    struct transfer_report *rep;
    int issues_cap;
    /* CSV */
    const struct transfer_csv_options *opt;
    int header_done, ncols;
    long header_line;
    const char **col_name;
    int col_field[TRANSFER_MAX_COLUMNS];
    int field_col[TF_COUNT];
    int ignored_cap;
    /* how it ended */
    int stop;
    int fatal;
    struct kl_error fatal_err;
};

static void import_init(struct import *x, struct db *db, struct arena *a,
                        const struct principal *who, struct transfer_report *rep, int dry_run)
{
    memset(x, 0, sizeof(*x));
    memset(rep, 0, sizeof(*rep));
    rep->dry_run = dry_run;
    x->db = db;
    x->a = a;
    x->who = who;
    x->rep = rep;
    x->sp.real = db->drv;
    x->sp.conn = db->conn;
    x->sp_drv = *db->drv;
    x->sp_drv.open = NULL;
    x->sp_drv.close = NULL;
    x->sp_drv.prepare = sp_prepare;
    x->sp_drv.changes = sp_changes;
    x->sp_drv.last_insert_id = db->drv->last_insert_id ? sp_last_insert_id : NULL;
    x->sp_drv.exec = sp_exec;
    x->sp_drv.begin = sp_begin;
    x->sp_drv.commit = sp_commit;
    x->sp_drv.rollback = sp_rollback;
    x->sp_drv.errmsg = sp_errmsg;
    x->sp_drv.errkind = sp_errkind;
    /* A handle of its own (no transaction, read snapshot or writer turn of the caller's). */
    x->row_db = (struct db){.drv = &x->sp_drv, .dialect = db->dialect, .conn = &x->sp};
    x->row_savepoints = strcmp(db->drv->name, "sqlite") != 0;
    for (int f = 0; f < TF_COUNT; f++)
        x->field_col[f] = -1;
}

static int may_transfer(const struct principal *who)
{
    return (who->role & (ROLE_MANAGER | ROLE_HEAD | ROLE_DIRECTOR | ROLE_ADMIN | ROLE_SYSTEM)) != 0;
}

static void add_issue(struct import *x, long line, const char *column, const struct kl_error *e)
{
    struct transfer_report *r = x->rep;
    r->error_count++;
    if (r->n_issues >= TRANSFER_MAX_LISTED_ERRORS)
        return;
    if (r->n_issues == x->issues_cap) {
        int cap = x->issues_cap ? x->issues_cap * 2 : 16;
        struct transfer_issue *n = arena_alloc(x->a, sizeof(*n) * (size_t)cap);
        if (r->n_issues)
            memcpy(n, r->issues, sizeof(*n) * (size_t)r->n_issues);
        r->issues = n;
        x->issues_cap = cap;
    }
    struct transfer_issue *i = &r->issues[r->n_issues++];
    i->line = line > 0 ? line : 1;
    i->column = column;
    i->err = *e;
}

static void file_issue(struct import *x, long line, const char *field, const char *key,
                       const char *arg)
{
    struct kl_error e = {0};
    kl_error_set(&e, KL_EINVAL, field, key, arg);
    add_issue(x, line, NULL, &e);
}

static int fatal_code(int rc)
{
    return rc == KL_EDB || rc == KL_EIO || rc == KL_EBUSY;
}

/* Savepoint statements, through the statement cache: an import runs four a row. */
static int exec_sql(struct import *x, const char *sql)
{
    return db_execf(x->db, NULL, sql, "") ? KL_EDB : 0;
}

/* Open a row's savepoint (where rows have them), releasing the last row's with it. */
static int row_begin(struct import *x)
{
    if (!x->row_savepoints) {
        x->sp.rollback = NULL;
        return 0;
    }
    x->sp.rollback = "ROLLBACK TO SAVEPOINT kl_import_row";
    int late = x->row_released_late;
    x->row_released_late = 0;
    /* Two statements: a script (simple query protocol), not a prepared statement. */
    if (late)
        return db_exec_script(x->db, "RELEASE SAVEPOINT kl_import_row; SAVEPOINT kl_import_row")
                   ? KL_EDB
                   : 0;
    return exec_sql(x, "SAVEPOINT kl_import_row");
}

/* Close a row's savepoint: keep its work (released with the next row's begin), or undo it. */
static int row_end(struct import *x, int undo)
{
    if (!x->row_savepoints)
        return 0;
    x->sp.rollback = NULL;
    if (!undo) {
        x->row_released_late = 1;
        return 0;
    }
    int rc = exec_sql(x, "ROLLBACK TO SAVEPOINT kl_import_row");
    if (!rc)
        rc = exec_sql(x, "RELEASE SAVEPOINT kl_import_row");
    return rc;
}

static int reject(const struct transfer_report *rep, struct kl_error *err)
{
    return kl_error_setf(err, KL_EINVAL, NULL, "err.import_rejected", "%ld", rep->error_count);
}

static int audit_import(struct import *x, const char *kind, const char *format, int64_t client_id)
{
    const struct transfer_report *r = x->rep;
    json_t *info = json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "kind", kind, "format", format, "rows",
        (json_int_t)r->rows, "created", (json_int_t)r->created, "updated", (json_int_t)r->updated,
        "unchanged", (json_int_t)r->unchanged, "contacts_created", (json_int_t)r->contacts_created,
        "contacts_updated", (json_int_t)r->contacts_updated);
    if (client_id)
        json_object_set_new(info, "client_id", json_integer((json_int_t)client_id));
    int rc = audit_record_client(x->db, x->who, "import", 0, client_id, "import", NULL, info);
    json_decref(info);
    return rc;
}

/* Open the import's transaction; the search texts wait for its end (search.h). An import
 * commits only when every row went in, so the batch never holds a row that was undone. */
static int import_begin(struct import *x)
{
    if (db_begin(x->db))
        return kl_error_set(&x->fatal_err, KL_EDB, NULL, "err.db", x->who->request_id);
    x->search = search_batch_new();
    x->row_db.search_batch = x->search;
    return 0;
}

static void import_end(struct import *x)
{
    search_batch_free(x->search);
    x->search = NULL;
    x->row_db.search_batch = NULL;
}

/* Roll back or commit the import's transaction and say how it went. */
static int import_settle(struct import *x, const char *kind, const char *format, int64_t client_id,
                         struct kl_error *err)
{
    if (x->fatal) {
        db_rollback(x->db);
        *err = x->fatal_err;
        return x->fatal;
    }
    if (x->rep->error_count || x->rep->dry_run) {
        db_rollback(x->db);
        return x->rep->error_count ? reject(x->rep, err) : 0;
    }
    int rc = search_batch_flush(x->db, x->search);
    if (rc || (rc = audit_import(x, kind, format, client_id)) || (rc = db_commit(x->db))) {
        db_rollback(x->db);
        return kl_error_set(err, KL_EDB, NULL, "err.db", x->who->request_id);
    }
    return 0;
}

static int import_finish(struct import *x, const char *kind, const char *format, int64_t client_id,
                         struct kl_error *err)
{
    int rc = import_settle(x, kind, format, client_id, err);
    import_end(x);
    return rc;
}

/* ---- contacts ---- */

struct contact_in {
    const char *name, *position, *birthday, *notes;
    const char *phones[12];
    int n_phones;
    const char *emails[12];
    int n_emails;
    int decision_maker; /* -1: not given */
};

static int phone_known(json_t *arr, const char *p)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i,
                       v) if (json_is_string(v) && !strcmp(json_string_value(v), p)) return 1;
    return 0;
}

static int email_known(json_t *arr, const char *p)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i,
                       v) if (json_is_string(v) && !strcasecmp(json_string_value(v), p)) return 1;
    return 0;
}

/* Add the contact to client c, or complete the one with the same name: a different
 * position, birthday, notes or decision-maker flag replaces the stored one, phones and
 * e-mails not yet known are added. fresh: c was created by the same row. *outcome: 0
 * unchanged, 1 created, 2 updated. Domain errors keep the domain's field names (name,
 * phones[0], ...). */
static int import_contact(struct import *x, struct arena *ra, const struct client *c, int fresh,
                          const struct contact_in *in, int *outcome, struct kl_error *e)
{
    struct contact *list = NULL, *k = NULL, out;
    int n = 0, rc;
    char e164[20];
    *outcome = 0;
    if (!in->name)
        return kl_error_set(e, KL_EINVAL, "name", "err.required", NULL);
    /* A client created by this very row has no contacts to match yet. */
    if (!fresh && (rc = contacts_list(&x->row_db, ra, x->who, c->id, &list, &n, e)))
        return rc;
    const char *key = header_key(ra, in->name);
    for (int i = 0; i < n && !k; i++)
        if (!strcmp(header_key(ra, list[i].name), key))
            k = &list[i];
    json_t *phones = k ? json_array_from_text(k->phones) : json_array();
    json_t *emails = k ? json_array_from_text(k->emails) : json_array();
    int more_phones = 0, more_emails = 0;
    for (int i = 0; i < in->n_phones; i++) {
        char field[24];
        snprintf(field, sizeof(field), "phones[%d]", i);
        if ((rc = client_normalize_phone(field, in->phones[i], c->country, e164, e)))
            goto out;
        if (!phone_known(phones, e164)) {
            json_array_append_new(phones, json_string(e164));
            more_phones = 1;
        }
    }
    for (int i = 0; i < in->n_emails; i++)
        if (!email_known(emails, in->emails[i])) {
            json_array_append_new(emails, json_string(in->emails[i]));
            more_emails = 1;
        }
    json_t *body = json_object();
    if (!k)
        json_object_set_new(body, "name", json_string(in->name));
    if (in->position && (!k || !k->position || strcmp(k->position, in->position)))
        json_object_set_new(body, "position", json_string(in->position));
    if (in->birthday && (!k || !k->birthday || strcmp(k->birthday, in->birthday)))
        json_object_set_new(body, "birthday", json_string(in->birthday));
    if (in->notes && (!k || !k->notes || strcmp(k->notes, in->notes)))
        json_object_set_new(body, "notes", json_string(in->notes));
    if (in->decision_maker >= 0 && (!k || k->decision_maker != in->decision_maker))
        json_object_set_new(body, "decision_maker", json_boolean(in->decision_maker));
    if (more_phones)
        json_object_set(body, "phones", phones);
    if (more_emails)
        json_object_set(body, "emails", emails);
    if (!k) {
        rc = contacts_create(&x->row_db, ra, x->who, c->id, body, &out, e);
        *outcome = rc ? 0 : 1;
    } else if (json_object_size(body)) {
        rc = contacts_update(&x->row_db, ra, x->who, k->id, k->version, body, &out, e);
        *outcome = rc ? 0 : 2;
    }
    json_decref(body);
out:
    json_decref(phones);
    json_decref(emails);
    return rc;
}

/* The row field a contact error is about ("phones[1]" -> contact_phone). */
static int contact_error_field(const char *f)
{
    if (!strcmp(f, "name"))
        return TF_CONTACT_NAME;
    if (!strcmp(f, "position"))
        return TF_CONTACT_POSITION;
    if (!strncmp(f, "phones", 6))
        return TF_CONTACT_PHONE;
    if (!strncmp(f, "emails", 6))
        return TF_CONTACT_EMAIL;
    if (!strcmp(f, "birthday"))
        return TF_CONTACT_BIRTHDAY;
    if (!strcmp(f, "decision_maker"))
        return TF_CONTACT_DECISION_MAKER;
    return -1;
}

/* The row field a client error is about ("credit_limit.amount" -> credit_limit). */
static int client_error_field(const char *f)
{
    if (!strcmp(f, "credit_limit.currency"))
        return TF_CREDIT_LIMIT_CURRENCY;
    if (!strncmp(f, "credit_limit", 12))
        return TF_CREDIT_LIMIT;
    return *f ? field_index(f) : -1;
}

/* ---- CSV rows ---- */

struct row {
    long line;
    char *v[TF_COUNT]; /* trimmed values; NULL when absent or empty */
};

/* Which client the row is about: by id, else by country + company code, else by name
 * among the caller's clients that have no company code. *bad names the row field of a
 * row error. */
static int row_find(struct import *x, struct arena *ra, const struct row *r, struct client *cur,
                    int *found, int *bad, struct kl_error *e)
{
    int64_t id = 0;
    int rc;
    *found = 0;
    if (r->v[TF_ID]) {
        *bad = TF_ID;
        if (parse_positive(r->v[TF_ID], &id))
            return kl_error_set(e, KL_EINVAL, "id", "err.positive_id", NULL);
        rc = clients_get(&x->row_db, ra, x->who, id, cur, e);
        if (rc == KL_ENOTFOUND)
            return kl_error_set(e, KL_EINVAL, "id", "err.import_id_not_found", NULL);
        /* An id column from another system must not overwrite our clients: with a
         * company code in the row, both must name the same client. */
        if (!rc && r->v[TF_COMPANY_CODE] && cur->company_code &&
            strcmp(cur->company_code, r->v[TF_COMPANY_CODE]))
            return kl_error_set(e, KL_EINVAL, "id", "err.import_id_mismatch", NULL);
        *found = !rc;
        return rc;
    }
    if (r->v[TF_COMPANY_CODE]) {
        const char *country = r->v[TF_COUNTRY] ? ascii_case(ra, r->v[TF_COUNTRY], 1, 1) : "LT";
        rc = repo_client_find_code(x->db, country, r->v[TF_COMPANY_CODE], &id);
        if (rc == KL_ENOTFOUND)
            return 0;
        if (rc)
            return kl_error_set(e, KL_EDB, NULL, "err.db", x->who->request_id);
        rc = clients_get(&x->row_db, ra, x->who, id, cur, e);
        if (rc == KL_ENOTFOUND) {
            *bad = TF_COMPANY_CODE;
            return kl_error_set(e, KL_EINVAL, "company_code", "err.import_code_hidden", NULL);
        }
        *found = !rc;
        return rc;
    }
    if (!r->v[TF_NAME])
        return 0;
    int64_t ids[8];
    int n = 0, matches = 0;
    if (repo_client_find_name_key(x->db, client_name_key(ra, r->v[TF_NAME]), 0, ids, 8, &n))
        return kl_error_set(e, KL_EDB, NULL, "err.db", x->who->request_id);
    for (int i = 0; i < n; i++) {
        struct client c;
        struct kl_error ignore = {0};
        if (clients_get(&x->row_db, ra, x->who, ids[i], &c, &ignore) || c.company_code)
            continue;
        if (!matches++)
            *cur = c;
    }
    if (matches > 1) {
        *bad = TF_NAME;
        return kl_error_set(e, KL_EINVAL, "name", "err.import_ambiguous", NULL);
    }
    *found = matches == 1;
    return 0;
}

/* The client members of a row as the API takes them. */
static int row_body(struct import *x, struct arena *ra, const struct row *r,
                    const struct client *cur, json_t *body, int *bad, struct kl_error *e)
{
    const char *country = r->v[TF_COUNTRY] ? ascii_case(ra, r->v[TF_COUNTRY], 1, 1)
                          : cur            ? cur->country
                                           : "LT";
    for (int f = TF_NAME; f < TF_EXPORTED; f++) {
        const char *s = r->v[f];
        const char *name = fields[f].name;
        int64_t n;
        if (!s)
            continue;
        *bad = f;
        switch (fields[f].kind) {
        case K_TEXT:
            json_object_set_new(body, name, json_string(s));
            break;
        case K_LOWER:
            json_object_set_new(body, name, json_string(ascii_case(ra, s, 0, 0)));
            break;
        case K_UPPER:
            json_object_set_new(body, name, json_string(ascii_case(ra, s, 1, 1)));
            break;
        case K_VAT:
            json_object_set_new(body, name, json_string(ascii_case(ra, s, 1, 1)));
            break;
        case K_PHONE: {
            char e164[20];
            struct kl_error ignore = {0};
            /* The stored form, so that an unchanged number compares equal; a number that
             * does not normalise goes to the domain, which words the error. */
            json_object_set_new(
                body, name,
                json_string(client_normalize_phone(name, s, country, e164, &ignore) ? s : e164));
            break;
        }
        case K_OWNER: {
            struct user u;
            if (!parse_positive(s, &n)) {
                json_object_set_new(body, name, json_integer((json_int_t)n));
                break;
            }
            int rc = repo_user_get_by_login(x->db, ra, s, &u);
            if (rc == KL_ENOTFOUND)
                return kl_error_set(e, KL_EINVAL, name, "err.ref_not_found", "user");
            if (rc)
                return kl_error_set(e, KL_EDB, NULL, "err.db", x->who->request_id);
            json_object_set_new(body, name, json_integer((json_int_t)u.id));
            break;
        }
        case K_INT:
            if (parse_integer(s, &n))
                return kl_error_set(e, KL_EINVAL, name, "err.type_integer", NULL);
            json_object_set_new(body, name, json_integer((json_int_t)n));
            break;
        case K_MONEY: {
            char cur3[4];
            if (transfer_parse_money(s, &n, cur3))
                return kl_error_set(e, KL_EINVAL, name, "err.import_money", NULL);
            const char *currency = r->v[TF_CREDIT_LIMIT_CURRENCY]
                                       ? ascii_case(ra, r->v[TF_CREDIT_LIMIT_CURRENCY], 1, 1)
                                   : cur3[0]                           ? arena_strdup(ra, cur3)
                                   : cur && cur->credit_limit_currency ? cur->credit_limit_currency
                                                                       : "EUR";
            json_object_set_new(
                body, "credit_limit",
                json_pack("{s:I, s:s}", "amount", (json_int_t)n, "currency", currency));
            break;
        }
        case K_CURRENCY:
            /* With an amount: taken above. Alone: changes the currency of the stored
             * amount. */
            if (!r->v[TF_CREDIT_LIMIT] && cur && cur->credit_limit_amount != CLIENT_NULL)
                json_object_set_new(body, "credit_limit",
                                    json_pack("{s:I, s:s}", "amount",
                                              (json_int_t)cur->credit_limit_amount, "currency",
                                              ascii_case(ra, s, 1, 1)));
            break;
        default:
            break;
        }
    }
    *bad = -1;
    return 0;
}

/* The contact of a row (CSV columns contact_*). */
static int row_contact(struct arena *ra, const struct row *r, struct contact_in *in, int *bad,
                       struct kl_error *e)
{
    memset(in, 0, sizeof(*in));
    in->decision_maker = -1;
    in->name = r->v[TF_CONTACT_NAME];
    in->position = r->v[TF_CONTACT_POSITION];
    if (r->v[TF_CONTACT_BIRTHDAY])
        in->birthday = normal_date(ra, r->v[TF_CONTACT_BIRTHDAY]);
    if (r->v[TF_CONTACT_DECISION_MAKER] &&
        (in->decision_maker = parse_yes_no(ra, r->v[TF_CONTACT_DECISION_MAKER])) < 0) {
        *bad = TF_CONTACT_DECISION_MAKER;
        return kl_error_set(e, KL_EINVAL, "contact_decision_maker", "err.import_boolean", NULL);
    }
    /* Several phones or e-mails in a cell: separated by commas or semicolons. */
    const struct {
        int f;
        const char **out;
        int *n;
    } lists[] = {{TF_CONTACT_PHONE, in->phones, &in->n_phones},
                 {TF_CONTACT_EMAIL, in->emails, &in->n_emails}};
    for (size_t l = 0; l < 2; l++) {
        char *s = r->v[lists[l].f] ? arena_strdup(ra, r->v[lists[l].f]) : NULL;
        char *save = NULL;
        for (char *tok = s ? strtok_r(s, ",;", &save) : NULL; tok;
             tok = strtok_r(NULL, ",;", &save)) {
            char *t = trim(tok);
            if (t && *lists[l].n < 11)
                lists[l].out[(*lists[l].n)++] = t;
        }
    }
    if (!in->name &&
        (in->position || in->birthday || in->n_phones || in->n_emails || in->decision_maker >= 0)) {
        *bad = TF_CONTACT_NAME;
        return kl_error_set(e, KL_EINVAL, "contact_name", "err.required", NULL);
    }
    return 0;
}

static int body_matches(json_t *body, json_t *card)
{
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        json_t *c = json_object_get(card, k);
        if (!c || !json_equal(v, c))
            return 0;
    }
    return 1;
}

static int same_card(const struct client *a, const struct client *b)
{
    for (const struct column *k = client_columns; k->name; k++) {
        if (k->kind == COL_TEXT) {
            const char *s = COL_TEXT_AT(a, k), *t = COL_TEXT_AT(b, k);
            if ((s == NULL) != (t == NULL) || (s && strcmp(s, t)))
                return 0;
        } else if (COL_INT_AT(a, k) != COL_INT_AT(b, k)) {
            return 0;
        }
    }
    return a->issued_at == b->issued_at;
}

/* Apply one row inside its savepoint: find, create or update the client, then its
 * contact. *client_outcome and *contact_outcome: 0 unchanged, 1 created, 2 updated. */
static int row_apply(struct import *x, struct arena *ra, struct row *r, int *client_outcome,
                     int *contact_outcome, int *bad, struct kl_error *e)
{
    struct client cur, c;
    struct contact_in in;
    int found = 0, rc;
    json_t *body = json_object();
    *client_outcome = *contact_outcome = 0;
    if ((rc = row_contact(ra, r, &in, bad, e)) || (rc = row_find(x, ra, r, &cur, &found, bad, e)) ||
        (rc = row_body(x, ra, r, found ? &cur : NULL, body, bad, e)))
        goto out;
    if (!found) {
        /* No near-duplicate warnings: the import report does not show them. */
        rc = clients_create(&x->row_db, ra, x->who, body, &c, NULL, e);
        *client_outcome = rc ? 0 : 1;
    } else {
        json_t *card = client_to_json(NULL, ra, &cur);
        int same = body_matches(body, card);
        json_decref(card);
        c = cur;
        if (!same) {
            /* Written in a savepoint of its own: when the card comes out as it was (the
             * file spelled a value differently), the write is undone. */
            const char *outer = x->sp.rollback;
            rc = exec_sql(x, "SAVEPOINT kl_import_client");
            if (!rc) {
                x->sp.rollback = "ROLLBACK TO SAVEPOINT kl_import_client";
                rc = clients_update(&x->row_db, ra, x->who, cur.id, cur.version, body, &c, e);
                x->sp.rollback = outer;
                int undo = !rc && same_card(&cur, &c);
                if (undo)
                    c = cur;
                else if (!rc)
                    *client_outcome = 2;
                /* Kept after the domain's own rollback to it: released either way. */
                int rc2 = undo ? exec_sql(x, "ROLLBACK TO SAVEPOINT kl_import_client") : 0;
                if (!rc2)
                    rc2 = exec_sql(x, "RELEASE SAVEPOINT kl_import_client");
                if (!rc)
                    rc = rc2;
            }
            if (rc && !e->code)
                kl_error_set(e, rc, NULL, "err.db", x->who->request_id);
        }
    }
    if (rc) {
        *bad = client_error_field(e->field);
        goto out;
    }
    if (in.name) {
        rc = import_contact(x, ra, &c, *client_outcome == 1, &in, contact_outcome, e);
        if (rc)
            *bad = contact_error_field(e->field);
    }
out:
    json_decref(body);
    return rc;
}

static void count_outcome(struct transfer_report *rep, int client_outcome, int contact_outcome)
{
    if (client_outcome == 1)
        rep->created++;
    else if (client_outcome == 2 || contact_outcome)
        rep->updated++;
    else
        rep->unchanged++;
    if (contact_outcome == 1)
        rep->contacts_created++;
    else if (contact_outcome == 2)
        rep->contacts_updated++;
}

static void import_row(struct import *x, struct row *r)
{
    struct arena ra;
    struct kl_error e = {0};
    int co = 0, ko = 0, bad = -1;
    arena_init(&ra);
    int rc = row_begin(x);
    if (rc) {
        kl_error_set(&e, rc, NULL, "err.db", x->who->request_id);
    } else {
        rc = row_apply(x, &ra, r, &co, &ko, &bad, &e);
        int rc2 = row_end(x, rc != 0);
        if (!rc && rc2)
            rc = kl_error_set(&e, rc2, NULL, "err.db", x->who->request_id);
    }
    if (rc && fatal_code(rc)) {
        x->fatal = rc;
        x->fatal_err = e;
        x->stop = 1;
    } else if (rc) {
        const char *column = NULL;
        if (bad >= 0) {
            snprintf(e.field, sizeof(e.field), "%s", fields[bad].name);
            if (x->field_col[bad] >= 0)
                column = x->col_name[x->field_col[bad]];
        }
        add_issue(x, r->line, column, &e);
    } else {
        count_outcome(x->rep, co, ko);
    }
    arena_release(&ra);
}

static void note_ignored(struct import *x, const char *header)
{
    struct transfer_report *r = x->rep;
    if (r->n_ignored == x->ignored_cap) {
        int cap = x->ignored_cap ? x->ignored_cap * 2 : 8;
        const char **n = arena_alloc(x->a, sizeof(*n) * (size_t)cap);
        if (r->n_ignored)
            memcpy(n, r->ignored_columns, sizeof(*n) * (size_t)r->n_ignored);
        r->ignored_columns = n;
        x->ignored_cap = cap;
    }
    r->ignored_columns[r->n_ignored++] = header;
}

/* The header: which column is which field. A problem here stops the import. */
static int import_header(struct import *x, long line, char **cols, int n)
{
    json_t *map = x->opt->mapping;
    struct arena ka;
    const char *key;
    json_t *v;
    arena_init(&ka);
    x->header_done = 1;
    x->header_line = line;
    x->ncols = n;
    x->col_name = arena_alloc(x->a, sizeof(*x->col_name) * (size_t)n);
    const char **keys = arena_alloc(&ka, sizeof(*keys) * (size_t)n);
    for (int i = 0; i < n; i++) {
        char *h = trim(cols[i]);
        x->col_name[i] = arena_strdup(x->a, h ? h : "");
        keys[i] = header_key(&ka, x->col_name[i]);
        x->col_field[i] = -1;
    }
    json_object_foreach(map, key, v)
    {
        char name[64];
        snprintf(name, sizeof(name), "%s", key);
        const char *target = json_string_value(v);
        int f = target && *target ? field_index(target) : -1;
        if (!json_is_null(v) && !json_is_string(v))
            file_issue(x, line, name, "err.import_mapping", NULL);
        else if (target && *target && (f < 0 || fields[f].kind == K_READONLY))
            file_issue(x, line, name, "err.import_mapping_field", target);
        int present = 0;
        for (int i = 0; i < n && !present; i++)
            present = !strcmp(keys[i], header_key(&ka, key));
        if (!present)
            file_issue(x, line, name, "err.import_mapping_column", NULL);
    }
    for (int i = 0; i < n; i++) {
        int f = -2;
        json_object_foreach(map, key, v)
        {
            if (f == -2 && !strcmp(keys[i], header_key(&ka, key))) {
                const char *target = json_string_value(v);
                f = target && *target ? field_index(target) : -1;
            }
        }
        if (f == -2) {
            const char *name = transfer_header_field(&ka, x->col_name[i]);
            f = name ? field_index(name) : -1;
            if (f < 0 && *x->col_name[i])
                note_ignored(x, x->col_name[i]);
        }
        if (f < 0 || fields[f].kind == K_READONLY)
            continue;
        if (x->field_col[f] >= 0) {
            const char *both =
                arena_printf(&ka, "%s, %s", x->col_name[x->field_col[f]], x->col_name[i]);
            file_issue(x, line, fields[f].name, "err.import_duplicate_column", both);
            continue;
        }
        x->field_col[f] = i;
        x->col_field[i] = f;
    }
    if (x->field_col[TF_NAME] < 0)
        file_issue(x, line, "name", "err.import_missing_column", NULL);
    arena_release(&ka);
    x->stop = x->rep->error_count > 0;
    return x->stop;
}

static int import_record(void *ctx, long line, char **cols, int n)
{
    struct import *x = ctx;
    struct row r = {.line = line};
    if (!x->header_done)
        return import_header(x, line, cols, n);
    int any = 0;
    for (int i = 0; i < n; i++)
        any |= trim(cols[i]) != NULL;
    if (!any)
        return 0; /* a row of empty cells */
    x->rep->rows++;
    for (int i = x->ncols; i < n; i++)
        if (trim(cols[i])) {
            struct kl_error e = {0};
            kl_error_setf(&e, KL_EINVAL, NULL, "err.import_extra_values", "%d/%d", n, x->ncols);
            add_issue(x, line, NULL, &e);
            return 0;
        }
    for (int i = 0; i < n && i < x->ncols; i++)
        if (x->col_field[i] >= 0)
            r.v[x->col_field[i]] = trim(cols[i]);
    import_row(x, &r);
    return x->stop;
}

int transfer_import_clients_csv(struct db *db, struct arena *a, const struct principal *who,
                                const char *data, size_t len,
                                const struct transfer_csv_options *opt, struct transfer_report *rep,
                                struct kl_error *err)
{
    struct import x;
    struct kl_error e = {0};
    long line = 0;
    import_init(&x, db, a, who, rep, opt->dry_run);
    x.opt = opt;
    if (!may_transfer(who))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    if (!data)
        data = "";
    if (transfer_check_text(data, len, &line, &e)) {
        add_issue(&x, line, NULL, &e);
        return reject(rep, err);
    }
    if (blank_line(data + bom_length(data, len), len - bom_length(data, len))) {
        file_issue(&x, 1, NULL, "err.import_empty", NULL);
        return reject(rep, err);
    }
    rep->delimiter = opt->delimiter ? opt->delimiter : transfer_csv_detect_delimiter(data, len);
    if (import_begin(&x)) {
        *err = x.fatal_err;
        return KL_EDB;
    }
    int rc = transfer_csv_read(data, len, rep->delimiter, import_record, &x, &line, &e);
    if (rc == KL_EINVAL)
        add_issue(&x, line, NULL, &e);
    else if (rc && !x.fatal) {
        x.fatal = rc;
        x.fatal_err = e;
    }
    if (!x.fatal && !rc && !x.stop && !rep->rows)
        file_issue(&x, x.header_line + 1, NULL, "err.import_no_rows", NULL);
    return import_finish(&x, "clients", "csv", 0, err);
}

/* ---- vCard ---- */

void transfer_vcard_escape(struct buf *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\\' || *s == ',' || *s == ';') {
            buf_putc(out, '\\');
            buf_putc(out, *s);
        } else if (*s == '\r') {
            if (s[1] != '\n')
                buf_puts(out, "\\n");
        } else if (*s == '\n') {
            buf_puts(out, "\\n");
        } else {
            buf_putc(out, *s);
        }
    }
}

void transfer_vcard_line(struct buf *out, const char *name, const char *value)
{
    struct buf l = BUF_INIT;
    buf_printf(&l, "%s:%s", name, value ? value : "");
    /* 75 octets a line, the continuation's leading space included; never inside a
     * UTF-8 character. */
    size_t pos = 0, room = 75;
    while (l.len - pos > room) {
        size_t cut = pos + room;
        while (cut > pos && ((unsigned char)l.data[cut] & 0xC0) == 0x80)
            cut--;
        buf_append(out, l.data + pos, cut - pos);
        buf_puts(out, "\r\n ");
        pos = cut;
        room = 74;
    }
    buf_append(out, l.data + pos, l.len - pos);
    buf_puts(out, "\r\n");
    buf_release(&l);
}

static void vcard_text(struct buf *out, const char *name, const char *text)
{
    struct buf v = BUF_INIT;
    transfer_vcard_escape(&v, text);
    transfer_vcard_line(out, name, v.data ? v.data : "");
    buf_release(&v);
}

/* Unescape a text value in place (\n \N \, \; \\; any other \x stands for x). */
static char *vcard_unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = (*r == 'n' || *r == 'N') ? '\n' : *r;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return s;
}

/* Split a structured value at unescaped ';' (N: family;given;additional;prefix;suffix). */
static int vcard_components(char *s, char **out, int max)
{
    int n = 0;
    out[n++] = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
        } else if (*p == ';') {
            *p = '\0';
            if (n < max)
                out[n++] = p + 1;
        }
    }
    for (int i = 0; i < n; i++)
        vcard_unescape(out[i]);
    return n;
}

struct vparse {
    struct arena *a;
    struct transfer_vcard *cards;
    int n, cap;
    int open;
    long line;
    struct kl_error *err;
};

static int vparse_fail(struct vparse *p, long line, const char *key, const char *arg)
{
    p->line = line;
    return kl_error_set(p->err, KL_EINVAL, NULL, key, arg);
}

/* One unfolded content line: [group.]name[;param...]:value. */
static int vparse_line(struct vparse *p, long line, char *s)
{
    if (blank_line(s, strlen(s)))
        return 0;
    char *colon = NULL;
    int quoted = 0;
    for (char *q = s; *q; q++) {
        if (*q == '"')
            quoted = !quoted;
        else if (*q == ':' && !quoted) {
            colon = q;
            break;
        }
    }
    if (!colon)
        return vparse_fail(p, line, "err.vcard_syntax", NULL);
    *colon = '\0';
    char *value = colon + 1, *name = s, *params = strchr(s, ';');
    if (params)
        *params++ = '\0';
    char *dot = strchr(name, '.');
    if (dot)
        name = dot + 1;
    if (!strcasecmp(name, "BEGIN")) {
        const char *v = trim(value);
        if (!v || strcasecmp(v, "VCARD") || p->open)
            return vparse_fail(p, line, "err.vcard_syntax", NULL);
        if (p->n == p->cap) {
            int cap = p->cap ? p->cap * 2 : 16;
            struct transfer_vcard *c = arena_alloc(p->a, sizeof(*c) * (size_t)cap);
            if (p->n)
                memcpy(c, p->cards, sizeof(*c) * (size_t)p->n);
            p->cards = c;
            p->cap = cap;
        }
        memset(&p->cards[p->n], 0, sizeof(p->cards[0]));
        p->cards[p->n].line = line;
        p->open = 1;
        return 0;
    }
    if (!p->open)
        return vparse_fail(p, line, "err.vcard_syntax", NULL);
    struct transfer_vcard *c = &p->cards[p->n];
    if (!strcasecmp(name, "END")) {
        const char *v = trim(value);
        if (!v || strcasecmp(v, "VCARD"))
            return vparse_fail(p, line, "err.vcard_syntax", NULL);
        p->open = 0;
        p->n++;
        return 0;
    }
    if (!strcasecmp(name, "VERSION")) {
        char *v = trim(value);
        if (!v || (strcmp(v, "3.0") && strcmp(v, "4.0")))
            return vparse_fail(p, line, "err.vcard_version", v ? v : "");
        return 0;
    }
    static const char *const used[] = {"FN", "N", "TITLE", "TEL", "EMAIL", "BDAY", "NOTE", NULL};
    int known = 0;
    for (int i = 0; used[i]; i++)
        known |= !strcasecmp(name, used[i]);
    if (!known)
        return 0;
    if (params && strcasestr(params, "QUOTED-PRINTABLE"))
        return vparse_fail(p, line, "err.vcard_encoding", name);
    value = arena_strdup(p->a, value);
    if (!strcasecmp(name, "FN")) {
        c->fn = trim(vcard_unescape(value));
    } else if (!strcasecmp(name, "N")) {
        char *parts[5] = {0};
        int k = vcard_components(value, parts, 5);
        c->family = trim(parts[0]);
        c->given = k > 1 ? trim(parts[1]) : NULL;
    } else if (!strcasecmp(name, "TITLE")) {
        c->title = trim(vcard_unescape(value));
    } else if (!strcasecmp(name, "NOTE")) {
        c->note = trim(vcard_unescape(value));
    } else if (!strcasecmp(name, "BDAY")) {
        c->bday = trim(value);
    } else if (!strcasecmp(name, "TEL")) {
        char *v = trim(value);
        if (v && !strncasecmp(v, "tel:", 4)) {
            v += 4;
            v[strcspn(v, ";")] = '\0'; /* URI parameters (;ext=...) */
        } else if (v) {
            v = vcard_unescape(v);
        }
        if ((v = trim(v)) && c->n_tels < 12)
            c->tels[c->n_tels++] = v;
    } else if (!strcasecmp(name, "EMAIL")) {
        char *v = trim(vcard_unescape(value));
        if (v && c->n_emails < 12)
            c->emails[c->n_emails++] = v;
    }
    return 0;
}

int transfer_vcard_parse(struct arena *a, const char *data, size_t len,
                         struct transfer_vcard **cards, int *n, long *line, struct kl_error *err)
{
    struct vparse p = {.a = a, .err = err};
    struct buf logical = BUF_INIT;
    long logical_line = 0, ln = 0;
    int rc = 0;
    *line = 0;
    *cards = NULL;
    *n = 0;
    size_t pos = bom_length(data, len);
    while (pos < len && !rc) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        size_t stop = end;
        if (stop > pos && data[stop - 1] == '\r')
            stop--;
        ln++;
        if (stop > pos && (data[pos] == ' ' || data[pos] == '\t') && logical_line) {
            /* A folded line continues the previous one without its first white space. */
            buf_append(&logical, data + pos + 1, stop - pos - 1);
        } else {
            if (logical_line)
                rc = vparse_line(&p, logical_line, logical.data);
            buf_reset(&logical);
            buf_append(&logical, data + pos, stop - pos);
            logical_line = ln;
        }
        pos = nl ? end + 1 : len;
    }
    if (!rc && logical_line)
        rc = vparse_line(&p, logical_line, logical.data);
    buf_release(&logical);
    if (!rc && p.open)
        rc = vparse_fail(&p, p.cards[p.n].line, "err.vcard_unclosed", NULL);
    if (!rc && !p.n)
        rc = vparse_fail(&p, 1, "err.import_empty", NULL);
    if (rc) {
        *line = p.line;
        return rc;
    }
    *cards = p.cards;
    *n = p.n;
    return 0;
}

/* The vCard property a contact error is about. */
static const char *vcard_property(const char *field)
{
    int f = contact_error_field(field);
    return f == TF_CONTACT_NAME       ? "FN"
           : f == TF_CONTACT_POSITION ? "TITLE"
           : f == TF_CONTACT_PHONE    ? "TEL"
           : f == TF_CONTACT_EMAIL    ? "EMAIL"
           : f == TF_CONTACT_BIRTHDAY ? "BDAY"
           : !strcmp(field, "notes")  ? "NOTE"
                                      : NULL;
}

int transfer_import_contacts_vcard(struct db *db, struct arena *a, const struct principal *who,
                                   int64_t client_id, const char *data, size_t len, int dry_run,
                                   struct transfer_report *rep, struct kl_error *err)
{
    struct import x;
    struct kl_error e = {0};
    struct transfer_vcard *cards;
    struct client c;
    long line = 0;
    int n = 0, rc;
    import_init(&x, db, a, who, rep, dry_run);
    if (!may_transfer(who))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    if (!data)
        data = "";
    if (transfer_check_text(data, len, &line, &e) ||
        transfer_vcard_parse(a, data, len, &cards, &n, &line, &e)) {
        add_issue(&x, line, NULL, &e);
        return reject(rep, err);
    }
    if (import_begin(&x)) {
        *err = x.fatal_err;
        return KL_EDB;
    }
    if ((rc = clients_get(db, a, who, client_id, &c, err))) {
        db_rollback(db);
        import_end(&x);
        if (rc == KL_ENOTFOUND)
            kl_error_set(err, rc, "client_id", "err.not_found", "client");
        return rc;
    }
    for (int i = 0; i < n && !x.fatal; i++) {
        const struct transfer_vcard *v = &cards[i];
        struct contact_in in = {.decision_maker = -1};
        struct arena ra;
        int outcome = 0;
        arena_init(&ra);
        memset(&e, 0, sizeof(e));
        rep->rows++;
        in.name = v->fn;
        if (!in.name && (v->given || v->family))
            in.name = arena_printf(&ra, "%s%s%s", v->given ? v->given : "",
                                   v->given && v->family ? " " : "", v->family ? v->family : "");
        in.position = v->title;
        in.notes = v->note;
        in.birthday = v->bday ? normal_date(&ra, v->bday) : NULL;
        for (int k = 0; k < v->n_tels && k < 11; k++)
            in.phones[in.n_phones++] = v->tels[k];
        for (int k = 0; k < v->n_emails && k < 11; k++)
            in.emails[in.n_emails++] = v->emails[k];
        rc = row_begin(&x);
        if (!rc) {
            rc = import_contact(&x, &ra, &c, 0, &in, &outcome, &e);
            int rc2 = row_end(&x, rc != 0);
            if (!rc && rc2)
                rc = rc2;
        }
        if (rc && !e.code)
            kl_error_set(&e, rc, NULL, "err.db", who->request_id);
        if (rc && fatal_code(rc)) {
            x.fatal = rc;
            x.fatal_err = e;
        } else if (rc) {
            const char *prop = vcard_property(e.field);
            if (prop)
                snprintf(e.field, sizeof(e.field), "%s", prop);
            add_issue(&x, v->line, prop, &e);
        } else {
            rep->created += outcome == 1;
            rep->updated += outcome == 2;
            rep->unchanged += outcome == 0;
            rep->contacts_created += outcome == 1;
            rep->contacts_updated += outcome == 2;
        }
        arena_release(&ra);
    }
    return import_finish(&x, "contacts", "vcard", client_id, err);
}

/* ---- the report ---- */

/* Cut s before its first byte that is not UTF-8: texts cut at a byte count (a field name
 * from a header, a long message) may end inside a character. */
static char *utf8_cut(char *s)
{
    const uint8_t *bad = u8_check((const uint8_t *)s, strlen(s));
    if (bad)
        s[bad - (const uint8_t *)s] = '\0';
    return s;
}

json_t *transfer_report_to_json(const struct transfer_report *rep, enum lang lang)
{
    json_t *errors = json_array(), *ignored = json_array();
    for (int i = 0; i < rep->n_issues; i++) {
        const struct transfer_issue *is = &rep->issues[i];
        char msg[1024], fieldbuf[sizeof(is->err.field)];
        snprintf(fieldbuf, sizeof(fieldbuf), "%s", is->err.field);
        const char *field = *utf8_cut(fieldbuf) ? fieldbuf : NULL;
        /* {field} in a message is what the user sees: the column of his file. */
        i18n_format(lang, is->err.key[0] ? is->err.key : "err.internal",
                    is->column && *is->column ? is->column : field, is->err.arg, msg, sizeof(msg));
        utf8_cut(msg);
        json_t *o = json_pack("{s:I, s:o, s:s}", "line", (json_int_t)is->line, "field",
                              field ? json_string(field) : json_null(), "message", msg);
        if (is->column)
            json_object_set_new(o, "column", json_string(is->column));
        json_array_append_new(errors, o);
    }
    for (int i = 0; i < rep->n_ignored; i++)
        json_array_append_new(ignored, json_string(rep->ignored_columns[i]));
    char delim[2] = {rep->delimiter, '\0'};
    json_t *o = json_pack(
        "{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "dry_run", rep->dry_run, "rows",
        (json_int_t)rep->rows, "created", (json_int_t)rep->created, "updated",
        (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged, "contacts_created",
        (json_int_t)rep->contacts_created, "contacts_updated", (json_int_t)rep->contacts_updated,
        "error_count", (json_int_t)rep->error_count, "errors", errors, "ignored_columns", ignored);
    if (rep->delimiter)
        json_object_set_new(o, "delimiter", json_string(delim));
    return o;
}

/* ---- XLSX ---- */

#define SHEET_CELL_MAX 32767

struct transfer_sheet {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *money, *stamp;
    int ncols;
    lxw_row_t row;
    int failed;
    double width[TRANSFER_MAX_COLUMNS];
};

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void sheet_width(struct transfer_sheet *s, int col, double chars)
{
    if (col >= 0 && col < s->ncols && chars > s->width[col])
        s->width[col] = chars;
}

struct transfer_sheet *transfer_sheet_new(const char *path, const char *const *headers, int ncols)
{
    /* Constant memory: each row goes to a temporary file as it is finished. */
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = 0};
    struct transfer_sheet *s = xcalloc(1, sizeof(*s));
    s->wb = workbook_new_opt(path, &o);
    if (!s->wb) {
        free(s);
        return NULL;
    }
    s->ws = workbook_add_worksheet(s->wb, NULL);
    s->bold = workbook_add_format(s->wb);
    format_set_bold(s->bold);
    s->money = workbook_add_format(s->wb);
    format_set_num_format(s->money, "#,##0.00");
    s->stamp = workbook_add_format(s->wb);
    format_set_num_format(s->stamp, "yyyy-mm-dd hh:mm");
    s->ncols = ncols < TRANSFER_MAX_COLUMNS ? ncols : TRANSFER_MAX_COLUMNS;
    for (int c = 0; c < s->ncols; c++) {
        s->failed |=
            worksheet_write_string(s->ws, 0, (lxw_col_t)c, headers[c], s->bold) != LXW_NO_ERROR;
        sheet_width(s, c, (double)utf8_chars(headers[c]) + 3);
    }
    worksheet_freeze_panes(s->ws, 1, 0);
    s->row = 1;
    return s;
}

void transfer_sheet_text(struct transfer_sheet *s, int col, const char *text)
{
    char cut[SHEET_CELL_MAX + 1];
    if (!text || !*text || col < 0 || col >= s->ncols)
        return;
    /* A cell holds at most 32767 characters: cut longer text (counted in bytes, to be
     * safe) at a character boundary. */
    if (strlen(text) > SHEET_CELL_MAX) {
        size_t n = SHEET_CELL_MAX;
        while (n && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
        memcpy(cut, text, n);
        cut[n] = '\0';
        text = cut;
    }
    /* Always a string cell: text starting with =, +, - or @ is never a formula. */
    s->failed |= worksheet_write_string(s->ws, s->row, (lxw_col_t)col, text, NULL) != LXW_NO_ERROR;
    const char *nl = strchr(text, '\n');
    sheet_width(s, col, (double)(nl ? (size_t)(nl - text) : utf8_chars(text)) + 1);
}

void transfer_sheet_number(struct transfer_sheet *s, int col, double v)
{
    char t[32];
    if (col < 0 || col >= s->ncols)
        return;
    s->failed |= worksheet_write_number(s->ws, s->row, (lxw_col_t)col, v, NULL) != LXW_NO_ERROR;
    sheet_width(s, col, (double)snprintf(t, sizeof(t), "%.15g", v) + 1);
}

void transfer_sheet_money(struct transfer_sheet *s, int col, int64_t minor)
{
    if (col < 0 || col >= s->ncols)
        return;
    s->failed |= worksheet_write_number(s->ws, s->row, (lxw_col_t)col, (double)minor / 100.0,
                                        s->money) != LXW_NO_ERROR;
    char t[40];
    sheet_width(s, col, (double)snprintf(t, sizeof(t), "%lld", (long long)(minor / 100)) * 1.3 + 4);
}

void transfer_sheet_time(struct transfer_sheet *s, int col, int64_t t)
{
    if (col < 0 || col >= s->ncols || !t)
        return;
    s->failed |=
        worksheet_write_unixtime(s->ws, s->row, (lxw_col_t)col, t, s->stamp) != LXW_NO_ERROR;
    sheet_width(s, col, 17);
}

void transfer_sheet_next_row(struct transfer_sheet *s)
{
    s->row++;
}

int transfer_sheet_close(struct transfer_sheet *s)
{
    for (int c = 0; c < s->ncols; c++)
        worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c,
                             s->width[c] < 8    ? 8
                             : s->width[c] > 60 ? 60
                                                : s->width[c],
                             NULL);
    if (s->ncols)
        worksheet_autofilter(s->ws, 0, 0, s->row > 1 ? s->row - 1 : 0, (lxw_col_t)(s->ncols - 1));
    int failed = s->failed || workbook_close(s->wb) != LXW_NO_ERROR;
    free(s);
    return failed ? KL_EIO : 0;
}

/* ---- export ---- */

int transfer_format_parse(const char *s)
{
    if (!s || !strcmp(s, "csv"))
        return TRANSFER_CSV;
    if (!strcmp(s, "xlsx"))
        return TRANSFER_XLSX;
    if (!strcmp(s, "vcf") || !strcmp(s, "vcard"))
        return TRANSFER_VCF;
    return -1;
}

const char *transfer_format_ext(enum transfer_format f)
{
    return f == TRANSFER_XLSX ? "xlsx" : f == TRANSFER_VCF ? "vcf" : "csv";
}

const char *transfer_format_media(enum transfer_format f)
{
    return f == TRANSFER_XLSX  ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
           : f == TRANSFER_VCF ? "text/vcard; charset=utf-8"
                               : "text/csv; charset=utf-8";
}

struct export
{
    struct db *db;
    struct arena *a;
    const struct principal *who;
    const struct transfer_export *opt;
    struct buf *out;
    char delim;
    struct transfer_sheet *sheet;
    long clients, contacts;
    int64_t owner_ids[64];
    const char *owner_names[64];
    int n_owners;
};

typedef int (*export_fn)(struct export *x, struct arena *page, const struct client *c);

static const char *owner_name(struct export *x, int64_t id)
{
    struct user u;
    if (!id)
        return NULL;
    for (int i = 0; i < x->n_owners; i++)
        if (x->owner_ids[i] == id)
            return x->owner_names[i];
    if (repo_user_get(x->db, x->a, id, &u))
        return NULL;
    if (x->n_owners < 64) {
        x->owner_ids[x->n_owners] = id;
        x->owner_names[x->n_owners++] = u.name;
    }
    return u.name;
}

/* The text of a client's field in a CSV file ("" when empty). */
static const char *cell_text(struct export *x, struct arena *page, const struct client *c, int f)
{
    char iso[21];
    switch (f) {
    case TF_ID:
        return arena_printf(page, "%lld", (long long)c->id);
    case TF_OWNER_ID:
        return c->owner_id ? arena_printf(page, "%lld", (long long)c->owner_id) : "";
    case TF_OWNER_NAME: {
        const char *n = owner_name(x, c->owner_id);
        return n ? n : "";
    }
    case TF_PAYMENT_TERMS_DAYS:
        return c->payment_terms_days == CLIENT_NULL
                   ? ""
                   : arena_printf(page, "%lld", (long long)c->payment_terms_days);
    case TF_CREDIT_LIMIT: {
        if (c->credit_limit_amount == CLIENT_NULL)
            return "";
        long long m = (long long)c->credit_limit_amount;
        /* With ';' between fields (Lithuanian and Russian Excel) the decimal mark is ','. */
        return arena_printf(page, "%s%lld%c%02lld", m < 0 ? "-" : "", llabs(m) / 100,
                            x->delim == ';' ? ',' : '.', llabs(m) % 100);
    }
    case TF_CREATED_AT:
        time_iso(c->created_at, iso);
        return arena_strdup(page, iso);
    case TF_UPDATED_AT:
        time_iso(c->updated_at, iso);
        return arena_strdup(page, iso);
    default:
        break;
    }
    const struct column *k = client_columns;
    while (k->name && strcmp(k->name, fields[f].name))
        k++;
    const char *s = k->name && k->kind == COL_TEXT ? COL_TEXT_AT(c, k) : NULL;
    return s ? s : "";
}

static int export_csv_row(struct export *x, struct arena *page, const struct client *c)
{
    for (int f = 0; f < TF_EXPORTED; f++) {
        if (f)
            buf_putc(x->out, x->delim);
        transfer_csv_field(x->out, cell_text(x, page, c, f), x->delim);
    }
    buf_puts(x->out, "\r\n");
    x->clients++;
    return 0;
}

static int export_xlsx_row(struct export *x, struct arena *page, const struct client *c)
{
    struct transfer_sheet *s = x->sheet;
    for (int f = 0; f < TF_EXPORTED; f++) {
        switch (f) {
        case TF_ID:
            transfer_sheet_number(s, f, (double)c->id);
            break;
        case TF_OWNER_ID:
            if (c->owner_id)
                transfer_sheet_number(s, f, (double)c->owner_id);
            break;
        case TF_PAYMENT_TERMS_DAYS:
            if (c->payment_terms_days != CLIENT_NULL)
                transfer_sheet_number(s, f, (double)c->payment_terms_days);
            break;
        case TF_CREDIT_LIMIT:
            if (c->credit_limit_amount != CLIENT_NULL)
                transfer_sheet_money(s, f, c->credit_limit_amount);
            break;
        case TF_CREATED_AT:
            transfer_sheet_time(s, f, c->created_at);
            break;
        case TF_UPDATED_AT:
            transfer_sheet_time(s, f, c->updated_at);
            break;
        default:
            transfer_sheet_text(s, f, cell_text(x, page, c, f));
        }
    }
    transfer_sheet_next_row(s);
    x->clients++;
    return 0;
}

static int export_vcf_client(struct export *x, struct arena *page, const struct client *c)
{
    struct contact *k;
    int n = 0;
    if (repo_contact_list(x->db, page, c->id, &k, &n))
        return KL_EDB;
    for (int i = 0; i < n; i++) {
        struct buf v = BUF_INIT;
        const char *name = k[i].name, *sp = strrchr(name, ' ');
        transfer_vcard_line(x->out, "BEGIN", "VCARD");
        transfer_vcard_line(x->out, "VERSION", "4.0");
        vcard_text(x->out, "FN", name);
        /* N: family;given;additional;prefixes;suffixes - the last word taken as the
         * family name. */
        transfer_vcard_escape(&v, sp ? sp + 1 : name);
        buf_putc(&v, ';');
        if (sp) {
            char *given = arena_strndup(page, name, (size_t)(sp - name));
            transfer_vcard_escape(&v, given);
        }
        buf_puts(&v, ";;;");
        transfer_vcard_line(x->out, "N", v.data);
        buf_release(&v);
        vcard_text(x->out, "ORG", c->name);
        if (k[i].position)
            vcard_text(x->out, "TITLE", k[i].position);
        json_t *arr = json_array_from_text(k[i].phones), *item;
        size_t j;
        json_array_foreach(arr, j, item) if (json_is_string(item))
            vcard_text(x->out, "TEL;TYPE=work", json_string_value(item));
        json_decref(arr);
        arr = json_array_from_text(k[i].emails);
        json_array_foreach(arr, j, item) if (json_is_string(item))
            vcard_text(x->out, "EMAIL;TYPE=work", json_string_value(item));
        json_decref(arr);
        if (k[i].birthday && strlen(k[i].birthday) == 10) {
            /* RFC 6350 dates are basic ISO 8601: 19800115. */
            const char *b = k[i].birthday;
            char bday[9] = {b[0], b[1], b[2], b[3], b[5], b[6], b[8], b[9], '\0'};
            transfer_vcard_line(x->out, "BDAY", bday);
        }
        if (k[i].notes)
            vcard_text(x->out, "NOTE", k[i].notes);
        transfer_vcard_line(x->out, "END", "VCARD");
        x->contacts++;
    }
    x->clients++;
    return 0;
}

/* Search results exported at most (ranked, like the list's search). */
#define EXPORT_SEARCH_MAX 1000
#define EXPORT_PAGE       500

/* Call fn for every client the caller sees that the filter keeps, in the list's order,
 * a page at a time (keyset paging over the client list). */
static int export_walk(struct export *x, export_fn fn, struct kl_error *err)
{
    struct client_filter f = x->opt->filter;
    char *after_text = NULL;
    int rc = 0;
    f.has_cursor = 0;
    f.only_ids = NULL;
    f.n_only = 0;
    f.deleted = 0;
    if (x->opt->q && *x->opt->q) {
        struct client_scope scope;
        struct arena page;
        int64_t *ids;
        int n = 0;
        arena_init(&page);
        clients_scope(x->db, x->who, &scope);
        if (search_clients(x->db, &page, &scope, x->opt->q, EXPORT_SEARCH_MAX, &ids, &n))
            rc = kl_error_set(err, KL_EDB, NULL, "err.db", x->who->request_id);
        for (int i = 0; i < n && !rc; i++) {
            struct client c;
            struct kl_error ignore = {0};
            if (clients_get(x->db, &page, x->who, ids[i], &c, &ignore))
                continue;
            if ((f.type && strcmp(f.type, c.type)) || (f.segment && strcmp(f.segment, c.segment)) ||
                (f.status && strcmp(f.status, c.status)) ||
                (f.city && (!c.city || strcmp(f.city, c.city))) ||
                (f.industry && (!c.industry || strcmp(f.industry, c.industry))) ||
                (f.owner_id && f.owner_id != c.owner_id))
                continue;
            if ((rc = fn(x, &page, &c)))
                kl_error_set(err, rc, NULL, "err.db", x->who->request_id);
        }
        arena_release(&page);
        return rc;
    }
    const char *sort = f.sort ? f.sort : "name";
    const char *key = sort[0] == '-' ? sort + 1 : sort;
    for (;;) {
        struct arena page;
        struct client *items;
        int n = 0;
        arena_init(&page);
        rc = clients_list(x->db, &page, x->who, &f, NULL, EXPORT_PAGE, &items, &n, err);
        for (int i = 0; i < n && !rc; i++)
            if ((rc = fn(x, &page, &items[i])))
                kl_error_set(err, rc, NULL, "err.db", x->who->request_id);
        if (!rc && n == EXPORT_PAGE) {
            const struct client *last = &items[n - 1];
            f.has_cursor = 1;
            f.after_id = last->id;
            f.after_int = !strcmp(key, "created") ? last->created_at : last->updated_at;
            free(after_text);
            after_text = xstrdup(last->name_key ? last->name_key : "");
            f.after_text = after_text;
        }
        arena_release(&page);
        if (rc || n < EXPORT_PAGE)
            break;
    }
    free(after_text);
    return rc;
}

static int check_filter(const struct transfer_export *opt, struct kl_error *err)
{
    static const char *const types[] = {"business", "retail", NULL};
    static const char *const segments[] = {"small", "medium", "large", "government", NULL};
    static const char *const statuses[] = {"prospect", "active", "lost", NULL};
    static const char *const sorts[] = {"name",    "-name",    "created", "-created",
                                        "updated", "-updated", NULL};
    const struct {
        const char *field, *value, *key;
        const char *const *set;
    } checks[] = {
        {"type", opt->filter.type, "err.client_type", types},
        {"segment", opt->filter.segment, "err.client_segment", segments},
        {"status", opt->filter.status, "err.client_status", statuses},
        {"sort", opt->filter.sort, "err.sort", sorts},
    };
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        int ok = !checks[i].value;
        for (int k = 0; !ok && checks[i].set[k]; k++)
            ok = !strcmp(checks[i].set[k], checks[i].value);
        if (!ok)
            return kl_error_set(err, KL_EINVAL, checks[i].field, checks[i].key,
                                "name, -name, created, -created, updated, -updated");
    }
    if (opt->delimiter && opt->delimiter != ';' && opt->delimiter != ',' && opt->delimiter != '\t')
        return kl_error_set(err, KL_EINVAL, "delimiter", "err.import_delimiter", NULL);
    return 0;
}

static int read_file(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    if (!f)
        return KL_EIO;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(out, chunk, n);
    int rc = ferror(f) ? KL_EIO : 0;
    fclose(f);
    return rc;
}

static int export_xlsx(struct export *x, struct kl_error *err)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    const char *headers[TF_EXPORTED];
    snprintf(path, sizeof(path), "%s/klientas-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return kl_error_set(err, KL_EIO, NULL, "err.internal", x->who->request_id);
    close(fd);
    for (int f = 0; f < TF_EXPORTED; f++)
        headers[f] = i18n_get(x->who->lang, arena_printf(x->a, "col.%s", fields[f].name));
    int rc = 0;
    x->sheet = transfer_sheet_new(path, headers, TF_EXPORTED);
    if (!x->sheet)
        rc = kl_error_set(err, KL_EIO, NULL, "err.internal", x->who->request_id);
    if (!rc)
        rc = export_walk(x, export_xlsx_row, err);
    if (x->sheet && transfer_sheet_close(x->sheet) && !rc)
        rc = kl_error_set(err, KL_EIO, NULL, "err.internal", x->who->request_id);
    x->sheet = NULL;
    if (!rc && read_file(path, x->out))
        rc = kl_error_set(err, KL_EIO, NULL, "err.internal", x->who->request_id);
    unlink(path);
    return rc;
}

int transfer_export_clients(struct db *db, struct arena *a, const struct principal *who,
                            const struct transfer_export *opt, struct buf *out, long *rows,
                            struct kl_error *err)
{
    struct export x = {.db = db, .a = a, .who = who, .opt = opt, .out = out};
    int rc;
    *rows = 0;
    if (!may_transfer(who))
        return kl_error_set(err, KL_EFORBIDDEN, NULL, "err.forbidden", NULL);
    if ((rc = check_filter(opt, err)))
        return rc;
    x.delim = opt->delimiter ? opt->delimiter : ';';
    if (opt->format == TRANSFER_CSV) {
        buf_puts(out, "\xEF\xBB\xBF"); /* Excel reads the file as UTF-8 only with a BOM */
        for (int f = 0; f < TF_EXPORTED; f++) {
            if (f)
                buf_putc(out, x.delim);
            buf_puts(out, fields[f].name);
        }
        buf_puts(out, "\r\n");
        rc = export_walk(&x, export_csv_row, err);
    } else if (opt->format == TRANSFER_XLSX) {
        rc = export_xlsx(&x, err);
    } else {
        rc = export_walk(&x, export_vcf_client, err);
    }
    if (rc) {
        buf_reset(out);
        return rc;
    }
    /* R34: disclosure is accountable - no audit entry, no file. */
    const struct client_filter *f = &opt->filter;
    json_t *filter = json_object();
    const struct {
        const char *k, *v;
    } texts[] = {{"q", opt->q},         {"type", f->type}, {"segment", f->segment},
                 {"status", f->status}, {"city", f->city}, {"industry", f->industry},
                 {"sort", f->sort}};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (texts[i].v && *texts[i].v)
            json_object_set_new(filter, texts[i].k, json_string(texts[i].v));
    if (f->owner_id)
        json_object_set_new(filter, "owner_id", json_integer((json_int_t)f->owner_id));
    *rows = opt->format == TRANSFER_VCF ? x.contacts : x.clients;
    json_t *info = json_pack("{s:s, s:s, s:o, s:I, s:I}", "kind", "clients", "format",
                             transfer_format_ext(opt->format), "filter", filter, "rows",
                             (json_int_t)*rows, "clients", (json_int_t)x.clients);
    if (opt->format == TRANSFER_VCF)
        json_object_set_new(info, "contacts", json_integer((json_int_t)x.contacts));
    rc = db_begin(db);
    if (!rc)
        rc = audit_record(db, who, "export", 0, "export", NULL, info);
    if (!rc)
        rc = db_commit(db);
    json_decref(info);
    if (rc) {
        db_rollback(db);
        buf_reset(out);
        *rows = 0;
        return kl_error_set(err, KL_EDB, NULL, "err.db", who->request_id);
    }
    return 0;
}

/* ---- acting for a user ---- */

int transfer_principal_for_login(struct db *db, struct arena *a, const char *login,
                                 struct principal *out, struct kl_error *err)
{
    struct user u;
    int rc = repo_user_get_by_login(db, a, login, &u);
    if (rc == KL_ENOTFOUND)
        return kl_error_set(err, KL_ENOTFOUND, "login", "err.ref_not_found", "user");
    if (rc)
        return kl_error_set(err, KL_EDB, NULL, "err.db", NULL);
    if (!u.active)
        return kl_error_set(err, KL_EFORBIDDEN, "login", "err.inactive", NULL);
    memset(out, 0, sizeof(*out));
    out->user_id = u.id;
    out->role = role_parse(u.role);
    out->department_id = u.department_id;
    int l = i18n_lang_parse(u.lang);
    out->lang = l < 0 ? LANG_EN : (enum lang)l;
    out->login = u.login;
    out->name = u.name;
    out->tz = u.tz;
    return 0;
}
