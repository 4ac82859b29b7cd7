-- Voorzieningenkaart: school locations from DUO, coordinates, pupil counts and voorzieningen.
-- (Support profiles that schools fill in themselves come with accounts.) SQLite dialect; the PostgreSQL twin has the same tables and columns.

-- Every import of a DUO or geo file, with its report.
CREATE TABLE data_imports (
    id             INTEGER PRIMARY KEY,
    file_name      TEXT NOT NULL,
    kind           TEXT NOT NULL,                 -- bo, sbo-so-vso, leerlingen, edugis, pc4
    encoding       TEXT NOT NULL,
    gemeente_code  TEXT,
    rows_read      INTEGER NOT NULL,
    rows_kept      INTEGER NOT NULL,
    rows_filtered  INTEGER NOT NULL,
    warnings       INTEGER NOT NULL,
    created_at     TEXT NOT NULL
);

-- School locations (vestigingen). Public reference data: not owned by a tenant.
-- A location that vanishes from a release is marked closed, never deleted.
CREATE TABLE locations (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,       -- vestigingscode, BRIN + 2 digits
    brin              TEXT NOT NULL,
    name              TEXT NOT NULL,
    school_type       TEXT NOT NULL CHECK (school_type IN ('bo', 'sbo', 'so', 'vso', 'so-vso')),
    board             TEXT NOT NULL,
    street            TEXT NOT NULL,
    house_number      INTEGER,
    house_letter      TEXT,
    house_addition    TEXT,
    house_range_end   INTEGER,
    house_number_raw  TEXT NOT NULL,
    postcode          TEXT NOT NULL,
    place             TEXT NOT NULL,
    gemeente_code     TEXT NOT NULL,
    gemeente_name     TEXT NOT NULL,
    denominatie       TEXT NOT NULL,
    phone             TEXT,
    website           TEXT,
    clusters          TEXT NOT NULL,              -- e.g. '3,4'
    onderwijs         TEXT NOT NULL,              -- DUO ONDERWIJS as published
    lat               REAL,
    lon               REAL,
    coord_source      TEXT CHECK (coord_source IN ('bag', 'pc4', 'pdok')),
    status            TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    first_import_id   INTEGER NOT NULL REFERENCES data_imports(id),
    last_import_id    INTEGER NOT NULL REFERENCES data_imports(id),
    closed_at         TEXT,
    updated_at        TEXT NOT NULL
);
CREATE INDEX locations_gemeente ON locations (gemeente_code, status);

-- What each import changed: new, renamed, changed, closed, reopened.
CREATE TABLE location_events (
    id           INTEGER PRIMARY KEY,
    location_id  INTEGER NOT NULL REFERENCES locations(id),
    import_id    INTEGER NOT NULL REFERENCES data_imports(id),
    kind         TEXT NOT NULL CHECK (kind IN ('new', 'renamed', 'changed', 'closed', 'reopened')),
    detail       TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX location_events_location ON location_events (location_id);

-- Pupil counts per vestigingscode and year (teldatum 1 October). Closed and merged
-- vestigingen keep their history, so this is keyed on the code, not on a location row.
CREATE TABLE pupil_counts (
    code        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    pupils      INTEGER,                          -- NULL when suppressed
    suppressed  BOOLEAN NOT NULL,                 -- DUO wrote '<5'
    school_type TEXT,                             -- SOORT_VESTIGING of that file: tells SO from VSO
    PRIMARY KEY (code, year)
);

-- Address points per vestigingscode: 'bag' (EduGIS file) or 'pdok' (Locatieserver), kept apart so
-- import order does not matter.
CREATE TABLE geo_points (
    code    TEXT PRIMARY KEY,
    lat     REAL NOT NULL,
    lon     REAL NOT NULL,
    source  TEXT NOT NULL
);

CREATE TABLE pc4_centroids (
    pc4          TEXT PRIMARY KEY,
    lat          REAL NOT NULL,
    lon          REAL NOT NULL,
    po_box_only  BOOLEAN NOT NULL
);

-- Stedelijke voorzieningen and arrangementen attached to a location, made by SWV staff.
CREATE TABLE voorzieningen (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants(id),
    location_id       INTEGER NOT NULL REFERENCES locations(id),
    slug              TEXT NOT NULL,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('stedelijke-voorziening', 'arrangement')),
    description       TEXT NOT NULL,
    themes            TEXT NOT NULL,              -- theme ids, comma-separated
    admission         TEXT NOT NULL CHECK (admission IN ('direct', 'tlv', 'plaatsingsoverleg', 'eigen-toelating')),
    capacity          INTEGER,
    waiting_list      INTEGER,
    contact           TEXT NOT NULL,
    last_verified_on  TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (tenant_id, slug)
);

-- The support profile of a location as the samenwerkingsverband (later: the school itself) set
-- it, where DUO's codes say too little or nothing. It replaces the derived themes on the map.
CREATE TABLE location_profiles (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants(id),
    location_id       INTEGER NOT NULL REFERENCES locations(id),
    themes            TEXT NOT NULL,              -- theme ids, comma-separated
    level             TEXT NOT NULL CHECK (level IN ('basis', 'extra')),
    admission         TEXT NOT NULL CHECK (admission IN ('direct', 'tlv', 'plaatsingsoverleg', 'eigen-toelating')),
    description       TEXT NOT NULL,
    capacity          INTEGER,
    waiting_list      INTEGER,
    contact           TEXT NOT NULL,
    set_by            TEXT NOT NULL CHECK (set_by IN ('swv', 'school')),
    source_url        TEXT,
    last_verified_on  TEXT,
    updated_at        TEXT NOT NULL,
    UNIQUE (tenant_id, location_id)
);

-- Every save of a profile, kept as it was (the change log).
CREATE TABLE location_profile_history (
    id                INTEGER PRIMARY KEY,
    profile_id        INTEGER NOT NULL REFERENCES location_profiles(id),
    themes            TEXT NOT NULL,
    level             TEXT NOT NULL,
    admission         TEXT NOT NULL,
    description       TEXT NOT NULL,
    capacity          INTEGER,
    waiting_list      INTEGER,
    contact           TEXT NOT NULL,
    set_by            TEXT NOT NULL,
    last_verified_on  TEXT,
    saved_at          TEXT NOT NULL
);
