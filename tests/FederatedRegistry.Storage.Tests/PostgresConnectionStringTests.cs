using Npgsql;

namespace FederatedRegistry.Storage.Tests;

public sealed class PostgresConnectionStringTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public void ForPostgres_WithoutMaxAutoPrepare_TurnsAutomaticPreparationOn_AndKeepsTheOtherSettings()
    {
        var node = new NpgsqlConnectionStringBuilder(StorageConnection.ForPostgres(
            "Host=db.example;Port=6543;Database=registry;Username=fedreg;Maximum Pool Size=40"));

        Assert.Equal(StorageConnection.DefaultMaxAutoPrepare, node.MaxAutoPrepare);
        Assert.Equal(("db.example", 6543, "registry", "fedreg", 40), (node.Host, node.Port, node.Database, node.Username, node.MaxPoolSize));
    }

    [Theory]
    [InlineData("Host=db.example;Max Auto Prepare=0", 0)]
    [InlineData("Host=db.example;max auto prepare=12", 12)]
    [InlineData("Host=db.example;MaxAutoPrepare=200", 200)]
    public void ForPostgres_KeepsTheOperatorsOwnMaxAutoPrepare(string given, int expected)
    {
        var node = StorageConnection.ForPostgres(given);

        Assert.Equal(given, node);
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(node).MaxAutoPrepare);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(0, false)]
    public async Task AStatementRunRepeatedly_IsPreparedOnTheServer_UnlessTheOperatorTurnedItOff(int? operatorsMaxAutoPrepare, bool prepared)
    {
        var given = operatorsMaxAutoPrepare is { } max
            ? new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxAutoPrepare = max }.ToString()
            : database.ConnectionString;
        // Its own pool: a pooled connection of another test could hold statements prepared before this one ran.
        var connectionString = new NpgsqlConnectionStringBuilder(StorageConnection.ForPostgres(given)) { ApplicationName = Guid.NewGuid().ToString("N") }.ToString();
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Postgres, connectionString);

        for (var i = 0; i < 10; i++)
        {
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT count(*) FROM registry_systems WHERE status = 'registered'";
            await read.ExecuteScalarAsync();
        }

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM registry_systems WHERE status%'";
        Assert.Equal(prepared, Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }
}
