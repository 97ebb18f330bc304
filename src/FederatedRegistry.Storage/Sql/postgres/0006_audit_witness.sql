-- Witnessing: the audit checkpoints this node has verified of each peer, and the evidence of every peer caught
-- rewriting its history (see src/FederatedRegistry.Domain/Audit/AuditWitness.cs).
--
-- audit_witnessed_checkpoints keeps every checkpoint of a peer that was proved to extend the one kept before (the
-- first one: proved from the peer's first entry), as the peer signed it; the largest size per peer is the one the
-- next check starts from. audit_witness_evidence is written once per inconsistency and never updated: the checkpoint
-- kept (seen_*, NULL when none was), the one the peer answered (answered_*, NULL when it answered none), the findings,
-- and the peer's signed answer (its envelope, base64), which holds the proof that failed. evidence_key names the kept
-- checkpoint, so a peer that stays inconsistent is recorded once, by its first answer. Hashes and signatures are
-- lower-case hex.
--
-- Safe to run again: every statement is idempotent.

CREATE TABLE IF NOT EXISTS audit_witnessed_checkpoints
(
    peer         text        COLLATE "C" NOT NULL,
    size         bigint      NOT NULL,
    head_hash    text        COLLATE "C" NOT NULL,
    at           timestamptz NOT NULL,
    node_code    text        COLLATE "C" NOT NULL,
    key_id       text        COLLATE "C" NOT NULL,
    signature    text        COLLATE "C" NOT NULL,
    witnessed_at timestamptz NOT NULL,
    CONSTRAINT audit_witnessed_checkpoints_pk PRIMARY KEY (peer, size)
);

CREATE TABLE IF NOT EXISTS audit_witness_evidence
(
    id                 bigint      GENERATED ALWAYS AS IDENTITY,
    peer               text        COLLATE "C" NOT NULL,
    evidence_key       text        COLLATE "C" NOT NULL,
    detected_at        timestamptz NOT NULL,
    seen_size          bigint,
    seen_head_hash     text        COLLATE "C",
    seen_at            timestamptz,
    seen_node_code     text        COLLATE "C",
    seen_key_id        text        COLLATE "C",
    seen_signature     text        COLLATE "C",
    answered_size      bigint,
    answered_head_hash text        COLLATE "C",
    answered_at        timestamptz,
    answered_node_code text        COLLATE "C",
    answered_key_id    text        COLLATE "C",
    answered_signature text        COLLATE "C",
    findings           text        NOT NULL,
    answer_envelope    text        NOT NULL,
    CONSTRAINT audit_witness_evidence_pk PRIMARY KEY (id),
    CONSTRAINT audit_witness_evidence_once UNIQUE (peer, evidence_key)
);
