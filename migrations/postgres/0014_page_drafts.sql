-- A beheerder's concept of a page (issue 17): saved, not on the website. One per page, shared by
-- the beheerders; `revision` rises with every save, so two editors never overwrite each other's
-- concept unknowingly. Publishing the page removes its concept in the same transaction.
CREATE TABLE content_page_drafts (
    page_id      BIGINT PRIMARY KEY REFERENCES content_pages(id),
    revision     BIGINT NOT NULL,
    base_version BIGINT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    body_md      TEXT NOT NULL,
    author_id    BIGINT REFERENCES users(id),
    saved_at     TIMESTAMPTZ NOT NULL
);
