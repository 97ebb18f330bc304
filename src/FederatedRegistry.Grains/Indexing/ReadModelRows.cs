using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Grains.Indexing;

/// <summary>Maps domain records to the read model's rows; enum values become their snake_case names.</summary>
public static class ReadModelRows
{
    public const string Unspecified = "unspecified";

    public static SystemRow From(AiSystem s) => new(
        s.Id,
        s.ProductId,
        s.ProviderId,
        s.Details.Name,
        s.Details.Version,
        s.Details.IntendedPurpose,
        Name(s.Details.Category),
        EnumNames.ToSnake(s.Status),
        s.Details.ProposedRiskTier is { } proposed ? EnumNames.ToSnake(proposed) : null,
        s.DecidedRiskTier is { } decided ? EnumNames.ToSnake(decided) : null,
        [.. s.Details.Markets],
        Name(s.Details.DeploymentStatus),
        s.Version,
        s.CreatedAt,
        s.UpdatedAt);

    public static IncidentRow From(Incident i) => new(
        i.Id,
        i.Details.SystemId,
        i.Details.ProductId,
        i.Details.Title,
        Name(i.Details.Severity),
        [.. i.Details.HarmTypes.Select(EnumNames.ToSnake)],
        Name(i.Details.SuspectedCause),
        EnumNames.ToSnake(i.Status),
        [.. i.Details.AffectedJurisdictions],
        i.Details.CrossBorder,
        i.Details.OccurredAt!.Value,
        i.Details.AwareAt!.Value,
        i.Details.ReportedAt!.Value,
        i.Deadline?.DueAt,
        i.Version,
        i.UpdatedAt,
        TriageTime.Of(i));

    public static IReadOnlyList<SummaryCount> ToSummaryDeltas(IndexChange change) =>
        [.. change.Deltas.Select(d => new SummaryCount(d.Dataset, d.Dimension, d.Value, d.Delta))];

    private static string Name<T>(T? value) where T : struct, Enum => value is { } v ? EnumNames.ToSnake(v) : Unspecified;
}
