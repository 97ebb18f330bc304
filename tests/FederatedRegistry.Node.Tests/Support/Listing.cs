using FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>Reads every page of a listing through gRPC, failing when a row appears twice.</summary>
public static class Listing
{
    public static async Task<List<SystemListItem>> AllSystemsAsync(Registry.RegistryClient client, ListSystemsRequest filter)
    {
        var all = new List<SystemListItem>();
        var request = filter.Clone();
        request.PageToken = "";
        while (true)
        {
            var page = await client.ListSystemsAsync(request, deadline: NodeClient.Deadline);
            all.AddRange(page.Systems);
            if (page.NextPageToken == "")
            {
                break;
            }
            request.PageToken = page.NextPageToken;
        }
        AssertNoRepeats(all.Select(s => s.Id));
        return all;
    }

    public static async Task<List<IncidentListItem>> AllIncidentsAsync(Registry.RegistryClient client, ListIncidentsRequest filter)
    {
        var all = new List<IncidentListItem>();
        var request = filter.Clone();
        request.PageToken = "";
        while (true)
        {
            var page = await client.ListIncidentsAsync(request, deadline: NodeClient.Deadline);
            all.AddRange(page.Incidents);
            if (page.NextPageToken == "")
            {
                break;
            }
            request.PageToken = page.NextPageToken;
        }
        AssertNoRepeats(all.Select(s => s.Id));
        return all;
    }

    public static void AssertNoRepeats(IEnumerable<string> ids)
    {
        var repeated = ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, "Rows listed more than once: " + string.Join(", ", repeated));
    }
}
