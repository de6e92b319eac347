/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * static.c - the web application's files (http). Paths under the web root are served with
 * their content type; hashed assets (/assets/...) are cached for a year, everything else
 * is revalidated. A path without a file falls back to index.html (client-side routing).
 * ".." segments and dot-files are refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_internal.h"

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
};

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (!strcmp(dot, types[i].ext))
                return types[i].type;
    return "application/octet-stream";
}

static int safe_path(const char *path)
{
    if (path[0] != '/')
        return 0;
    for (const char *p = path; *p; p++)
        if (p[0] == '/' && p[1] == '.')
            return 0;
    return strlen(path) < 1024;
}

static int open_file(const char *root, const char *rel, int *fd, struct stat *st)
{
    char full[2048];
    snprintf(full, sizeof(full), "%s%s", root, rel);
    *fd = open(full, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return -1;
    if (fstat(*fd, st) || !S_ISREG(st->st_mode)) {
        close(*fd);
        *fd = -1;
        return -1;
    }
    return 0;
}

int static_serve(struct server *srv, struct http_req *req, struct MHD_Response **out, int *status)
{
    const char *path = req->path;
    struct stat st;
    int fd = -1;
    int is_index = 0;

    if (!srv->web_root || !safe_path(path))
        return -1;
    if (!strcmp(path, "/") || open_file(srv->web_root, path, &fd, &st)) {
        /* Client-side routes (no extension) get the application; missing assets 404. */
        const char *last = strrchr(path, '/');
        if (strcmp(path, "/") && strchr(last, '.'))
            return -1;
        if (open_file(srv->web_root, "/index.html", &fd, &st))
            return -1;
        path = "/index.html";
        is_index = 1;
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return -1;
    }
    MHD_add_response_header(r, "Content-Type", type_of(path));
    if (!is_index && !strncmp(path, "/assets/", 8))
        MHD_add_response_header(r, "Cache-Control", "public, max-age=31536000, immutable");
    else
        MHD_add_response_header(r, "Cache-Control", "no-cache");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (is_index || !strcmp(path, "/index.html")) {
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self' "
                                "'unsafe-inline'; frame-ancestors 'none'");
        MHD_add_response_header(r, "X-Frame-Options", "DENY");
    }
    *out = r;
    *status = 200;
    return 0;
}
