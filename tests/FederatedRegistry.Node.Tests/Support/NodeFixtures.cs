using FederatedRegistry.Testing;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>What the API tests need of a node: its clients and its settings.</summary>
public interface INodeFixture
{
    NodeClient Client { get; }

    NodeSettings Settings { get; }
}

/// <summary>One in-process node on the embedded SQLite store, shared by the tests of a collection.</summary>
public sealed class EmbeddedNodeFixture : INodeFixture, IAsyncLifetime
{
    private InProcessNode? _node;

    public NodeClient Client => _node!.Client;

    public NodeSettings Settings => _node!.Settings;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync(NodeSettings.Embedded());

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}

/// <summary>One in-process node on a fresh PostgreSQL database, shared by the tests of a collection.</summary>
public sealed class PostgresNodeFixture : INodeFixture, IAsyncLifetime
{
    private InProcessNode? _node;

    public NodeClient Client => _node!.Client;

    public NodeSettings Settings => _node!.Settings;

    public async Task InitializeAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync("node_api");
        _node = await InProcessNode.StartAsync(NodeSettings.Postgres(database));
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EmbeddedNodeCollection : ICollectionFixture<EmbeddedNodeFixture>
{
    public const string Name = "node on embedded storage";
}

[CollectionDefinition(Name)]
public sealed class PostgresNodeCollection : ICollectionFixture<PostgresNodeFixture>
{
    public const string Name = "node on PostgreSQL";
}

/// <summary>
/// Tests that start the built node as child processes: one collection, so that at most one such node runs at a time
/// beside the in-process ones on a small machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ChildProcessCollection
{
    public const string Name = "child-process nodes";
}
