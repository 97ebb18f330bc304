-- Grain state for Microsoft.Orleans.Persistence.AdoNet 10.4 on an embedded SQLite file
-- (invariant "System.Data.SQLite"; Orleans loads Microsoft.Data.Sqlite under that name).
--
-- Same contract as Sql/postgres/0001_orleans_persistence.sql: the provider reads the four queries
-- below from OrleansQuery at start and binds @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
-- @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion and @PayloadBinary.
--
-- Safe to run again: every statement is idempotent.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- A NULL key extension is stored as '' so that the primary key forbids a second row for one state.
CREATE TABLE IF NOT EXISTS orleans_storage
(
    grain_id_hash      INTEGER NOT NULL,
    grain_type_hash    INTEGER NOT NULL,
    grain_id_n0        INTEGER NOT NULL,
    grain_id_n1        INTEGER NOT NULL,
    service_id         TEXT    NOT NULL,
    grain_type         TEXT    NOT NULL,
    grain_id_extension TEXT    NOT NULL DEFAULT '',
    payload            BLOB,
    version            INTEGER NOT NULL,
    modified_on        TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension)
);

CREATE INDEX IF NOT EXISTS orleans_storage_by_type ON orleans_storage (grain_type, grain_id_extension);

-- The provider opens its own connections and Microsoft.Data.Sqlite has no connection-string keyword
-- for it, so the statements that write set synchronous=FULL themselves: in WAL mode every commit then
-- fsyncs the WAL before the provider reports success, so an acknowledged write survives kill -9 and
-- also an OS crash or power loss (NORMAL would only survive the process dying).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '''');
'),

-- One statement, so it is atomic without an explicit transaction: insert only when the grain has
-- never seen a version, update only from the version it read; otherwise no row comes back and the
-- provider throws InconsistentStateException.
('WriteToStorageKey', '
PRAGMA synchronous = FULL;
INSERT INTO orleans_storage
    (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension,
     payload, version, modified_on)
SELECT @GrainIdHash, @GrainTypeHash, @GrainIdN0, @GrainIdN1, @ServiceId, @GrainTypeString,
       coalesce(@GrainIdExtensionString, ''''), @PayloadBinary, 1, CURRENT_TIMESTAMP
WHERE @GrainStateVersion IS NULL
   OR EXISTS (
        SELECT 1 FROM orleans_storage
        WHERE grain_id_hash = @GrainIdHash
          AND grain_type_hash = @GrainTypeHash
          AND grain_id_n0 = @GrainIdN0
          AND grain_id_n1 = @GrainIdN1
          AND service_id = @ServiceId
          AND grain_type = @GrainTypeString
          AND grain_id_extension = coalesce(@GrainIdExtensionString, '''')
          AND version = @GrainStateVersion)
ON CONFLICT (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension)
DO UPDATE SET payload = excluded.payload, version = orleans_storage.version + 1, modified_on = excluded.modified_on
    WHERE orleans_storage.version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;
'),

('ClearStorageKey', '
PRAGMA synchronous = FULL;
UPDATE orleans_storage
SET payload = NULL, version = version + 1, modified_on = CURRENT_TIMESTAMP
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '''')
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;
'),

('DeleteStorageKey', '
PRAGMA synchronous = FULL;
DELETE FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '''')
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
