-- Issue 14: what hostile testing found. A write probe for /healthz, a serialising row per
-- throttle key, idempotency keys of create forms, the day a decision letter was sent (the
-- bezwaar term runs from it), the LBT's advice on a bezwaar, and the beslissing op bezwaar with
-- what the decision said before it.

-- /healthz writes this one row to prove the database takes writes.
CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY,
    probed_at  TEXT NOT NULL
);

-- One row per throttle key. Every counted attempt takes (updates) its key's row first, so that
-- attempts for one key are serialised on PostgreSQL as they are on SQLite: the count is read
-- and the attempt added in one transaction, and parallel requests cannot walk past a limit.
CREATE TABLE throttle_keys (
    throttle_key  TEXT PRIMARY KEY,
    touched_at    TEXT NOT NULL
);

-- The hidden token of a create form (a new pupil, request, registration, bezwaar, upload):
-- the first submission records where it led, a retried one is sent there instead of creating
-- twice. Kept a day.
CREATE TABLE form_submissions (
    user_id     INTEGER NOT NULL REFERENCES users(id),
    token       TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, token)
);
CREATE INDEX form_submissions_created ON form_submissions (created_at);

-- A decision is made known by sending it (Awb 3:41); the bezwaar term runs from that day.
ALTER TABLE decisions ADD COLUMN sent_on TEXT;
ALTER TABLE decisions ADD COLUMN sent_how TEXT CHECK (sent_how IN ('post', 'e-mail', 'portaal', 'uitgereikt'));
ALTER TABLE decisions ADD COLUMN sent_by INTEGER REFERENCES users(id);
-- Decisions taken before this version were made known with their letter, which was handed out
-- on its date: they count as sent by post on that day, so their bezwaar terms stay as they were
-- and receiving schools keep seeing their TLVs.
UPDATE decisions SET sent_on = letter_on, sent_how = 'post' WHERE sent_on IS NULL;

-- The advice of the bezwaaradviescommissie (LBT) on a bezwaar.
ALTER TABLE bezwaren ADD COLUMN lbt_advice_on TEXT;
ALTER TABLE bezwaren ADD COLUMN lbt_advice TEXT CHECK (lbt_advice IN ('gegrond', 'ongegrond', 'niet-ontvankelijk'));

-- The beslissing op bezwaar (Awb 7:11): the decision on the objection, with its own letter that
-- names beroep at the rechtbank, and why it deviates from the LBT's advice if it does (Awb 7:13
-- lid 7). A gegrond bezwaar revokes the decision: the new content is kept here and, once the
-- letter is sent (the beslissing is then made known), written into the decision (the TLV
-- register shows what holds); what the decision said before is in decision_history.
CREATE TABLE bezwaar_beslissingen (
    id                     INTEGER PRIMARY KEY,
    bezwaar_id             INTEGER NOT NULL UNIQUE REFERENCES bezwaren(id),
    decision_id            INTEGER NOT NULL REFERENCES decisions(id),
    outcome                TEXT NOT NULL CHECK (outcome IN ('gegrond', 'ongegrond', 'niet-ontvankelijk')),
    reasons                TEXT NOT NULL,
    deviation              TEXT NOT NULL DEFAULT '',
    revokes                INTEGER NOT NULL,
    granted                INTEGER,
    placement              TEXT CHECK (placement IN ('sbo', 'so')),
    category               TEXT CHECK (category IN ('laag', 'midden', 'hoog')),
    start_on               TEXT,
    end_on                 TEXT,
    receiving_location_id  INTEGER REFERENCES locations(id),
    decided_by             INTEGER REFERENCES users(id),
    decided_at             TEXT NOT NULL,
    letter_on              TEXT NOT NULL,
    letter_key             TEXT,
    sent_on                TEXT,
    sent_how               TEXT CHECK (sent_how IN ('post', 'e-mail', 'portaal', 'uitgereikt'))
);
CREATE INDEX bezwaar_beslissingen_decision ON bezwaar_beslissingen (decision_id);

-- What a decision said before a beslissing op bezwaar replaced its content.
CREATE TABLE decision_history (
    id                     INTEGER PRIMARY KEY,
    decision_id            INTEGER NOT NULL REFERENCES decisions(id),
    granted                INTEGER NOT NULL,
    placement              TEXT,
    category               TEXT,
    start_on               TEXT,
    end_on                 TEXT,
    receiving_location_id  INTEGER REFERENCES locations(id),
    reasons                TEXT NOT NULL,
    replaced_at            TEXT NOT NULL,
    replaced_by            INTEGER NOT NULL REFERENCES bezwaar_beslissingen(id)
);
CREATE INDEX decision_history_decision ON decision_history (decision_id);
