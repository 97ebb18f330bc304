using System.Text.Json.Nodes;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.FieldRules;

/// <summary>
/// Every field rule of the domain (ProviderRules, SystemRules for register / update / decide, IncidentRules for
/// report / transition) and of the API edge (ids, list filters, paging, records that must exist), each as one case.
/// </summary>
public static class FieldRuleCases
{
    public const string SomeSystemId = "KE-SYS-0123456789ABCDEFGHJK";
    public const string SomeIncidentId = "KE-INC-01JD3Q4W5X6Y7Z8A9B0C1D2E3F";

    private static readonly Lazy<IReadOnlyDictionary<string, FieldRuleCase>> Catalogue = new(Build);

    public static IReadOnlyDictionary<string, FieldRuleCase> All => Catalogue.Value;

    /// <summary>The case names, for [MemberData]: each case is reported as its own test.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Keys)
        {
            data.Add(name);
        }
        return data;
    }

    private static string Long(int length) => new('x', length);

    private static JsonObject Provider() => Messages.ToJson(Messages.Provider("acme-health"));

    // Submitted and high-risk, so that the rules that apply only to submissions apply.
    private static JsonObject Register() => Messages.ToJson(Messages.Registration("KE-PRV-acme-health", submit: true, productId: "acme-health.example/triage-assist"));

    private static JsonObject Update() => new()
    {
        ["expectedVersion"] = 1,
        ["submit"] = true,
        ["details"] = Messages.ToJson(Messages.Details()),
    };

    private static JsonObject Decide(string decision = "DECISION_REGISTER") => decision == "DECISION_REGISTER"
        ? new JsonObject { ["decision"] = decision, ["decidedRiskTier"] = "RISK_TIER_HIGH" }
        : new JsonObject { ["decision"] = decision, ["reason"] = "Reviewed by the authority." };

    private static JsonObject Report() => Messages.ToJson(Messages.Incident("acme-health.example/triage-assist"));

    private static JsonObject Transition() => new() { ["to"] = "INCIDENT_STATUS_TRIAGED" };

    private static Dictionary<string, FieldRuleCase> Build()
    {
        var cases = new Dictionary<string, FieldRuleCase>();
        void Add(string name, HttpMethod method, string path, JsonObject? body, string field, params string[] also) =>
            cases.Add(name, new FieldRuleCase(name, method, path, body, field, also));
        void Post(string name, string path, JsonObject body, string field, params string[] also) => Add(name, HttpMethod.Post, path, body, field, also);
        void Get(string name, string path, string field) => Add(name, HttpMethod.Get, path, null, field);

        var now = DateTimeOffset.UtcNow;
        var future = Messages.Rfc3339(now.AddDays(2));

        // ---------- providers: POST /v1/providers ----------
        Post("provider slug missing", "/v1/providers", Provider().Without("slug"), "slug");
        Post("provider slug too long", "/v1/providers", Provider().Set("slug", Long(41)), "slug");
        Post("provider slug too short", "/v1/providers", Provider().Set("slug", "ab"), "slug");
        Post("provider slug not lower-case", "/v1/providers", Provider().Set("slug", "Acme_Health"), "slug");
        Post("provider name missing", "/v1/providers", Provider().Without("name"), "name");
        Post("provider name blank", "/v1/providers", Provider().Set("name", "   "), "name");
        Post("provider name too long", "/v1/providers", Provider().Set("name", Long(201)), "name");
        Post("provider name with a control character", "/v1/providers", Provider().Set("name", "Acme\u0007Health"), "name");
        Post("provider country missing", "/v1/providers", Provider().Without("country"), "country");
        Post("provider country unassigned", "/v1/providers", Provider().Set("country", "XX"), "country");
        Post("provider country lower-case", "/v1/providers", Provider().Set("country", "ke"), "country");
        Post("provider contact_email missing", "/v1/providers", Provider().Without("contactEmail"), "contact_email");
        Post("provider contact_email not an address", "/v1/providers", Provider().Set("contactEmail", "compliance at acme"), "contact_email");
        Post("provider contact_email too long", "/v1/providers", Provider().Set("contactEmail", $"a@{Long(250)}.example"), "contact_email");
        Post("provider website not http", "/v1/providers", Provider().Set("website", "ftp://acme-health.example"), "website");
        Post("provider website not a URL", "/v1/providers", Provider().Set("website", "acme health"), "website");
        Post("provider website too long", "/v1/providers", Provider().Set("website", "https://acme.example/" + Long(2040)), "website");

        // ---------- registrations: POST /v1/systems ----------
        Post("register product_id missing", "/v1/systems", Register().Without("productId"), "product_id");
        Post("register product_id too long", "/v1/systems", Register().Set("productId", $"acme.example/{Long(190)}"), "product_id");
        Post("register product_id without a domain", "/v1/systems", Register().Set("productId", "triage-assist"), "product_id");
        Post("register product_id upper-case", "/v1/systems", Register().Set("productId", "Acme.example/Triage"), "product_id");
        Post("register provider_id missing", "/v1/systems", Register().Without("providerId"), "provider_id");
        Post("register provider_id too long", "/v1/systems", Register().Set("providerId", "KE-PRV-" + Long(60)), "provider_id");
        Post("register provider_id malformed", "/v1/systems", Register().Set("providerId", "acme-health"), "provider_id");
        Post("register provider_id unknown on this node", "/v1/systems", Register().Set("providerId", "KE-PRV-" + Unique.Slug()), "provider_id");
        Post("register provider_id of another node", "/v1/systems", Register().Set("providerId", "FR-PRV-acme-health"), "provider_id");
        Post("register details missing", "/v1/systems", Register().Without("details"), "details.name", "details.*");
        foreach (var (name, edit, field, also) in DetailCases())
        {
            var register = Register();
            edit((JsonObject)register["details"]!);
            Post($"register {name}", "/v1/systems", register, field, also);
            var update = Update();
            edit((JsonObject)update["details"]!);
            Add($"update {name}", HttpMethod.Put, $"/v1/systems/{SomeSystemId}", update, field, also);
        }

        // ---------- registrations: PUT /v1/systems/{id} ----------
        Add("update id malformed", HttpMethod.Put, "/v1/systems/KE-SYS-0123", Update(), "id");
        Add("update id too long", HttpMethod.Put, $"/v1/systems/KE-SYS-{Long(60)}", Update(), "id");
        Add("update expected_version missing", HttpMethod.Put, $"/v1/systems/{SomeSystemId}", Update().Without("expectedVersion"), "expected_version");
        Add("update expected_version negative", HttpMethod.Put, $"/v1/systems/{SomeSystemId}", Update().Set("expectedVersion", -3), "expected_version");
        Add("update details missing", HttpMethod.Put, $"/v1/systems/{SomeSystemId}", Update().Without("details"), "details.name", "details.*");

        // ---------- decisions: POST /v1/systems/{id}:decide ----------
        var decide = $"/v1/systems/{SomeSystemId}:decide";
        Post("decide id malformed", "/v1/systems/KE-SYS-nope:decide", Decide(), "id");
        Post("decide decision missing", decide, Decide().Without("decision"), "decision");
        Post("decide decision undefined number", decide, Decide().Set("decision", 99), "decision");
        Post("decide decided_risk_tier undefined number", decide, Decide().Set("decidedRiskTier", 99), "decided_risk_tier");
        Post("decide register without decided_risk_tier", decide, Decide().Without("decidedRiskTier"), "decided_risk_tier");
        Post("decide reject without reason", decide, Decide("DECISION_REJECT").Without("reason"), "reason");
        Post("decide suspend without reason", decide, Decide("DECISION_SUSPEND").Set("reason", "  "), "reason");
        Post("decide withdraw without reason", decide, Decide("DECISION_WITHDRAW").Without("reason"), "reason");
        Post("decide reject reason too long", decide, Decide("DECISION_REJECT").Set("reason", Long(2001)), "reason");
        Post("decide start review reason too long", decide, Decide("DECISION_START_REVIEW").Set("reason", Long(2001)), "reason");
        Post("decide expected_version negative", decide, Decide().Set("expectedVersion", -1), "expected_version");

        // ---------- incidents: POST /v1/incidents ----------
        // An absent details message reaches the rules as an empty one: every required details field is named.
        Post("report details missing", "/v1/incidents", Report().Without("details"), "details.title", "details.*");
        Post("report title missing", "/v1/incidents", Report().Without("details.title"), "details.title");
        Post("report title too long", "/v1/incidents", Report().Set("details.title", Long(201)), "details.title");
        Post("report description missing", "/v1/incidents", Report().Set("details.description", ""), "details.description");
        Post("report description too long", "/v1/incidents", Report().Set("details.description", Long(10_001)), "details.description");
        Post("report reporter too long", "/v1/incidents", Report().Set("details.reporter", Long(201)), "details.reporter");
        Post("report neither system_id nor product_id", "/v1/incidents", Report().Without("details.productId"), "details.system_id");
        Post("report system_id malformed", "/v1/incidents", Report().Set("details.systemId", "KE-SYS-1"), "details.system_id");
        Post("report system_id not registered here", "/v1/incidents", Report().Set("details.systemId", SomeSystemId), "details.system_id");
        Post("report system_id of another node", "/v1/incidents", Report().Set("details.systemId", "FR-SYS-0123456789ABCDEFGHJK"), "details.system_id");
        Post("report product_id malformed", "/v1/incidents", Report().Set("details.productId", "Triage Assist"), "details.product_id");
        Post("report product_id too long", "/v1/incidents", Report().Set("details.productId", $"acme.example/{Long(190)}"), "details.product_id");
        Post("report severity missing", "/v1/incidents", Report().Without("details.severity"), "details.severity");
        Post("report severity undefined number", "/v1/incidents", Report().Set("details.severity", 99), "details.severity");
        Post("report suspected_cause undefined number", "/v1/incidents", Report().Set("details.suspectedCause", 99), "details.suspected_cause");
        Post("report harm_types empty", "/v1/incidents", Report().Without("details.harmTypes"), "details.harm_types");
        Post("report harm_types undefined number", "/v1/incidents", Report().Set("details.harmTypes", new JsonArray(99)), "details.harm_types[0]");
        Post("report harm_types repeated", "/v1/incidents", Report().Set("details.harmTypes", new JsonArray("HARM_TYPE_ECONOMIC", "HARM_TYPE_ECONOMIC")), "details.harm_types");
        Post("report affected_groups too many", "/v1/incidents", Report().Set("details.affectedGroups", JsonEdit.Repeat("patients", 51)), "details.affected_groups");
        Post("report affected_groups blank entry", "/v1/incidents", Report().Set("details.affectedGroups", new JsonArray("patients", " ")), "details.affected_groups[1]");
        Post("report affected_groups entry too long", "/v1/incidents", Report().Set("details.affectedGroups", new JsonArray(Long(201))), "details.affected_groups[0]");
        Post("report affected_jurisdictions empty", "/v1/incidents", Report().Without("details.affectedJurisdictions"), "details.affected_jurisdictions");
        Post("report affected_jurisdictions unassigned code", "/v1/incidents", Report().Set("details.affectedJurisdictions", new JsonArray("KE", "XX")), "details.affected_jurisdictions[1]");
        Post("report affected_jurisdictions repeated", "/v1/incidents", Report().Set("details.affectedJurisdictions", new JsonArray("KE", "KE")), "details.affected_jurisdictions");
        Post("report affected_jurisdictions too many", "/v1/incidents", Report().Set("details.affectedJurisdictions", JsonEdit.Repeat("KE", 251)), "details.affected_jurisdictions");
        Post("report occurred_at missing", "/v1/incidents", Report().Without("details.occurredAt"), "details.occurred_at");
        Post("report occurred_at in the future", "/v1/incidents", Report().Set("details.occurredAt", future), "details.occurred_at", "details.aware_at");
        Post("report aware_at missing", "/v1/incidents", Report().Without("details.awareAt"), "details.aware_at");
        Post("report aware_at in the future", "/v1/incidents", Report().Set("details.awareAt", future), "details.aware_at");
        Post("report aware_at before occurred_at", "/v1/incidents", Report().Set("details.awareAt", Messages.Rfc3339(now.AddDays(-30))), "details.aware_at");
        Post("report reported_at in the future", "/v1/incidents", Report().Set("details.reportedAt", future), "details.reported_at");
        Post("report reported_at before aware_at", "/v1/incidents", Report().Set("details.reportedAt", Messages.Rfc3339(now.AddDays(-1))), "details.reported_at");

        // ---------- incidents: POST /v1/incidents/{id}:transition ----------
        var transition = $"/v1/incidents/{SomeIncidentId}:transition";
        Post("transition id malformed", "/v1/incidents/KE-INC-0:transition", Transition(), "id");
        Post("transition to missing", transition, Transition().Without("to"), "to");
        Post("transition to undefined number", transition, Transition().Set("to", 99), "to");
        Post("transition note too long", transition, Transition().Set("note", Long(2001)), "note");
        Post("transition expected_version negative", transition, Transition().Set("expectedVersion", -1), "expected_version");

        // ---------- reads by id ----------
        Get("get provider id malformed", "/v1/providers/KE-PRV-A", "id");
        Get("get system id malformed", "/v1/systems/KE-SYS-lower0123456789abcd", "id");
        Get("get system versions id malformed", "/v1/systems/SYS-1/versions", "id");
        Get("get incident id malformed", "/v1/incidents/KE-INC-01JD3Q4W5X6Y7Z8A9B0C1D2E3", "id");

        // ---------- listings: GET /v1/systems and /v1/incidents ----------
        foreach (var listing in new[] { "systems", "incidents" })
        {
            Get($"list {listing} page_size negative", $"/v1/{listing}?pageSize=-1", "page_size");
            Get($"list {listing} page_size above 500", $"/v1/{listing}?pageSize=501", "page_size");
            Get($"list {listing} page_token malformed", $"/v1/{listing}?pageToken=not*a*token", "page_token");
            Get($"list {listing} page_token too long", $"/v1/{listing}?pageToken={Long(513)}", "page_token");
            Get($"list {listing} product_id too long", $"/v1/{listing}?productId={Long(201)}", "product_id");
        }
        Get("list systems provider_id too long", $"/v1/systems?providerId={Long(61)}", "provider_id");
        Get("list systems text too long", $"/v1/systems?text={Long(201)}", "text");
        Get("list systems text with a control character", "/v1/systems?text=a%00b", "text");
        Get("list incidents system_id too long", $"/v1/incidents?systemId={Long(61)}", "system_id");
        return cases;
    }

    /// <summary>The rules on <c>details</c> that register and update share.</summary>
    private static IEnumerable<(string Name, Action<JsonObject> Edit, string Field, string[] Also)> DetailCases()
    {
        (string, Action<JsonObject>, string, string[]) Case(string name, Action<JsonObject> edit, string field, params string[] also) => (name, edit, field, also);

        yield return Case("details.name missing", d => d.Without("name"), "details.name");
        yield return Case("details.name too long", d => d.Set("name", Long(201)), "details.name");
        yield return Case("details.version missing", d => d.Without("version"), "details.version");
        yield return Case("details.version too long", d => d.Set("version", Long(51)), "details.version");
        yield return Case("details.intended_purpose missing", d => d.Without("intendedPurpose"), "details.intended_purpose");
        yield return Case("details.intended_purpose too short", d => d.Set("intendedPurpose", "Triage."), "details.intended_purpose");
        yield return Case("details.intended_purpose too long", d => d.Set("intendedPurpose", Long(4001)), "details.intended_purpose");
        yield return Case("details.category missing", d => d.Without("category"), "details.category");
        yield return Case("details.category undefined number", d => d.Set("category", 99), "details.category");
        yield return Case("details.proposed_risk_tier undefined number", d => d.Set("proposedRiskTier", 99), "details.proposed_risk_tier");
        yield return Case("details.proposed_risk_tier missing when submitting", d => d.Without("proposedRiskTier"), "details.proposed_risk_tier");
        yield return Case("details.deployment_status undefined number", d => d.Set("deploymentStatus", 99), "details.deployment_status");
        yield return Case("details.markets unassigned code", d => d.Set("markets", new JsonArray("KE", "XX")), "details.markets[1]");
        yield return Case("details.markets repeated", d => d.Set("markets", new JsonArray("KE", "KE")), "details.markets");
        yield return Case("details.markets too many", d => d.Set("markets", JsonEdit.Repeat("KE", 251)), "details.markets");
        yield return Case("details.contact_email missing", d => d.Without("contactEmail"), "details.contact_email");
        yield return Case("details.contact_email not an address", d => d.Set("contactEmail", "@acme"), "details.contact_email");
        yield return Case("details.assessment.conformity_evidence too long", d => d.Set("assessment.conformityEvidence", Long(10_001)), "details.assessment.conformity_evidence");
        yield return Case("details.assessment.bias_evaluation too long", d => d.Set("assessment.biasEvaluation", Long(10_001)), "details.assessment.bias_evaluation");
        yield return Case("details.assessment.human_oversight too long", d => d.Set("assessment.humanOversight", Long(10_001)), "details.assessment.human_oversight");
        yield return Case("details.assessment.explainability too long", d => d.Set("assessment.explainability", Long(10_001)), "details.assessment.explainability");
        yield return Case("details.assessment.data_governance too long", d => d.Set("assessment.dataGovernance", Long(10_001)), "details.assessment.data_governance");
        yield return Case("details.assessment.conformity_evidence missing for a high-risk submission", d => d.Without("assessment.conformityEvidence"), "details.assessment.conformity_evidence");
        yield return Case("details.assessment.human_oversight missing for a high-risk submission", d => d.Without("assessment.humanOversight"), "details.assessment.human_oversight");
    }
}
