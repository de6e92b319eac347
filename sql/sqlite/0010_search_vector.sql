-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0010 search vector (SQLite): nothing to change. On PostgreSQL this version stores the
-- clients' search text as an indexed tsvector; SQLite keeps it in its FTS5 table
-- (client_search). The version is kept so both backends count alike.
SELECT 1;
