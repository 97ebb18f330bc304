global using FederatedRegistry.Storage.Tests.Fixtures;
