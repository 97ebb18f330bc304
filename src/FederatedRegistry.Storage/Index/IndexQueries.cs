namespace FederatedRegistry.Storage;

/// <summary>
/// Filters for <see cref="IRegistryIndex.QuerySystemsAsync"/>. Null or empty filters are not applied; the others
/// must all match (exact, case-sensitive values, except <see cref="Text"/>).
/// </summary>
public sealed record SystemQuery
{
    /// <summary>Only systems with this status.</summary>
    public string? Status { get; init; }

    /// <summary>Only systems with this effective risk tier (decided, else proposed, else <c>unspecified</c>).</summary>
    public string? RiskTier { get; init; }

    /// <summary>Only systems in this category.</summary>
    public string? Category { get; init; }

    /// <summary>Only systems of this provider.</summary>
    public string? ProviderId { get; init; }

    /// <summary>Only registrations of this global product id.</summary>
    public string? ProductId { get; init; }

    /// <summary>Only systems whose name or intended purpose contains this text, ignoring case.</summary>
    public string? Text { get; init; }

    /// <summary>No systems in these categories (e.g. those kept out of the public register).</summary>
    public IReadOnlyList<string>? ExcludeCategories { get; init; }

    /// <summary>Rows per page: 1 to 500; 0 means the default of 50, larger values are lowered to 500.</summary>
    public int PageSize { get; init; } = RegistryIndex.DefaultPageSize;

    /// <summary>The <see cref="Page{T}.NextPageToken"/> of the previous page, or null for the first page.</summary>
    public string? PageToken { get; init; }
}

/// <summary>Filters for <see cref="IRegistryIndex.QueryIncidentsAsync"/>; as for <see cref="SystemQuery"/>.</summary>
public sealed record IncidentQuery
{
    /// <summary>Only incidents with this status.</summary>
    public string? Status { get; init; }

    /// <summary>Only incidents with this severity.</summary>
    public string? Severity { get; init; }

    /// <summary>Only incidents linked to this registration.</summary>
    public string? SystemId { get; init; }

    /// <summary>Only incidents linked to this global product id.</summary>
    public string? ProductId { get; init; }

    /// <summary>Only incidents that list this harm type.</summary>
    public string? HarmType { get; init; }

    /// <summary>
    /// Only incidents overdue at this time: a reporting deadline before it, and a status that is still open
    /// (<c>reported</c>, <c>triaged</c> or <c>investigating</c>).
    /// </summary>
    public DateTimeOffset? OverdueAt { get; init; }

    /// <summary>Rows per page: 1 to 500; 0 means the default of 50, larger values are lowered to 500.</summary>
    public int PageSize { get; init; } = RegistryIndex.DefaultPageSize;

    /// <summary>The <see cref="Page{T}.NextPageToken"/> of the previous page, or null for the first page.</summary>
    public string? PageToken { get; init; }
}
