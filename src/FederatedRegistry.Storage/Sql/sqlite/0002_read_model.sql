-- Read model (query store) for listing, search and summaries; see Sql/postgres/0002_read_model.sql.
-- Differences on SQLite: string arrays are JSON arrays of strings (queried with json_each), and
-- times are UTC text 'yyyy-MM-ddTHH:mm:ss.ffffffZ' (fixed width, so text order is time order).
--
-- Safe to run again: every statement is idempotent.

CREATE TABLE IF NOT EXISTS registry_systems
(
    id                 TEXT    NOT NULL PRIMARY KEY,
    product_id         TEXT    NOT NULL,
    provider_id        TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    version            TEXT    NOT NULL,
    intended_purpose   TEXT    NOT NULL,
    category           TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    proposed_risk_tier TEXT,
    decided_risk_tier  TEXT,
    risk_tier          TEXT    NOT NULL,
    markets            TEXT    NOT NULL,
    deployment_status  TEXT    NOT NULL,
    state_version      INTEGER NOT NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    name_folded        TEXT    NOT NULL,
    purpose_folded     TEXT    NOT NULL
);

CREATE INDEX IF NOT EXISTS registry_systems_by_status ON registry_systems (status, id);
CREATE INDEX IF NOT EXISTS registry_systems_by_risk_tier ON registry_systems (risk_tier, id);
CREATE INDEX IF NOT EXISTS registry_systems_by_category ON registry_systems (category, id);
CREATE INDEX IF NOT EXISTS registry_systems_by_provider ON registry_systems (provider_id, id);
CREATE INDEX IF NOT EXISTS registry_systems_by_product ON registry_systems (product_id, id);

CREATE TABLE IF NOT EXISTS registry_incidents
(
    id                     TEXT    NOT NULL PRIMARY KEY,
    system_id              TEXT,
    product_id             TEXT,
    title                  TEXT    NOT NULL,
    severity               TEXT    NOT NULL,
    harm_types             TEXT    NOT NULL,
    status                 TEXT    NOT NULL,
    affected_jurisdictions TEXT    NOT NULL,
    occurred_at            TEXT    NOT NULL,
    aware_at               TEXT    NOT NULL,
    reported_at            TEXT    NOT NULL,
    reporting_deadline     TEXT,
    state_version          INTEGER NOT NULL,
    updated_at             TEXT    NOT NULL
);

CREATE INDEX IF NOT EXISTS registry_incidents_by_status ON registry_incidents (status, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_severity ON registry_incidents (severity, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_system ON registry_incidents (system_id, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_product ON registry_incidents (product_id, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_deadline ON registry_incidents (reporting_deadline)
    WHERE reporting_deadline IS NOT NULL;

CREATE TABLE IF NOT EXISTS registry_counts
(
    dataset   TEXT    NOT NULL,
    dimension TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (dataset, dimension, value)
);
