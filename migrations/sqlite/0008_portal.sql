-- Parents' portal (issue 6): parent accounts linked to the children they have gezag over, the
-- snapshots of a concept request and the document versions shared with them, and their
-- responses (read, zienswijze, consent, signature), each tied to the exact version it concerns.

-- The language a user reads the portal and its mails in ('nl' or 'en').
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'nl';

-- Whether parents see a timeline line: the steps of the procedure, shares and their own
-- responses; not staff notes, suspension reasons, documents that were not shared, meetings or
-- returned advice requests (lines from before the portal stay staff-only).
ALTER TABLE request_events ADD COLUMN for_parents INTEGER NOT NULL DEFAULT 0;

-- A parent account's access to a child, through the child's parent or guardian row. Access ends
-- when it is revoked, or when that row loses gezag or is removed.
CREATE TABLE parent_links (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    pupil_id     INTEGER NOT NULL REFERENCES pupils(id),
    guardian_id  INTEGER REFERENCES guardians(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    invited_by   INTEGER REFERENCES users(id),
    invited_at   TEXT NOT NULL,
    revoked_at   TEXT,
    revoked_by   INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX parent_links_active ON parent_links (guardian_id) WHERE revoked_at IS NULL;
CREATE INDEX parent_links_user ON parent_links (user_id);
CREATE INDEX parent_links_pupil ON parent_links (pupil_id);

-- A snapshot of a concept request the school shared with the parents, with the date by which
-- they are asked to give their zienswijze.
CREATE TABLE request_shares (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL REFERENCES support_requests(id),
    request_version  INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    question         TEXT NOT NULL,
    goals            TEXT NOT NULL,
    budget_euros     INTEGER,
    period_start     TEXT,
    period_end       TEXT,
    respond_by       TEXT NOT NULL,
    shared_by        INTEGER REFERENCES users(id),
    shared_at        TEXT NOT NULL,
    UNIQUE (request_id, request_version)
);

-- A document version shared with the parents, optionally asking their consent (instemming, for
-- the handelingsdeel of the OPP).
CREATE TABLE document_shares (
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES documents(id),
    version_id     INTEGER NOT NULL UNIQUE REFERENCES document_versions(id),
    consent_asked  INTEGER NOT NULL,
    shared_by      INTEGER REFERENCES users(id),
    shared_at      TEXT NOT NULL
);
CREATE INDEX document_shares_document ON document_shares (document_id);

-- What a parent did with a shared snapshot or document version: read it, gave a zienswijze
-- ('eens'/'oneens' with their words), consent ('gegeven'/'geweigerd') or a signature (the
-- typed name). Rows are only added: a later answer stands next to the earlier one.
CREATE TABLE parent_responses (
    id                     INTEGER PRIMARY KEY,
    tenant_id              INTEGER NOT NULL REFERENCES tenants(id),
    pupil_id               INTEGER NOT NULL REFERENCES pupils(id),
    user_id                INTEGER NOT NULL REFERENCES users(id),
    kind                   TEXT NOT NULL CHECK (kind IN ('gelezen', 'zienswijze', 'toestemming', 'ondertekening')),
    request_share_id       INTEGER REFERENCES request_shares(id),
    document_version_id    INTEGER REFERENCES document_versions(id),
    answer                 TEXT NOT NULL,
    text                   TEXT NOT NULL,
    attachment_version_id  INTEGER REFERENCES document_versions(id),
    responded_at           TEXT NOT NULL,
    CHECK ((request_share_id IS NULL) <> (document_version_id IS NULL))
);
CREATE INDEX parent_responses_pupil ON parent_responses (pupil_id);
