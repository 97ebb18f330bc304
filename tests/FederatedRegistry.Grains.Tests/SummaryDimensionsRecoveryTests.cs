using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FederatedRegistry.Grains.Tests;

/// <summary>
/// Schema script 4 leaves incident rows written before it without a suspected cause, at state version 0; the
/// read model recovery of the next start is what fills them in.
/// </summary>
[Collection(RegistryClusterCollection.Name)]
public sealed class SummaryDimensionsRecoveryTests(RegistryCluster fixture)
{
    [Fact]
    public async Task Recovery_RefillsAnIncidentRowLeftBehindByTheSummaryDimensionsScript_WithoutMovingCounts()
    {
        var id = Identifiers.NewIncidentId(RegistryCluster.NodeCode);
        var grain = fixture.Grains.GetGrain<IIncidentGrain>(id);
        var details = Commands.Incident(fixture.Clock.GetUtcNow().AddDays(-1)) with { SuspectedCause = SuspectedCause.Misuse };
        await grain.ReportAsync(new ReportIncident(details));
        await LeaveAsTheScriptDoesAsync(id);
        var countsBefore = await fixture.Index.ReadCountsAsync();

        var repaired = await new ReadModelRecovery(fixture.Grains, fixture.Index, NullLogger<ReadModelRecovery>.Instance)
            .RunAsync(CancellationToken.None);

        Assert.True(repaired >= 1);
        var row = await fixture.Index.GetIncidentAsync(id);
        Assert.Equal(1, row!.StateVersion);
        Assert.Equal("misuse", row.SuspectedCause);
        Assert.True(row.CrossBorder);
        Assert.Equal(countsBefore, await fixture.Index.ReadCountsAsync());
    }

    private async Task LeaveAsTheScriptDoesAsync(string id)
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, fixture.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE registry_incidents SET state_version = 0, suspected_cause = 'unspecified', cross_border = 0 WHERE id = $id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "$id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
