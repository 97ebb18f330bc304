namespace FederatedRegistry.Storage.Tests.Fixtures;

/// <summary>Statements run straight at a database, for arranging what the code under test does not do itself.</summary>
public static class DirectSql
{
    public static async Task<int> ExecuteAsync(StorageProvider provider, string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await StorageConnection.OpenAsync(provider, connectionString).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public static async Task<long> CountAsync(StorageProvider provider, string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await StorageConnection.OpenAsync(provider, connectionString).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static System.Data.Common.DbCommand Command(System.Data.Common.DbConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
