-- The signed federation queries a node has accepted, by origin and sequence number, until they expire: a replayed
-- query is refused after a restart too, not only by the process that first took it.
-- expires_at_ms: Unix milliseconds after which the verifier refuses the envelope as expired anyway.
CREATE TABLE IF NOT EXISTS federation_seen_envelopes
(
    origin        TEXT    NOT NULL,
    sequence      INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    PRIMARY KEY (origin, sequence)
);

CREATE INDEX IF NOT EXISTS federation_seen_envelopes_by_expiry ON federation_seen_envelopes (expires_at_ms);
