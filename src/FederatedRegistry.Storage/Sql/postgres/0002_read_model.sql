-- Read model (query store) for listing, search and summaries. The grains are the source of truth:
-- they upsert a row after each state write, and every row can be rebuilt from grain state.
-- state_version is the grain's state version; a row is only replaced by a higher one.
--
-- Safe to run again: every statement is idempotent.

CREATE TABLE IF NOT EXISTS registry_systems
(
    id                text        COLLATE "C" NOT NULL,
    product_id        text        COLLATE "C" NOT NULL,
    provider_id       text        COLLATE "C" NOT NULL,
    name              text        NOT NULL,
    version           text        NOT NULL,
    intended_purpose  text        NOT NULL,
    category          text        COLLATE "C" NOT NULL,
    status            text        COLLATE "C" NOT NULL,
    proposed_risk_tier text       COLLATE "C",
    decided_risk_tier text        COLLATE "C",
    -- The decided tier if set, else the proposed one, else 'unspecified': what filters and counts use.
    risk_tier         text        COLLATE "C" NOT NULL,
    markets           text[]      NOT NULL,
    deployment_status text        NOT NULL,
    state_version     integer     NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    -- Lower-cased (invariant culture) by the application, so that text search folds case the same
    -- way on every provider.
    name_folded       text        NOT NULL,
    purpose_folded    text        NOT NULL,
    CONSTRAINT registry_systems_pk PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS registry_systems_by_status ON registry_systems (status, id);
CREATE INDEX IF NOT EXISTS registry_systems_by_risk_tier ON registry_systems (risk_tier, id);
CREATE INDEX IF NOT EXISTS registry_systems_by_category ON registry_systems (category, id);
CREATE INDEX IF NOT EXISTS registry_systems_by_provider ON registry_systems (provider_id, id);
CREATE INDEX IF NOT EXISTS registry_systems_by_product ON registry_systems (product_id, id);

CREATE TABLE IF NOT EXISTS registry_incidents
(
    id                     text        COLLATE "C" NOT NULL,
    system_id              text        COLLATE "C",
    product_id             text        COLLATE "C",
    title                  text        NOT NULL,
    severity               text        COLLATE "C" NOT NULL,
    harm_types             text[]      NOT NULL,
    status                 text        COLLATE "C" NOT NULL,
    affected_jurisdictions text[]      NOT NULL,
    occurred_at            timestamptz NOT NULL,
    aware_at               timestamptz NOT NULL,
    reported_at            timestamptz NOT NULL,
    reporting_deadline     timestamptz,
    state_version          integer     NOT NULL,
    updated_at             timestamptz NOT NULL,
    CONSTRAINT registry_incidents_pk PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS registry_incidents_by_status ON registry_incidents (status, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_severity ON registry_incidents (severity, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_system ON registry_incidents (system_id, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_product ON registry_incidents (product_id, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_deadline ON registry_incidents (reporting_deadline)
    WHERE reporting_deadline IS NOT NULL;
CREATE INDEX IF NOT EXISTS registry_incidents_by_harm_type ON registry_incidents USING gin (harm_types);

-- Running counts per (dataset, dimension, value), adjusted in the same transaction as the row, so a
-- summary is read without scanning the registry. Rows may reach 0 and are kept.
CREATE TABLE IF NOT EXISTS registry_counts
(
    dataset   text   COLLATE "C" NOT NULL,
    dimension text   COLLATE "C" NOT NULL,
    value     text   COLLATE "C" NOT NULL,
    count     bigint NOT NULL,
    CONSTRAINT registry_counts_pk PRIMARY KEY (dataset, dimension, value)
);
