-- Versions of the data the web caches hold. Every transaction that changes content or map data
-- raises its version, so a cache tells with one read whether anything changed (row ids cannot
-- tell: they may commit out of order on PostgreSQL and be reused on SQLite).
CREATE TABLE data_versions (
    name     TEXT PRIMARY KEY,
    version  INTEGER NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('content', 0), ('map', 0);
