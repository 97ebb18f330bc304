namespace FederatedRegistry.Node.Tests.Federation;

/// <summary>Sharing policies for the federation tests: each node shares differently, so tests can tell whose policy applied.</summary>
public static class TestPolicies
{
    /// <summary>
    /// KE: observers get summaries by risk tier and category (k = 3); every national peer gets records (product_id,
    /// name, status), serious cross-border alerts that affect it, and advisories; observers get advisories too.
    /// </summary>
    public const string Kenya = """
        {
          "version": 1, "node_code": "KE",
          "grants": [
            { "audience": "observers", "datasets": {
                "systems": { "summary": { "dimensions": ["risk_tier", "category", "status"], "min_count": 3 } },
                "advisories": { "send": true } } },
            { "audience": "all-peers", "datasets": {
                "systems": { "records": { "fields": ["product_id", "name", "status"] } },
                "incidents": { "alerts": { "min_severity": "serious", "cross_border_only": true, "affecting_recipient_only": true,
                                           "fields": ["id", "product_id", "title", "severity", "affected_jurisdictions"] } },
                "advisories": { "send": true } } }
          ]
        }
        """;

    /// <summary>FR: observers get summaries by risk tier and category with k = 5; peers get records (product_id, status) and alerts; advisories go to observers only.</summary>
    public const string France = """
        {
          "version": 1, "node_code": "FR",
          "grants": [
            { "audience": "observers", "datasets": {
                "systems": { "summary": { "dimensions": ["risk_tier", "category"], "min_count": 5 } },
                "advisories": { "send": true } } },
            { "audience": "all-peers", "datasets": {
                "systems": { "records": { "fields": ["product_id", "status"] } },
                "incidents": { "alerts": { "min_severity": "serious", "cross_border_only": true, "affecting_recipient_only": true,
                                           "fields": ["id", "severity"] } } } }
          ]
        }
        """;

    /// <summary>BR: observers get counts by status only (so a risk-tier summary is refused); KE alone gets records.</summary>
    public const string Brazil = """
        {
          "version": 1, "node_code": "BR",
          "grants": [
            { "audience": "observers", "datasets": { "systems": { "summary": { "dimensions": ["status"] } } } },
            { "audience": "KE", "datasets": { "systems": { "records": { "fields": ["product_id", "name", "status"] } } } }
          ]
        }
        """;

    /// <summary>An observer shares nothing.</summary>
    public const string Observer = """{ "version": 1, "node_code": "INTL", "grants": [] }""";
}
