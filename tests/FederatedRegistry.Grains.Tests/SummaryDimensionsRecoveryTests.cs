using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FederatedRegistry.Grains.Tests;

/// <summary>
/// Schema scripts 4 and 9 leave incident rows written before them without a suspected cause or a triage time, at state
/// version 0; the read model recovery of the next start is what fills them in.
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

    [Fact]
    public async Task Recovery_RefillsTheTriageTimeOfAnIncidentRowLeftBehindByTheTriageTimeScript()
    {
        var id = Identifiers.NewIncidentId(RegistryCluster.NodeCode);
        var grain = fixture.Grains.GetGrain<IIncidentGrain>(id);
        await grain.ReportAsync(new ReportIncident(Commands.Incident(fixture.Clock.GetUtcNow().AddDays(-1))));
        Assert.NotNull((await grain.TransitionAsync(new TransitionIncident(id, IncidentStatus.Triaged, null, 0))).Value);
        // What script 9 leaves for an incident past reported: an unknown triage time, behind its grain state.
        await LeaveAsTheScriptDoesAsync(id, "UPDATE registry_incidents SET state_version = 0, triage_time = 'unspecified' WHERE id = $id");
        var countsBefore = await fixture.Index.ReadCountsAsync();

        var repaired = await new ReadModelRecovery(fixture.Grains, fixture.Index, NullLogger<ReadModelRecovery>.Instance)
            .RunAsync(CancellationToken.None);

        Assert.True(repaired >= 1);
        var row = await fixture.Index.GetIncidentAsync(id);
        Assert.Equal((2, "triaged", TriageTime.WithinOneDay), (row!.StateVersion, row.Status, row.TriageTime));
        Assert.Equal(countsBefore, await fixture.Index.ReadCountsAsync());
    }

    private async Task LeaveAsTheScriptDoesAsync(
        string id, string sql = "UPDATE registry_incidents SET state_version = 0, suspected_cause = 'unspecified', cross_border = 0 WHERE id = $id")
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, fixture.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "$id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
