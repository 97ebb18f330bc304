using System.Data;
using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace FederatedRegistry.Storage;

/// <summary>
/// The read model on a SQL database. The SQL is shared; subclasses supply what differs between providers:
/// how arrays and times are stored, how a row is locked, and how text and array membership are matched.
/// </summary>
internal abstract partial class SqlRegistryIndex(StorageProvider provider, string connectionString) : IRegistryIndex
{
    private const int MaxInsertAttempts = 5;

    /// <summary>Appended to the SELECT that reads the current row inside an upsert.</summary>
    protected abstract string LockRowClause { get; }

    public Task<IndexChange?> UpsertSystemAsync(SystemRow row, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return UpsertAsync(Systems, Normalize(row), audit: null, ct);
    }

    public Task<IndexChange?> UpsertIncidentAsync(IncidentRow row, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return UpsertAsync(Incidents, Normalize(row), audit: null, ct);
    }

    public Task<IndexChange?> UpsertSystemAsync(SystemRow row, Func<int, IReadOnlyList<AuditRecord>> audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(audit);
        return UpsertAsync(Systems, Normalize(row), audit, ct);
    }

    public Task<IndexChange?> UpsertIncidentAsync(IncidentRow row, Func<int, IReadOnlyList<AuditRecord>> audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(audit);
        return UpsertAsync(Incidents, Normalize(row), audit, ct);
    }

    public Task<SystemRow?> GetSystemAsync(string id, CancellationToken ct = default) => GetAsync(Systems, id, ct);

    public Task<IncidentRow?> GetIncidentAsync(string id, CancellationToken ct = default) => GetAsync(Incidents, id, ct);

    public Task<Page<SystemRow>> QuerySystemsAsync(SystemQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return QueryAsync(Systems, query.PageToken, query.PageSize, filter =>
        {
            filter.Equal("status", query.Status);
            filter.Equal("risk_tier", query.RiskTier);
            filter.Equal("category", query.Category);
            filter.Equal("provider_id", query.ProviderId);
            filter.Equal("product_id", query.ProductId);
            foreach (var category in query.ExcludeCategories ?? [])
            {
                filter.Where($"category <> {filter.Parameter(category)}");
            }
            if (!string.IsNullOrEmpty(query.Text))
            {
                var text = filter.Parameter(Fold(query.Text));
                filter.Where($"({TextContains("name_folded", text)} OR {TextContains("purpose_folded", text)})");
            }
        }, ct);
    }

    public Task<Page<IncidentRow>> QueryIncidentsAsync(IncidentQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return QueryAsync(Incidents, query.PageToken, query.PageSize, filter =>
        {
            filter.Equal("status", query.Status);
            filter.Equal("severity", query.Severity);
            filter.Equal("system_id", query.SystemId);
            filter.Equal("product_id", query.ProductId);
            if (!string.IsNullOrEmpty(query.HarmType))
            {
                filter.Where(ArrayContains("harm_types", filter.Parameter(query.HarmType)));
            }

            if (query.OverdueAt is { } overdueAt)
            {
                var deadline = filter.Parameter(TimeValue(overdueAt));
                var open = string.Join(", ", RegistryIndex.OpenIncidentStatuses.Select(filter.Parameter));
                filter.Where($"reporting_deadline IS NOT NULL AND reporting_deadline < {deadline} AND status IN ({open})");
            }
        }, ct);
    }

    public async Task<long> CountOverdueIncidentsAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var open = new List<string>();
        foreach (var status in RegistryIndex.OpenIncidentStatuses)
        {
            open.Add("@" + command.AddParameter($"open{open.Count}", status).ParameterName);
        }
        command.AddParameter("now", TimeValue(now));
        command.CommandText =
            $"SELECT COUNT(*) FROM {Incidents.Name} WHERE reporting_deadline IS NOT NULL AND reporting_deadline < @now AND status IN ({string.Join(", ", open)})";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<CountRow>> ReadCountsAsync(CancellationToken ct = default) =>
        (await ReadCountSnapshotAsync(ct).ConfigureAwait(false)).Counts;

    public async Task<CountSnapshot> ReadCountSnapshotAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        // One snapshot for both reads: repeatable read on PostgreSQL; on SQLite a read transaction in WAL mode.
        await using var transaction = await BeginSnapshotAsync(connection, ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT dataset, dimension, value, count FROM registry_counts WHERE count > 0 ORDER BY dataset, dimension, value";
        var counts = new List<CountRow>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                counts.Add(new CountRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }
        }

        command.CommandText = "SELECT value FROM registry_count_sequence WHERE id = 1";
        var sequence = Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return new CountSnapshot(counts, sequence);
    }

    public IAsyncEnumerable<string> FindStaleGrainKeysAsync(string grainTypeString, string dataset, string? serviceId = null, CancellationToken ct = default)
    {
        var table = dataset switch
        {
            RegistryIndex.SystemsDataset => Systems.Name,
            RegistryIndex.IncidentsDataset => Incidents.Name,
            _ => throw new ArgumentException($"Unknown dataset '{dataset}'.", nameof(dataset)),
        };
        return GrainKeysAsync(grainTypeString, serviceId, $"LEFT JOIN {table} r ON r.id = s.grain_id_extension",
            "AND (r.id IS NULL OR r.state_version < s.version)", ct);
    }

    public IAsyncEnumerable<string> FindGrainKeysAsync(string grainTypeString, string? serviceId = null, CancellationToken ct = default) =>
        GrainKeysAsync(grainTypeString, serviceId, join: string.Empty, condition: string.Empty, ct);

    private IAsyncEnumerable<string> GrainKeysAsync(string grainTypeString, string? serviceId, string join, string condition, CancellationToken ct) =>
        GrainKeys.ReadAsync(provider, connectionString, grainTypeString, join,
            serviceId is null ? condition : $"AND s.service_id = @service_id {condition}",
            command =>
            {
                if (serviceId is not null)
                {
                    command.AddParameter("service_id", serviceId);
                }
            },
            ct);

    protected Task<DbConnection> OpenAsync(CancellationToken ct) => StorageConnection.OpenAsync(provider, connectionString, ct);

    private Task<DbConnection> OpenToWriteAsync(CancellationToken ct) => StorageConnection.OpenToWriteAsync(provider, connectionString, ct);

    /// <summary>Starts the transaction of an upsert; it must keep concurrent upserts of one row apart.</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>Starts a transaction whose reads all see one snapshot, and which writes nothing.</summary>
    protected abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct);

    protected abstract object ArrayValue(string[] values);

    protected abstract string[] ReadArray(DbDataReader reader, int ordinal);

    protected abstract object TimeValue(DateTimeOffset value);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>SQL that is true when the array in <paramref name="column"/> holds the value of <paramref name="parameter"/>.</summary>
    protected abstract string ArrayContains(string column, string parameter);

    /// <summary>SQL that is true when the text in <paramref name="column"/> contains the value of <paramref name="parameter"/>.</summary>
    protected abstract string TextContains(string column, string parameter);

    /// <summary>
    /// Adds the deltas to <c>registry_counts</c>, in the given (sorted) order so that concurrent upserts lock counts in
    /// one order, then moves the count sequence on.
    /// </summary>
    /// <returns>The count sequence after this change.</returns>
    protected virtual async Task<long> ApplyDeltasAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<CountDelta> deltas, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO registry_counts (dataset, dimension, value, count) VALUES (@dataset, @dimension, @value, @delta)
            ON CONFLICT (dataset, dimension, value) DO UPDATE SET count = registry_counts.count + excluded.count
            """;
        var dataset = command.AddParameter("dataset", null);
        var dimension = command.AddParameter("dimension", null);
        var value = command.AddParameter("value", null);
        var delta = command.AddParameter("delta", null);
        foreach (var change in deltas)
        {
            dataset.Value = change.Dataset;
            dimension.Value = change.Dimension;
            value.Value = change.Value;
            delta.Value = change.Delta;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return await NextCountSequenceAsync(connection, transaction, ct).ConfigureAwait(false);
    }

    private async Task<IndexChange?> UpsertAsync<T>(RowTable<T> table, T row, Func<int, IReadOnlyList<AuditRecord>>? audit, CancellationToken ct)
        where T : class
    {
        var id = table.Id(row);
        ArgumentException.ThrowIfNullOrEmpty(id, "row.Id");
        if (provider == StorageProvider.Postgres && table.Version(row) > 1 && await TryApplyNextKeepingCountsAsync(table, row, audit, ct).ConfigureAwait(false))
        {
            return new IndexChange(table.Dataset, id, table.Version(row) - 1, table.Version(row), [], 0);
        }
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenToWriteAsync(ct).ConfigureAwait(false);
            await using var transaction = await BeginWriteAsync(connection, ct).ConfigureAwait(false);
            var (stored, applied) = provider == StorageProvider.Postgres && table.Version(row) > 1
                ? await LockAndApplyNextAsync(connection, transaction, table, row, audit, ct).ConfigureAwait(false)
                : (await ReadOneAsync(connection, transaction, table, id, LockRowClause, ct).ConfigureAwait(false), false);
            if (!applied && stored is not null && table.Version(stored) >= table.Version(row))
            {
                return null;
            }

            // Applied: the row and its audit entries are written already; only the counts remain.
            if (!applied && stored is null)
            {
                if (!await InsertAsync(connection, transaction, table, row, ct).ConfigureAwait(false))
                {
                    // A concurrent upsert inserted the row first; start again and compare with its version.
                    if (attempt == MaxInsertAttempts)
                    {
                        throw new InvalidOperationException($"Could not upsert {table.Dataset} row '{id}': it kept being inserted concurrently.");
                    }

                    continue;
                }
            }
            else if (!applied)
            {
                await UpdateAsync(connection, transaction, table, row, ct).ConfigureAwait(false);
            }

            if (audit is not null && !applied)
            {
                // In the row's transaction: the version and its audit entry are stored together or not at all.
                await AuditSql.InsertAsync(provider, connection, transaction, audit(stored is null ? 0 : table.Version(stored)), ct).ConfigureAwait(false);
            }

            // The counts last, just before the commit: every registration and every status change of the node locks
            // the same few count rows and the count sequence, and holds them until it commits, so whatever runs
            // between taking them and committing is time all the others wait.
            var deltas = CountBuckets.Diff(table.Dataset, stored is null ? [] : table.Buckets(stored), table.Buckets(row));
            var sequence = deltas.Count > 0 ? await ApplyDeltasAsync(connection, transaction, deltas, ct).ConfigureAwait(false) : 0L;

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new IndexChange(table.Dataset, id, stored is null ? null : table.Version(stored), table.Version(row), deltas, sequence);
        }
    }

    /// <summary>
    /// PostgreSQL, one statement that commits on its own: when the row holds the version just before
    /// <paramref name="row"/>'s and the change leaves every counted column as it was (most edits), updates it and
    /// appends the audit entries of that one version. The counts stay as they are, so nothing else is needed: one round
    /// trip and no explicit transaction. False when the row is elsewhere or a counted value changes; nothing is
    /// written then, and the general path runs.
    /// </summary>
    private async Task<bool> TryApplyNextKeepingCountsAsync<T>(RowTable<T> table, T row, Func<int, IReadOnlyList<AuditRecord>>? audit, CancellationToken ct)
        where T : class
    {
        var previous = table.Version(row) - 1;
        await using var connection = await OpenToWriteAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = (NpgsqlConnection)connection };
        table.Bind(this, command, row);
        command.Parameters.Add(new NpgsqlParameter("previous_state_version", previous));
        var countsKept = string.Join(" AND ", table.CountedColumns.Select(c => $"{c} IS NOT DISTINCT FROM @{c}"));
        var sql = $"WITH updated AS (UPDATE {table.Name} SET {table.UpdateSet} "
            + $"WHERE id = @id AND state_version = @previous_state_version AND {countsKept} RETURNING 1)";
        var records = audit?.Invoke(previous) ?? [];
        if (records.Count > 0)
        {
            // A data-modifying WITH runs once whether or not it is read; it appends only if the update did.
            sql += $", audit AS ({AuditSql.PostgresInsert("EXISTS (SELECT 1 FROM updated)")})";
            AuditSql.AddPostgresParameters(command, records);
        }
        command.CommandText = sql + " SELECT count(*) FROM updated";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>
    /// PostgreSQL, in one round trip: locks the row and reads it, and if it holds the version just before
    /// <paramref name="row"/>'s (as after every ordinary change) updates it and appends the audit entries of that one
    /// version. The caller then only moves the counts, from the stored row it gets back, and commits: two round trips
    /// where the general path takes four.
    /// </summary>
    /// <returns>The row as stored before (null when there is none), and whether it was updated to <paramref name="row"/>.</returns>
    private async Task<(T? Stored, bool Applied)> LockAndApplyNextAsync<T>(
        DbConnection connection, DbTransaction transaction, RowTable<T> table, T row, Func<int, IReadOnlyList<AuditRecord>>? audit, CancellationToken ct)
        where T : class
    {
        var previous = table.Version(row) - 1;
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);

        var read = new NpgsqlBatchCommand($"SELECT {table.SelectList} FROM {table.Name} WHERE id = @id{LockRowClause}");
        read.Parameters.Add(new NpgsqlParameter("id", table.Id(row)));
        batch.BatchCommands.Add(read);

        // The lock taken by the first statement means the second finds the row as the first read it.
        var update = $"UPDATE {table.Name} SET {table.UpdateSet} WHERE id = @id AND state_version = @previous_state_version";
        using var bind = new NpgsqlCommand();
        table.Bind(this, bind, row);
        bind.Parameters.Add(new NpgsqlParameter("previous_state_version", previous));
        var records = audit?.Invoke(previous) ?? [];
        if (records.Count > 0)
        {
            update = $"WITH updated AS ({update} RETURNING 1) {AuditSql.PostgresInsert("EXISTS (SELECT 1 FROM updated)")}";
            AuditSql.AddPostgresParameters(bind, records);
        }
        var write = new NpgsqlBatchCommand(update);
        foreach (var parameter in bind.Parameters.ToArray())
        {
            bind.Parameters.Remove(parameter);
            write.Parameters.Add(parameter);
        }
        batch.BatchCommands.Add(write);

        T? stored = null;
        await using (var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                stored = table.Read(this, reader);
            }
            while (await reader.NextResultAsync(ct).ConfigureAwait(false))
            {
            }
        }
        return (stored, stored is not null && table.Version(stored) == previous);
    }

    // Taken after the count rows, so every upsert locks in the same order: counts (sorted), then the sequence.
    private static async Task<long> NextCountSequenceAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE registry_count_sequence SET value = value + 1 WHERE id = 1 RETURNING value";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private async Task<T?> GetAsync<T>(RowTable<T> table, string id, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await ReadOneAsync(connection, null, table, id, string.Empty, ct).ConfigureAwait(false);
    }

    private async Task<T?> ReadOneAsync<T>(DbConnection connection, DbTransaction? transaction, RowTable<T> table, string id, string lockClause, CancellationToken ct)
        where T : class
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {table.SelectList} FROM {table.Name} WHERE id = @id{lockClause}";
        command.AddParameter("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? table.Read(this, reader) : null;
    }

    private async Task<bool> InsertAsync<T>(DbConnection connection, DbTransaction transaction, RowTable<T> table, T row, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table.Name} ({string.Join(", ", table.WriteColumns)}) "
            + $"VALUES ({string.Join(", ", table.WriteColumns.Select(c => "@" + c))}) ON CONFLICT (id) DO NOTHING";
        table.Bind(this, command, row);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    private async Task UpdateAsync<T>(DbConnection connection, DbTransaction transaction, RowTable<T> table, T row, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE {table.Name} SET {table.UpdateSet} WHERE id = @id";
        table.Bind(this, command, row);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<Page<T>> QueryAsync<T>(RowTable<T> table, string? pageToken, int pageSize, Action<Filter> addFilters, CancellationToken ct)
        where T : class
    {
        var after = PageToken.Decode(pageToken);
        var limit = PageToken.Limit(pageSize);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var filter = new Filter(command);
        addFilters(filter);
        if (after is not null)
        {
            filter.Where($"id > {filter.Parameter(after)}");
        }

        // One row more than the page tells whether another page exists.
        command.CommandText = $"SELECT {table.SelectList} FROM {table.Name}{filter.WhereClause} ORDER BY id LIMIT {filter.Parameter(limit + 1)}";
        var items = new List<T>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                items.Add(table.Read(this, reader));
            }
        }

        if (items.Count <= limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(limit);
        return new Page<T>(items, PageToken.Encode(table.Id(items[^1])));
    }

    private static string Fold(string text) => text.ToLowerInvariant();

    // Both providers keep microseconds, so rows read back equal rows written on either of them.
    private static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    private static SystemRow Normalize(SystemRow row) => row with
    {
        Markets = row.Markets ?? [],
        CreatedAt = Truncate(row.CreatedAt),
        UpdatedAt = Truncate(row.UpdatedAt),
    };

    private static IncidentRow Normalize(IncidentRow row) => row with
    {
        HarmTypes = row.HarmTypes ?? [],
        SuspectedCause = row.SuspectedCause ?? RegistryIndex.Unspecified,
        TriageTime = row.TriageTime ?? RegistryIndex.Unspecified,
        AffectedJurisdictions = row.AffectedJurisdictions ?? [],
        OccurredAt = Truncate(row.OccurredAt),
        AwareAt = Truncate(row.AwareAt),
        ReportedAt = Truncate(row.ReportedAt),
        ReportingDeadline = row.ReportingDeadline is { } deadline ? Truncate(deadline) : null,
        UpdatedAt = Truncate(row.UpdatedAt),
    };

    /// <summary>The WHERE clause of a query under construction, with numbered parameters.</summary>
    private sealed class Filter(DbCommand command)
    {
        private readonly List<string> conditions = [];

        public string WhereClause => conditions.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", conditions);

        public void Where(string condition) => conditions.Add(condition);

        public void Equal(string column, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                Where($"{column} = {Parameter(value)}");
            }
        }

        public string Parameter(object value)
        {
            var name = "p" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            command.AddParameter(name, value);
            return "@" + name;
        }
    }
}
