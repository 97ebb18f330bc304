using System.Collections.Immutable;
using System.Security.Cryptography;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

public sealed class CanonicalEncodingTests
{
    private static string Hex(CanonicalValue value) => Convert.ToHexString(value.Encode());

    private static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>The worked example of Signing/README.md, byte for byte: the format must never drift.</summary>
    [Fact]
    public void Encode_TheReadmeExample_GivesTheDocumentedBytes()
    {
        var value = CanonicalValue.Map(
            ("t", DateTimeOffset.Parse("1970-01-01T03:00:01.0000019+03:00", System.Globalization.CultureInfo.InvariantCulture)),
            ("b", CanonicalValue.List(1, true, CanonicalValue.Null)),
            ("a", "é"));

        var expected =
            "6D 00000003" +
            " 00000001 61  73 00000002 C3A9" +
            " 00000001 62  6C 00000003  69 0000000000000001  74  6E" +
            " 00000001 74  64 00000000000F4241";

        Assert.Equal(Bytes(expected), value.Encode());
        Assert.Equal(32, value.Sha256().Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Bytes(expected))), CanonicalEncoding.Sha256Hex(value));
    }

    [Theory]
    [InlineData(0L, "69 0000000000000000")]
    [InlineData(1L, "69 0000000000000001")]
    [InlineData(-1L, "69 FFFFFFFFFFFFFFFF")]
    [InlineData(long.MaxValue, "69 7FFFFFFFFFFFFFFF")]
    [InlineData(long.MinValue, "69 8000000000000000")]
    public void Encode_AnInteger_IsTagAndEightBigEndianBytes(long n, string hex) =>
        Assert.Equal(Bytes(hex), CanonicalValue.Integer(n).Encode());

    [Fact]
    public void Encode_Scalars_AreOneTagEach()
    {
        Assert.Equal("6E", Hex(CanonicalValue.Null));
        Assert.Equal("66", Hex(false));
        Assert.Equal("74", Hex(true));
        Assert.Equal("7300000000", Hex(""));
        Assert.Equal("6200000000", Hex(Array.Empty<byte>()));
        Assert.Equal("620000000200FF", Hex(new byte[] { 0x00, 0xFF }));
        Assert.Equal("6C00000000", Hex(CanonicalValue.List()));
        Assert.Equal("6D00000000", Hex(CanonicalValue.Map()));
    }

    [Fact]
    public void Encode_ATimestamp_IsUtcMicrosecondsSinceTheEpoch_RoundedDown()
    {
        var before = DateTimeOffset.UnixEpoch.AddTicks(-1);

        Assert.Equal("64 FFFFFFFFFFFFFFFF".Replace(" ", ""), Hex(before));
        Assert.Equal("64 0000000000000000".Replace(" ", ""), Hex(DateTimeOffset.UnixEpoch.AddTicks(9)));
        Assert.Equal(Hex(DateTimeOffset.UnixEpoch.AddTicks(10)), Hex(new DateTimeOffset(1970, 1, 1, 2, 0, 0, TimeSpan.FromHours(2)).AddTicks(19)));
    }

    [Fact]
    public void Timestamp_FromAnyOffset_IsTheSameInstantInUtcAtWholeMicroseconds()
    {
        var local = new DateTimeOffset(2025, 3, 4, 12, 0, 0, TimeSpan.FromHours(5)).AddTicks(1234567);

        var timestamp = CanonicalValue.Timestamp(local);

        Assert.Equal(TimeSpan.Zero, timestamp.Value.Offset);
        Assert.Equal(local.UtcTicks - 7, timestamp.Value.UtcTicks);
        Assert.Equal(CanonicalValue.Timestamp(local.ToUniversalTime()), timestamp);
    }

    [Fact]
    public void Timestamp_TheExtremesOfDateTimeOffset_RoundTrip()
    {
        foreach (var instant in new[] { DateTimeOffset.MinValue, DateTimeOffset.MaxValue })
        {
            var value = CanonicalValue.Timestamp(instant);

            Assert.Equal(value, CanonicalEncoding.Decode(value.Encode()));
        }
    }

    /// <summary>U+FF61 sorts after U+1F600 by UTF-16 code units (FF61 &gt; D83D) but before it by UTF-8 bytes (EF &lt; F0).</summary>
    [Fact]
    public void Map_KeysAreOrderedByTheirUtf8Bytes_NotByUtf16()
    {
        var map = CanonicalValue.Map(("😀", 1), ("\uFF61", 2), ("b", 3), ("", 4), ("ab", 5), ("a", 6));

        Assert.Equal(["", "a", "ab", "b", "\uFF61", "😀"], map.Keys);
        Assert.True(string.CompareOrdinal("😀", "\uFF61") < 0, "UTF-16 order would put the emoji first");
    }

    [Fact]
    public void Map_InsertionOrder_IsNotPartOfTheValueOrTheBytes()
    {
        var one = CanonicalValue.Map(("x", 1), ("y", CanonicalValue.Map(("p", "q"), ("r", "s"))));
        var other = CanonicalValue.Map(("y", CanonicalValue.Map(("r", "s"), ("p", "q"))), ("x", 1));

        Assert.Equal(one, other);
        Assert.Equal(one.GetHashCode(), other.GetHashCode());
        Assert.Equal(one.Encode(), other.Encode());
    }

    [Fact]
    public void Map_WithADuplicateKey_IsRefusedNamingTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() => CanonicalValue.Map(("k", 1), ("k", 2)));

        Assert.Contains("\"k\"", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Lone surrogates are written here, not in InlineData, which the test runner would re-encode.</summary>
    [Fact]
    public void String_WithAnUnpairedSurrogate_IsRefused()
    {
        foreach (var text in new[] { "\uD800", "a\uDC00b", "\uDE00\uD83D", "😀"[..1] })
        {
            Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() => CanonicalValue.String(text)).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => CanonicalValue.Map((text, 1)));
            var error = Assert.Throws<ArgumentException>(() => CanonicalValue.From(new Dictionary<string, object?> { ["k"] = text }));
            Assert.StartsWith("$.k: ", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void List_OfOneList_HoldsThatListAsItsOnlyItem()
    {
        var inner = CanonicalValue.List(1, 2);

        Assert.Single(CanonicalValue.List(inner));
        Assert.Equal(2, CanonicalValue.ListOf(inner).Count);
    }

    /// <summary>Values that a careless encoding (no tags, no lengths, text forms) would confuse.</summary>
    [Fact]
    public void Encode_LookAlikeValues_GiveDifferentBytes()
    {
        CanonicalValue[] values =
        [
            CanonicalValue.Null, false, 0, "", Array.Empty<byte>(), CanonicalValue.List(), CanonicalValue.Map(),
            "0", "null", "false", new byte[] { 0x30 }, "ab", CanonicalValue.List("a", "b"), CanonicalValue.List("ab"),
            CanonicalValue.List(CanonicalValue.List()), CanonicalValue.Map(("a", "b")), CanonicalValue.List(CanonicalValue.Map()),
            CanonicalValue.Map(("", CanonicalValue.Null)), CanonicalValue.Map(("a", CanonicalValue.Map(("b", 1)))),
            CanonicalValue.Map(("ab", 1)), DateTimeOffset.UnixEpoch, CanonicalValue.List(CanonicalValue.Null),
            CanonicalValue.List(CanonicalValue.Null, CanonicalValue.Null), 1, -1, long.MaxValue, DateTimeOffset.UnixEpoch.AddTicks(10),
        ];

        var encodings = values.Select(v => Convert.ToHexString(v.Encode())).ToList();

        Assert.Equal(values.Length, encodings.Distinct().Count());
    }

    [Fact]
    public void From_APlainDictionary_EqualsTheValueBuiltByHand()
    {
        var at = new DateTimeOffset(2025, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var plain = new Dictionary<string, object?>
        {
            ["count"] = 3,
            ["big"] = 5_000_000_000L,
            ["small"] = (byte)7,
            ["unsigned"] = 9UL,
            ["name"] = "Triage",
            ["flag"] = true,
            ["none"] = null,
            ["at"] = at,
            ["utc"] = at.UtcDateTime,
            ["raw"] = new byte[] { 1, 2 },
            ["memory"] = new ReadOnlyMemory<byte>([3]),
            ["immutable"] = ImmutableArray.Create<byte>(4),
            ["tags"] = new[] { "a", "b" },
            ["nested"] = new SortedDictionary<string, int> { ["k"] = 1 },
            ["already"] = CanonicalValue.List(1),
        };

        var value = CanonicalValue.From(plain);

        var expected = CanonicalValue.Map(
            ("count", 3), ("big", 5_000_000_000L), ("small", 7), ("unsigned", 9), ("name", "Triage"), ("flag", true),
            ("none", CanonicalValue.Null), ("at", at), ("utc", at), ("raw", new byte[] { 1, 2 }), ("memory", new byte[] { 3 }),
            ("immutable", new byte[] { 4 }), ("tags", CanonicalValue.List("a", "b")), ("nested", CanonicalValue.Map(("k", 1))),
            ("already", CanonicalValue.List(1)));
        Assert.Equal(expected, value);
    }

    public static TheoryData<object, string> Unencodable => new()
    {
        { new Dictionary<string, object?> { ["score"] = 0.5 }, "$.score: Double" },
        { new Dictionary<string, object?> { ["score"] = 1.0f }, "$.score: Single" },
        { new Dictionary<string, object?> { ["money"] = 1m }, "$.money: Decimal" },
        { new List<object?> { 1, RiskTier.High }, "$[1]: enum RiskTier" },
        { new Dictionary<string, object?> { ["at"] = new DateTime(2025, 1, 1) }, "$.at: a DateTime of unspecified kind" },
        { new Dictionary<int, string> { [1] = "x" }, "$: map keys must be strings" },
        { new Dictionary<string, object?> { ["id"] = Guid.Empty }, "$.id: values of type Guid" },
        { new Dictionary<string, object?> { ["n"] = ulong.MaxValue }, "$.n: 18446744073709551615 is larger" },
    };

    [Theory]
    [MemberData(nameof(Unencodable))]
    public void From_AValueWithNoCanonicalForm_IsRefusedNamingThePath(object value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => CanonicalValue.From(value));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_UpToTheMaximumDepth_IsAccepted_AndOneDeeperIsRefused()
    {
        CanonicalValue value = CanonicalValue.Null;
        for (var i = 0; i < CanonicalValue.MaxDepth; i++)
        {
            value = i % 2 == 0 ? CanonicalValue.List(value) : CanonicalValue.Map(("k", value));
        }

        Assert.Equal(CanonicalValue.MaxDepth, value.Depth);
        Assert.Equal(value, CanonicalEncoding.Decode(value.Encode()));
        Assert.Throws<ArgumentException>(() => CanonicalValue.List(value));
    }

    [Fact]
    public void From_ACyclicList_IsRefusedAsTooDeep()
    {
        var cycle = new List<object?>();
        cycle.Add(cycle);

        var error = Assert.Throws<ArgumentException>(() => CanonicalValue.From(cycle));

        Assert.Contains("nest deeper than 64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TheOutputOfEncode_GivesTheValueBack()
    {
        var value = CanonicalValue.Map(("a", CanonicalValue.List(1, "x", new byte[] { 9 }, DateTimeOffset.UnixEpoch)), ("b", CanonicalValue.Null));

        Assert.Equal(value, CanonicalEncoding.Decode(value.Encode()));
    }

    public static TheoryData<string, string> NonCanonical => new()
    {
        { "", "the bytes end inside a value" },
        { "6E 6E", "1 bytes follow the value" },
        { "78", "0x78 is not a value tag" },
        { "69 00000000000001", "the bytes end inside an integer" },
        { "73 00000005 6162", "a string claims 5 bytes but only 2 remain" },
        { "73 00000002 C328", "a string is not valid UTF-8" },
        { "73 00000002 C1BF", "a string is not valid UTF-8" },
        { "73 00000003 EDA080", "a string is not valid UTF-8" },
        { "73 00000004 F4908080", "a string is not valid UTF-8" },
        { "6C FFFFFFFF 6E", "the list claims 4294967295 entries" },
        { "6C 00000002 69 00", "the bytes end inside an integer" },
        { "6D 00000002 00000001 62 6E 00000001 61 6E", "map keys are not in ascending order" },
        { "6D 00000002 00000001 61 6E 00000001 61 6E", "a map key appears twice" },
        { "6D 00000001 00000001 FF 6E", "a map key is not valid UTF-8" },
        { "64 7FFFFFFFFFFFFFFF", "outside years 1 to 9999" },
    };

    [Theory]
    [MemberData(nameof(NonCanonical))]
    public void Decode_BytesThatAreNotACanonicalEncoding_AreRefusedSayingWhy(string hex, string reason)
    {
        var ok = CanonicalEncoding.TryDecode(Bytes(hex), out var value, out var error);

        Assert.False(ok);
        Assert.Null(value);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NestingDeeperThanTheMaximum_IsRefusedWithoutOverflowingTheStack()
    {
        var bytes = Enumerable.Repeat(Bytes("6C 00000001"), 100_000).SelectMany(b => b).Append((byte)0x6E).ToArray();

        var error = Assert.Throws<CanonicalFormatException>(() => CanonicalEncoding.Decode(bytes));

        Assert.Equal(CanonicalValue.MaxDepth * 5, error.Offset);
    }
}
