using System.Security.Cryptography;
using System.Text;

namespace FederatedRegistry.Domain.Tests.Common;

public sealed class IdentifiersTests
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Crockford base32, written bit by bit as the spec reads, to check the compact encoder against.</summary>
    private static string Base32(byte[] bytes)
    {
        var bits = string.Concat(bytes.Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        bits = bits.PadRight((bits.Length + 4) / 5 * 5, '0');
        return string.Concat(Enumerable.Range(0, bits.Length / 5).Select(i => Crockford[Convert.ToInt32(bits.Substring(i * 5, 5), 2)]));
    }

    /// <summary>The Unix milliseconds in the first 48 bits of a version 7 GUID, read back from the encoded id.</summary>
    private static long TimestampOf(string incidentId)
    {
        var encoded = incidentId[(incidentId.LastIndexOf('-') + 1)..];
        var bits = string.Concat(encoded.Select(c => Convert.ToString(Crockford.IndexOf(c), 2).PadLeft(5, '0')));
        return Convert.ToInt64(bits[..48], 2);
    }

    [Fact]
    public void SystemId_ForTheSameNodeAndProduct_IsTheSameEveryTime()
    {
        var first = Identifiers.SystemId("KE", Valid.ProductId);

        var second = Identifiers.SystemId("KE", Valid.ProductId);

        Assert.Equal(first, second);
    }

    [Fact]
    public void SystemId_IsTheCrockfordBase32OfTheProductsSha256UnderTheNode()
    {
        var expected = "KE-SYS-" + Base32(SHA256.HashData(Encoding.UTF8.GetBytes(Valid.ProductId)))[..20];

        var id = Identifiers.SystemId("KE", Valid.ProductId);

        Assert.Equal(expected, id);
    }

    [Fact]
    public void SystemId_ForTheSameProductOnDifferentNodes_Differs()
    {
        var kenya = Identifiers.SystemId("KE", Valid.ProductId);

        var france = Identifiers.SystemId("FR", Valid.ProductId);

        Assert.NotEqual(kenya, france);
        Assert.Equal("KE", Identifiers.NodeOf(kenya));
        Assert.Equal("FR", Identifiers.NodeOf(france));
    }

    [Fact]
    public void SystemId_ForDifferentProducts_Differs()
    {
        var products = Enumerable.Range(0, 5_000).Select(i => $"acme.example/product-{i}").ToList();

        var ids = products.Select(p => Identifiers.SystemId("KE", p)).ToHashSet();

        Assert.Equal(products.Count, ids.Count);
    }

    [Theory]
    [InlineData("KE", "acme.example/triage-assist")]
    [InlineData("BR", "a.b/c")]
    [InlineData("INTL", "health.acme.example/triage_assist.v2")]
    public void SystemId_MatchesIsSystemId(string node, string productId)
    {
        var id = Identifiers.SystemId(node, productId);

        Assert.True(Identifiers.IsSystemId(id), id);
        Assert.False(Identifiers.IsIncidentId(id));
        Assert.False(Identifiers.IsProviderId(id));
    }

    [Fact]
    public void NewIncidentId_OverManyCalls_IsUniqueAndWellFormed()
    {
        const int count = 100_000;

        var ids = Enumerable.Range(0, count).Select(_ => Identifiers.NewIncidentId("KE")).ToList();

        Assert.Equal(count, ids.ToHashSet().Count);
        Assert.All(ids, id => Assert.True(Identifiers.IsIncidentId(id), id));
        Assert.All(ids, id => Assert.Equal("KE", Identifiers.NodeOf(id)));
    }

    [Fact]
    public void NewIncidentId_OverManyCalls_NeverGoesBackInTime()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => Identifiers.NewIncidentId("KE")).ToList();

        var stamps = ids.Select(TimestampOf).ToList();

        Assert.Equal(stamps.Order(), stamps);
    }

    [Fact]
    public void NewIncidentId_CarriesTheTimeItWasIssued()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var id = Identifiers.NewIncidentId("KE");

        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(TimestampOf(id), before, after);
    }

    [Fact]
    public void NewIncidentId_IssuedInALaterMillisecond_SortsAfter()
    {
        var earlier = Identifiers.NewIncidentId("KE");
        Thread.Sleep(TimeSpan.FromMilliseconds(5));

        var later = Identifiers.NewIncidentId("KE");

        Assert.True(string.CompareOrdinal(earlier, later) < 0, $"{earlier} should sort before {later}");
    }

    [Theory]
    [InlineData("KE")]
    [InlineData("INTL")]
    public void NewIncidentId_StartsWithTheNodeCode(string node)
    {
        var id = Identifiers.NewIncidentId(node);

        Assert.StartsWith(node + "-INC-", id, StringComparison.Ordinal);
        Assert.Equal(node, Identifiers.NodeOf(id));
        Assert.False(Identifiers.IsSystemId(id));
    }

    [Fact]
    public void IncidentIdForRequest_IsTheSameEveryTimeAndShapedLikeAnyIncidentId()
    {
        var first = Identifiers.IncidentIdForRequest("KE", "provider:KE-PRV-acme", "0f8e6d2c-5b4a-4f1e-9d8c-7b6a5f4e3d2c");

        var second = Identifiers.IncidentIdForRequest("KE", "provider:KE-PRV-acme", "0f8e6d2c-5b4a-4f1e-9d8c-7b6a5f4e3d2c");

        Assert.Equal(first, second);
        Assert.True(Identifiers.IsIncidentId(first), first);
        Assert.StartsWith("KE-INC-", first, StringComparison.Ordinal);
    }

    [Fact]
    public void IncidentIdForRequest_DiffersByNodeScopeAndKey()
    {
        var ids = new[]
        {
            Identifiers.IncidentIdForRequest("KE", "authority", "request-0001"),
            Identifiers.IncidentIdForRequest("TZ", "authority", "request-0001"),
            Identifiers.IncidentIdForRequest("KE", "provider:KE-PRV-acme", "request-0001"),
            Identifiers.IncidentIdForRequest("KE", "authority", "request-0002"),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("0f8e6d2c-5b4a-4f1e-9d8c-7b6a5f4e3d2c", true)]
    [InlineData("01JD3Q4W5X6Y7Z8A9B0C1D2E3F", true)]
    [InlineData("batch-7:item_12.retry", true)]
    [InlineData("short", false)]
    [InlineData("with space in it", false)]
    [InlineData("line\nbreak-in-it", false)]
    [InlineData("unicode-ключ-1234", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsRequestId_Takes8To128PlainCharacters(string? key, bool expected)
    {
        Assert.Equal(expected, Identifiers.IsRequestId(key));
        Assert.False(Identifiers.IsRequestId(new string('a', 129)));
        Assert.True(Identifiers.IsRequestId(new string('a', 128)));
    }

    [Fact]
    public void ProviderId_IsTheSlugUnderTheNodeCode()
    {
        var id = Identifiers.ProviderId("KE", "acme-health");

        Assert.Equal("KE-PRV-acme-health", id);
        Assert.True(Identifiers.IsProviderId(id));
        Assert.Equal("KE", Identifiers.NodeOf(id));
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("ab")]
    [InlineData("acme_health")]
    public void ProviderId_FromASlugBreakingTheSlugRule_IsNotAProviderId(string slug)
    {
        var id = Identifiers.ProviderId("KE", slug);

        Assert.False(Identifiers.IsProviderId(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void IsAnyId_OfNothing_IsFalse(string? id)
    {
        Assert.False(Identifiers.IsProviderId(id));
        Assert.False(Identifiers.IsSystemId(id));
        Assert.False(Identifiers.IsIncidentId(id));
    }

    [Theory]
    [InlineData("KE")]
    [InlineData("FR")]
    [InlineData("BR")]
    [InlineData("CN")]
    [InlineData("INTL")]
    [InlineData("OECD")]
    [InlineData("UNESCO")]
    [InlineData("ABCDEFGH")]
    public void IsNodeCode_ForACountryOrAnObserverCode_IsTrue(string code) =>
        Assert.True(Identifiers.IsNodeCode(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("K")]
    [InlineData("XX")]
    [InlineData("UK")]
    [InlineData("ke")]
    [InlineData("intl")]
    [InlineData("Intl")]
    [InlineData("ABCDEFGHI")]
    [InlineData("IN-TL")]
    [InlineData("INT1")]
    [InlineData(" KE")]
    [InlineData("INTL\n")]
    public void IsNodeCode_ForAnythingElse_IsFalse(string? code) =>
        Assert.False(Identifiers.IsNodeCode(code));

    [Fact]
    public void EveryCountryCode_IsANodeCode()
    {
        Assert.All(CountryCodes.All, code => Assert.True(Identifiers.IsNodeCode(code), code));
    }

    [Fact]
    public void Shapes_RefuseATrailingLineBreak()
    {
        var system = Identifiers.SystemId("KE", "acme.example/triage");
        var incident = Identifiers.NewIncidentId("KE");

        Assert.False(Identifiers.IsSystemId(system + "\n"));
        Assert.False(Identifiers.IsIncidentId(incident + "\n"));
        Assert.False(Identifiers.IsProviderId("KE-PRV-acme\n"));
        Assert.DoesNotMatch(Identifiers.ProductIdShape, "acme.example/triage\n");
        Assert.DoesNotMatch(Identifiers.SlugShape, "acme\n");
    }
}
