-- Cluster mode: the silos of one node find each other (membership) and share reminders through this database.
-- PostgreSQL only: the embedded store runs a single silo, which needs neither.
--
-- Microsoft.Orleans.Clustering.AdoNet and .Reminders.AdoNet 10.4.2 read the queries below from OrleansQuery by key
-- when a silo starts, bind their parameters by name, and read result columns by name.
--   Membership: @DeploymentId (the cluster id, here the node code), @Address, @Port, @Generation, @SiloName,
--     @HostName, @Status, @ProxyPort (the gateway port), @SuspectTimes, @StartTime, @IAmAliveTime, @Version
--     (the membership table version the silo last read: a write succeeds only on that version, and bumps it).
--     Writes answer one integer, 1 when applied; reads answer one row per silo plus the version.
--   Reminders: @ServiceId (the node code), @GrainId, @ReminderName, @StartTime, @Period (milliseconds),
--     @GrainHash, @Version, @BeginHash and @EndHash (a silo's slice of the hash ring). The upsert answers the new
--     version, which the provider keeps as the reminder's ETag; a delete applies only on the version it names.
-- Idempotent, like every script here: tables IF NOT EXISTS, queries replaced by key.

CREATE TABLE IF NOT EXISTS orleans_membership_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    changed_at    timestamptz  NOT NULL DEFAULT now(),
    version       integer      NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS orleans_membership
(
    deployment_id  varchar(150)  NOT NULL REFERENCES orleans_membership_version (deployment_id),
    address        varchar(45)   NOT NULL,
    port           integer       NOT NULL,
    generation     integer       NOT NULL,
    silo_name      varchar(150)  NOT NULL,
    host_name      varchar(150)  NOT NULL,
    status         integer       NOT NULL,
    proxy_port     integer       NULL,
    suspect_times  varchar(8000) NULL,
    start_time     timestamptz   NOT NULL,
    i_am_alive     timestamptz   NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

CREATE TABLE IF NOT EXISTS orleans_reminders
(
    service_id    varchar(150) NOT NULL,
    grain_id      varchar(150) NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time    timestamptz  NOT NULL,
    period_ms     bigint       NOT NULL,
    grain_hash    integer      NOT NULL,
    version       integer      NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- A silo reads the reminders of its slice of the ring by hash.
CREATE INDEX IF NOT EXISTS orleans_reminders_by_hash ON orleans_reminders (service_id, grain_hash);

DELETE FROM OrleansQuery WHERE QueryKey IN (
    'InsertMembershipVersionKey', 'InsertMembershipKey', 'UpdateMembershipKey', 'UpdateIAmAlivetimeKey',
    'MembershipReadRowKey', 'MembershipReadAllKey', 'GatewaysQueryKey', 'DeleteMembershipTableEntriesKey',
    'CleanupDefunctSiloEntriesKey',
    'UpsertReminderRowKey', 'ReadReminderRowsKey', 'ReadReminderRowKey', 'ReadRangeRows1Key', 'ReadRangeRows2Key',
    'DeleteReminderRowKey', 'DeleteReminderRowsKey');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- The first silo of a cluster creates its version row; later ones find it there (0 rows, not an error).
('InsertMembershipVersionKey', $query$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT count(*)::integer FROM created;
$query$),

-- A new silo's row goes in only while the table is still at the version the silo read, and only if no row has its
-- identity yet; both happen or neither (the version row's lock serialises concurrent joins).
('InsertMembershipKey', $query$
WITH bumped AS (
    UPDATE orleans_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND NOT EXISTS (SELECT 1 FROM orleans_membership m
                      WHERE m.deployment_id = @DeploymentId AND m.address = @Address
                        AND m.port = @Port AND m.generation = @Generation)
    RETURNING deployment_id),
inserted AS (
    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                    proxy_port, start_time, i_am_alive)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
           @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1)
SELECT count(*)::integer FROM inserted;
$query$),

-- A status change (joining, active, dead) or suspicion, on the version read, bumping it.
('UpdateMembershipKey', $query$
WITH bumped AS (
    UPDATE orleans_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND EXISTS (SELECT 1 FROM orleans_membership m
                  WHERE m.deployment_id = @DeploymentId AND m.address = @Address
                    AND m.port = @Port AND m.generation = @Generation)
    RETURNING deployment_id),
updated AS (
    UPDATE orleans_membership m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive = @IAmAliveTime
    FROM bumped
    WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address
      AND m.port = @Port AND m.generation = @Generation
    RETURNING 1)
SELECT count(*)::integer FROM updated;
$query$),

-- The heartbeat: no version check, and nothing is read back.
('UpdateIAmAlivetimeKey', $query$
UPDATE orleans_membership
SET i_am_alive = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$query$),

-- The version row always comes back, with the silo's row when it exists.
('MembershipReadRowKey', $query$
SELECT v.deployment_id AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive AS "IAmAliveTime",
       v.version AS "Version"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$query$),

('MembershipReadAllKey', $query$
SELECT v.deployment_id AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive AS "IAmAliveTime",
       v.version AS "Version"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$query$),

-- Clients (and silos) look for gateways among silos of the given status that listen for clients.
('GatewaysQueryKey', $query$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
$query$),

('DeleteMembershipTableEntriesKey', $query$
DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId;
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
$query$),

-- Rows of silos long silent and not active (status 3 is Active) are forgotten.
('CleanupDefunctSiloEntriesKey', $query$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND i_am_alive < @IAmAliveTime AND status <> 3;
$query$),

('UpsertReminderRowKey', $query$
INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = excluded.start_time, period_ms = excluded.period_ms, grain_hash = excluded.grain_hash,
    version = orleans_reminders.version + 1
RETURNING version AS "Version";
$query$),

('ReadReminderRowsKey', $query$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId;
$query$),

('ReadReminderRowKey', $query$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;
$query$),

-- A slice of the ring that does not wrap: (begin, end].
('ReadRangeRows1Key', $query$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;
$query$),

-- A slice that wraps past the top of the ring: above begin, or up to end.
('ReadRangeRows2Key', $query$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
$query$),

('DeleteReminderRowKey', $query$
WITH deleted AS (
    DELETE FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1)
SELECT count(*)::integer FROM deleted;
$query$),

('DeleteReminderRowsKey', $query$
DELETE FROM orleans_reminders WHERE service_id = @ServiceId;
$query$);
