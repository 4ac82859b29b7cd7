-- Casework (issue 5): pupil dossiers, support requests, their timeline, documents with versions,
-- TLO/MDO meetings, expert advices, decisions with the TLV register, bezwaar and the Awb 4:15
-- suspensions of the decision term. Pupil data appear only here; the audit trail refers to
-- pupils by id. No BSN is stored.

-- A pupil, at one school location of the samenwerkingsverband.
CREATE TABLE pupils (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    location_id      INTEGER NOT NULL REFERENCES locations(id),
    given_name       TEXT NOT NULL,
    family_name      TEXT NOT NULL,
    birth_date       TEXT NOT NULL,
    groep            TEXT NOT NULL,
    onderwijsnummer  TEXT,
    created_at       TEXT NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    updated_at       TEXT NOT NULL
);
CREATE INDEX pupils_location ON pupils (tenant_id, location_id);

-- Parents and guardians, with or without parental authority (gezag).
CREATE TABLE guardians (
    id                  INTEGER PRIMARY KEY,
    pupil_id            INTEGER NOT NULL REFERENCES pupils(id),
    position            INTEGER NOT NULL,
    name                TEXT NOT NULL,
    relation            TEXT NOT NULL,
    parental_authority  INTEGER NOT NULL,
    email               TEXT NOT NULL,
    phone               TEXT NOT NULL,
    UNIQUE (pupil_id, position)
);

-- A request of a school to the samenwerkingsverband.
CREATE TABLE support_requests (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    pupil_id         INTEGER NOT NULL REFERENCES pupils(id),
    location_id      INTEGER NOT NULL REFERENCES locations(id),   -- the applying school
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('concept', 'ingediend', 'in-behandeling', 'advies-gevraagd', 'toegekend', 'afgewezen', 'ingetrokken')),
    question         TEXT NOT NULL,                 -- the school's question and reasons
    goals            TEXT NOT NULL,                 -- arrangement: goals
    budget_euros     INTEGER,                        -- arrangement: budget quote
    period_start     TEXT,                          -- arrangement: period
    period_end       TEXT,
    zienswijze       TEXT CHECK (zienswijze IN ('eens', 'oneens', 'geweigerd')),
    zienswijze_text  TEXT NOT NULL,
    zienswijze_on    TEXT,
    tlo_held_on      TEXT,
    tlo_attendees    TEXT NOT NULL,
    contact_id       INTEGER REFERENCES users(id),   -- the named contact at the SWV
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    submitted_at     TEXT,
    received_on      TEXT,                          -- complete receipt (Dutch day)
    decision_due     TEXT,                          -- the SWV's term, moved by suspensions
    decided_at       TEXT,
    version          INTEGER NOT NULL
);
CREATE INDEX support_requests_pupil ON support_requests (pupil_id);
CREATE INDEX support_requests_queue ON support_requests (tenant_id, status, decision_due);

-- The timeline of a request: every step, who and when. Written with the change.
CREATE TABLE request_events (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES support_requests(id),
    occurred_at  TEXT NOT NULL,
    actor_id     INTEGER REFERENCES users(id),
    actor_name   TEXT NOT NULL,
    what         TEXT NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- Documents of a pupil (groeidocument, OPP, reports, TLO report), optionally for one request.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    pupil_id    INTEGER NOT NULL REFERENCES pupils(id),
    request_id  INTEGER REFERENCES support_requests(id),
    kind        TEXT NOT NULL CHECK (kind IN ('groeidocument', 'opp', 'verslag', 'tlo-verslag', 'zienswijze', 'advies', 'overig')),
    title       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id)
);
CREATE INDEX documents_pupil ON documents (pupil_id);

-- Every uploaded version. The file lives in the object store under a server-made key.
CREATE TABLE document_versions (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id),
    version       INTEGER NOT NULL,
    storage_key   TEXT NOT NULL UNIQUE,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    uploaded_by   INTEGER REFERENCES users(id),
    uploaded_at   TEXT NOT NULL,
    UNIQUE (document_id, version)
);

-- TLO and MDO meetings planned by the toeleider.
CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES support_requests(id),
    kind        TEXT NOT NULL CHECK (kind IN ('tlo', 'mdo')),
    starts_at   TEXT NOT NULL,
    place       TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    outcomes    TEXT NOT NULL,
    attendees   TEXT NOT NULL,
    planned_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX meetings_request ON meetings (request_id);

-- Expert advices: asked by the toeleider, written by the expert.
CREATE TABLE advices (
    id                    INTEGER PRIMARY KEY,
    request_id            INTEGER NOT NULL REFERENCES support_requests(id),
    expert_id             INTEGER NOT NULL REFERENCES users(id),
    requested_by          INTEGER REFERENCES users(id),
    requested_at          TEXT NOT NULL,
    due_on                TEXT NOT NULL,
    question              TEXT NOT NULL,
    profession            TEXT,
    conclusion            TEXT CHECK (conclusion IN ('toelaatbaar', 'niet-toelaatbaar')),
    advice_text           TEXT NOT NULL,
    declared_independent  INTEGER NOT NULL,
    submitted_at          TEXT,
    UNIQUE (request_id, expert_id)
);
CREATE INDEX advices_expert ON advices (expert_id);

-- Decisions. A TLV decision is the TLV register; arrangements get a beschikkingsnummer too.
CREATE TABLE decisions (
    id                     INTEGER PRIMARY KEY,
    tenant_id              INTEGER NOT NULL REFERENCES tenants(id),
    request_id             INTEGER NOT NULL UNIQUE REFERENCES support_requests(id),
    granted                INTEGER NOT NULL,
    placement              TEXT CHECK (placement IN ('sbo', 'so')),
    category               TEXT CHECK (category IN ('laag', 'midden', 'hoog')),
    start_on               TEXT,
    end_on                 TEXT,
    receiving_location_id  INTEGER REFERENCES locations(id),
    beschikkingsnummer     TEXT NOT NULL UNIQUE,
    reasons                TEXT NOT NULL,
    decided_by             INTEGER REFERENCES users(id),
    decided_at             TEXT NOT NULL,
    letter_on              TEXT NOT NULL,
    letter_key             TEXT,
    expiry_reminded_at     TEXT
);
CREATE INDEX decisions_register ON decisions (tenant_id, end_on);

-- Per samenwerkingsverband and year, the last beschikkingsnummer handed out.
CREATE TABLE beschikking_counters (
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    year       INTEGER NOT NULL,
    last       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- Bezwaar against a decision, with the 14-day clock for the LBT and the outcome.
CREATE TABLE bezwaren (
    id           INTEGER PRIMARY KEY,
    decision_id  INTEGER NOT NULL REFERENCES decisions(id),
    received_on  TEXT NOT NULL,
    filed_by     TEXT NOT NULL CHECK (filed_by IN ('ouders', 'school', 'anders')),
    lbt_sent_on  TEXT,
    outcome      TEXT CHECK (outcome IN ('gegrond', 'ongegrond', 'niet-ontvankelijk', 'ingetrokken')),
    outcome_on   TEXT,
    notes        TEXT NOT NULL,
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX bezwaren_decision ON bezwaren (decision_id);

-- Suspensions of the decision term while the SWV waits for missing information (Awb 4:15).
CREATE TABLE request_suspensions (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES support_requests(id),
    from_on     TEXT NOT NULL,
    until_on    TEXT,
    reason      TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id)
);
CREATE INDEX request_suspensions_request ON request_suspensions (request_id);

-- Reminders already sent (decision due, TLV ending), so each goes out once.
CREATE TABLE reminders_sent (
    key      TEXT PRIMARY KEY,
    sent_at  TEXT NOT NULL
);
