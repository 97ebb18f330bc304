-- The incident column that the summary dimension triage_time cross-tabulates by: how long the incident waited for
-- triage, bucketed by the domain (within_1_day, within_7_days, within_30_days, over_30_days, not_triaged), from the
-- incident's history, which the read model does not keep.
--
-- Rows written before this script cannot know it, so they are marked behind their grain state (state_version 0, below
-- any stored version), as script 4 did: at the next start the node's read model recovery re-applies each incident from
-- grain state, with its triage time. triage_time is not a running count, so the counts do not move. Meanwhile an
-- incident still reported is not triaged, and any other is 'unspecified' (it left reported at a time this table does
-- not hold). The default serves the same purpose for rows that a node built before this script writes during a
-- rolling upgrade.
--
-- Safe to run again: the block does its work only while the column is missing, so a second run neither fails nor
-- marks the rows stale again.

DO $migration$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'registry_incidents' AND column_name = 'triage_time')
    THEN
        ALTER TABLE registry_incidents
            ADD COLUMN triage_time text COLLATE "C" NOT NULL DEFAULT 'unspecified';

        UPDATE registry_incidents
        SET triage_time = CASE WHEN status = 'reported' THEN 'not_triaged' ELSE 'unspecified' END,
            state_version = 0;
    END IF;
END
$migration$;
