-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0002 client base (SQLite): settings, the manager's segment, clients, contacts,
-- professional holidays, notifications, the client a change in the audit log belongs to,
-- and the search index (FTS5 over text folded by the application: lower case, no
-- diacritics, phone numbers as digits).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO settings (key, value, updated_at) VALUES ('segment_rule', '1', 0);
INSERT INTO settings (key, value, updated_at) VALUES ('card_issue_notify', '', 0);
-- The words of the search text (domain/search.h SEARCH_VERSION): a new database has them.
INSERT INTO settings (key, value, updated_at) VALUES ('search_version', '2', 0);

ALTER TABLE users ADD COLUMN segment TEXT CHECK (segment IN ('business', 'retail'));

CREATE TABLE clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    company_code TEXT,
    vat_code TEXT,
    country TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('business', 'retail')),
    segment TEXT NOT NULL CHECK (segment IN ('small', 'medium', 'large', 'government')),
    status TEXT NOT NULL CHECK (status IN ('prospect', 'active', 'lost')),
    owner_id INTEGER REFERENCES users (id),
    industry TEXT,
    source TEXT,
    city TEXT,
    address TEXT,
    delivery_address TEXT,
    email TEXT,
    phone TEXT,
    website TEXT,
    price_type TEXT,
    payment_terms_days INTEGER,
    credit_limit_amount INTEGER,
    credit_limit_currency TEXT,
    contract_terms TEXT,
    notes TEXT,
    issued_at INTEGER,
    issue_seconds INTEGER,
    merged_into_id INTEGER REFERENCES clients (id),
    deleted_at INTEGER,
    deleted_by INTEGER,
    created_by INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX clients_company_code ON clients (country, company_code)
    WHERE deleted_at IS NULL AND company_code IS NOT NULL;
CREATE INDEX clients_name ON clients (name_key, id);
CREATE INDEX clients_owner_name ON clients (owner_id, name_key, id);
CREATE INDEX clients_created ON clients (created_at, id);
CREATE INDEX clients_updated ON clients (updated_at, id);
CREATE INDEX clients_owner_updated ON clients (owner_id, updated_at, id);
CREATE INDEX clients_city ON clients (city, name_key, id);
CREATE INDEX clients_deleted ON clients (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id INTEGER NOT NULL REFERENCES clients (id),
    name TEXT NOT NULL,
    position TEXT,
    decision_maker INTEGER NOT NULL DEFAULT 0,
    phones TEXT NOT NULL DEFAULT '[]',
    emails TEXT NOT NULL DEFAULT '[]',
    birthday TEXT,
    lang TEXT,
    notes TEXT,
    deleted_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX contacts_client ON contacts (client_id, id);
CREATE INDEX contacts_birthday ON contacts (substr(birthday, 6, 5)) WHERE birthday IS NOT NULL;

CREATE TABLE professional_holidays (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    industry TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_lt TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX professional_holidays_industry ON professional_holidays (industry);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    entity TEXT,
    entity_id INTEGER,
    data TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    read_at INTEGER
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, id);

ALTER TABLE audit_log ADD COLUMN client_id INTEGER;
CREATE INDEX audit_log_client ON audit_log (client_id, id) WHERE client_id IS NOT NULL;

-- One row per client (rowid = client id): the text of the card and its live contacts,
-- folded by the application (lower case, no diacritics, words of letters and digits
-- separated by spaces, phone numbers as digits), so that both backends see the same words.
CREATE VIRTUAL TABLE client_search USING fts5 (
    body,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);

-- The Lithuanian default set of professional holidays (fixed dates); admins keep it.
INSERT INTO professional_holidays (industry, name_en, name_lt, name_ru, month, day, created_at, updated_at) VALUES
    ('education', 'Teachers'' Day', 'Mokytojų diena', 'День учителя', 10, 5, 0, 0),
    ('accounting', 'Accountants'' Day', 'Buhalterių diena', 'День бухгалтера', 11, 10, 0, 0),
    ('healthcare', 'Nurses'' Day', 'Slaugytojų diena', 'День медсестры', 5, 12, 0, 0),
    ('it', 'Programmers'' Day', 'Programuotojų diena', 'День программиста', 9, 13, 0, 0),
    ('emergency', 'Firefighters'' Day', 'Ugniagesių gelbėtojų diena', 'День пожарных', 5, 4, 0, 0),
    ('energy', 'Energy Workers'' Day', 'Energetikų diena', 'День энергетика', 12, 22, 0, 0),
    ('pharmacy', 'Pharmacists'' Day', 'Farmacininkų diena', 'День фармацевта', 9, 25, 0, 0),
    ('tourism', 'World Tourism Day', 'Pasaulinė turizmo diena', 'Всемирный день туризма', 9, 27, 0, 0);
