-- Deelnamepercentages against the country (issue 18). DUO's pupils per vestiging keep the
-- vestiging's gemeente, EduGIS points keep the PC4 of the address, and the regio-indeling says
-- which PO samenwerkingsverband each PC4 belongs to. From these, every import of one of them
-- recomputes the totals per samenwerkingsverband and year ('NL' for the country) and how many
-- vestigingen were placed by postcode, by gemeente or not at all. National data: no tenant.
ALTER TABLE pupil_counts ADD COLUMN gemeente TEXT;
ALTER TABLE geo_points ADD COLUMN pc4 TEXT;

CREATE TABLE regio_indeling (
    pc4       TEXT PRIMARY KEY,
    gemeente  TEXT NOT NULL,
    po_swv    TEXT NOT NULL
);

CREATE TABLE deelname (
    area        TEXT NOT NULL,
    year        BIGINT NOT NULL,
    bao         BIGINT NOT NULL,
    sbo         BIGINT NOT NULL,
    so          BIGINT NOT NULL,
    so_vso      BIGINT NOT NULL,
    suppressed  BIGINT NOT NULL,
    PRIMARY KEY (area, year)
);

CREATE TABLE deelname_placed (
    year        BIGINT NOT NULL,
    how         TEXT NOT NULL CHECK (how IN ('postcode', 'gemeente', 'nergens')),
    vestigingen BIGINT NOT NULL,
    PRIMARY KEY (year, how)
);
