using System.Security.Cryptography;
using System.Text;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Cli.Manifests;

/// <summary>An incident report (examples/incident.yaml): the IncidentDetails fields, and an optional request_id.</summary>
internal static class IncidentManifest
{
    /// <summary>
    /// The request for the file. Without a request_id the file's own hash is used, so reporting the same file twice
    /// (a retry after a lost answer) reports one incident; a different report is a different file.
    /// </summary>
    public static ReportIncidentRequest Parse(string text, string source)
    {
        var problems = new List<FieldProblem>();
        var r = new FieldReader(ManifestDocument.RequireMapping(ManifestDocument.Load(text, source), source), "", problems);
        var details = new IncidentDetails
        {
            Title = r.String("title", required: true) ?? "",
            Description = r.String("description") ?? "",
            SystemId = r.String("system_id") ?? "",
            ProductId = r.String("product_id") ?? "",
            Severity = r.Enum<Severity>("severity", required: true),
            SuspectedCause = r.Enum<SuspectedCause>("suspected_cause"),
            OccurredAt = r.Time("occurred_at"),
            AwareAt = r.Time("aware_at"),
            ReportedAt = r.Time("reported_at"),
            ResultedInDeath = r.Bool("resulted_in_death") ?? false,
            Widespread = r.Bool("widespread") ?? false,
            Reporter = r.String("reporter") ?? "",
        };
        details.HarmTypes.AddRange(r.Enums<HarmType>("harm_types"));
        details.AffectedGroups.AddRange(r.Strings("affected_groups"));
        details.AffectedJurisdictions.AddRange(r.Strings("affected_jurisdictions").Select(j => j.ToUpperInvariant()));
        if (details.SystemId.Length == 0 && details.ProductId.Length == 0)
        {
            r.Problem("product_id", "is required when system_id is not given: at least one of them names the system");
        }
        var requestId = r.String("request_id") ?? "file-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
        r.RejectUnknown();
        return problems.Count > 0 ? throw new ManifestException(source, problems) : new ReportIncidentRequest { Details = details, RequestId = requestId };
    }
}
