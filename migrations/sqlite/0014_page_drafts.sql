-- A beheerder's concept of a page (issue 17): saved, not on the website. One row per page, shared
-- by the beheerders. `revision` rises with every change of the row and never restarts, so an
-- editor's form that saw an older revision is refused instead of overwriting a newer concept;
-- `present` is false once the concept was published or thrown away.
CREATE TABLE content_page_drafts (
    page_id      INTEGER PRIMARY KEY REFERENCES content_pages(id),
    revision     INTEGER NOT NULL,
    present      BOOLEAN NOT NULL,
    base_version INTEGER NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    body_md      TEXT NOT NULL,
    author_id    INTEGER REFERENCES users(id),
    saved_at     TEXT NOT NULL
);
