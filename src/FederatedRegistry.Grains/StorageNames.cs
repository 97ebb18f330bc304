namespace FederatedRegistry.Grains;

/// <summary>Names of the Orleans grain storage providers, shared by grains and the host that registers them.</summary>
public static class StorageNames
{
    /// <summary>The node's durable store: ADO.NET on PostgreSQL or on the embedded SQLite file.</summary>
    public const string Registry = "registry";
}
