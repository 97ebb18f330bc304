-- The signed federation queries a node has accepted, by origin and sequence number, until they expire: a replayed
-- query is refused by every silo of the node and after a restart, not only by the process that first took it.
-- expires_at_ms: Unix milliseconds after which the verifier refuses the envelope as expired anyway.
CREATE TABLE IF NOT EXISTS federation_seen_envelopes
(
    origin        text   NOT NULL,
    sequence      bigint NOT NULL,
    expires_at_ms bigint NOT NULL,
    PRIMARY KEY (origin, sequence)
);

CREATE INDEX IF NOT EXISTS federation_seen_envelopes_by_expiry ON federation_seen_envelopes (expires_at_ms);
