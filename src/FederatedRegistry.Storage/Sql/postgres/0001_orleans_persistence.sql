-- Grain state for Microsoft.Orleans.Persistence.AdoNet 10.4 (invariant "Npgsql").
--
-- The provider reads its four queries from OrleansQuery when the silo starts and runs them with these
-- parameters: @GrainIdHash int4, @GrainIdN0 int8, @GrainIdN1 int8, @GrainTypeHash int4,
-- @GrainTypeString text (the state name given to [PersistentState]), @GrainIdExtensionString text
-- (the whole key of a string-keyed grain, or the extension of a compound key; NULL otherwise),
-- @ServiceId text, @GrainStateVersion int4 (the ETag, NULL before the first write) and
-- @PayloadBinary bytea.
--   ReadFromStorageKey  -> columns PayloadBinary, Version (no row: state not found)
--   WriteToStorageKey   -> column NewGrainStateVersion; no row (or the same version) means the write
--                          lost an optimistic-concurrency race and the provider throws
--                          InconsistentStateException
--   ClearStorageKey     -> first column: the new version (payload set to NULL, row kept)
--   DeleteStorageKey    -> first column: any value other than the ETag (row removed)
--
-- Safe to run again: every statement is idempotent. Apply in one transaction
-- (psql -v ON_ERROR_STOP=1 --single-transaction -f FILE), or let SchemaMigrator do it.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleansquery_pk PRIMARY KEY (QueryKey)
);

-- One row per grain state. The key columns are the identity the provider sends. A NULL key extension
-- is stored as '' so that a plain unique key (no NULLS NOT DISTINCT, PostgreSQL < 15 too) makes a
-- second insert of the same state impossible. Text keys use the "C" collation so that ordering is
-- bytewise and the same on every server.
CREATE TABLE IF NOT EXISTS orleans_storage
(
    grain_id_hash      integer     NOT NULL,
    grain_type_hash    integer     NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    service_id         text        COLLATE "C" NOT NULL,
    grain_type         text        COLLATE "C" NOT NULL,
    grain_id_extension text        COLLATE "C" NOT NULL DEFAULT '',
    payload            bytea,
    version            integer     NOT NULL,
    modified_on        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_storage_pk PRIMARY KEY
        (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension),
    -- A btree entry must stay well below PostgreSQL's ~2.7 kB limit; fail with a clear name instead.
    CONSTRAINT orleans_storage_key_length CHECK
        (octet_length(service_id) + octet_length(grain_type) + octet_length(grain_id_extension) <= 2048)
);

-- Reconciliation lists the keys of every grain that has state of one type.
CREATE INDEX IF NOT EXISTS orleans_storage_by_type ON orleans_storage (grain_type, grain_id_extension);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $query$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
$query$),

-- An update succeeds only from the version the grain read; an insert only when the grain has never
-- seen a version and no row exists (a concurrent insert loses on the primary key and returns no row).
('WriteToStorageKey', $query$
WITH updated AS (
    UPDATE orleans_storage
    SET payload = @PayloadBinary, version = version + 1, modified_on = now()
    WHERE grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
),
inserted AS (
    INSERT INTO orleans_storage
        (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension,
         payload, version, modified_on)
    SELECT @GrainIdHash, @GrainTypeHash, @GrainIdN0, @GrainIdN1, @ServiceId, @GrainTypeString,
           coalesce(@GrainIdExtensionString, ''), @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted
$query$),

-- Clearing keeps the row with a NULL payload and a new version, so the ETag stays meaningful.
('ClearStorageKey', $query$
UPDATE orleans_storage
SET payload = NULL, version = version + 1, modified_on = now()
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$query$),

-- Used when DeleteStateOnClear is set. The provider only checks that the returned value differs from
-- the ETag it sent, then forgets the ETag.
('DeleteStorageKey', $query$
DELETE FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version + 1 AS "NewGrainStateVersion"
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
