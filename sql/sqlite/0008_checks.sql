-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0008 checks (SQLite): the clients table's CHECKs on segment and status, spelled as
-- comparisons instead of IN lists.
--
-- SQLite codes an IN list of three or more constants as a transient table built anew on
-- every execution of the statement: each INSERT into clients built two (a page zeroed,
-- filled and freed each), 15 % of a bulk import's instructions (docs/benchmarks.md). The
-- OR of comparisons accepts exactly the same values, so every stored row still satisfies
-- it and a connection still holding the old text checks the same thing.
--
-- Changing a CHECK this way, by rewriting the table's text in sqlite_schema, is the
-- procedure SQLite's ALTER TABLE documentation gives for it ("Making Other Kinds Of Table
-- Schema Changes"); RESET reloads the schema on this connection at once.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'CHECK (segment IN (''small'', ''medium'', ''large'', ''government''))',
    'CHECK (segment = ''small'' OR segment = ''medium'' OR segment = ''large'' OR '
    || 'segment = ''government'')'),
    'CHECK (status IN (''prospect'', ''active'', ''lost''))',
    'CHECK (status = ''prospect'' OR status = ''active'' OR status = ''lost'')')
    WHERE type = 'table' AND name = 'clients';
PRAGMA writable_schema = RESET;
