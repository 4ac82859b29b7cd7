-- Audit trail (NEN 7513, BIO 8.15): one row per read, search, export, download, create and
-- change of pupil data and per administrative action. Append-only: triggers refuse UPDATE and
-- DELETE, and a SHA-256 hash chain makes any change outside the application detectable
-- (`passend audit verify`). Pupil data appear only as ids.
CREATE TABLE audit_events (
    id            BIGINT PRIMARY KEY,
    tenant_id     BIGINT REFERENCES tenants(id),
    occurred_at   TIMESTAMPTZ NOT NULL,
    actor_id      BIGINT,
    actor_role    TEXT NOT NULL,
    on_behalf_of  BIGINT,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    pupil_id      BIGINT,
    outcome       TEXT NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
    origin        TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    detail        TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, occurred_at);
CREATE INDEX audit_events_pupil ON audit_events (pupil_id);

CREATE TABLE audit_head (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    last_id    BIGINT NOT NULL,
    last_hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
