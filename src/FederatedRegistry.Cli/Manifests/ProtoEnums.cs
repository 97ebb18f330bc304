using System.Reflection;
using Google.Protobuf.Reflection;

namespace FederatedRegistry.Cli.Manifests;

/// <summary>
/// Proto enum values as people write them: "health", "HEALTH" or "CATEGORY_HEALTH" all read as Category.Health, and
/// values print as "health". The proto names stay the source, so a value added to the contract is known at once.
/// </summary>
internal static class ProtoEnums
{
    public static string Display<T>(T value) where T : struct, Enum
    {
        var original = OriginalName(value);
        var prefix = Prefix<T>();
        return (original.StartsWith(prefix, StringComparison.Ordinal) ? original[prefix.Length..] : original).ToLowerInvariant();
    }

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        var wanted = text.Trim().ToUpperInvariant().Replace('-', '_').Replace(' ', '_');
        var prefix = Prefix<T>();
        foreach (var candidate in Enum.GetValues<T>())
        {
            var original = OriginalName(candidate);
            if (Convert.ToInt32(candidate, System.Globalization.CultureInfo.InvariantCulture) != 0 && (original == wanted || original == prefix + wanted))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>"health, finance, ...": every value but the unspecified one.</summary>
    public static string Choices<T>() where T : struct, Enum =>
        string.Join(", ", Enum.GetValues<T>().Where(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) != 0).Select(Display));

    private static string OriginalName<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();

    // "CATEGORY_" from CATEGORY_UNSPECIFIED, the zero value every enum of the contract has.
    private static string Prefix<T>() where T : struct, Enum
    {
        var zero = OriginalName(default(T));
        return zero.EndsWith("UNSPECIFIED", StringComparison.Ordinal) ? zero[..^"UNSPECIFIED".Length] : "";
    }
}
