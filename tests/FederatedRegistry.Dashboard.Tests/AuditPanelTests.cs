using System.Globalization;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Dashboard.Tests;

/// <summary>
/// The audit trail panel verifies the node's log in the browser (WebCrypto, against the key GET /v1/node publishes), and
/// says so: intact on the demo node, tampered at the sequence of a row edited in the node's SQLite file.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class AuditPanelTests(DemoFederationFixture federation)
{
    [Fact]
    public async Task AuditPanel_OnTheDemoNode_SaysIntact_AsAnAnonymousVisitorSeesIt()
    {
        var ke = federation.Node("KE");
        using var anonymous = DemoFederationFixture.Anonymous(ke);
        await using var dashboard = await DashboardPage.OpenAsync(federation.Browser, ke.Http);

        await dashboard.LoadAsync();

        var checkpoint = await DemoFederationFixture.GetJsonAsync(anonymous, "/v1/audit/checkpoints/latest");
        Assert.Equal("intact", await dashboard.Page.GetAttributeAsync("#audit-verdict", "data-state"));
        var verdict = await dashboard.Page.InnerTextAsync("#audit-verdict");
        Assert.StartsWith("Intact: all ", verdict, StringComparison.Ordinal);
        var node = await DemoFederationFixture.GetJsonAsync(anonymous, "/v1/node");
        var details = await dashboard.Page.InnerTextAsync("#audit-body");
        Assert.Contains((string)node["keyId"]!, details, StringComparison.Ordinal);
        Assert.DoesNotContain("differs", details, StringComparison.Ordinal);
        Assert.True(long.Parse(checkpoint["size"]!.ToString(), CultureInfo.InvariantCulture) > 0);
        Assert.Equal(0, await dashboard.Page.Locator("#audit-findings li").CountAsync());
        Assert.True(await dashboard.Page.IsHiddenAsync("#witnessed"), "Witness verdicts are for the authority and observers.");
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task AuditPanel_AsAuthority_ShowsWhatThisNodeWitnessedOfEachPeer()
    {
        var ke = federation.Node("KE");
        await federation.WaitUntilItWitnessedEveryPeerAsync(ke);
        await using var dashboard = await DashboardPage.OpenAsync(federation.Browser, ke.Http);
        await dashboard.LoadAsync();

        await dashboard.SignInAsync(federation.Token(ke, Roles.Authority));

        Assert.Equal("intact", await dashboard.Page.GetAttributeAsync("#audit-verdict", "data-state"));
        var peers = await dashboard.Page.Locator("#witness-rows tr").EvaluateAllAsync<string[]>("rows => rows.map(r => `${r.dataset.peer}=${r.dataset.status}`)");
        Assert.Equal(["BR=consistent", "FR=consistent", "INTL=consistent"], peers.Order(StringComparer.Ordinal));
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task AuditPanel_AfterARowIsEditedInTheNodesSqliteFile_SaysTamperedAtThatSequence()
    {
        var ke = federation.Node("KE");
        const long sequence = 5;
        // Every peer already holds a checkpoint past the edited entry, so that no witness is asked to prove it meanwhile
        // (the edit is undone below, and the other tests find the log as the node wrote it).
        await federation.WaitUntilWitnessedByEveryPeerAsync(ke, minimumSize: sequence);
        var database = StorageConnection.ForSqliteFile(Path.Combine(ke.DataDirectory, RegistryDatabase.EmbeddedFileName));
        var actor = await ScalarAsync(database, $"SELECT actor FROM audit_entries WHERE sequence = {sequence}");

        await ExecuteAsync(database, $"UPDATE audit_entries SET actor = 'authority:mallory' WHERE sequence = {sequence}");
        try
        {
            await using var dashboard = await DashboardPage.OpenAsync(federation.Browser, ke.Http);
            await dashboard.LoadAsync();

            Assert.Equal("tampered", await dashboard.Page.GetAttributeAsync("#audit-verdict", "data-state"));
            Assert.Equal($"Tampered at sequence {sequence}: the log does not verify from there on.", await dashboard.Page.InnerTextAsync("#audit-verdict"));
            Assert.Contains($"Entry {sequence} was altered", await dashboard.Page.InnerTextAsync("#audit-findings"), StringComparison.Ordinal);
            Assert.Contains("authority:mallory", await dashboard.Page.InnerTextAsync("#audit-findings"), StringComparison.Ordinal);
            Assert.Empty(dashboard.Errors);
        }
        finally
        {
            await ExecuteAsync(database, $"UPDATE audit_entries SET actor = @actor WHERE sequence = {sequence}", actor);
        }

        await using var again = await DashboardPage.OpenAsync(federation.Browser, ke.Http);
        await again.LoadAsync();
        Assert.Equal("intact", await again.Page.GetAttributeAsync("#audit-verdict", "data-state"));
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, string? actor = null)
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (actor is not null)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@actor";
            parameter.Value = actor;
            command.Parameters.Add(parameter);
        }
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
