using FederatedRegistry.Domain.Incidents;

namespace FederatedRegistry.Grains;

/// <summary>
/// The jurisdiction's incident reporting deadlines, in days from awareness. Bound from the "Reporting"
/// configuration section; the defaults follow EU AI Act Art. 73.
/// </summary>
public sealed class ReportingOptions
{
    public const string Section = "Reporting";

    public int WidespreadInfringementDays { get; set; } = ReportingRules.EuAiActArticle73.WidespreadInfringementDays;
    public int CriticalInfrastructureDays { get; set; } = ReportingRules.EuAiActArticle73.CriticalInfrastructureDays;
    public int DeathDays { get; set; } = ReportingRules.EuAiActArticle73.DeathDays;
    public int SeriousDays { get; set; } = ReportingRules.EuAiActArticle73.SeriousDays;
    /// <summary>Deadline for incidents that are not serious; none when unset.</summary>
    public int? OtherDays { get; set; }

    public ReportingRules ToRules() =>
        new(WidespreadInfringementDays, CriticalInfrastructureDays, DeathDays, SeriousDays, OtherDays);
}
