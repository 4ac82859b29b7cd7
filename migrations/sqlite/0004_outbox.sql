-- E-mail outbox: written in the same transaction as the change a mail announces, sent by a
-- worker with retry and backoff. The idempotency key becomes the Message-ID, so a resend after a
-- crash between sending and marking is recognisable as the same mail. Mails carry no pupil data.
CREATE TABLE email_outbox (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER REFERENCES tenants(id),
    idempotency_key  TEXT NOT NULL UNIQUE,
    to_address       TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    locked_until     TEXT,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
