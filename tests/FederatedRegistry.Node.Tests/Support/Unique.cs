namespace FederatedRegistry.Node.Tests.Support;

/// <summary>Fresh identifiers, so that tests sharing a node never see each other's records.</summary>
public static class Unique
{
    private static string Hex(int length) => Guid.NewGuid().ToString("N")[..length];

    /// <summary>A provider slug such as "prv-3f2a9c01d4e5b6a7".</summary>
    public static string Slug() => "prv-" + Hex(16);

    /// <summary>A global product id such as "3f2a9c01d4e5b6a7.example/triage".</summary>
    public static string ProductId(string product = "triage") => $"{Hex(16)}.example/{product}";

    /// <summary>A word that occurs in no other test's data, for text search.</summary>
    public static string Word() => "zq" + Hex(10);
}
