-- Beheerders edit the begrippenlijst (issue 17): who made a version, and whether a version
-- retires the term (it leaves the list and no page links to it any more; restoring an earlier
-- version brings it back). The history keeps every version.
ALTER TABLE glossary_term_versions ADD COLUMN author_id BIGINT REFERENCES users(id);
ALTER TABLE glossary_term_versions ADD COLUMN retired BOOLEAN NOT NULL DEFAULT FALSE;
