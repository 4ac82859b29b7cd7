-- Issue 7: the school's zorgplicht registrations (aanmeldingen) with their legal terms, the
-- thuiszitters register, sick pupils with their plan, and the confidential Oudersteunpunt.

-- A written registration (aanmelding) at a school, with the terms of WPO art. 40 lid 4-5.
CREATE TABLE aanmeldingen (
    id                    INTEGER PRIMARY KEY,
    tenant_id             INTEGER NOT NULL REFERENCES tenants(id),
    pupil_id              INTEGER NOT NULL REFERENCES pupils(id),
    location_id           INTEGER NOT NULL REFERENCES locations(id),
    received_on           TEXT NOT NULL,
    desired_start         TEXT NOT NULL,
    support_need          TEXT NOT NULL,
    other_registrations   TEXT NOT NULL,
    first_preference      INTEGER NOT NULL,
    extension_weeks       INTEGER,
    extension_told_on     TEXT,
    outcome               TEXT CHECK (outcome IN ('toegelaten', 'andere-school', 'geen-zorgplicht')),
    no_zorgplicht_reason  TEXT,
    placed_at             TEXT,
    decided_on            TEXT,
    enrolled_elsewhere_on TEXT,
    notes                 TEXT NOT NULL,
    created_by            INTEGER REFERENCES users(id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    version               INTEGER NOT NULL
);
CREATE INDEX aanmeldingen_location ON aanmeldingen (tenant_id, location_id);
CREATE INDEX aanmeldingen_pupil ON aanmeldingen (pupil_id);

-- A pupil at home without (enough) education: since when, which kind, what is done about it.
CREATE TABLE thuiszitters (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    pupil_id            INTEGER NOT NULL REFERENCES pupils(id),
    location_id         INTEGER NOT NULL REFERENCES locations(id),
    kind                TEXT NOT NULL CHECK (kind IN ('absoluut-verzuim', 'langdurig-relatief-verzuim', 'vrijstelling-5a', 'vrijstelling-5b', 'vrijstelling-5c')),
    since               TEXT NOT NULL,
    until               TEXT,
    actions             TEXT NOT NULL,
    perspective         TEXT NOT NULL,
    has_offer           INTEGER NOT NULL,
    leerplicht_contact  TEXT NOT NULL,
    leerplicht_informed_on TEXT,
    created_by          INTEGER REFERENCES users(id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    version             INTEGER NOT NULL
);
CREATE INDEX thuiszitters_location ON thuiszitters (tenant_id, location_id);
CREATE INDEX thuiszitters_pupil ON thuiszitters (pupil_id);

-- A sick pupil: expected absence, the referral to the OZL consulent, the plan and its contacts.
CREATE TABLE zieke_leerlingen (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    pupil_id            INTEGER NOT NULL REFERENCES pupils(id),
    location_id         INTEGER NOT NULL REFERENCES locations(id),
    since               TEXT NOT NULL,
    expected_until      TEXT NOT NULL,
    ozl_referred_on     TEXT,
    ozl_consulent       TEXT NOT NULL,
    plan                TEXT NOT NULL,
    contacts            TEXT NOT NULL,
    ended_on            TEXT,
    created_by          INTEGER REFERENCES users(id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    version             INTEGER NOT NULL
);
CREATE INDEX zieke_leerlingen_location ON zieke_leerlingen (tenant_id, location_id);
CREATE INDEX zieke_leerlingen_pupil ON zieke_leerlingen (pupil_id);

-- The evaluation moments of a sick pupil's plan.
CREATE TABLE ziekte_evaluaties (
    id          INTEGER PRIMARY KEY,
    sick_id     INTEGER NOT NULL REFERENCES zieke_leerlingen(id),
    planned_on  TEXT NOT NULL,
    held_on     TEXT,
    notes       TEXT NOT NULL
);
CREATE INDEX ziekte_evaluaties_sick ON ziekte_evaluaties (sick_id);

-- Oudersteunpunt: a parent's question, complaint, listening ear or procedure help. Only
-- ouderadviseurs read these tables; nothing about them goes into audit_events, counts or
-- lists that other roles see. The id of a removed case is never given to a new one.
CREATE TABLE steunpunt_cases (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    reference      TEXT NOT NULL UNIQUE,
    received_at    TEXT NOT NULL,
    channel        TEXT NOT NULL CHECK (channel IN ('formulier', 'telefoon', 'e-mail', 'gesprek')),
    category       TEXT NOT NULL CHECK (category IN ('vraag', 'klacht', 'luisterend-oor', 'procedure')),
    theme          TEXT NOT NULL,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    phone          TEXT NOT NULL,
    callback       INTEGER NOT NULL,
    callback_when  TEXT NOT NULL,
    school         TEXT NOT NULL,
    message        TEXT NOT NULL,
    language       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('nieuw', 'in-behandeling', 'wacht', 'afgerond')),
    adviser_id     INTEGER REFERENCES users(id),
    follow_up_on   TEXT,
    closed_at      TEXT,
    updated_at     TEXT NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX steunpunt_cases_tenant ON steunpunt_cases (tenant_id, status);

-- Notes and contact moments of a case, only ever added.
CREATE TABLE steunpunt_notes (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES steunpunt_cases(id),
    occurred_at  TEXT NOT NULL,
    author_id    INTEGER REFERENCES users(id),
    author_name  TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('notitie', 'contact')),
    contact_with TEXT NOT NULL,
    channel      TEXT NOT NULL,
    body         TEXT NOT NULL
);
CREATE INDEX steunpunt_notes_case ON steunpunt_notes (case_id);

-- The Oudersteunpunt's own access log (NEN 7513): every read and change of a case, by whom.
-- Kept apart from audit_events so the beheerder's audit viewer cannot show that a case exists.
-- Append-only and hash-chained like audit_events (`passend audit verify` checks both); it holds
-- ids, never the parent's data, and outlives the cases it names.
CREATE TABLE steunpunt_log (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    occurred_at  TEXT NOT NULL,
    actor_id     INTEGER,
    actor_name   TEXT NOT NULL,
    actor_role   TEXT NOT NULL,
    action       TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('success', 'denied')),
    case_id      INTEGER,
    origin       TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE
);
CREATE INDEX steunpunt_log_case ON steunpunt_log (case_id);

-- The head of the log's chain, taken first by every append so appends are serialised.
CREATE TABLE steunpunt_log_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    last_id    INTEGER NOT NULL,
    last_hash  TEXT NOT NULL
);
INSERT INTO steunpunt_log_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER steunpunt_log_no_update BEFORE UPDATE ON steunpunt_log
BEGIN
    SELECT RAISE(ABORT, 'steunpunt_log is append-only');
END;

CREATE TRIGGER steunpunt_log_no_delete BEFORE DELETE ON steunpunt_log
BEGIN
    SELECT RAISE(ABORT, 'steunpunt_log is append-only');
END;

-- Submissions of the public contact form: per network address and per network (keyed hashes)
-- for the limits, and per form token with a hash of what was sent, so the same form sent twice
-- (a reload) makes one case, and a token used for other content is refused.
CREATE TABLE contact_submissions (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    origin_hash   TEXT NOT NULL,
    network_hash  TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    case_id       INTEGER REFERENCES steunpunt_cases(id),
    submitted_at  TEXT NOT NULL,
    UNIQUE (tenant_id, token_hash)
);
CREATE INDEX contact_submissions_network ON contact_submissions (network_hash, submitted_at);
CREATE INDEX contact_submissions_origin ON contact_submissions (origin_hash, submitted_at);

-- Mails about Oudersteunpunt cases: sent like every mail, but never listed or counted for
-- beheerders.
ALTER TABLE email_outbox ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0;

-- Keys the site makes for itself on first use (the contact form's token key), shared by every
-- instance on this database.
CREATE TABLE site_keys (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
