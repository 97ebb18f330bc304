namespace FederatedRegistry.Domain.Incidents;

/// <summary>When an incident had to be reported, and which rule said so.</summary>
public sealed record ReportingDeadline(DateTimeOffset DueAt, string Rule);

/// <summary>
/// A jurisdiction's reporting rules: days from awareness within which an incident must be reported.
/// The defaults follow EU AI Act Art. 73: 2 days for a widespread infringement or a serious disruption
/// of critical infrastructure, 10 days where a person died, 15 days for any other serious incident.
/// Where several rules apply the earliest deadline wins. Incidents that are not serious have no deadline
/// unless <see cref="OtherDays"/> sets one.
/// </summary>
public sealed record ReportingRules(
    int WidespreadInfringementDays = 2,
    int CriticalInfrastructureDays = 2,
    int DeathDays = 10,
    int SeriousDays = 15,
    int? OtherDays = null)
{
    public static readonly ReportingRules EuAiActArticle73 = new();

    public IReadOnlyList<FieldViolation> Validate()
    {
        var rules = new FieldRules();
        void Days(string name, int? days)
        {
            if (days is < 0 or > 365)
            {
                rules.Add(name, "must be between 0 and 365 days");
            }
        }
        Days(nameof(WidespreadInfringementDays), WidespreadInfringementDays);
        Days(nameof(CriticalInfrastructureDays), CriticalInfrastructureDays);
        Days(nameof(DeathDays), DeathDays);
        Days(nameof(SeriousDays), SeriousDays);
        Days(nameof(OtherDays), OtherDays);
        if (OtherDays < SeriousDays)
        {
            // Otherwise a serious incident would get more time than a minor one.
            rules.Add(nameof(OtherDays), $"must not be shorter than {nameof(SeriousDays)} ({SeriousDays})");
        }
        return rules.Violations;
    }

    /// <summary>The deadline for an incident, counted from awareness; null when no rule applies.</summary>
    public ReportingDeadline? DeadlineFor(IncidentDetails details)
    {
        if (details.AwareAt is not { } aware)
        {
            return null;
        }
        var serious = details.Severity is Severity.Critical or Severity.Serious;
        var candidates = new List<(int Days, string Rule)>();
        if (details.Widespread)
        {
            candidates.Add((WidespreadInfringementDays, "widespread_infringement"));
        }
        if (serious && details.HarmTypes.Contains(HarmType.CriticalInfrastructure))
        {
            candidates.Add((CriticalInfrastructureDays, "critical_infrastructure"));
        }
        if (details.ResultedInDeath)
        {
            candidates.Add((DeathDays, "death"));
        }
        if (serious)
        {
            candidates.Add((SeriousDays, "serious"));
        }
        // "Other" applies to every incident that is not serious, so it competes with the rules above:
        // a minor incident in which someone died must not get more time than one in which nobody did.
        if (!serious && OtherDays is { } other)
        {
            candidates.Add((other, "other"));
        }
        if (candidates.Count == 0)
        {
            return null;
        }
        var (days, rule) = candidates.MinBy(c => c.Days);
        return new ReportingDeadline(aware.AddDays(days), rule);
    }
}
