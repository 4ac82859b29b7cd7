-- Foundation: tenants (samenwerkingsverbanden) and the versioned content of the public site.
-- SQLite dialect. The PostgreSQL twin has the same file name, tables and columns.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,          -- DUO administratienummer, e.g. PO2401
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE content_pages (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    lang        TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
    slug        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (tenant_id, lang, slug)
);

-- Every edit adds a row; the current version is the highest version_no. Rows are never updated.
CREATE TABLE content_page_versions (
    id            INTEGER PRIMARY KEY,
    page_id       INTEGER NOT NULL REFERENCES content_pages(id),
    version_no    INTEGER NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    nav_order     INTEGER,
    nav_label     TEXT,
    no_link_terms TEXT NOT NULL,              -- glossary ids not linked on this page, comma-separated
    body_md       TEXT NOT NULL,
    author_kind   TEXT NOT NULL CHECK (author_kind IN ('seed', 'user')),
    source_hash   TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (page_id, version_no)
);

CREATE TABLE glossary_terms (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    lang        TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
    term_key    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (tenant_id, lang, term_key)
);

CREATE TABLE glossary_term_versions (
    id             INTEGER PRIMARY KEY,
    term_id        INTEGER NOT NULL REFERENCES glossary_terms(id),
    version_no     INTEGER NOT NULL,
    term           TEXT NOT NULL,
    expansion      TEXT,
    aliases        TEXT NOT NULL,              -- comma-separated
    definition_md  TEXT NOT NULL,
    author_kind    TEXT NOT NULL CHECK (author_kind IN ('seed', 'user')),
    source_hash    TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (term_id, version_no)
);
