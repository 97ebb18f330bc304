using System.Data.Common;
using System.Runtime.CompilerServices;

namespace FederatedRegistry.Storage;

/// <summary>
/// Reads the keys of stored string-keyed grain states (table alias <c>s</c>) in key order, a batch per connection, so
/// that no read stays open while the caller works on each key (re-applying state, appending audit entries).
/// </summary>
internal static class GrainKeys
{
    private const int BatchSize = 500;

    /// <param name="provider">The store.</param>
    /// <param name="connectionString">Its connection string.</param>
    /// <param name="grainType">The state name given to <c>[PersistentState]</c>.</param>
    /// <param name="join">SQL joined to <c>orleans_storage s</c>, or empty.</param>
    /// <param name="condition">SQL appended to the WHERE clause (starting with AND), or empty.</param>
    /// <param name="parameters">Adds the parameters <paramref name="join"/> and <paramref name="condition"/> use.</param>
    /// <param name="ct">Cancels between batches and reads.</param>
    public static async IAsyncEnumerable<string> ReadAsync(
        StorageProvider provider,
        string connectionString,
        string grainType,
        string join,
        string condition,
        Action<DbCommand> parameters,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        var after = string.Empty;
        while (true)
        {
            var batch = new List<string>(BatchSize);
            await using (var connection = await StorageConnection.OpenAsync(provider, connectionString, ct).ConfigureAwait(false))
            await using (var command = connection.CreateCommand())
            {
                // A string-keyed grain has no numeric key parts and its whole key in the extension column.
                command.CommandText = $"""
                    SELECT DISTINCT s.grain_id_extension FROM orleans_storage s {join}
                    WHERE s.grain_type = @grain_type AND s.grain_id_n0 = 0 AND s.grain_id_n1 = 0
                      AND s.payload IS NOT NULL AND s.grain_id_extension > @after {condition}
                    ORDER BY s.grain_id_extension
                    LIMIT {BatchSize}
                    """;
                command.AddParameter("grain_type", grainType);
                command.AddParameter("after", after);
                parameters(command);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    batch.Add(reader.GetString(0));
                }
            }
            foreach (var key in batch)
            {
                yield return key;
            }
            if (batch.Count < BatchSize)
            {
                yield break;
            }
            after = batch[^1];
        }
    }
}
