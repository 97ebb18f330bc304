-- The incident column that the summary dimension triage_time cross-tabulates by; see
-- Sql/postgres/0009_triage_time.sql. Rows written before this script are marked behind their grain state
-- (state_version 0), so that the node's read model recovery re-applies them from grain state at the next start, with
-- their triage time; triage_time is not a running count, so the counts do not move. Until then an incident still
-- reported is 'not_triaged' and any other 'unspecified'.
--
-- SQLite has no ADD COLUMN IF NOT EXISTS and no conditional DDL, so the table is rebuilt as script 4 rebuilt it: copy,
-- drop, rename, then the indexes again. Only columns that scripts 2 and 4 created are read from the old table, so the
-- copy works on either shape.
--
-- Safe to run again, but a second run rebuilds again: every incident is marked stale once more, which the next start
-- repairs from grain state. Apply it by hand only before the node starts, as the other scripts.

CREATE TABLE IF NOT EXISTS registry_incidents_0009
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
    updated_at             TEXT    NOT NULL,
    suspected_cause        TEXT    NOT NULL DEFAULT 'unspecified',
    -- 0 or 1.
    cross_border           INTEGER NOT NULL DEFAULT 0,
    triage_time            TEXT    NOT NULL DEFAULT 'unspecified'
);

-- A table left over from an interrupted hand run must not add its rows twice.
DELETE FROM registry_incidents_0009;

INSERT INTO registry_incidents_0009
    (id, system_id, product_id, title, severity, harm_types, status, affected_jurisdictions,
     occurred_at, aware_at, reported_at, reporting_deadline, state_version, updated_at,
     suspected_cause, cross_border, triage_time)
SELECT id, system_id, product_id, title, severity, harm_types, status, affected_jurisdictions,
       occurred_at, aware_at, reported_at, reporting_deadline, 0, updated_at,
       suspected_cause, cross_border, CASE WHEN status = 'reported' THEN 'not_triaged' ELSE 'unspecified' END
FROM registry_incidents;

DROP TABLE registry_incidents;

ALTER TABLE registry_incidents_0009 RENAME TO registry_incidents;

CREATE INDEX IF NOT EXISTS registry_incidents_by_status ON registry_incidents (status, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_severity ON registry_incidents (severity, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_system ON registry_incidents (system_id, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_product ON registry_incidents (product_id, id);
CREATE INDEX IF NOT EXISTS registry_incidents_by_deadline ON registry_incidents (reporting_deadline)
    WHERE reporting_deadline IS NOT NULL;
