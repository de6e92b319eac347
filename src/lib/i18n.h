/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * i18n.h - message catalogues for the server (lib): English, Lithuanian, Russian.
 * Messages may hold {field} and {arg} placeholders, filled by i18n_format.
 */
#ifndef KL_I18N_H
#define KL_I18N_H

#include <stddef.h>

enum lang { LANG_EN, LANG_LT, LANG_RU, LANG_COUNT };

/* "en", "lt", "ru" -> enum; anything else -> -1. */
int i18n_lang_parse(const char *code);
const char *i18n_lang_code(enum lang l);
/* Pick the best language from an Accept-Language header; LANG_EN if none fits. */
enum lang i18n_lang_from_accept(const char *header);
/* The message for key in lang; falls back to English, then to the key itself. */
const char *i18n_get(enum lang l, const char *key);
/* Render key with {field} and {arg} substituted into out. */
void i18n_format(enum lang l, const char *key, const char *field, const char *arg, char *out,
                 size_t outsz);
/* Number of keys, and the key at index i (for the catalogue completeness test). */
size_t i18n_count(void);
const char *i18n_key_at(size_t i);
const char *i18n_text_at(size_t i, enum lang l);

#endif
