/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* main.c - the unit test program: pure functions of lib/, http/, api/ and domain/. */
#define TEST_MAIN
#define TEST_TIER "unit"
#include "test.h"

#include "lib/log.h"
#include "lib/secret.h"

int test_setup(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_set_quiet(1);
    return secret_init();
}

void test_teardown(void)
{
}
