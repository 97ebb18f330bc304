using System.Security.Cryptography;
using FederatedRegistry.Node.Hosting;

namespace FederatedRegistry.Cli.Tests.Support;

/// <summary>The test run's token issuer: one key, trusted by every node the fixture starts.</summary>
public static class TestIssuer
{
    public const string Issuer = "https://issuer.fedreg-cli.test";
    public const string Audience = "fedreg-node";

    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static string PublicKeyPem { get; } = Key.ExportSubjectPublicKeyInfoPem();

    public static string Authority() => Mint(Roles.Authority, null);

    public static string Provider(string providerId) => Mint(Roles.Provider, providerId);

    private static string Mint(string role, string? providerId) =>
        DevelopmentTokens.Mint(Key, Issuer, Audience, "cli-test", role, providerId, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
}
