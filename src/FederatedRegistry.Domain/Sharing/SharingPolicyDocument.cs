using System.Text;
using System.Text.Json;

namespace FederatedRegistry.Domain.Sharing;

/// <summary>
/// The JSON form of a <see cref="SharingPolicy"/>: snake_case names, comments allowed, nothing unknown accepted.
/// <see cref="Parse"/> names every fault by its path; <see cref="Write"/> gives the one canonical text of a policy.
/// </summary>
/// <remarks>
/// An annotated example, every granularity in use (the domain tests hold the same text as Sharing/example-policy.json
/// and check that the two agree):
/// <code>
/// {
///   "version": 4,                 // at least 1; raise it with every change: answers carry it
///   "node_code": "KE",            // the node that owns the policy
///   "grants": [                   // deny by default: an audience named nowhere here receives nothing
///     {
///       "audience": "observers",  // a node code ("FR", "INTL"), "observers", or "all-peers" (national nodes)
///       "datasets": {
///         "systems": {
///           // counts by any of these dimensions, alone or crossed; combinations below min_count are withheld
///           "summary": { "dimensions": ["status", "risk_tier", "category", "month"], "min_count": 5 }
///         },
///         "incidents": {
///           "summary": { "dimensions": ["severity", "harm_type", "month"] },   // min_count 3
///           "alerts": {           // pushed, never asked for
///             "min_severity": "serious",          // critical or serious; omit for any severity
///             "cross_border_only": true,
///             "affecting_recipient_only": false,  // must be false for observers: they are no jurisdiction
///             "fields": ["id", "product_id", "severity", "harm_types", "affected_jurisdictions", "occurred_at"]
///           }
///         },
///         "advisories": { "send": true }
///       }
///     },
///     {
///       "audience": "all-peers",  // every national node, FR included: FR receives this and its own grant
///       "datasets": {
///         "systems": { "summary": { "dimensions": ["risk_tier", "category"], "min_count": 3 } },
///         "advisories": { "send": true }
///       }
///     },
///     {
///       "audience": "FR",
///       "datasets": {
///         "systems": {
///           "records": {
///             "fields": ["product_id", "name", "category", "risk_tier", "status"],
///             // every term must hold; within a term any value may; law_enforcement and migration_and_border
///             // records pass only when a category term names them
///             "filter": { "status": ["registered"], "category": ["health", "finance"] }
///           }
///         },
///         "incidents": {
///           "alerts": {
///             "min_severity": "serious",
///             "cross_border_only": true,
///             "affecting_recipient_only": true,   // only incidents that affect FR
///             "fields": ["id", "product_id", "title", "severity", "harm_types", "affected_jurisdictions", "status"]
///           }
///         }
///       }
///     }
///   ]
/// }
/// </code>
/// The names each dataset accepts are in <see cref="SharingCatalogue"/>. A grant must name an audience once, never
/// the node itself, and grant at least one dataset; lists must not repeat a value.
/// </remarks>
public static class SharingPolicyDocument
{
    /// <summary>The largest document accepted, in characters.</summary>
    public const int MaxLength = 1_000_000;

    /// <summary>The most grants a policy may have.</summary>
    public const int MaxGrants = 500;

    private static readonly JsonDocumentOptions ReadOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 32,
    };

    /// <summary>
    /// Reads and checks a policy. <paramref name="nodeCode"/>, when given, is the code of the node that will use it,
    /// which the policy's <c>node_code</c> must equal.
    /// </summary>
    /// <returns>The policy, or an Invalid error listing every violation by JSON path (e.g. <c>grants[2].datasets.incidents.summary.min_count</c>).</returns>
    public static Outcome<SharingPolicy> Parse(string json, string? nodeCode = null)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return DomainError.Invalid(DocumentField, "is empty: a sharing policy is a JSON object");
        }
        if (json.Length > MaxLength)
        {
            return DomainError.Invalid(DocumentField, $"must be at most {MaxLength} characters long");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ReadOptions);
        }
        catch (JsonException e)
        {
            return DomainError.Invalid(DocumentField,
                $"is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}");
        }
        using (document)
        {
            var reader = new Reader();
            var policy = reader.Policy(document.RootElement, nodeCode);
            return reader.Rules.IsValid && policy is not null ? policy : DomainError.Invalid(reader.Rules.Violations);
        }
    }

    /// <summary>
    /// The violations of a policy built in code, as <see cref="Parse"/> would name them in its JSON form; empty when valid.
    /// </summary>
    public static IReadOnlyList<FieldViolation> Validate(SharingPolicy policy, string? nodeCode = null)
    {
        var outcome = Parse(Write(policy), nodeCode);
        return outcome.IsSuccess ? [] : outcome.Error!.Violations;
    }

    /// <summary>
    /// The policy as indented JSON: properties in a fixed order, defaults written out, absent parts left out, so
    /// that equal policies write equal text and <see cref="Parse"/> reads it back to the same policy. Writes what
    /// it is given, valid or not.
    /// </summary>
    public static string Write(SharingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", policy.Version);
            w.WriteString("node_code", policy.NodeCode);
            w.WriteStartArray("grants");
            foreach (var grant in policy.Grants ?? [])
            {
                WriteGrant(w, grant);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private const string DocumentField = "document";

    private static void WriteGrant(Utf8JsonWriter w, AudienceGrant? grant)
    {
        if (grant is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        w.WriteString("audience", grant.Audience);
        w.WriteStartObject("datasets");
        WriteDataset(w, "systems", grant.Systems);
        WriteDataset(w, "incidents", grant.Incidents);
        if (grant.Advisories)
        {
            w.WriteStartObject("advisories");
            w.WriteBoolean("send", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteDataset(Utf8JsonWriter w, string name, DatasetGrant? grant)
    {
        if (grant is null)
        {
            return;
        }
        w.WriteStartObject(name);
        if (grant.Summary is { } summary)
        {
            w.WriteStartObject("summary");
            WriteList(w, "dimensions", summary.Dimensions);
            w.WriteNumber("min_count", summary.MinCount);
            w.WriteEndObject();
        }
        if (grant.Records is { } records)
        {
            w.WriteStartObject("records");
            WriteList(w, "fields", records.Fields);
            if (records.Filter is { } filter)
            {
                w.WriteStartObject("filter");
                foreach (var term in filter)
                {
                    WriteList(w, term.Field, term.Values);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        if (grant.Alerts is { } alerts)
        {
            w.WriteStartObject("alerts");
            if (alerts.MinSeverity is { } severity)
            {
                w.WriteString("min_severity", Enum.IsDefined(severity) ? EnumNames.ToSnake(severity) : ((int)severity).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            w.WriteBoolean("cross_border_only", alerts.CrossBorderOnly);
            w.WriteBoolean("affecting_recipient_only", alerts.AffectingRecipientOnly);
            WriteList(w, "fields", alerts.Fields);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }
        w.WriteEndArray();
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }

    /// <summary>Walks the document once, building the policy and collecting every violation on the way.</summary>
    private sealed class Reader
    {
        public FieldRules Rules { get; } = new();

        public SharingPolicy? Policy(JsonElement root, string? nodeCode)
        {
            var props = Object(root, "", ["version", "node_code", "grants"]);
            if (props is null)
            {
                return null;
            }
            var version = Integer(props, "", "version", required: true, min: 1);
            var owner = String(props, "", "node_code", required: true);
            if (owner is not null)
            {
                if (!Identifiers.IsNodeCode(owner))
                {
                    Rules.Add("node_code", "must be a node code: an ISO 3166-1 alpha-2 country code in upper case such as KE, or 3-8 capitals for an observer such as INTL");
                }
                else if (nodeCode is not null && owner != nodeCode)
                {
                    Rules.Add("node_code", $"must be {nodeCode}, the code of this node");
                }
            }
            var grants = new List<AudienceGrant>();
            if (Required(props, "", "grants") is { } array && Array(array, "grants") is { } items)
            {
                if (items.Count > MaxGrants)
                {
                    Rules.Add("grants", $"must have at most {MaxGrants} grants");
                }
                var audiences = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < items.Count && i < MaxGrants; i++)
                {
                    if (Grant(items[i], $"grants[{i}]", owner, audiences, i) is { } grant)
                    {
                        grants.Add(grant);
                    }
                }
            }
            return version is { } v && owner is not null ? new SharingPolicy(v, owner, grants) : null;
        }

        private AudienceGrant? Grant(JsonElement element, string path, string? owner, Dictionary<string, int> audiences, int index)
        {
            var props = Object(element, path, ["audience", "datasets"]);
            if (props is null)
            {
                return null;
            }
            var audience = String(props, path, "audience", required: true);
            var audiencePath = Join(path, "audience");
            if (audience is not null)
            {
                if (!Audiences.IsAudience(audience))
                {
                    Rules.Add(audiencePath, $"must be a node code (such as FR or INTL), '{Audiences.Observers}' or '{Audiences.AllPeers}'");
                    audience = null;
                }
                else if (audience == owner)
                {
                    Rules.Add(audiencePath, "must not name this node itself: the policy governs what leaves it");
                    audience = null;
                }
                else if (audiences.TryGetValue(audience, out var first))
                {
                    Rules.Add(audiencePath, $"must not repeat an audience: grants[{first}] already names {audience}; merge the two grants");
                }
                else
                {
                    audiences[audience] = index;
                }
            }
            if (Required(props, path, "datasets") is not { } datasetsElement)
            {
                return null;
            }
            var datasetsPath = Join(path, "datasets");
            var datasets = Object(datasetsElement, datasetsPath, SharingCatalogue.DatasetNames,
                name => $"is not a dataset; expected one of: {string.Join(", ", SharingCatalogue.DatasetNames)}");
            if (datasets is null)
            {
                return null;
            }
            if (!datasetsElement.EnumerateObject().Any())
            {
                Rules.Add(datasetsPath, "must grant at least one dataset: " + string.Join(", ", SharingCatalogue.DatasetNames));
            }
            var systems = Dataset(datasets, datasetsPath, SharedDataset.Systems, audience);
            var incidents = Dataset(datasets, datasetsPath, SharedDataset.Incidents, audience);
            var advisories = false;
            if (Optional(datasets, "advisories") is { } advisoriesElement)
            {
                var advisoriesPath = Join(datasetsPath, "advisories");
                if (Object(advisoriesElement, advisoriesPath, ["send"]) is { } advisoriesProps)
                {
                    advisories = Boolean(advisoriesProps, advisoriesPath, "send", required: true) ?? false;
                }
            }
            return audience is null ? null : new AudienceGrant(audience, systems, incidents, advisories);
        }

        private DatasetGrant? Dataset(Dictionary<string, JsonElement> datasets, string datasetsPath, SharedDataset dataset, string? audience)
        {
            var name = SharingCatalogue.Name(dataset);
            if (Optional(datasets, name) is not { } element)
            {
                return null;
            }
            var path = Join(datasetsPath, name);
            string[] known = dataset == SharedDataset.Incidents ? ["summary", "records", "alerts"] : ["summary", "records"];
            var props = Object(element, path, known,
                property => property == "alerts"
                    ? "is not a granularity of systems: alerts are for incidents only"
                    : $"is not a granularity of {name}; expected one of: {string.Join(", ", known)}");
            if (props is null)
            {
                return null;
            }
            if (!element.EnumerateObject().Any())
            {
                Rules.Add(path, "must grant at least one of: " + string.Join(", ", known));
            }
            var summary = Optional(props, "summary") is { } s ? Summary(s, Join(path, "summary"), dataset) : null;
            var records = Optional(props, "records") is { } r ? Records(r, Join(path, "records"), dataset) : null;
            var alerts = Optional(props, "alerts") is { } a ? Alerts(a, Join(path, "alerts"), audience) : null;
            return new DatasetGrant(summary, records, alerts);
        }

        private SummaryGrant? Summary(JsonElement element, string path, SharedDataset dataset)
        {
            var props = Object(element, path, ["dimensions", "min_count"]);
            if (props is null)
            {
                return null;
            }
            var dimensions = Names(props, path, "dimensions", SharingCatalogue.Dimensions(dataset),
                value => $"'{value}' is not a dimension of {SharingCatalogue.Name(dataset)}");
            var minCount = Optional(props, "min_count") is null ? SharingCatalogue.DefaultMinCount : Integer(props, path, "min_count", required: true, min: 1);
            return dimensions is null || minCount is null ? null : new SummaryGrant(dimensions, minCount.Value);
        }

        private RecordsGrant? Records(JsonElement element, string path, SharedDataset dataset)
        {
            var props = Object(element, path, ["fields", "filter"]);
            if (props is null)
            {
                return null;
            }
            var fields = Names(props, path, "fields", SharingCatalogue.Fields(dataset),
                value => $"'{value}' is not a shareable field of {SharingCatalogue.Name(dataset)}");
            List<FilterTerm>? filter = null;
            if (Optional(props, "filter") is { } filterElement)
            {
                var filterPath = Join(path, "filter");
                var filterFields = SharingCatalogue.FilterFields(dataset);
                var terms = Object(filterElement, filterPath, filterFields,
                    _ => $"is not a field a filter of {SharingCatalogue.Name(dataset)} can test; expected one of: {string.Join(", ", filterFields)}");
                if (terms is null)
                {
                    return null;
                }
                filter = [];
                foreach (var field in terms.Keys)
                {
                    var values = Names(terms, filterPath, field, SharingCatalogue.FilterValues(dataset, field),
                        value => $"'{value}' is not a value of {field}");
                    if (values is not null)
                    {
                        filter.Add(new FilterTerm(field, values));
                    }
                }
            }
            return fields is null ? null : new RecordsGrant(fields, filter);
        }

        private AlertsGrant? Alerts(JsonElement element, string path, string? audience)
        {
            var props = Object(element, path, ["fields", "min_severity", "cross_border_only", "affecting_recipient_only"]);
            if (props is null)
            {
                return null;
            }
            var fields = Names(props, path, "fields", SharingCatalogue.Fields(SharedDataset.Incidents),
                value => $"'{value}' is not a shareable field of incidents");
            Severity? minSeverity = null;
            if (String(props, path, "min_severity", required: false) is { } severityName)
            {
                minSeverity = EnumNames.Parse<Severity>(severityName);
                if (minSeverity is null)
                {
                    Rules.Add(Join(path, "min_severity"), "must be " + EnumNames.OneOf<Severity>());
                }
            }
            var crossBorderOnly = Boolean(props, path, "cross_border_only", required: false) ?? true;
            var affectingRecipientOnly = Boolean(props, path, "affecting_recipient_only", required: false) ?? true;
            if (affectingRecipientOnly && audience is not null && !Audiences.IsJurisdictional(audience))
            {
                Rules.Add(Join(path, "affecting_recipient_only"),
                    $"must be false for {audience}: an observer's code is never an affected jurisdiction, so no incident would alert it");
            }
            return fields is null ? null : new AlertsGrant(fields, minSeverity, crossBorderOnly, affectingRecipientOnly);
        }

        // Reads an object's properties once each, naming unknown and repeated ones.
        private Dictionary<string, JsonElement>? Object(JsonElement element, string path, IReadOnlyList<string> known, Func<string, string>? unknown = null)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Rules.Add(Field(path), "must be a JSON object");
                return null;
            }
            var props = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var propertyPath = Join(path, property.Name);
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                {
                    Rules.Add(propertyPath, unknown?.Invoke(property.Name) ?? "is not a known property; expected one of: " + string.Join(", ", known));
                }
                else if (!props.TryAdd(property.Name, property.Value))
                {
                    Rules.Add(propertyPath, "must not appear twice");
                }
            }
            return props;
        }

        private JsonElement? Optional(Dictionary<string, JsonElement> props, string name) =>
            props.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        private JsonElement? Required(Dictionary<string, JsonElement> props, string path, string name)
        {
            var value = Optional(props, name);
            if (value is null)
            {
                Rules.Add(Join(path, name), "is required");
            }
            return value;
        }

        private int? Integer(Dictionary<string, JsonElement> props, string path, string name, bool required, int min)
        {
            if ((required ? Required(props, path, name) : Optional(props, name)) is not { } value)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            {
                Rules.Add(Join(path, name), "must be a whole number");
                return null;
            }
            if (number < min)
            {
                Rules.Add(Join(path, name), $"must be at least {min}");
                return null;
            }
            return number;
        }

        private string? String(Dictionary<string, JsonElement> props, string path, string name, bool required)
        {
            if ((required ? Required(props, path, name) : Optional(props, name)) is not { } value)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                Rules.Add(Join(path, name), "must be a string");
                return null;
            }
            return value.GetString();
        }

        private bool? Boolean(Dictionary<string, JsonElement> props, string path, string name, bool required)
        {
            if ((required ? Required(props, path, name) : Optional(props, name)) is not { } value)
            {
                return null;
            }
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Rules.Add(Join(path, name), "must be true or false");
                return null;
            }
            return value.GetBoolean();
        }

        private List<JsonElement>? Array(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                Rules.Add(path, "must be a JSON array");
                return null;
            }
            return [.. element.EnumerateArray()];
        }

        // A required, non-empty list of distinct names, each from the catalogue.
        private List<string>? Names(Dictionary<string, JsonElement> props, string path, string name, IReadOnlyList<string> catalogue, Func<string, string> unknown)
        {
            var listPath = Join(path, name);
            if (Required(props, path, name) is not { } element || Array(element, listPath) is not { } items)
            {
                return null;
            }
            var ok = true;
            if (items.Count == 0)
            {
                Rules.Add(listPath, "must name at least one of: " + string.Join(", ", catalogue));
                ok = false;
            }
            var names = new List<string>();
            for (var i = 0; i < items.Count; i++)
            {
                var itemPath = $"{listPath}[{i}]";
                if (items[i].ValueKind != JsonValueKind.String)
                {
                    Rules.Add(itemPath, "must be a string");
                    ok = false;
                    continue;
                }
                var value = items[i].GetString()!;
                if (!catalogue.Contains(value, StringComparer.Ordinal))
                {
                    Rules.Add(itemPath, $"{unknown(value)}; expected one of: {string.Join(", ", catalogue)}");
                    ok = false;
                }
                else if (names.Contains(value, StringComparer.Ordinal))
                {
                    Rules.Add(itemPath, $"must not repeat '{value}'");
                    ok = false;
                }
                names.Add(value);
            }
            return ok ? names : null;
        }

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        private static string Field(string path) => path.Length == 0 ? DocumentField : path;
    }
}
