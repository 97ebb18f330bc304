namespace FederatedRegistry.Storage;

/// <summary>The database that holds one node's grain state and read model.</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file: no server needed, survives a restart.</summary>
    Embedded,

    /// <summary>A PostgreSQL server, for production and for clusters of several silos.</summary>
    Postgres,
}
