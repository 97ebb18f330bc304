using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Providers;
using FederatedRegistry.Domain.Registrations;

namespace FederatedRegistry.Domain.Exports;

/// <summary>
/// What one incident row is made from: the incident, the registration on this node that it concerns (if any) and that
/// registration's provider, and the time of the export (for <c>overdue</c>).
/// </summary>
public sealed record IncidentExportSource(Incident Incident, AiSystem? System, Provider? Provider, DateTimeOffset Now);

/// <summary>
/// The incident export: one row per incident. Columns take the AI Incident Database's names where it has the field
/// (its incidents.csv header, spelling included), and follow the OECD AI Incidents Monitor's concepts (countries,
/// harm types, severity, industry) for the rest. docs/exports.md documents every column.
/// </summary>
public static class IncidentExport
{
    public const string Dataset = "incidents";

    public const string Deployer = "Alleged deployer of AI system";
    public const string Developer = "Alleged developer of AI system";
    public const string HarmedParties = "Alleged harmed or nearly harmed parties";

    private static readonly ExportColumn<IncidentExportSource>[] Map =
    [
        new("incident_id", s => ExportCell.Of(s.Incident.Id)),
        new("date", s => ExportCell.DateOf(s.Incident.Details.OccurredAt)),
        new("title", s => ExportCell.Of(s.Incident.Details.Title)),
        new("description", s => ExportCell.Of(s.Incident.Details.Description)),
        // The node records who reports an incident, not who deploys the system; a reporter is often not the deployer.
        new(Deployer, _ => ExportCell.Empty),
        new(Developer, s => s.Provider is { } p ? ExportCell.Of([p.Name]) : ExportCell.Empty),
        new(HarmedParties, s => ExportCell.Of(s.Incident.Details.AffectedGroups)),
        new("countries", s => ExportCell.Of(s.Incident.Details.AffectedJurisdictions)),
        new("cross_border", s => ExportCell.Of(s.Incident.Details.CrossBorder)),
        new("harm_types", s => ExportCell.Words(s.Incident.Details.HarmTypes)),
        new("severity", s => ExportCell.Words(s.Incident.Details.Severity)),
        new("resulted_in_death", s => ExportCell.Of(s.Incident.Details.ResultedInDeath)),
        new("widespread", s => ExportCell.Of(s.Incident.Details.Widespread)),
        new("suspected_cause", s => ExportCell.Words(s.Incident.Details.SuspectedCause)),
        new("industry", s => ExportCell.Words(s.System?.Details.Category)),
        new("system_id", s => ExportCell.Of(s.System?.Id ?? s.Incident.Details.SystemId)),
        new("system_name", s => ExportCell.Of(s.System?.Details.Name)),
        new("product_id", s => ExportCell.Of(s.Incident.Details.ProductId ?? s.System?.ProductId)),
        new("status", s => ExportCell.Words(s.Incident.Status)),
        new("occurred_at", s => ExportCell.Of(s.Incident.Details.OccurredAt)),
        new("aware_at", s => ExportCell.Of(s.Incident.Details.AwareAt)),
        new("reported_at", s => ExportCell.Of(s.Incident.Details.ReportedAt)),
        new("reporting_deadline", s => ExportCell.Of(s.Incident.Deadline?.DueAt)),
        new("deadline_rule", s => ExportCell.Of(s.Incident.Deadline?.Rule)),
        new("overdue", s => ExportCell.Of(s.Incident.IsOverdue(s.Now))),
        new("reported_late", s => ExportCell.Of(s.Incident.ReportedLate)),
        new("reporter", s => ExportCell.Of(s.Incident.Details.Reporter)),
        new("jurisdiction", s => ExportCell.Of(s.Incident.Jurisdiction)),
        new("updated_at", s => ExportCell.Of(s.Incident.UpdatedAt)),
    ];

    /// <summary>The column names, in order: the CSV header, and the keys of each JSON record.</summary>
    public static IReadOnlyList<string> Columns { get; } = [.. Map.Select(c => c.Name)];

    /// <summary>The row of one incident, a cell per column in <see cref="Columns"/> order.</summary>
    public static ExportCell[] Row(IncidentExportSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return [.. Map.Select(c => c.Value(source))];
    }

    /// <summary>
    /// The registration on the incident's node that the incident concerns: the one it names, or else the one of its
    /// product (a product's registration id derives from its product id), which may not exist.
    /// </summary>
    public static string? LinkedSystemId(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.Details.SystemId
            ?? (incident.Details.ProductId is { } product ? Identifiers.SystemId(incident.Jurisdiction, product) : null);
    }
}
