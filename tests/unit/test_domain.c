/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_domain.c - unit tests of domain rules that need no database. */
#include "test.h"

#include "domain/access.h"
#include "domain/auth.h"
#include "domain/validate.h"

TEST(utf8_length_counts_code_points_and_rejects_invalid)
{
    CHECK_INT(utf8_length("Žalgiris"), 8);
    CHECK_INT(utf8_length("Иван"), 4);
    CHECK_INT(utf8_length(""), 0);
    CHECK_INT(utf8_length("\xC3\x28"), -1); /* bad continuation */
    CHECK_INT(utf8_length("\xC0\xAF"), -1); /* overlong */
    CHECK_INT(utf8_length("\xF5\x80\x80\x80"), -1);
}

TEST(text_validation_names_the_field)
{
    struct kl_error err = {0};
    CHECK_INT(validate_text("name", "Rūta", 1, 200, 0, &err), 0);
    CHECK_INT(validate_text("name", "", 1, 200, 0, &err), KL_EINVAL);
    CHECK_STR(err.field, "name");
    CHECK_STR(err.key, "err.required");
    CHECK_INT(validate_text("name", NULL, 1, 200, 0, &err), KL_EINVAL);
    CHECK_INT(validate_text("name", "a\nb", 1, 200, 0, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.control_chars");
    CHECK_INT(validate_text("notes", "a\nb", 1, 200, 1, &err), 0);
    CHECK_INT(validate_text("name", "ąčęėįšųūž", 1, 8, 0, &err), KL_EINVAL);
    CHECK_STR(err.key, "err.too_long");
    CHECK_STR(err.arg, "8");
    CHECK_INT(validate_text("name", "ąčęėįšųū", 1, 8, 0, &err), 0);
}

TEST(password_policy_bounds)
{
    struct kl_error err = {0};
    CHECK_INT(auth_check_password_policy("password", "1234567", &err), KL_EINVAL);
    CHECK_STR(err.field, "password");
    CHECK_INT(auth_check_password_policy("password", "12345678", &err), 0);
}

TEST(roles_parse_and_name)
{
    CHECK_INT(role_parse("manager"), ROLE_MANAGER);
    CHECK_INT(role_parse("admin"), ROLE_ADMIN);
    CHECK_INT(role_parse("Admin"), 0);
    CHECK_INT(role_parse(NULL), 0);
    CHECK_STR(role_name(ROLE_LOGISTICS), "logistics");
    for (int i = 0; i < ROLE_COUNT; i++)
        CHECK_INT(role_parse(role_name(role_at(i))), role_at(i));
}
