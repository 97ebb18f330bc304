-- A counter moved in the same transaction as every change to registry_counts. A summary loads the
-- counts together with the counter, then knows which of the count changes reported to it afterwards
-- are already included (sequence <= loaded) and which are new, so no change is counted twice.
--
-- Safe to run again: every statement is idempotent.

CREATE TABLE IF NOT EXISTS registry_count_sequence
(
    id    integer NOT NULL,
    value bigint  NOT NULL,
    CONSTRAINT registry_count_sequence_pk PRIMARY KEY (id),
    CONSTRAINT registry_count_sequence_single_row CHECK (id = 1)
);

INSERT INTO registry_count_sequence (id, value) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
