using FederatedRegistry.Testing;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>
/// The configuration of one node as keys (<c>Node:Code</c>, <c>Kestrel:Endpoints:Http:Url</c>, ...): handed to an
/// in-process host as settings, or to a child process as environment variables (<c>Node__Code</c>, ...).
/// Every node gets free loopback ports for Orleans and Kestrel, and its own data directory.
/// </summary>
public sealed class NodeSettings
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);

    private NodeSettings(string code, string storage, string? connectionString, string dataDirectory)
    {
        Code = code;
        DataDirectory = dataDirectory;
        _values["Node:Code"] = code;
        _values["Node:Name"] = $"{code} test node";
        _values["Node:DataDirectory"] = dataDirectory;
        _values["Storage:Provider"] = storage;
        _values["Auth:Issuer"] = TestTokens.Issuer;
        _values["Auth:Audience"] = TestTokens.Audience;
        _values["Auth:SigningKeys:0"] = TestTokens.PublicKeyPem;
        // Tests call as one user, as fast as the machine allows: far above any test's pace, so that only the rate
        // limit tests (which set their own) meet a 429. The limiter still runs for every request.
        _values["Limits:RequestsPerSecond"] = "1000000";
        _values["Limits:Burst"] = "1000000";
        if (connectionString is not null)
        {
            _values["ConnectionStrings:Registry"] = connectionString;
        }
        AssignFreePorts();
    }

    public string Code { get; }

    public string DataDirectory { get; }

    public Uri HttpAddress => new(_values["Kestrel:Endpoints:Http:Url"]!);

    public Uri GrpcAddress => new(_values["Kestrel:Endpoints:Grpc:Url"]!);

    /// <summary>The federation endpoint (https, mutual TLS): where peers call this node.</summary>
    public Uri FederationAddress => new(_values["Federation:ListenUrl"]!);

    public IReadOnlyDictionary<string, string?> Values => _values;

    /// <summary>A node on the embedded SQLite file, in a fresh temporary data directory.</summary>
    public static NodeSettings Embedded(string code = "KE") => new(code, "embedded", null, NewDataDirectory());

    /// <summary>A node on PostgreSQL, in the database <paramref name="connectionString"/> names.</summary>
    public static NodeSettings Postgres(string connectionString, string code = "KE") =>
        // Cluster mode: the silo advertises loopback, where the test's other silos (if any) reach it. A killed silo is
        // given up on within seconds, so that a restarted one (or the survivors) need not wait out production margins.
        new NodeSettings(code, "postgres", connectionString, NewDataDirectory())
            .With("Orleans:AdvertisedAddress", "127.0.0.1")
            .With("Orleans:ProbeTimeout", "00:00:01")
            .With("Orleans:MissedProbesLimit", "2")
            .With("Orleans:IAmAlivePeriod", "00:00:01");

    /// <summary>Sets (or, with null, removes) one key.</summary>
    public NodeSettings With(string key, string? value)
    {
        if (value is null)
        {
            _values.Remove(key);
        }
        else
        {
            _values[key] = value;
        }
        return this;
    }

    /// <summary>
    /// New free ports for the silo, the gateway and the three Kestrel endpoints: a restarted child process binds afresh
    /// rather than waiting for the killed one's sockets.
    /// </summary>
    public NodeSettings AssignFreePorts()
    {
        _values["Orleans:SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _values["Orleans:GatewayPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _values["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{FreePorts.Next()}";
        _values["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{FreePorts.Next()}";
        _values["Federation:ListenUrl"] = $"https://127.0.0.1:{FreePorts.Next()}";
        return this;
    }

    /// <summary>The settings as environment variables, the way a deployment passes them (<c>Node__Code=KE</c>).</summary>
    public IEnumerable<KeyValuePair<string, string>> AsEnvironment() =>
        _values.Where(v => v.Value is not null).Select(v => KeyValuePair.Create(v.Key.Replace(":", "__", StringComparison.Ordinal), v.Value!));

    private static string NewDataDirectory()
    {
        // TempSqlite keeps its files under a per-process directory that is removed at exit; the node creates the directory.
        var file = TempSqlite.NewDatabasePath("node");
        return Path.GetDirectoryName(file)!;
    }
}
