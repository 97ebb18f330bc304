using System.Text;

namespace FederatedRegistry.Domain;

/// <summary>
/// The lower-case snake_case names used for enum values outside the API's typed fields:
/// summary cells, the read model, and error messages.
/// </summary>
public static class EnumNames
{
    /// <summary>"CriticalInfrastructure" becomes "critical_infrastructure".</summary>
    public static string ToSnake<T>(T value) where T : struct, Enum => ToSnake(value.ToString());

    /// <summary>Parses a snake_case name back into the enum; null when it names no value.</summary>
    public static T? Parse<T>(string name) where T : struct, Enum =>
        Enum.GetValues<T>().Select(v => (T?)v).FirstOrDefault(v => ToSnake(v!.Value) == name);

    /// <summary>"one of: a, b, c" for an error message.</summary>
    public static string OneOf<T>() where T : struct, Enum =>
        "one of: " + string.Join(", ", Enum.GetValues<T>().Select(ToSnake));

    private static string ToSnake(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
