using System.Reflection;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Domain.Exports;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Common;

public sealed class EnumNamesTests
{
    private static readonly Type[] DomainEnums =
    [
        typeof(RiskTier), typeof(Category), typeof(SystemStatus), typeof(DeploymentStatus), typeof(Decision),
        typeof(Severity), typeof(HarmType), typeof(SuspectedCause), typeof(IncidentStatus), typeof(ErrorKind),
        typeof(CanonicalKind), typeof(ReplayDecision), typeof(EnvelopeRejection),
        typeof(NodeRole), typeof(SharedDataset), typeof(AuditFault), typeof(WitnessVerdict),
        typeof(ExportCellKind), typeof(ExportFormat),
    ];

    public static TheoryData<Enum> EveryValueOfEveryEnum()
    {
        var data = new TheoryData<Enum>();
        foreach (var type in DomainEnums)
        {
            foreach (Enum value in Enum.GetValues(type))
            {
                data.Add(value);
            }
        }
        return data;
    }

    private static string Snake(Enum value) => (string)Generic(nameof(SnakeOf)).MakeGenericMethod(value.GetType()).Invoke(null, [value])!;

    private static object? Parse(Type type, string name) => Generic(nameof(ParseAs)).MakeGenericMethod(type).Invoke(null, [name]);

    private static MethodInfo Generic(string name) => typeof(EnumNamesTests).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    private static string SnakeOf<T>(T value) where T : struct, Enum => EnumNames.ToSnake(value);

    private static object? ParseAs<T>(string name) where T : struct, Enum => EnumNames.Parse<T>(name);

    [Fact]
    public void TheEnumsUnderTest_AreEveryPublicEnumOfTheDomain()
    {
        var enums = typeof(EnumNames).Assembly.GetExportedTypes().Where(t => t.IsEnum).ToHashSet();

        Assert.Equal(enums, DomainEnums.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(EveryValueOfEveryEnum))]
    public void Parse_OfToSnake_ReturnsTheSameValue(Enum value)
    {
        var name = Snake(value);

        var parsed = Parse(value.GetType(), name);

        Assert.Equal(value, parsed);
    }

    [Theory]
    [MemberData(nameof(EveryValueOfEveryEnum))]
    public void ToSnake_IsLowerCaseWordsJoinedByUnderscores(Enum value)
    {
        var name = Snake(value);

        Assert.Matches("^[a-z]+(_[a-z]+)*$", name);
        Assert.Equal(value.ToString().ToLowerInvariant(), name.Replace("_", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Category.CriticalInfrastructure, "critical_infrastructure")]
    [InlineData(Category.MigrationAndBorder, "migration_and_border")]
    [InlineData(SystemStatus.UnderReview, "under_review")]
    [InlineData(DeploymentStatus.InUse, "in_use")]
    [InlineData(Decision.StartReview, "start_review")]
    [InlineData(SuspectedCause.GovernanceOrOversightFailure, "governance_or_oversight_failure")]
    [InlineData(RiskTier.High, "high")]
    public void ToSnake_SplitsPascalCaseWords(Enum value, string expected) =>
        Assert.Equal(expected, Snake(value));

    [Fact]
    public void ToSnake_WithinEachEnum_GivesDistinctNames()
    {
        foreach (var type in DomainEnums)
        {
            var names = Enum.GetValues(type).Cast<Enum>().Select(Snake).ToList();

            Assert.Equal(names.Count, names.Distinct().Count());
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("CriticalInfrastructure")]
    [InlineData("CRITICAL_INFRASTRUCTURE")]
    [InlineData("critical-infrastructure")]
    [InlineData("critical_infrastructure ")]
    [InlineData("2")]
    public void Parse_OfANameThatIsNotASnakeCaseValue_IsNull(string name) =>
        Assert.Null(EnumNames.Parse<Category>(name));

    [Fact]
    public void Parse_OfANameFromAnotherEnum_IsNull()
    {
        Assert.Null(EnumNames.Parse<HarmType>("education"));
        Assert.Equal(HarmType.CriticalInfrastructure, EnumNames.Parse<HarmType>("critical_infrastructure"));
    }

    [Fact]
    public void OneOf_ListsEveryValueInDeclarationOrder()
    {
        var expected = "one of: " + string.Join(", ", Enum.GetValues<Severity>().Select(v => EnumNames.ToSnake(v)));

        Assert.Equal(expected, EnumNames.OneOf<Severity>());
        Assert.Equal("one of: critical, serious, moderate, minor", EnumNames.OneOf<Severity>());
    }
}
