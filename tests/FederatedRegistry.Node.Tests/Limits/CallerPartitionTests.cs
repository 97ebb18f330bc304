using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Node.Hosting;
using Microsoft.AspNetCore.Http;

namespace FederatedRegistry.Node.Tests.Limits;

/// <summary>Which bucket a request draws from: the token's subject, else the address; a peer by its certificate; health none.</summary>
public sealed class CallerPartitionTests
{
    private static readonly LimitsOptions Limits = new() { RequestsPerSecond = 10, Burst = 20 };

    private static DefaultHttpContext Request(string path, ClaimsPrincipal? user = null, X509Certificate2? certificate = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
        context.Connection.ClientCertificate = certificate;
        if (user is not null)
        {
            context.User = user;
        }
        return context;
    }

    private static ClaimsPrincipal User(string subject) =>
        new(new ClaimsIdentity([new Claim("sub", subject)], "Bearer", "sub", "role"));

    [Fact]
    public void AnAuthenticatedCaller_IsLimitedByTheTokensSubject()
    {
        var alice = NodeLimits.Partition(Request("/fedreg.v1.Registry/GetNodeInfo", User("alice")), Limits);
        var aliceOverHttp = NodeLimits.Partition(Request("/v1/node", User("alice")), Limits);

        Assert.Equal("user:alice", alice.PartitionKey);
        Assert.Equal("user:alice", aliceOverHttp.PartitionKey);
    }

    [Fact]
    public void AnAnonymousCaller_IsLimitedByItsAddress()
    {
        Assert.Equal("ip:192.0.2.7", NodeLimits.Partition(Request("/v1/systems"), Limits).PartitionKey);
    }

    [Fact]
    public void APeerOnTheFederationEndpoint_IsLimitedByItsCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=FR", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var partition = NodeLimits.Partition(Request("/fedreg.v1.Federation/Deliver", certificate: certificate), Limits);

        Assert.Equal("peer:" + certificate.GetCertHashString(HashAlgorithmName.SHA256), partition.PartitionKey);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health/startup")]
    [InlineData("/healthz")]
    [InlineData("/grpc.health.v1.Health/Check")]
    public void HealthChecks_AreNeverLimited(string path)
    {
        var partition = NodeLimits.Partition(Request(path, User("alice")), Limits);

        using var limiter = partition.Factory(partition.PartitionKey);
        Assert.IsNotType<System.Threading.RateLimiting.TokenBucketRateLimiter>(limiter);
    }

    [Theory]
    [InlineData("/healthier")]
    [InlineData("/v1/health/live")]
    public void APathThatOnlyResemblesHealth_IsLimited(string path)
    {
        var partition = NodeLimits.Partition(Request(path, User("alice")), Limits);

        using var limiter = partition.Factory(partition.PartitionKey);
        Assert.IsType<System.Threading.RateLimiting.TokenBucketRateLimiter>(limiter);
    }

    [Fact]
    public void RequestsPerSecondZero_TurnsTheLimitOff()
    {
        var partition = NodeLimits.Partition(Request("/v1/node", User("alice")), new LimitsOptions { RequestsPerSecond = 0 });

        using var limiter = partition.Factory(partition.PartitionKey);
        Assert.IsNotType<System.Threading.RateLimiting.TokenBucketRateLimiter>(limiter);
    }
}
