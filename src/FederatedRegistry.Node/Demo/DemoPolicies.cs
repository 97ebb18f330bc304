namespace FederatedRegistry.Node.Demo;

/// <summary>
/// The demo's sharing policies: three national authorities that share differently, so that the observer's view
/// shows what sovereignty looks like (different dimensions, different minimum counts, records for some peers only).
/// </summary>
internal static class DemoPolicies
{
    public static string For(string code) => code switch
    {
        // Kenya shares broadly: summaries with k = 3 (triage times included), registered systems' public fields with every
        // peer, alerts and advisories.
        "KE" => """
            {
              "version": 1,
              "node_code": "KE",
              "grants": [
                {
                  "audience": "observers",
                  "datasets": {
                    "systems": { "summary": { "dimensions": ["status", "risk_tier", "category", "month"], "min_count": 3 } },
                    "incidents": { "summary": { "dimensions": ["severity", "harm_type", "month", "status", "triage_time"], "min_count": 3 } },
                    "advisories": { "send": true }
                  }
                },
                {
                  "audience": "all-peers",
                  "datasets": {
                    "systems": {
                      "summary": { "dimensions": ["risk_tier", "category"], "min_count": 3 },
                      "records": { "fields": ["product_id", "name", "category", "risk_tier", "status", "jurisdiction"] }
                    },
                    "incidents": {
                      "alerts": {
                        "min_severity": "serious",
                        "cross_border_only": true,
                        "affecting_recipient_only": true,
                        "fields": ["id", "product_id", "title", "severity", "harm_types", "affected_jurisdictions", "occurred_at", "status"]
                      }
                    },
                    "advisories": { "send": true }
                  }
                }
              ]
            }
            """,
        // France is stricter: k = 5 for the observer, no triage times, records only of registered systems, advisories to the
        // observer only.
        "FR" => """
            {
              "version": 1,
              "node_code": "FR",
              "grants": [
                {
                  "audience": "observers",
                  "datasets": {
                    "systems": { "summary": { "dimensions": ["risk_tier", "category", "status"], "min_count": 5 } },
                    "incidents": { "summary": { "dimensions": ["severity", "harm_type"], "min_count": 5 } },
                    "advisories": { "send": true }
                  }
                },
                {
                  "audience": "all-peers",
                  "datasets": {
                    "systems": { "records": { "fields": ["product_id", "status", "risk_tier"], "filter": { "status": ["registered", "suspended"] } } },
                    "incidents": {
                      "alerts": {
                        "min_severity": "serious",
                        "cross_border_only": true,
                        "affecting_recipient_only": true,
                        "fields": ["id", "product_id", "severity", "harm_types", "affected_jurisdictions"]
                      }
                    }
                  }
                }
              ]
            }
            """,
        // Brazil shares summaries with the observer, records with Kenya only, and alerts and advisories with every peer.
        "BR" => """
            {
              "version": 1,
              "node_code": "BR",
              "grants": [
                {
                  "audience": "observers",
                  "datasets": {
                    "systems": { "summary": { "dimensions": ["risk_tier", "category", "status", "deployment_status"], "min_count": 3 } },
                    "incidents": { "summary": { "dimensions": ["severity", "harm_type", "suspected_cause", "triage_time"], "min_count": 3 } },
                    "advisories": { "send": true }
                  }
                },
                {
                  "audience": "KE",
                  "datasets": {
                    "systems": { "records": { "fields": ["product_id", "name", "category", "risk_tier", "status"] } }
                  }
                },
                {
                  "audience": "all-peers",
                  "datasets": {
                    "incidents": {
                      "alerts": {
                        "min_severity": "serious",
                        "cross_border_only": true,
                        "affecting_recipient_only": true,
                        "fields": ["id", "product_id", "title", "severity", "harm_types", "affected_jurisdictions", "occurred_at"]
                      }
                    },
                    "advisories": { "send": true }
                  }
                }
              ]
            }
            """,
        // The observer holds no registry; its policy shares nothing.
        _ => $$"""
            { "version": 1, "node_code": "{{code}}", "grants": [] }
            """,
    };
}
