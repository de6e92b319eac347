-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0005 calendar feeds (SQLite): each user's secret iCalendar address (a capability URL).
-- At most one live feed a user; a reset revokes the row (and forgets its token) and adds a
-- new one. The feed is found by token_hash (the BLAKE2b digest, as for sessions and API
-- tokens). `token` keeps the live token itself so that GET /api/v1/me/calendar can show
-- the address again: it grants reading only what this database already holds, see
-- docs/calendar.md. Revoked rows keep only the digest (for the audit trail).
CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    token TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER,
    CHECK ((revoked_at IS NULL) = (token IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX calendar_feeds_live ON calendar_feeds (user_id) WHERE revoked_at IS NULL;
