/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * transfer.h - import and export of the client base (domain; R1, R3, R34; issue 3 item 10).
 *
 * Import: a CSV file of clients (one client a row, optionally with one contact), or a
 * vCard file (3.0 or 4.0) of contacts of one client. A file is applied in ONE transaction
 * through the same domain functions as the API (clients_create, clients_update,
 * contacts_create, contacts_update), so every row is checked by the same rules and
 * audited as usual; each row runs inside a savepoint of that transaction. A dry run, and
 * a file with any bad row, roll the whole transaction back: a file is imported whole or
 * not at all, and the report names every bad row by its physical line (the header is
 * line 1), its column and the reason.
 *
 * Re-importing a file changes nothing: a row is matched to a client by `id`, else by
 * country + company code, else (no company code) by name among the caller's clients that
 * have no company code; a contact by name within its client. Values the card already
 * holds are not written again (no new version, no audit entry); an empty cell leaves the
 * field as it is. A row that would touch a client outside the caller's scope is an error
 * that does not disclose the client.
 *
 * Export: the clients the caller sees (the filters of the client list) as CSV (UTF-8 with
 * BOM, RFC 4180), XLSX (libxlsxwriter; text always stored as text) or vCard 4.0 of their
 * contacts (RFC 6350). Every export is audited (entity "export": filter, format, rows).
 *
 * Encoding: only UTF-8 is accepted; other encodings are named in the report when they can
 * be recognised (UTF-16, Windows-1257, Windows-1251).
 */
#ifndef KL_TRANSFER_H
#define KL_TRANSFER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "store/db.h"
#include "store/repo_client.h"

/* A report lists at most this many errors; error_count counts them all. */
#define TRANSFER_MAX_LISTED_ERRORS 1000
/* Columns of a CSV file, values of one vCard property kind. */
#define TRANSFER_MAX_COLUMNS 256

/* One problem of an import: where, and what (err.field and err.key/arg). */
struct transfer_issue {
    long line;          /* physical line of the file (header = 1); 0 for the whole file */
    const char *column; /* the column's header text (or vCard property), or NULL */
    struct kl_error err;
};

struct transfer_report {
    int dry_run;
    long rows; /* data rows of a CSV file, cards of a vCard file */
    long created, updated, unchanged;
    long contacts_created, contacts_updated;
    long error_count;
    struct transfer_issue *issues; /* the first TRANSFER_MAX_LISTED_ERRORS, from the arena */
    int n_issues;
    const char **ignored_columns; /* header texts no field was found for */
    int n_ignored;
    char delimiter; /* the CSV delimiter used */
};

struct transfer_csv_options {
    int dry_run;
    char delimiter;  /* ',', ';' or '\t'; 0: detect from the header line */
    json_t *mapping; /* {"header text": "field" or null (ignore)}, or NULL */
};

/*
 * Import clients (and contacts) from CSV data acting as who. 0: imported (or a clean dry
 * run); KL_EINVAL: the file or some row is bad, rep lists why and nothing was written
 * (err: "err.import_rejected"); KL_EFORBIDDEN: who may not import; KL_EDB etc.: failure.
 * rep is filled in every case; its strings come from the arena.
 */
int transfer_import_clients_csv(struct db *db, struct arena *a, const struct principal *who,
                                const char *data, size_t len,
                                const struct transfer_csv_options *opt, struct transfer_report *rep,
                                struct kl_error *err);

/* Import the contacts of a vCard file into a client the caller sees (KL_ENOTFOUND
 * otherwise); the same rules and answers as transfer_import_clients_csv. */
int transfer_import_contacts_vcard(struct db *db, struct arena *a, const struct principal *who,
                                   int64_t client_id, const char *data, size_t len, int dry_run,
                                   struct transfer_report *rep, struct kl_error *err);

/* The report as the API answers it: {"dry_run", "rows", "created", "updated", "unchanged",
 * "contacts_created", "contacts_updated", "error_count", "errors": [{"line", "field",
 * "column", "message"}], "ignored_columns"}, messages rendered in lang. New reference. */
json_t *transfer_report_to_json(const struct transfer_report *rep, enum lang lang);

enum transfer_format { TRANSFER_CSV, TRANSFER_XLSX, TRANSFER_VCF };

struct transfer_export {
    enum transfer_format format;
    char delimiter;              /* CSV: ';' or ','; 0 means ';' */
    struct client_filter filter; /* type, segment, status, city, industry, owner_id, sort */
    const char *q;               /* search text, or NULL */
};

/* "csv", "xlsx", "vcf" -> format; -1 when unknown. */
int transfer_format_parse(const char *s);
const char *transfer_format_ext(enum transfer_format f);
const char *transfer_format_media(enum transfer_format f);

/* Export the clients who sees (filtered) into out; *rows gets the number of clients
 * (CSV, XLSX) or contacts (vCard) written. The export is audited before it is handed
 * out; a filter value that is not allowed is KL_EINVAL naming the field. */
int transfer_export_clients(struct db *db, struct arena *a, const struct principal *who,
                            const struct transfer_export *opt, struct buf *out, long *rows,
                            struct kl_error *err);

/* The principal of an active user, for commands run on his behalf (klientas import
 * --login). KL_ENOTFOUND (field "login") or KL_EFORBIDDEN (deactivated). */
int transfer_principal_for_login(struct db *db, struct arena *a, const char *login,
                                 struct principal *out, struct kl_error *err);

/* ---- building blocks, exposed for the unit tests ---- */

/* Check that data is UTF-8 text. 0, or KL_EINVAL with *line (1-based; 0 for the whole
 * file) and err->key one of err.import_not_utf8, err.import_cp1257, err.import_cp1251,
 * err.import_utf16, err.import_not_text. */
int transfer_check_text(const char *data, size_t len, long *line, struct kl_error *err);

/* The delimiter of the first line: the most frequent of ',', ';' and tab outside quotes
 * (',' when there is none). A UTF-8 BOM is skipped. */
char transfer_csv_detect_delimiter(const char *data, size_t len);

/* Called for each record of a CSV file with the physical line it starts on; fields are
 * NUL-terminated (libcsv trims spaces around unquoted values). Nonzero stops reading. */
typedef int (*transfer_record_fn)(void *ctx, long line, char **fields, int n);

/* Read CSV data (a UTF-8 BOM is skipped) with libcsv in strict mode. 0 when read to the
 * end or stopped by fn; KL_EINVAL with *line and err (err.import_quote,
 * err.import_quote_unclosed, err.import_too_many_columns) on malformed input. */
int transfer_csv_read(const char *data, size_t len, char delimiter, transfer_record_fn fn,
                      void *ctx, long *line, struct kl_error *err);

/* Append one CSV field, quoted by libcsv when it holds the delimiter, a quote, a line
 * break or leading/trailing space (RFC 4180). */
void transfer_csv_field(struct buf *out, const char *s, char delimiter);

/* The field a CSV header names (field names, and common English, Lithuanian and Russian
 * headers, compared without case, diacritics and punctuation); NULL when none. */
const char *transfer_header_field(struct arena *a, const char *header);

/* Parse an amount of money ("1500", "1 500,50", "1,500.50", "€ 12.5", "99.90 EUR") into
 * minor units; *currency (3 letters + NUL) is set when the text names one, else "".
 * 0 or KL_EINVAL. */
int transfer_parse_money(const char *s, int64_t *minor, char currency[4]);

/* vCard 4.0 writing: s escaped as a text value (\\ \, \; \n) appended to out. */
void transfer_vcard_escape(struct buf *out, const char *s);
/* Append the content line "name:value" (value already escaped), folded at 75 octets on
 * UTF-8 character boundaries, ended by CRLF. */
void transfer_vcard_line(struct buf *out, const char *name, const char *value);

/* One card of a vCard file, its values unfolded and unescaped (arena strings). */
struct transfer_vcard {
    long line; /* the line of BEGIN:VCARD */
    const char *fn, *family, *given, *title, *bday, *note;
    const char *tels[12];
    int n_tels;
    const char *emails[12];
    int n_emails;
};

/* Parse a vCard file (versions 3.0 and 4.0). 0 with *cards and *n; KL_EINVAL with *line
 * and err (err.vcard_syntax, err.vcard_version, err.vcard_unclosed, err.import_empty). */
int transfer_vcard_parse(struct arena *a, const char *data, size_t len,
                         struct transfer_vcard **cards, int *n, long *line, struct kl_error *err);

/* A worksheet written with libxlsxwriter in constant-memory mode: a bold, frozen header
 * row with an autofilter, then one row at a time. Text is always written with
 * worksheet_write_string, so "=SUM(1)" stays text and never becomes a formula. */
struct transfer_sheet;
struct transfer_sheet *transfer_sheet_new(const char *path, const char *const *headers, int ncols);
void transfer_sheet_text(struct transfer_sheet *s, int col, const char *text);
void transfer_sheet_number(struct transfer_sheet *s, int col, double v);
/* An amount of minor units as a number with two decimals. */
void transfer_sheet_money(struct transfer_sheet *s, int col, int64_t minor);
/* A unix time as a date-time cell (UTC). */
void transfer_sheet_time(struct transfer_sheet *s, int col, int64_t t);
void transfer_sheet_next_row(struct transfer_sheet *s);
/* Set the column widths and the autofilter, write the file, free s. 0 or KL_EIO. */
int transfer_sheet_close(struct transfer_sheet *s);

#endif
