using System.Buffers.Text;
using System.Text;

namespace FederatedRegistry.Storage;

/// <summary>Opaque page tokens: base64url (no padding) of the UTF-8 id of the last row of the previous page.</summary>
internal static class PageToken
{
    public const string ParameterName = "page_token";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Encode(string lastId) => Base64Url.EncodeToString(StrictUtf8.GetBytes(lastId));

    /// <summary>The id after which the page starts, or null for the first page.</summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var id = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
            // No id contains control characters, and PostgreSQL refuses a NUL in text: such a token was forged.
            if (id.Length > 0 && !id.Any(char.IsControl))
            {
                return id;
            }
        }
        catch (FormatException)
        {
        }
        catch (DecoderFallbackException)
        {
        }

        throw new ArgumentException("The page token is malformed; pass the next_page_token of the previous page unchanged.", ParameterName);
    }

    public static int Limit(int requested) => requested switch
    {
        < 0 => throw new ArgumentOutOfRangeException("page_size", requested, "The page size must not be negative."),
        0 => RegistryIndex.DefaultPageSize,
        > RegistryIndex.MaxPageSize => RegistryIndex.MaxPageSize,
        _ => requested,
    };
}
