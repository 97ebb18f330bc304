namespace FederatedRegistry.Grains;

/// <summary>Names of the Orleans grain storage providers, shared by grains and the host that registers them.</summary>
public static class StorageNames
{
    /// <summary>The node's durable store: ADO.NET on PostgreSQL or on the embedded SQLite file.</summary>
    public const string Registry = "registry";
}

/// <summary>
/// The state names of the persistent grains. The ADO.NET provider stores a state under its name and key
/// alone (not the grain class), so each name is used by one grain class only and never changes.
/// </summary>
public static class StateNames
{
    public const string Provider = "provider";
    public const string System = "system";
    public const string Incident = "incident";
    public const string IncidentAlerts = "incident-alerts";
    public const string Policy = "policy";
    public const string Outbox = "outbox";
    public const string Exchange = "exchange";
}
