using CsCheck;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Grains.Tests;

/// <summary>
/// The read model's cross-tabulation of the rows the grains write equals the sharing catalogue's tabulation of
/// the same records, so a node can answer a summary from its store instead of loading every record.
/// </summary>
public sealed class ReadModelTabulationPropertyTests
{
    [Fact]
    public async Task Tabulate_OfTheMappedRows_EqualsTheCataloguesTabulationOfTheRecords()
    {
        // A store of its own: the cluster's store holds other tests' records, and each case empties this one.
        var connectionString = StorageConnection.ForSqliteFile(TempSqlite.NewDatabasePath("tabulate_property"));
        await SchemaMigrator.ApplyAsync(StorageProvider.Embedded, connectionString);
        var index = RegistryIndex.Create(StorageProvider.Embedded, connectionString);
        var cases = Gen.Select(
            DomainGenerators.Systems(10),
            DomainGenerators.Incidents(10),
            Dimensions(SharedDataset.Systems),
            Dimensions(SharedDataset.Incidents),
            (systems, incidents, systemDimensions, incidentDimensions) => new Case(systems, incidents, systemDimensions, incidentDimensions));

        await cases.SampleAsync(
            async c =>
            {
                await ClearAsync(connectionString);
                foreach (var system in c.Systems)
                {
                    await index.UpsertSystemAsync(ReadModelRows.From(system));
                }

                foreach (var incident in c.Incidents)
                {
                    await index.UpsertIncidentAsync(ReadModelRows.From(incident));
                }

                Assert.Equal(
                    Cells(SharedRecords.Tabulate(c.Systems, c.SystemDimensions)),
                    Cells(await index.TabulateAsync(RegistryIndex.SystemsDataset, c.SystemDimensions)));
                Assert.Equal(
                    Cells(SharedRecords.Tabulate(c.Incidents, c.IncidentDimensions)),
                    Cells(await index.TabulateAsync(RegistryIndex.IncidentsDataset, c.IncidentDimensions)));
            },
            iter: 300,
            threads: 1);
    }

    /// <summary>One or two distinct dimensions of the dataset, in either order.</summary>
    private static Gen<string[]> Dimensions(SharedDataset dataset)
    {
        var names = SharingCatalogue.Dimensions(dataset);
        return Gen.Select(Gen.Int[0, names.Count - 1], Gen.Int[0, names.Count - 1], Gen.Bool,
            (first, second, two) => two && first != second ? new[] { names[first], names[second] } : [names[first]]);
    }

    // Compared as sets: each side's cells sorted the same way.
    private static List<string> Cells(IEnumerable<CountCell> cells) => [.. cells.Select(c => c.ToString()).Order(StringComparer.Ordinal)];

    private static List<string> Cells(IEnumerable<TabulatedCount> cells) => Cells(cells.Select(c => new CountCell(c.Values, c.Count)));

    private static async Task ClearAsync(string connectionString)
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM registry_systems; DELETE FROM registry_incidents; DELETE FROM registry_counts;";
        await command.ExecuteNonQueryAsync();
    }

    public sealed record Case(AiSystem[] Systems, Incident[] Incidents, string[] SystemDimensions, string[] IncidentDimensions)
    {
        public override string ToString() =>
            $"systems by [{string.Join(", ", SystemDimensions)}]: {string.Join("; ", Systems.Select(Describe))}"
            + $"{Environment.NewLine}incidents by [{string.Join(", ", IncidentDimensions)}]: {string.Join("; ", Incidents.Select(Describe))}";

        private static string Describe(AiSystem s) =>
            $"{s.Id} v{s.Version} {s.Status}/{s.Details.ProposedRiskTier}/{s.DecidedRiskTier}/{s.Details.Category}/{s.Details.DeploymentStatus} {s.CreatedAt:O}";

        private static string Describe(Incident i) =>
            $"{i.Id} v{i.Version} {i.Status}/{i.Details.Severity}/[{string.Join(",", i.Details.HarmTypes)}]/{i.Details.SuspectedCause}"
            + $"/{i.Details.AffectedJurisdictions.Count} {i.Details.OccurredAt:O}";
    }
}
