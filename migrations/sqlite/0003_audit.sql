-- Audit trail (NEN 7513, BIO 8.15): one row per read, search, export, download, create and
-- change of pupil data and per administrative action. Append-only: triggers refuse UPDATE and
-- DELETE, and a SHA-256 hash chain makes any change outside the application detectable
-- (`passend audit verify`). Pupil data appear only as ids.
CREATE TABLE audit_events (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER REFERENCES tenants(id),
    occurred_at   TEXT NOT NULL,
    actor_id      INTEGER,                 -- the user; NULL for the system or an anonymous visitor
    actor_role    TEXT NOT NULL,           -- role the actor acted in, or 'systeem' / 'anoniem'
    on_behalf_of  INTEGER,                 -- the user on whose behalf, if not the actor
    action        TEXT NOT NULL,           -- read, search, export, download, create, update, delete, login, …
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    pupil_id      INTEGER,
    outcome       TEXT NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
    origin        TEXT NOT NULL,           -- network address, or 'cli'
    request_id    TEXT NOT NULL,
    detail        TEXT NOT NULL,           -- never personal data
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, occurred_at);
CREATE INDEX audit_events_pupil ON audit_events (pupil_id);

-- The head of the chain: one row, updated in the same transaction as each append, so appends
-- are serialised on every backend.
CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    last_id    INTEGER NOT NULL,
    last_hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
