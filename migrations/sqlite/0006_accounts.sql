-- Accounts (issue 4): users with one role in one samenwerkingsverband, school scoping, single-use
-- tokens (invitation, password reset, sign-in link), recovery codes, server-side sessions and the
-- sign-in throttle. Secrets are stored only as hashes (argon2id for passwords, SHA-256 for
-- random tokens); the TOTP secret is stored as it must be read to check a code.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    email               TEXT NOT NULL,              -- lower-cased
    name                TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('ouder', 'schoolmedewerker', 'toeleider', 'deskundige', 'ouderadviseur', 'beheerder')),
    status              TEXT NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
    password_hash       TEXT,
    totp_secret         TEXT,
    totp_pending        TEXT,
    totp_last_step      INTEGER,
    created_at          TEXT NOT NULL,
    created_by          INTEGER REFERENCES users(id),
    updated_at          TEXT NOT NULL,
    last_sign_in_at     TEXT,
    UNIQUE (tenant_id, email)
);

-- The school locations a schoolmedewerker works for (least privilege per school).
CREATE TABLE user_locations (
    user_id      INTEGER NOT NULL REFERENCES users(id),
    location_id  INTEGER NOT NULL REFERENCES locations(id),
    PRIMARY KEY (user_id, location_id)
);
CREATE INDEX user_locations_location ON user_locations (location_id);

-- Single-use links sent by e-mail. Only the SHA-256 of the token is kept.
CREATE TABLE auth_tokens (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    purpose      TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset', 'sign_in_link')),
    token_hash   TEXT NOT NULL UNIQUE,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    created_at   TEXT NOT NULL,
    created_by   INTEGER REFERENCES users(id)
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id, purpose);

-- One-time recovery codes for the second factor (hashed).
CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    code_hash  TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is kept here.
-- stage: 'second_factor' (password done, code still needed), 'enroll' (must set up a second
-- factor first) or 'full'.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    stage         TEXT NOT NULL CHECK (stage IN ('second_factor', 'enroll', 'full')),
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    user_agent    TEXT NOT NULL,
    origin        TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-in attempts per key ('account:<tenant>:<e-mail hash>' or 'address:<ip>'), kept in
-- the database so throttling holds across instances. Old rows are pruned.
CREATE TABLE sign_in_failures (
    id          INTEGER PRIMARY KEY,
    throttle_key TEXT NOT NULL,
    failed_at   TEXT NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (throttle_key, failed_at);

-- Who made a content version, and who saved or checked a support profile.
ALTER TABLE content_page_versions ADD COLUMN author_id INTEGER REFERENCES users(id);
ALTER TABLE location_profiles ADD COLUMN updated_by INTEGER REFERENCES users(id);
ALTER TABLE location_profiles ADD COLUMN checked_on TEXT;
ALTER TABLE location_profiles ADD COLUMN checked_by INTEGER REFERENCES users(id);
ALTER TABLE location_profile_history ADD COLUMN saved_by INTEGER REFERENCES users(id);
