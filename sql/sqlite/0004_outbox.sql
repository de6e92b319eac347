-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0004 e-mail and background jobs (SQLite): the outbox of e-mail (queued in the same
-- transaction as the business change, delivered by a job), the recurring jobs and their
-- recent runs, greeting templates (R14), and the morning digest setting of a user.
-- See docs/email.md.

-- A user's own address (Reply-To of his e-mail, the digest goes to it) and whether he
-- wants the morning digest of his day.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN digest INTEGER NOT NULL DEFAULT 0 CHECK (digest IN (0, 1));

-- One row per message. status: queued (waiting for next_attempt_at) -> sending (claimed
-- by a server, locked_by/locked_at) -> sent, or back to queued after a temporary failure,
-- or failed (permanent failure, or no success within the give-up time since queued_at).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    to_name TEXT,
    reply_to_addr TEXT,
    reply_to_name TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    client_id INTEGER REFERENCES clients (id),
    contact_id INTEGER REFERENCES contacts (id),
    user_id INTEGER REFERENCES users (id),
    activity_type TEXT CHECK (activity_type IN ('email', 'offer_email', 'greeting')),
    activity_id INTEGER REFERENCES activities (id),
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    queued_at INTEGER NOT NULL,
    locked_by TEXT,
    locked_at INTEGER,
    last_error TEXT,
    sent_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
-- The delivery job looks for due queued rows and stale sending rows.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
-- The admin list: newest first, optionally by status.
CREATE INDEX outbox_status_id ON outbox (status, id);

-- Recurring jobs, one row per kind, claimed by setting locked_by in one statement, so
-- that several servers on one database never run the same job at once.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL UNIQUE,
    interval_s INTEGER NOT NULL,
    next_run_at INTEGER NOT NULL,
    locked_by TEXT,
    locked_at INTEGER,
    last_run_at INTEGER,
    last_status TEXT CHECK (last_status IN ('ok', 'error')),
    last_error TEXT,
    runs INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    fail_streak INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO jobs (kind, interval_s, next_run_at, created_at, updated_at) VALUES
    ('outbox', 0, 0, 0, 0),
    ('digest', 60, 0, 0, 0);

-- Recent runs that did something or failed (the last 200 are kept).
CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    node TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    processed INTEGER NOT NULL DEFAULT 0,
    detail TEXT
) STRICT;
CREATE INDEX job_runs_kind ON job_runs (kind, id);

-- The morning digest a user got, per local day (several servers queue it only once).
CREATE TABLE digest_sent (
    user_id INTEGER NOT NULL REFERENCES users (id),
    day TEXT NOT NULL,
    outbox_id INTEGER REFERENCES outbox (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
) STRICT;

-- Greeting e-mail templates (R14): placeholders {contact_name}, {client_name},
-- {holiday_name}, {sender_name}. Admins edit them; the manager sends the rendered text.
CREATE TABLE greeting_templates (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('birthday', 'holiday')),
    lang TEXT NOT NULL CHECK (lang IN ('en', 'lt', 'ru')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (kind, lang)
) STRICT;
INSERT INTO greeting_templates (kind, lang, subject, body, created_at, updated_at) VALUES
    ('birthday', 'en', 'Happy birthday, {contact_name}!',
     'Dear {contact_name},' || char(10) || char(10) ||
     'Warm congratulations on your birthday from all of us! We wish you good health, joy ' ||
     'and success in everything you do, and we thank you for the trust you place in us.' ||
     char(10) || char(10) || 'Best regards,' || char(10) || '{sender_name}', 0, 0),
    ('birthday', 'lt', 'Su gimtadieniu, {contact_name}!',
     'Gerb. {contact_name},' || char(10) || char(10) ||
     'Nuoširdžiai sveikiname Jus gimtadienio proga! Linkime stiprios sveikatos, džiaugsmo ' ||
     'ir sėkmės visuose darbuose. Dėkojame už Jūsų pasitikėjimą ir gerą bendradarbiavimą.' ||
     char(10) || char(10) || 'Pagarbiai' || char(10) || '{sender_name}', 0, 0),
    ('birthday', 'ru', 'С днём рождения, {contact_name}!',
     'Здравствуйте, {contact_name}!' || char(10) || char(10) ||
     'От всей души поздравляем Вас с днём рождения! Желаем крепкого здоровья, радости ' ||
     'и успехов во всех делах. Благодарим Вас за доверие и сотрудничество.' ||
     char(10) || char(10) || 'С уважением,' || char(10) || '{sender_name}', 0, 0),
    ('holiday', 'en', 'Happy {holiday_name}!',
     'Dear {contact_name},' || char(10) || char(10) ||
     'Please accept our warm congratulations on {holiday_name}! We wish you and the whole ' ||
     'team of {client_name} inspiration, success and reliable partners.' ||
     char(10) || char(10) || 'Best regards,' || char(10) || '{sender_name}', 0, 0),
    ('holiday', 'lt', 'Sveikiname: {holiday_name}',
     'Gerb. {contact_name},' || char(10) || char(10) ||
     'Nuoširdžiai sveikiname Jus ir visą {client_name} komandą profesinės šventės proga ' ||
     '({holiday_name})! Linkime įkvėpimo, sėkmės ir patikimų partnerių.' ||
     char(10) || char(10) || 'Pagarbiai' || char(10) || '{sender_name}', 0, 0),
    ('holiday', 'ru', 'Поздравляем: {holiday_name}',
     'Здравствуйте, {contact_name}!' || char(10) || char(10) ||
     'Сердечно поздравляем Вас и всю команду {client_name} с профессиональным праздником ' ||
     '({holiday_name})! Желаем вдохновения, успехов и надёжных партнёров.' ||
     char(10) || char(10) || 'С уважением,' || char(10) || '{sender_name}', 0, 0);
