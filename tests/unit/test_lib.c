/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_lib.c - unit tests of lib/: buf, arena, config, time, i18n, secrets. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/i18n.h"
#include "lib/secret.h"
#include "lib/timeutil.h"

TEST(buf_grows_and_stays_terminated)
{
    struct buf b = BUF_INIT;
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    CHECK(b.len > 3000);
    CHECK_INT(b.data[b.len], 0);
    CHECK(!strncmp(b.data, "0,1,2,", 6));
    size_t n;
    char *s = buf_detach(&b, &n);
    CHECK_INT(strlen(s), n);
    CHECK(b.data == NULL && b.len == 0);
    free(s);
}

TEST(arena_allocations_are_zeroed_aligned_and_large_ones_work)
{
    struct arena a;
    arena_init(&a);
    char *p = arena_alloc(&a, 3);
    CHECK_INT(((uintptr_t)p) % 16, 0);
    CHECK(p[0] == 0 && p[2] == 0);
    char *big = arena_alloc(&a, 100000);
    big[99999] = 'x';
    CHECK_STR(arena_printf(&a, "%s-%d", "žalgiris", 7), "žalgiris-7");
    CHECK(arena_strdup(&a, NULL) == NULL);
    arena_release(&a);
}

TEST(config_precedence_file_then_env_then_flag)
{
    char path[] = "/tmp/klientas-cfg-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("# comment\nlisten = 127.0.0.1:1111\ndb = \"sqlite:/tmp/x.db\"\nweb-root=/srv\n", f);
    fclose(f);
    struct config *c = config_new();
    struct kl_error err = {0};
    config_default(c, "listen", "127.0.0.1:8080");
    config_default(c, "threads", "4");
    CHECK_INT(config_load_file(c, path, &err), 0);
    CHECK_STR(config_get(c, "listen"), "127.0.0.1:1111");
    CHECK_STR(config_get(c, "db"), "sqlite:/tmp/x.db");
    CHECK_STR(config_get(c, "web_root"), "/srv");
    setenv("KLIENTAS_LISTEN", "127.0.0.1:2222", 1);
    config_load_env(c);
    CHECK_STR(config_get(c, "listen"), "127.0.0.1:2222");
    config_set(c, "listen", "127.0.0.1:3333");
    CHECK_STR(config_get(c, "listen"), "127.0.0.1:3333");
    CHECK_INT(config_get_long(c, "threads", 0), 4);
    unsetenv("KLIENTAS_LISTEN");
    config_free(c);
    unlink(path);
}

TEST(config_bad_line_names_file_and_line)
{
    char path[] = "/tmp/klientas-cfg-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("listen = a\nthis line has no equals sign\n", f);
    fclose(f);
    struct config *c = config_new();
    struct kl_error err = {0};
    CHECK_INT(config_load_file(c, path, &err), KL_EINVAL);
    CHECK(strstr(err.arg, ":2") != NULL);
    CHECK_INT(config_load_file(c, "/nonexistent/klientas.conf", &err), KL_EIO);
    config_free(c);
    unlink(path);
}

TEST(iso_time_round_trip_and_offsets)
{
    int64_t t;
    char iso[21];
    CHECK_INT(time_parse_iso("2026-11-27T14:03:00Z", &t), 0);
    time_iso(t, iso);
    CHECK_STR(iso, "2026-11-27T14:03:00Z");
    int64_t t2;
    CHECK_INT(time_parse_iso("2026-11-27T16:03:00+02:00", &t2), 0);
    CHECK_INT(t2, t);
    CHECK_INT(time_parse_iso("2026-11-27T14:03:00.250Z", &t2), 0);
    CHECK_INT(t2, t);
    CHECK_INT(time_parse_iso("2026-02-30T00:00:00Z", &t2), KL_EINVAL);
    CHECK_INT(time_parse_iso("2026-11-27 14:03", &t2), KL_EINVAL);
    CHECK_INT(time_parse_iso("2026-11-27T14:03:00", &t2), KL_EINVAL);
    CHECK_INT(time_parse_iso("2026-11-27T24:00:00Z", &t2), KL_EINVAL);
}

TEST(calendar_dates_are_checked)
{
    int y, m, d;
    CHECK_INT(time_parse_date("2024-02-29", &y, &m, &d), 0);
    CHECK_INT(time_parse_date("2025-02-29", &y, &m, &d), KL_EINVAL);
    CHECK_INT(time_parse_date("2025-13-01", &y, &m, &d), KL_EINVAL);
    CHECK_INT(time_parse_date("25-01-01", &y, &m, &d), KL_EINVAL);
}

TEST(i18n_every_message_has_three_languages_and_placeholders_match)
{
    for (size_t i = 0; i < i18n_count(); i++) {
        const char *en = i18n_text_at(i, LANG_EN);
        for (int l = 0; l < LANG_COUNT; l++) {
            const char *t = i18n_text_at(i, (enum lang)l);
            if (!t || !*t) {
                fprintf(stderr, "  missing %s for %s\n", i18n_lang_code((enum lang)l),
                        i18n_key_at(i));
                CHECK(t && *t);
                continue;
            }
            CHECK_INT(!!strstr(t, "{field}"), !!strstr(en, "{field}"));
            CHECK_INT(!!strstr(t, "{arg}"), !!strstr(en, "{arg}"));
        }
        CHECK(strcmp(i18n_text_at(i, LANG_EN), i18n_text_at(i, LANG_LT)) ||
              !strncmp(i18n_key_at(i), "title.", 6));
    }
}

TEST(i18n_formats_in_the_requested_language)
{
    char out[256];
    i18n_format(LANG_LT, "err.required", "name", NULL, out, sizeof(out));
    CHECK_STR(out, "Laukas name privalomas");
    i18n_format(LANG_RU, "err.too_long", "name", "200", out, sizeof(out));
    CHECK(strstr(out, "200") && strstr(out, "name") && strstr(out, "длинное"));
    i18n_format(LANG_EN, "no.such.key", NULL, NULL, out, sizeof(out));
    CHECK_STR(out, "no.such.key");
    i18n_format(LANG_EN, "err.required", "abcdefghij", NULL, out, 8);
    CHECK_INT(strlen(out), 7);
}

TEST(accept_language_picks_first_supported)
{
    CHECK_INT(i18n_lang_from_accept("lt-LT,lt;q=0.9,en;q=0.8"), LANG_LT);
    CHECK_INT(i18n_lang_from_accept("de-DE, ru;q=0.5"), LANG_RU);
    CHECK_INT(i18n_lang_from_accept("fr"), LANG_EN);
    CHECK_INT(i18n_lang_from_accept(NULL), LANG_EN);
    CHECK_INT(i18n_lang_from_accept("ltx, ru"), LANG_RU);
}

TEST(passwords_hash_with_argon2id_and_verify)
{
    char hash[SECRET_HASH_LEN];
    CHECK_INT(secret_password_hash("Slaptažodis-123", hash), 0);
    CHECK(!strncmp(hash, "$argon2id$", 10));
    CHECK_INT(secret_password_check(hash, "Slaptažodis-123"), 1);
    CHECK_INT(secret_password_check(hash, "slaptažodis-123"), 0);
    CHECK_INT(secret_password_check(NULL, "anything"), 0);
    char hash2[SECRET_HASH_LEN];
    secret_password_hash("Slaptažodis-123", hash2);
    CHECK(strcmp(hash, hash2) != 0); /* salted */
}

TEST(tokens_are_random_urlsafe_and_digests_stable)
{
    char a[SECRET_TOKEN_LEN + 1], b[SECRET_TOKEN_LEN + 1];
    char da[SECRET_DIGEST_LEN + 1], da2[SECRET_DIGEST_LEN + 1], db[SECRET_DIGEST_LEN + 1];
    secret_token(a);
    secret_token(b);
    CHECK_INT(strlen(a), SECRET_TOKEN_LEN);
    CHECK(strcmp(a, b) != 0);
    CHECK(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          SECRET_TOKEN_LEN);
    secret_digest(a, da);
    secret_digest(a, da2);
    secret_digest(b, db);
    CHECK_STR(da, da2);
    CHECK(strcmp(da, db) != 0);
    CHECK_INT(secret_equal(a, a), 1);
    CHECK_INT(secret_equal(a, b), 0);
    CHECK_INT(secret_equal("abc", "abcd"), 0);
}
