-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0010 search vector (PostgreSQL): the client's search text is kept as a tsvector instead
-- of the text it is made from.
--
-- The GIN index was over to_tsvector('simple', search_body): every row a query's bitmap
-- brought back, and every row a plan filtered by owner instead, parsed its text again
-- (measured at 85 us a client, most of a scoped search's time). The vector is now stored
-- and indexed as it is; nothing reads the text itself (domain/search.c writes it).
ALTER TABLE clients ADD COLUMN search_tsv tsvector NOT NULL DEFAULT ''::tsvector;
UPDATE clients SET search_tsv = to_tsvector('simple', search_body) WHERE search_body <> '';
DROP INDEX clients_search;
ALTER TABLE clients DROP COLUMN search_body;
CREATE INDEX clients_search ON clients USING GIN (search_tsv);
