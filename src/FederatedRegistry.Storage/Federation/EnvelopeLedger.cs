namespace FederatedRegistry.Storage;

/// <summary>
/// The federation envelopes a node has accepted, kept in its database until they expire, so that a replay is refused
/// by every silo of the node and after a restart.
/// </summary>
public interface IEnvelopeLedger
{
    /// <summary>
    /// Records the envelope <paramref name="origin"/> #<paramref name="sequence"/>; false when it was recorded before
    /// (a replay). Entries past <paramref name="expiresAt"/> may be forgotten: the verifier refuses them as expired.
    /// </summary>
    Task<bool> TryRecordAsync(string origin, long sequence, DateTimeOffset expiresAt, CancellationToken ct = default);

    /// <summary>Forgets the entries that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> ForgetExpiredAsync(DateTimeOffset now, CancellationToken ct = default);
}

/// <summary>Creates the envelope ledger of a node's database.</summary>
public static class EnvelopeLedger
{
    /// <summary>The ledger in the database at <paramref name="connectionString"/> (apply <see cref="SchemaMigrator"/> first).</summary>
    public static IEnvelopeLedger Create(StorageProvider provider, string connectionString)
    {
        StorageConnection.CheckStore(provider, connectionString);
        return new SqlEnvelopeLedger(provider, connectionString);
    }
}

/// <summary>One insert per envelope: the primary key decides, so concurrent silos cannot both accept one.</summary>
internal sealed class SqlEnvelopeLedger(StorageProvider provider, string connectionString) : IEnvelopeLedger
{
    public async Task<bool> TryRecordAsync(string origin, long sequence, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(origin);
        await using var connection = await StorageConnection.OpenToWriteAsync(provider, connectionString, ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO federation_seen_envelopes (origin, sequence, expires_at_ms) VALUES (@origin, @sequence, @expires)
            ON CONFLICT (origin, sequence) DO NOTHING
            """;
        command.AddParameter("origin", origin);
        command.AddParameter("sequence", sequence);
        command.AddParameter("expires", expiresAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public async Task<int> ForgetExpiredAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await StorageConnection.OpenToWriteAsync(provider, connectionString, ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM federation_seen_envelopes WHERE expires_at_ms < @now";
        command.AddParameter("now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
