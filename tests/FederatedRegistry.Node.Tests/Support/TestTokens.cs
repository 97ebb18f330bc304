using System.Security.Cryptography;
using System.Text;
using FederatedRegistry.Node.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>
/// The test run's token issuer: one ECDSA P-256 key per test process, trusted by every node the tests configure
/// (NodeSettings names it as Auth:Issuer, Auth:Audience and Auth:SigningKeys), and the tokens it signs.
/// </summary>
public static class TestTokens
{
    public const string Issuer = "https://issuer.fedreg.test";
    public const string Audience = "fedreg-node";

    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static string PublicKeyPem { get; } = Key.ExportSubjectPublicKeyInfoPem();

    public static string Authority(string subject = "test-authority") => For(Roles.Authority, subject: subject);

    public static string Observer(string subject = "test-observer") => For(Roles.Observer, subject: subject);

    public static string Provider(string providerId, string subject = "test-provider") => For(Roles.Provider, providerId, subject);

    /// <summary>A token signed by the test issuer; each part can be made wrong to test refusals.</summary>
    public static string For(string role, string? providerId = null, string subject = "test-user", string audience = Audience,
        string issuer = Issuer, ECDsa? key = null, DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null) =>
        DevelopmentTokens.Mint(key ?? Key, issuer, audience, subject, role, providerId, lifetime ?? TimeSpan.FromHours(2),
            issuedAt ?? DateTimeOffset.UtcNow);

    /// <summary>A token whose lifetime ended an hour ago.</summary>
    public static string Expired(string role = Roles.Authority) =>
        For(role, issuedAt: DateTimeOffset.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(2));

    /// <summary>A well-formed token with "alg": "none" and no signature, which must never be accepted.</summary>
    public static string Unsigned(string role = Roles.Authority)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(
            $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"mallory","role":"{{role}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 3600}}}"""));
        return $"{header}.{payload}.";
    }
}
