-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0008 checks (PostgreSQL): nothing to change. On SQLite this version respells the clients
-- table's IN-list CHECKs (each built a transient table on every INSERT there); PostgreSQL
-- tests an IN list of constants in place. The version is kept so both backends count alike.
SELECT 1;
