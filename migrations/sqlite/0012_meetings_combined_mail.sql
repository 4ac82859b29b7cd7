-- Meetings can be moved and cancelled, with a reason told to everyone invited (issue 17). The
-- sequence counts the changes: the calendar file (.ics) of a move or cancellation carries it, so
-- a calendar replaces the earlier invitation instead of adding one.
ALTER TABLE meetings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN cancelled_at TEXT;
ALTER TABLE meetings ADD COLUMN change_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN recipients TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN uid TEXT NOT NULL DEFAULT '';
CREATE INDEX meetings_starts ON meetings (starts_at);

-- A mail may carry one attachment (a meeting's calendar file), and casework notices to one
-- person within a short window are sent as one mail: `combine_part` holds the notice's own
-- lines, `combine_frame` the mail around the parts (greeting and signature in the recipient's
-- language, `{parts}` where the parts go). A notice sent inside another mail keeps status
-- 'sent' and names that mail in `merged_into`.
ALTER TABLE email_outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE email_outbox ADD COLUMN attachment_type TEXT;
ALTER TABLE email_outbox ADD COLUMN attachment_body TEXT;
ALTER TABLE email_outbox ADD COLUMN combine_part TEXT;
ALTER TABLE email_outbox ADD COLUMN combine_frame TEXT;
ALTER TABLE email_outbox ADD COLUMN combine_subject TEXT;
ALTER TABLE email_outbox ADD COLUMN merged_into INTEGER;
CREATE INDEX email_outbox_recipient ON email_outbox (to_address, status);
