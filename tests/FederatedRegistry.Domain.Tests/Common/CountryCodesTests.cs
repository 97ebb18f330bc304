namespace FederatedRegistry.Domain.Tests.Common;

public sealed class CountryCodesTests
{
    [Fact]
    public void All_HasThe249AssignedIso3166Codes()
    {
        var codes = CountryCodes.All;

        Assert.Equal(249, codes.Count);
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Fact]
    public void All_AreTwoUpperCaseLatinLetters()
    {
        Assert.All(CountryCodes.All, code => Assert.Matches("^[A-Z]{2}$", code));
    }

    [Fact]
    public void All_AreEachAssigned()
    {
        Assert.All(CountryCodes.All, code => Assert.True(CountryCodes.IsAssigned(code), code));
    }

    [Theory]
    [InlineData("KE")]
    [InlineData("FR")]
    [InlineData("BR")]
    [InlineData("GB")]
    [InlineData("AX")]
    [InlineData("SS")]
    [InlineData("ZW")]
    public void IsAssigned_ForAnAssignedCode_IsTrue(string code) =>
        Assert.True(CountryCodes.IsAssigned(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ke")]
    [InlineData("Ke")]
    [InlineData("XX")]
    [InlineData("UK")]
    [InlineData("EU")]
    [InlineData("XK")]
    [InlineData("KEN")]
    [InlineData("K")]
    public void IsAssigned_ForLowerCaseUnassignedOrWrongLengthCodes_IsFalse(string? code) =>
        Assert.False(CountryCodes.IsAssigned(code));
}
