-- Witnessing: the audit checkpoints this node has verified of each peer, and the evidence of every peer caught
-- rewriting its history; see Sql/postgres/0006_audit_witness.sql. Times are fixed-width UTC text as in the audit log.
--
-- Safe to run again: every statement is idempotent.

CREATE TABLE IF NOT EXISTS audit_witnessed_checkpoints
(
    peer         TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    head_hash    TEXT    NOT NULL,
    at           TEXT    NOT NULL,
    node_code    TEXT    NOT NULL,
    key_id       TEXT    NOT NULL,
    signature    TEXT    NOT NULL,
    witnessed_at TEXT    NOT NULL,
    PRIMARY KEY (peer, size)
);

CREATE TABLE IF NOT EXISTS audit_witness_evidence
(
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    peer               TEXT    NOT NULL,
    evidence_key       TEXT    NOT NULL,
    detected_at        TEXT    NOT NULL,
    seen_size          INTEGER,
    seen_head_hash     TEXT,
    seen_at            TEXT,
    seen_node_code     TEXT,
    seen_key_id        TEXT,
    seen_signature     TEXT,
    answered_size      INTEGER,
    answered_head_hash TEXT,
    answered_at        TEXT,
    answered_node_code TEXT,
    answered_key_id    TEXT,
    answered_signature TEXT,
    findings           TEXT    NOT NULL,
    answer_envelope    TEXT    NOT NULL,
    CONSTRAINT audit_witness_evidence_once UNIQUE (peer, evidence_key)
);
