using FederatedRegistry.Node.Api;
using FederatedRegistry.Node.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddNodeOptions();
builder.AddRegistryStorage();
builder.AddRegistrySilo();
builder.AddRegistryApi();

var app = builder.Build();
app.MapRegistryApi();
app.Run();

/// <summary>Entry point, visible to tests that host the node in process.</summary>
public partial class Program;
