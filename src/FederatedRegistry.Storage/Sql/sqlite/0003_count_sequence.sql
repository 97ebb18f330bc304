-- A counter moved with every change to registry_counts; see Sql/postgres/0003_count_sequence.sql.
--
-- Safe to run again: every statement is idempotent.

CREATE TABLE IF NOT EXISTS registry_count_sequence
(
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);

INSERT INTO registry_count_sequence (id, value) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
