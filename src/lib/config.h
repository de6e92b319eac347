/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * config.h - settings (lib). Precedence, lowest first: built-in defaults, the
 * configuration file (`key = value`, `#` comments), KLIENTAS_<KEY> environment
 * variables, command-line flags. Keys are lower-case with underscores.
 */
#ifndef KL_CONFIG_H
#define KL_CONFIG_H

#include "err.h"

struct config;

struct config *config_new(void);
void config_free(struct config *c);
/* Set a default (lowest precedence). */
void config_default(struct config *c, const char *key, const char *value);
/* Read FILE; 0, or KL_EIO / KL_EINVAL with err->arg naming the file and line. */
int config_load_file(struct config *c, const char *path, struct kl_error *err);
/* Apply KLIENTAS_<KEY> for every known key (those with a default or a file value). */
void config_load_env(struct config *c);
/* Set from a flag (highest precedence). */
void config_set(struct config *c, const char *key, const char *value);
/* The value or NULL. */
const char *config_get(const struct config *c, const char *key);
long config_get_long(const struct config *c, const char *key, long fallback);

#endif
