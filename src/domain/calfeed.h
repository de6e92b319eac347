/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * calfeed.h - each user's secret iCalendar feed (domain, issue 4 item 9): the feed
 * address (a capability URL, revocable), what the feed holds, and the iCalendar text,
 * made with libical.
 *
 * The address is <public_url>/calendar/<token>.ics. The token is 32 random bytes
 * (secret_token); the database finds a feed by the token's digest (secret_digest) and
 * keeps the live token itself only so that the address can be shown again (docs/calendar.md
 * says why that is acceptable). A reset revokes the old address at once.
 *
 * The feed holds, for the feed's owner, as VEVENTs (every calendar shows events; many phone
 * calendars ignore VTODO in a subscription): his open tasks (at their due time), his
 * call-backs and his meetings and visits (from CALFEED_PAST_DAYS ago on), and the birthdays
 * of the contacts of the clients he sees (clients_scope) as yearly all-day events. Call-backs,
 * meetings and visits only of clients he still sees; a task names its client only then.
 * Every list is bounded (CALFEED_MAX_*). UIDs are stable: task-<id>@klientas,
 * callback-<activity id>@klientas, meeting-<activity id>@klientas, visit-<activity
 * id>@klientas, birthday-<contact id>@klientas; DTSTAMP is the row's last change, so the same
 * data gives the same text. Times are UTC.
 *
 * The SQL of this file sits in its "store" section (it reads tasks, activities, contacts and
 * calendar_feeds); it belongs in store/repo_calfeed.c once that file can be added.
 */
#ifndef KL_CALFEED_H
#define KL_CALFEED_H

#include <stdint.h>

#include "domain/access.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/secret.h"
#include "store/db.h"

#define CALFEED_PAST_DAYS     30
#define CALFEED_MAX_TASKS     2000
#define CALFEED_MAX_CALLBACKS 2000
#define CALFEED_MAX_MEETINGS  2000
#define CALFEED_MAX_BIRTHDAYS 5000
#define CALFEED_CALLBACK_SECS (15 * 60)
#define CALFEED_TASK_SECS     (15 * 60)
#define CALFEED_MEETING_SECS  (60 * 60) /* when the activity has no duration */
#define CALFEED_TOUCH_SECS    300       /* last_used_at is written at most this often */

/* The live feed address of a user. */
struct calfeed_token {
    int64_t id;
    char token[SECRET_TOKEN_LEN + 1];
    int64_t created_at;
    int64_t last_used_at; /* 0 when never fetched */
};

/* The user's live feed, made on first use (reset = 0); with reset = 1 the live one (if any)
 * is revoked and a new one made. Both writes are audited ("calendar_feed", create/reset). */
int calfeed_token_get(struct db *db, const struct principal *who, int reset,
                      struct calfeed_token *out, struct kl_error *err);
/* The feed address: public_url (a trailing '/' dropped) + "/calendar/" + token + ".ics". */
char *calfeed_url(struct arena *a, const char *public_url, const char *token);
/* The owner of the live feed whose address ends in name ("<token>.ics"): an active user, as
 * a principal (arena strings). KL_ENOTFOUND for anything else: a malformed name, an unknown
 * or revoked token, a deactivated user. Notes the use (at most every CALFEED_TOUCH_SECS). */
int calfeed_resolve(struct db *db, struct arena *a, const char *name, struct principal *out);

/* ---- the feed's contents ---- */

enum calfeed_kind { CALFEED_TASK, CALFEED_CALLBACK, CALFEED_MEETING, CALFEED_VISIT };

/* A timed item: a task (id = task id), a call-back, meeting or visit (id = activity id). */
struct calfeed_item {
    enum calfeed_kind kind;
    int64_t id;
    int64_t start, end;   /* unix seconds, UTC */
    int64_t updated_at;   /* DTSTAMP and LAST-MODIFIED */
    const char *title;    /* task title, or NULL */
    const char *client;   /* client name, or NULL */
    const char *contact;  /* contact name, or NULL */
    const char *phone;    /* the contact's first phone, or NULL */
    const char *location; /* visits: the client's address, or NULL */
    const char *notes;    /* free text, or NULL */
};

struct calfeed_birthday {
    int64_t contact_id;
    int year, month, day;
    int64_t updated_at;
    const char *name;
    const char *client;
};

struct calfeed {
    enum lang lang;
    struct calfeed_item *items;
    int n_items;
    struct calfeed_birthday *birthdays;
    int n_birthdays;
};

/* What the feed of `who` holds at time now (arena memory). */
int calfeed_load(struct db *db, struct arena *a, const struct principal *who, int64_t now,
                 struct calfeed *out, struct kl_error *err);
/* The iCalendar text of f (VCALENDAR, PRODID -//klientas//CRM//EN, VERSION 2.0,
 * X-WR-CALNAME and X-WR-CALDESC in f->lang), appended to out. Items with an invalid time
 * or date are left out. 0, or KL_EIO when libical fails. */
int calfeed_render(const struct calfeed *f, struct buf *out);

#endif
