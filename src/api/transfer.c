/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * transfer.c - /api/v1/imports/clients, /api/v1/imports/contacts and
 * /api/v1/exports/clients (api): CSV and vCard bodies in, CSV, XLSX and vCard files out.
 * The work and the report are the domain's (domain/transfer.c).
 *
 * An import answers its report: 200 when the file was imported (or a dry run found
 * nothing wrong), 400 with the same report in the problem body when anything is wrong,
 * and then nothing was written. The body limit (413) and the media types (415) are the
 * route's (routes.c).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

#include "domain/transfer.h"
#include "lib/timeutil.h"

static int bad_query(struct http_req *req, const char *name, const char *key, const char *arg)
{
    kl_error_set(&req->err, KL_EINVAL, name, key, arg);
    return KL_EINVAL;
}

/* ?name=1|true|0|false, absent = 0. */
static int query_flag(struct http_req *req, const char *name, int *out)
{
    const char *v = http_query(req, name);
    *out = 0;
    if (!v)
        return 0;
    if (!strcmp(v, "1") || !strcmp(v, "true"))
        *out = 1;
    else if (strcmp(v, "0") && strcmp(v, "false"))
        return bad_query(req, name, "err.query_param", NULL);
    return 0;
}

/* ?delimiter=, ; or a tab (also by name: comma, semicolon, tab); absent = 0. */
static int query_delimiter(struct http_req *req, char *out)
{
    const char *v = http_query(req, "delimiter");
    *out = 0;
    if (!v)
        return 0;
    if (!strcmp(v, ",") || !strcmp(v, "comma"))
        *out = ',';
    else if (!strcmp(v, ";") || !strcmp(v, "semicolon"))
        *out = ';';
    else if (!strcmp(v, "\t") || !strcmp(v, "tab"))
        *out = '\t';
    else
        return bad_query(req, "delimiter", "err.import_delimiter", NULL);
    return 0;
}

/* 200 with the report, or 400 with the report in the problem body. */
static int report_answer(struct http_req *req, struct http_resp *resp, int rc,
                         const struct transfer_report *rep, struct kl_error *err)
{
    if (rc && rc != KL_EINVAL)
        return api_fail(req, rc, err);
    json_t *report = transfer_report_to_json(rep, req->lang);
    if (rc) {
        api_fail(req, rc, err);
        json_decref(req->problem_extra);
        req->problem_extra = report;
        return rc;
    }
    resp_json(resp, 200, report);
    return 0;
}

int api_imports_clients(struct http_req *req, struct http_resp *resp)
{
    struct transfer_csv_options opt = {0};
    struct transfer_report rep;
    struct kl_error err = {0};
    int rc;
    if ((rc = query_flag(req, "dry_run", &opt.dry_run)) ||
        (rc = query_delimiter(req, &opt.delimiter)))
        return rc;
    const char *mapping = http_query(req, "mapping");
    if (mapping && *mapping) {
        opt.mapping = json_loads(mapping, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(opt.mapping)) {
            json_decref(opt.mapping);
            return bad_query(req, "mapping", "err.import_mapping", NULL);
        }
    }
    rc = transfer_import_clients_csv(req->db, &req->arena, req->who, req->body.data, req->body.len,
                                     &opt, &rep, &err);
    rc = report_answer(req, resp, rc, &rep, &err);
    json_decref(opt.mapping);
    return rc;
}

int api_imports_contacts(struct http_req *req, struct http_resp *resp)
{
    struct transfer_report rep;
    struct kl_error err = {0};
    int64_t client_id = 0;
    int dry_run = 0, rc;
    if ((rc = api_query_id(req, "client_id", &client_id)) ||
        (rc = query_flag(req, "dry_run", &dry_run)))
        return rc;
    if (!client_id)
        return bad_query(req, "client_id", "err.required", NULL);
    rc = transfer_import_contacts_vcard(req->db, &req->arena, req->who, client_id, req->body.data,
                                        req->body.len, dry_run, &rep, &err);
    return report_answer(req, resp, rc, &rep, &err);
}

int api_exports_clients(struct http_req *req, struct http_resp *resp)
{
    struct transfer_export ex = {0};
    struct kl_error err = {0};
    struct buf out = BUF_INIT;
    long rows = 0;
    int rc, format = transfer_format_parse(http_query(req, "format"));
    if (format < 0)
        return bad_query(req, "format", "err.export_format", NULL);
    ex.format = (enum transfer_format)format;
    if ((rc = query_delimiter(req, &ex.delimiter)) ||
        (rc = api_query_id(req, "owner_id", &ex.filter.owner_id)))
        return rc;
    ex.filter.type = http_query(req, "type");
    ex.filter.segment = http_query(req, "segment");
    ex.filter.status = http_query(req, "status");
    ex.filter.city = http_query(req, "city");
    ex.filter.industry = http_query(req, "industry");
    ex.filter.sort = http_query(req, "sort");
    ex.q = http_query(req, "q");
    if ((rc = transfer_export_clients(req->db, &req->arena, req->who, &ex, &out, &rows, &err))) {
        buf_release(&out);
        return api_fail(req, rc, &err);
    }
    /* The file becomes the body as it is (no copy). */
    buf_release(&resp->body);
    resp->body = out;
    resp->status = 200;
    resp->content_type = transfer_format_media(ex.format);
    char iso[21];
    time_iso(time_now(), iso);
    resp_header(req, resp, "Content-Disposition",
                arena_printf(&req->arena, "attachment; filename=\"clients-%.10s.%s\"", iso,
                             transfer_format_ext(ex.format)));
    resp_header(req, resp, "X-Export-Rows", arena_printf(&req->arena, "%ld", rows));
    return 0;
}
