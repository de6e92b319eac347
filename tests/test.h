/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test.h - the C test harness of the unit and store tiers.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_INT(a, b); CHECK_STR(s, "x"); }
 *
 * Tests register themselves (constructor attribute); exactly one file per program
 * defines TEST_MAIN before including this header, which provides main(). main runs every
 * test (or those whose name contains argv[1]), prints each failure with file and line,
 * and ends with "<tier>: N passed, N failed" (tier from TEST_TIER or "unit"); with
 * KL_RESULTS_DIR set it also writes "N N" to $KL_RESULTS_DIR/<tier>.
 * A test passes when none of its checks failed.
 */
#ifndef KL_TEST_H
#define KL_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);
extern int test_failures_in_current;

#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void reg_##name(void)                                      \
    {                                                                                              \
        test_register(#name, name);                                                                \
    }                                                                                              \
    static void name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);             \
            test_failures_in_current++;                                                            \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_,    \
                    b_);                                                                           \
            test_failures_in_current++;                                                            \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_)) {                                                        \
            fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a,    \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                       \
            test_failures_in_current++;                                                            \
        }                                                                                          \
    } while (0)

#ifdef TEST_MAIN
#ifndef TEST_TIER
#define TEST_TIER "unit"
#endif
struct test_entry {
    const char *name;
    test_fn fn;
};
static struct test_entry test_entries[1024];
static int test_count;
int test_failures_in_current;

void test_register(const char *name, test_fn fn)
{
    if (test_count < 1024)
        test_entries[test_count++] = (struct test_entry){name, fn};
}

/* Optional per-program setup, called before the tests with argc/argv. */
int test_setup(int argc, char **argv);
void test_teardown(void);

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    const char *filter = NULL;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (test_setup(argc, argv))
        return 2;
    if (argc > 1 && argv[argc - 1][0] != '-' && strncmp(argv[argc - 1], "sqlite:", 7) &&
        strncmp(argv[argc - 1], "postgres", 8))
        filter = argv[argc - 1];
    const char *tier = getenv("TEST_TIER_NAME") ? getenv("TEST_TIER_NAME") : TEST_TIER;
    for (int i = 0; i < test_count; i++) {
        if (filter && !strstr(test_entries[i].name, filter))
            continue;
        test_failures_in_current = 0;
        test_entries[i].fn();
        if (test_failures_in_current) {
            failed++;
            fprintf(stderr, "FAIL %s\n", test_entries[i].name);
        } else {
            passed++;
            printf("ok   %s\n", test_entries[i].name);
        }
    }
    test_teardown();
    printf("%s: %d passed, %d failed\n", tier, passed, failed);
    const char *dir = getenv("KL_RESULTS_DIR");
    if (dir) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, tier);
        FILE *f = fopen(path, "w");
        if (f) {
            fprintf(f, "%d %d\n", passed, failed);
            fclose(f);
        }
    }
    return failed ? 1 : 0;
}
#endif

#endif
