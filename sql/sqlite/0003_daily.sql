-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0003 daily work (SQLite): activities, inbound reasons, quotas, the working calendar,
-- tasks, absences with substitutes, and the "negotiate soon" mark of a client (R13).
ALTER TABLE clients ADD COLUMN negotiate_soon INTEGER NOT NULL DEFAULT 0;

CREATE TABLE activity_reasons (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_lt TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO activity_reasons (code, name_en, name_lt, name_ru, created_at, updated_at) VALUES
    ('price_request', 'Price request', 'Kainos užklausa', 'Запрос цены', 0, 0),
    ('order', 'Order', 'Užsakymas', 'Заказ', 0, 0),
    ('availability', 'Product availability', 'Prekės likutis', 'Наличие товара', 0, 0),
    ('delivery', 'Delivery question', 'Pristatymo klausimas', 'Вопрос по доставке', 0, 0),
    ('invoice', 'Invoice or payment', 'Sąskaita ar mokėjimas', 'Счёт или оплата', 0, 0),
    ('complaint', 'Complaint', 'Skundas', 'Жалоба', 0, 0),
    ('other', 'Other', 'Kita', 'Другое', 0, 0);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id),
    contact_id INTEGER REFERENCES contacts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    type TEXT NOT NULL CHECK (type IN ('call', 'email', 'offer_email', 'offer_phone', 'meeting',
                                       'visit', 'greeting', 'note')),
    direction TEXT NOT NULL DEFAULT 'out' CHECK (direction IN ('in', 'out')),
    outcome TEXT,
    reason TEXT,
    at INTEGER NOT NULL,
    duration_s INTEGER,
    notes TEXT,
    callback_at INTEGER,
    deleted_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
-- Quota counts group by user, then type, over a time range: the key order is that order.
-- Partial indexes over live rows carry every column those queries read (index-only):
-- quota counts by user and type over a range, last contact and "ever called" per client.
CREATE INDEX activities_user_type_at ON activities (user_id, type, at, direction, client_id)
    WHERE deleted_at IS NULL;
CREATE INDEX activities_user_at ON activities (user_id, at);
-- A user's live clients, for the call list and the monthly contact count.
CREATE INDEX clients_owner_live ON clients (owner_id, status) WHERE deleted_at IS NULL;
CREATE INDEX activities_client_at ON activities (client_id, at, type) WHERE deleted_at IS NULL;
CREATE INDEX activities_callback ON activities (client_id, callback_at) WHERE callback_at IS NOT NULL;

CREATE TABLE quotas (
    id INTEGER PRIMARY KEY,
    department_id INTEGER REFERENCES departments (id),
    user_id INTEGER REFERENCES users (id),
    calls_day INTEGER,
    offers_email_day INTEGER,
    offers_phone_day INTEGER,
    new_contracts_month INTEGER,
    monthly_contact INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL,
    CHECK ((department_id IS NULL) <> (user_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX quotas_department ON quotas (department_id) WHERE department_id IS NOT NULL;
CREATE UNIQUE INDEX quotas_user ON quotas (user_id) WHERE user_id IS NOT NULL;

-- Days that differ from the rule "Monday to Friday work, Lithuanian public holidays off".
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    working INTEGER NOT NULL,
    note TEXT,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    assignee_id INTEGER NOT NULL REFERENCES users (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    client_id INTEGER REFERENCES clients (id),
    title TEXT NOT NULL,
    notes TEXT,
    due_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    done_at INTEGER,
    done_note TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX tasks_assignee ON tasks (assignee_id, status, due_at);
CREATE INDEX tasks_creator ON tasks (created_by, status, due_at);

CREATE TABLE absences (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    substitute_id INTEGER NOT NULL REFERENCES users (id),
    from_day TEXT NOT NULL,
    to_day TEXT NOT NULL,
    reason TEXT,
    created_by INTEGER NOT NULL,
    deleted_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (user_id <> substitute_id),
    CHECK (from_day <= to_day)
) STRICT;
CREATE INDEX absences_substitute ON absences (substitute_id, from_day, to_day);
CREATE INDEX absences_user ON absences (user_id, from_day, to_day);
