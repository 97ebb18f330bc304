using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Serialization;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Storage;

namespace FederatedRegistry.Grains.Serialization;

/// <summary>
/// How domain types cross grain boundaries and reach storage. The domain knows nothing of Orleans, so its
/// records carry no serializer attributes: they travel as JSON with explicit, stable property names, and
/// persisted state is JSON too, readable by operators and independent of .NET type and assembly names.
/// </summary>
public static class DomainSerialization
{
    private const string DomainNamespace = "FederatedRegistry.Domain";

    /// <summary>Options for every JSON form of domain data: enum names rather than numbers, so reordering an enum cannot corrupt stored state.</summary>
    public static readonly JsonSerializerOptions JsonOptions = CreateOptions();

    public static bool IsDomainType(Type type) =>
        type.Namespace is { } ns && (ns == DomainNamespace || ns.StartsWith(DomainNamespace + ".", StringComparison.Ordinal));

    /// <summary>Registers the JSON codec for domain types and the copier that shares them without copying.</summary>
    public static ISerializerBuilder AddDomainTypes(this ISerializerBuilder builder)
    {
        builder.AddJsonSerializer(isSerializable: IsDomainType, isCopyable: null, o => o.Configure(c => c.SerializerOptions = JsonOptions));
        builder.Services.AddSingleton<IGeneralizedCopier, ImmutableDomainCopier>();
        return builder;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// Domain records are immutable (init-only properties, read-only lists that no code mutates), so a local
    /// grain call can share the instance instead of copying it through a JSON round trip.
    /// </summary>
    private sealed class ImmutableDomainCopier : IGeneralizedCopier
    {
        public bool IsSupportedType(Type type) => IsDomainType(type);

        public object? DeepCopy(object? input, CopyContext context) => input;
    }
}

/// <summary>Grain state as UTF-8 JSON (System.Text.Json) with the domain's options.</summary>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(input, DomainSerialization.JsonOptions));

    public T? Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, DomainSerialization.JsonOptions);
}
