-- Incident columns that summaries cross-tabulate by and that 0002 did not keep: the suspected cause
-- ('unspecified' when none was given) and whether more than one jurisdiction is affected.
--
-- Rows written before this script cannot know their suspected cause, so they are marked behind their
-- grain state (state_version 0, below any stored version): at the next start the node's read model
-- recovery finds them stale and re-applies each incident from grain state. The re-applied row has the
-- same status, severity, harm types and month as before, so the running counts do not move.
-- cross_border is derived from the affected jurisdictions meanwhile (the domain's rule: more than one).
--
-- Safe to run again: the block does its work only while the columns are missing, so a second run
-- neither fails nor marks the rows stale again.

DO $migration$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'registry_incidents' AND column_name = 'suspected_cause')
    THEN
        ALTER TABLE registry_incidents
            ADD COLUMN suspected_cause text    COLLATE "C" NOT NULL DEFAULT 'unspecified',
            ADD COLUMN cross_border    boolean NOT NULL DEFAULT false;

        UPDATE registry_incidents
        SET cross_border = cardinality(affected_jurisdictions) > 1,
            state_version = 0;
    END IF;
END
$migration$;
