using FederatedRegistry.Domain;
using FederatedRegistry.Grains;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Node.Hosting;

/// <summary>Where the node keeps its data. Bound from the "Storage" section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string ConnectionStringName = "Registry";

    /// <summary>"embedded" (a SQLite file under Node:DataDirectory, the default) or "postgres".</summary>
    public string Provider { get; set; } = "embedded";

    public StorageProvider Kind => Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase)
        ? StorageProvider.Postgres
        : StorageProvider.Embedded;
}

/// <summary>
/// The silo: its ports, and in cluster mode (PostgreSQL storage) how it is known to the other silos of the node and
/// how soon they give up on one that stopped answering. Bound from "Orleans".
/// </summary>
public sealed class SiloOptions
{
    public const string Section = "Orleans";

    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Cluster mode: the IP address the other silos reach this one at (in Kubernetes the pod IP, never a Service IP).
    /// When set the silo listens on every address; when empty it advertises an address of the host name.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The silo's name in the membership table (in Kubernetes the pod name); default POD_NAME, else the machine name.</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// How long a silo waits for a probe answer from another before counting it missed. Orleans' own default is 5 s;
    /// 10 s keeps a busy two-core pod from being suspected for a pause. Orleans adapts it per silo from this start.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Missed probes after which a silo suspects another (Orleans' default 3); two suspicions declare it dead.</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>
    /// How often a silo writes "I am alive" to the membership table (Orleans' default, 30 s). A silo that missed three
    /// is left out when another joins: after every silo of a node was killed, the first to come back waits about three
    /// times this before it stops waiting for the dead ones' answers.
    /// </summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a registration or incident grain stays in memory after its last call (Orleans' default for every grain
    /// is 15 minutes). A bulk import activates one per row, about 5 KiB of the node's memory each (measured over a
    /// 200,000-row import), and they stay for this age plus up to one <see cref="CollectionQuantum"/>: at 400 rows/s,
    /// 15 minutes would be some 360,000 activations. Reads of a record in use keep it in memory; one read after this
    /// long costs a single database read. More than <see cref="CollectionQuantum"/>.
    /// </summary>
    public TimeSpan RecordCollectionAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the silo looks for grains past their collection age (Orleans' default is a minute). A grain is
    /// collected between its age and its age plus this, so this also sets how long a bulk import's grains outlive it.
    /// </summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether the silo deactivates grains, least recently used first, once its memory passes 80% of what the runtime
    /// may use (a container's memory limit, or the machine's memory), until it is back under 75%. The collection age
    /// bounds memory by time; this bounds it by size, for an import faster than the age allows for.
    /// </summary>
    public bool ShedGrainsUnderMemoryPressure { get; set; } = true;

    /// <summary>The silo name: the configured one, else the pod's, else the machine's.</summary>
    public string ResolveSiloName() =>
        !string.IsNullOrWhiteSpace(SiloName) ? SiloName
        : Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod
        : Environment.MachineName;
}

/// <summary>The storage choice resolved to a provider and a connection string.</summary>
public sealed record RegistryDatabase(StorageProvider Provider, string ConnectionString)
{
    public const string EmbeddedFileName = "registry.db";

    public string ProviderName => Provider == StorageProvider.Postgres ? "postgres" : "embedded";
}

public static class NodeConfiguration
{
    /// <summary>Binds the node's settings and checks them at start, naming any key that is missing or wrong.</summary>
    public static WebApplicationBuilder AddNodeOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<ReportingOptions>().BindConfiguration(ReportingOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<SiloOptions>().BindConfiguration(SiloOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<ReportingOptions>, ReportingOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Reads and validates the settings the host needs while it is still being built (storage and ports
    /// shape the silo); the same validators run again at start for the bound options.
    /// </summary>
    public static (NodeOptions Node, RegistryDatabase Database, SiloOptions Silo) ReadStartupSettings(IConfiguration configuration)
    {
        var node = Validated(configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new(), new NodeOptionsValidator());
        var storage = Validated(configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new(),
            new StorageOptionsValidator(configuration));
        var silo = Validated(configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new(), new SiloOptionsValidator());
        var database = storage.Kind == StorageProvider.Postgres
            ? new RegistryDatabase(StorageProvider.Postgres,
                StorageConnection.ForPostgres(configuration.GetConnectionString(StorageOptions.ConnectionStringName)!))
            : new RegistryDatabase(StorageProvider.Embedded,
                StorageConnection.ForSqliteFile(Path.Combine(Path.GetFullPath(node.DataDirectory), RegistryDatabase.EmbeddedFileName)));
        return (node, database, silo);
    }

    private static T Validated<T>(T options, IValidateOptions<T> validator) where T : class
    {
        var result = validator.Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(typeof(T).Name, typeof(T), result.Failures);
        }
        return options;
    }

    private sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
    {
        public ValidateOptionsResult Validate(string? name, NodeOptions options)
        {
            var failures = new List<string>();
            if (string.IsNullOrWhiteSpace(options.Code))
            {
                failures.Add("Node:Code is required: the jurisdiction's ISO 3166-1 alpha-2 code (e.g. KE) or an observer code (e.g. INTL).");
            }
            else if (!Identifiers.IsNodeCode(options.Code))
            {
                failures.Add($"Node:Code '{options.Code}' is not valid: use an ISO 3166-1 alpha-2 code in upper case (e.g. KE) or 3-8 capitals for an observer (e.g. INTL).");
            }
            if (string.IsNullOrWhiteSpace(options.Name))
            {
                failures.Add("Node:Name is required: the name of the authority that runs this node.");
            }
            if (string.IsNullOrWhiteSpace(options.DataDirectory))
            {
                failures.Add("Node:DataDirectory is required: a directory for the node's embedded database and keys.");
            }
            if (options.Role is not ("national" or "observer"))
            {
                failures.Add($"Node:Role '{options.Role}' is not valid: use 'national' or 'observer'.");
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }

    private sealed class StorageOptionsValidator(IConfiguration configuration) : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options)
        {
            if (!options.Provider.Equals("embedded", StringComparison.OrdinalIgnoreCase) &&
                !options.Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase))
            {
                return ValidateOptionsResult.Fail($"Storage:Provider '{options.Provider}' is not valid: use 'embedded' (the default) or 'postgres'.");
            }
            if (options.Kind != StorageProvider.Postgres)
            {
                return ValidateOptionsResult.Success;
            }
            var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                return ValidateOptionsResult.Fail(
                    "ConnectionStrings:Registry is required when Storage:Provider is 'postgres', e.g. Host=127.0.0.1;Username=fedreg;Password=...;Database=fedreg.");
            }
            return StorageConnection.Describe(StorageProvider.Postgres, connectionString) is { } problem
                ? ValidateOptionsResult.Fail($"ConnectionStrings:Registry is not a valid PostgreSQL connection string: {problem}.")
                : ValidateOptionsResult.Success;
        }
    }

    private sealed class ReportingOptionsValidator : IValidateOptions<ReportingOptions>
    {
        public ValidateOptionsResult Validate(string? name, ReportingOptions options)
        {
            var violations = options.ToRules().Validate();
            return violations.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(violations.Select(v => $"Reporting:{v.Field} {v.Rule}."));
        }
    }

    private sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
    {
        public ValidateOptionsResult Validate(string? name, SiloOptions options)
        {
            var failures = new List<string>();
            if (options.SiloPort is < 1 or > 65535)
            {
                failures.Add($"Orleans:SiloPort {options.SiloPort} is not a TCP port (1-65535).");
            }
            if (options.GatewayPort is < 1 or > 65535)
            {
                failures.Add($"Orleans:GatewayPort {options.GatewayPort} is not a TCP port (1-65535).");
            }
            if (options.SiloPort == options.GatewayPort)
            {
                failures.Add("Orleans:SiloPort and Orleans:GatewayPort must differ.");
            }
            if (!string.IsNullOrWhiteSpace(options.AdvertisedAddress) && !System.Net.IPAddress.TryParse(options.AdvertisedAddress, out _))
            {
                failures.Add($"Orleans:AdvertisedAddress '{options.AdvertisedAddress}' is not an IP address: give the address other silos reach this one at (in Kubernetes, the pod IP).");
            }
            if (options.ProbeTimeout <= TimeSpan.Zero)
            {
                failures.Add($"Orleans:ProbeTimeout {options.ProbeTimeout} must be positive (e.g. 00:00:10).");
            }
            if (options.IAmAlivePeriod <= TimeSpan.Zero)
            {
                failures.Add($"Orleans:IAmAlivePeriod {options.IAmAlivePeriod} must be positive (e.g. 00:00:30).");
            }
            if (options.MissedProbesLimit < 1)
            {
                failures.Add($"Orleans:MissedProbesLimit {options.MissedProbesLimit} must be 1 or more.");
            }
            if (options.CollectionQuantum < TimeSpan.FromSeconds(1))
            {
                failures.Add($"Orleans:CollectionQuantum {options.CollectionQuantum} must be a second or more (e.g. 00:00:30).");
            }
            else if (options.RecordCollectionAge <= options.CollectionQuantum)
            {
                failures.Add($"Orleans:RecordCollectionAge {options.RecordCollectionAge} must be more than Orleans:CollectionQuantum {options.CollectionQuantum} (e.g. 00:01:00).");
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
