-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0001 platform (SQLite): departments, users, sessions, API tokens, sign-in attempts, audit.
-- Times are unix seconds (UTC); booleans are 0/1.
-- Ids of departments and users are never reused (AUTOINCREMENT): the audit log names them.
CREATE TABLE departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    head_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('manager', 'head', 'director', 'logistics', 'admin')),
    department_id INTEGER REFERENCES departments (id),
    password_hash TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'lt',
    tz TEXT NOT NULL DEFAULT 'Europe/Vilnius',
    active INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX users_department ON users (department_id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    addr TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    addr TEXT NOT NULL,
    at INTEGER NOT NULL,
    ok INTEGER NOT NULL
) STRICT;
CREATE INDEX login_attempts_login ON login_attempts (login, at);
CREATE INDEX login_attempts_addr ON login_attempts (addr, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
