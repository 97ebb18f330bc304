-- The audit log and its signed checkpoints; see Sql/postgres/0005_audit.sql. Times are fixed-width UTC
-- text as in the read model. AUTOINCREMENT keeps ids rising even after rows are deleted, so the sealer's
-- id order is always the order of insertion.
--
-- Safe to run again: every statement is idempotent.

CREATE TABLE IF NOT EXISTS audit_entries
(
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    source_key    TEXT    NOT NULL,
    at            TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    payload_hash  TEXT    NOT NULL,
    sequence      INTEGER,
    previous_hash TEXT,
    entry_hash    TEXT,
    CONSTRAINT audit_entries_source_key UNIQUE (source_key),
    CONSTRAINT audit_entries_sequence UNIQUE (sequence),
    CONSTRAINT audit_entries_sealed CHECK ((sequence IS NULL) = (previous_hash IS NULL) AND (sequence IS NULL) = (entry_hash IS NULL))
);

CREATE INDEX IF NOT EXISTS audit_entries_unsealed ON audit_entries (id) WHERE sequence IS NULL;

CREATE TABLE IF NOT EXISTS audit_checkpoints
(
    size       INTEGER NOT NULL PRIMARY KEY,
    head_hash  TEXT    NOT NULL,
    at         TEXT    NOT NULL,
    node_code  TEXT    NOT NULL,
    key_id     TEXT    NOT NULL,
    signature  TEXT    NOT NULL
);
