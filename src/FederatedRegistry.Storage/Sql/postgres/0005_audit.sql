-- The audit log: every state change of the node, and the signed checkpoints of its hash chain.
--
-- The grains append an entry in the same transaction or durable step as the change it records (a plain
-- insert, no lock); source_key names the change, so re-applying it (recovery after a crash) never appends it
-- twice. sequence, previous_hash and entry_hash stay NULL until the node's single sealer chains the entry:
-- it takes unsealed rows in id order and gives each the next sequence number, the hash of the entry before
-- and its own hash (see src/FederatedRegistry.Domain/Audit). Hashes are lower-case hex; payload is the
-- change's JSON exactly as hashed into payload_hash.
--
-- Safe to run again: every statement is idempotent.

CREATE TABLE IF NOT EXISTS audit_entries
(
    id            bigint      GENERATED ALWAYS AS IDENTITY,
    source_key    text        COLLATE "C" NOT NULL,
    at            timestamptz NOT NULL,
    actor         text        NOT NULL,
    action        text        NOT NULL,
    subject       text        NOT NULL,
    payload       text        NOT NULL,
    payload_hash  text        COLLATE "C" NOT NULL,
    sequence      bigint,
    previous_hash text        COLLATE "C",
    entry_hash    text        COLLATE "C",
    CONSTRAINT audit_entries_pk PRIMARY KEY (id),
    CONSTRAINT audit_entries_source_key UNIQUE (source_key),
    CONSTRAINT audit_entries_sequence UNIQUE (sequence),
    CONSTRAINT audit_entries_sealed CHECK ((sequence IS NULL) = (previous_hash IS NULL) AND (sequence IS NULL) = (entry_hash IS NULL))
);

-- What the sealer polls: small, since rows leave it once sealed.
CREATE INDEX IF NOT EXISTS audit_entries_unsealed ON audit_entries (id) WHERE sequence IS NULL;

CREATE TABLE IF NOT EXISTS audit_checkpoints
(
    size       bigint      NOT NULL,
    head_hash  text        COLLATE "C" NOT NULL,
    at         timestamptz NOT NULL,
    node_code  text        COLLATE "C" NOT NULL,
    key_id     text        COLLATE "C" NOT NULL,
    signature  text        COLLATE "C" NOT NULL,
    CONSTRAINT audit_checkpoints_pk PRIMARY KEY (size)
);
