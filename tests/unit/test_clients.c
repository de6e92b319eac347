/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_clients.c - unit tests of the client card checks, folding and search words. */
#include "test.h"

#include "domain/clients.h"
#include "domain/search.h"
#include "lib/fold.h"

TEST(lithuanian_company_and_vat_codes)
{
    struct kl_error err = {0};
    CHECK_INT(client_check_company_code("LT", "123456789", &err), 0);
    CHECK_INT(client_check_company_code("LT", "12345678", &err), KL_EINVAL);
    CHECK_STR(err.field, "company_code");
    CHECK_STR(err.key, "err.company_code_lt");
    CHECK_INT(client_check_company_code("LT", "12345678a", &err), KL_EINVAL);
    CHECK_INT(client_check_company_code("DE", "HRB 12345", &err), 0);
    CHECK_INT(client_check_company_code("DE", "x", &err), KL_EINVAL);
    CHECK_INT(client_check_vat_code("LT", "LT123456789", &err), 0);
    CHECK_INT(client_check_vat_code("LT", "LT123456789012", &err), 0);
    CHECK_INT(client_check_vat_code("LT", "LT1234567890", &err), KL_EINVAL);
    CHECK_STR(err.field, "vat_code");
    CHECK_INT(client_check_vat_code("LT", "PL1234567890", &err), KL_EINVAL);
    CHECK_INT(client_check_vat_code("PL", "PL1234567890", &err), 0);
    CHECK_INT(client_check_vat_code("PL", "pl1234567890", &err), KL_EINVAL);
}

TEST(phones_normalise_to_e164)
{
    struct kl_error err = {0};
    char out[20];
    CHECK_INT(client_normalize_phone("phone", "8 612 34567", "LT", out, &err), 0);
    CHECK_STR(out, "+37061234567");
    CHECK_INT(client_normalize_phone("phone", "+370 (612) 34-567", "LT", out, &err), 0);
    CHECK_STR(out, "+37061234567");
    CHECK_INT(client_normalize_phone("phone", "00370 612 34567", "LT", out, &err), 0);
    CHECK_STR(out, "+37061234567");
    CHECK_INT(client_normalize_phone("phone", "612 34567", "LT", out, &err), 0);
    CHECK_STR(out, "+37061234567");
    CHECK_INT(client_normalize_phone("phone", "+49 30 1234567", "DE", out, &err), 0);
    CHECK_STR(out, "+49301234567");
    CHECK_INT(client_normalize_phone("phones[1]", "12", "LT", out, &err), KL_EINVAL);
    CHECK_STR(err.field, "phones[1]");
    CHECK_INT(client_normalize_phone("phone", "+370 612 abc", "LT", out, &err), KL_EINVAL);
    CHECK_INT(client_normalize_phone("phone", "+1234567890123456", "LT", out, &err), KL_EINVAL);
}

TEST(emails_are_checked)
{
    struct kl_error err = {0};
    CHECK_INT(client_check_email("email", "jonas@uab.lt", &err), 0);
    CHECK_INT(client_check_email("email", "jonas.petraitis+crm@sub.uab.lt", &err), 0);
    CHECK_INT(client_check_email("email", "jonas@uab", &err), KL_EINVAL);
    CHECK_INT(client_check_email("email", "jonas uab@uab.lt", &err), KL_EINVAL);
    CHECK_INT(client_check_email("email", "@uab.lt", &err), KL_EINVAL);
    CHECK_INT(client_check_email("email", "a@b@uab.lt", &err), KL_EINVAL);
    CHECK_INT(client_check_email("emails[0]", "a@uab..lt", &err), KL_EINVAL);
    CHECK_STR(err.field, "emails[0]");
}

TEST(folding_drops_diacritics_and_case_in_latin_and_cyrillic)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(fold_text(&a, "ŽALGIRIS"), "zalgiris");
    CHECK_STR(fold_text(&a, "Ąžuolų Šilas"), "azuolu silas");
    CHECK_STR(fold_text(&a, "Иван"), "иван");
    CHECK_STR(fold_text(&a, "ЁЛКА"), "елка");
    CHECK_STR(fold_digits(&a, "+370 (612) 34-567"), "37061234567");
    arena_release(&a);
}

/* Text of ASCII only takes a short way (fold.c): it must fold exactly as the same text does
 * beside a letter that takes the long way (libunistring's NFKD and lower case). */
TEST(folding_ascii_text_is_the_same_either_way)
{
    struct arena a;
    arena_init(&a);
    char ascii[128], mixed[160];
    size_t k = 0;
    for (int c = 1; c < 128; c++)
        ascii[k++] = (char)c;
    ascii[k] = '\0';
    snprintf(mixed, sizeof(mixed), "%s\xc3\x89", ascii); /* + "É" */
    const char *fast = fold_text(&a, ascii), *slow = fold_text(&a, mixed);
    CHECK_INT((long long)strlen(slow), (long long)strlen(fast) + 1);
    CHECK(!strncmp(fast, slow, strlen(fast)));
    CHECK_STR(slow + strlen(fast), "e");
    CHECK_STR(fold_text(&a, "Gedimino PR. 1-A, LT-01103 Vilnius"),
              "gedimino pr. 1-a, lt-01103 vilnius");
    CHECK_STR(fold_text(&a, "INFO@UAB.LT"), "info@uab.lt");
    arena_release(&a);
}

TEST(search_words_are_folded_prefixes_or_phone_digits)
{
    struct arena a;
    const char *w[8];
    arena_init(&a);
    CHECK_INT(search_query_words(&a, "UAB „Žalg", w, 8), 2);
    CHECK_STR(w[0], "uab");
    CHECK_STR(w[1], "zalg");
    CHECK_INT(search_query_words(&a, "+370 612 34567", w, 8), 1);
    CHECK_STR(w[0], "37061234567");
    CHECK_INT(search_query_words(&a, "ива", w, 8), 1);
    CHECK_STR(w[0], "ива");
    CHECK_INT(search_query_words(&a, "  ,;  ", w, 8), 0);
    arena_release(&a);
}

TEST(name_key_ignores_legal_forms_and_punctuation)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(client_name_key(&a, "UAB „Žalgiris“"), "zalgiris");
    CHECK_STR(client_name_key(&a, "Žalgiris, UAB"), "zalgiris");
    CHECK_STR(client_name_key(&a, "ООО «Балтика Строй»"), "балтика строи");
    CHECK_STR(client_name_key(&a, "Baltijos prekyba"), "baltijos prekyba");
    arena_release(&a);
}
