-- Issue 16: how parents reach a person. Every save of the contact details is a new version;
-- the highest version of a tenant is the current one, the others are its history.
CREATE TABLE contact_details (
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    version             INTEGER NOT NULL,
    swv_address         TEXT NOT NULL,
    swv_postal_address  TEXT NOT NULL,
    swv_phone           TEXT NOT NULL,
    swv_email           TEXT NOT NULL,
    swv_hours           TEXT NOT NULL,
    steunpunt_phone     TEXT NOT NULL,
    steunpunt_email     TEXT NOT NULL,
    steunpunt_hours     TEXT NOT NULL,
    changed_by          INTEGER REFERENCES users(id),
    changed_at          TEXT NOT NULL,
    PRIMARY KEY (tenant_id, version)
);
