namespace FederatedRegistry.Storage.Tests.Grains;

[GenerateSerializer]
[Alias("FederatedRegistry.Storage.Tests.TestState")]
public sealed class TestState
{
    [Id(0)]
    public string Text { get; set; } = string.Empty;

    [Id(1)]
    public int Writes { get; set; }
}

/// <summary>A string-keyed grain whose state lives in the ADO.NET storage named <see cref="TestSilo.StorageName"/>.</summary>
[Alias("FederatedRegistry.Storage.Tests.ITestStateGrain")]
public interface ITestStateGrain : IGrainWithStringKey
{
    [Alias("Write")]
    Task WriteAsync(string text);

    [Alias("Read")]
    Task<TestState> ReadAsync();

    [Alias("Etag")]
    Task<string?> GetEtagAsync();

    [Alias("RecordExists")]
    Task<bool> RecordExistsAsync();

    [Alias("Clear")]
    Task ClearAsync();
}

public sealed class TestStateGrain(
    [PersistentState(TestStateGrain.StateName, TestSilo.StorageName)] IPersistentState<TestState> state) : Grain, ITestStateGrain
{
    public const string StateName = "teststate";

    public async Task WriteAsync(string text)
    {
        state.State.Text = text;
        state.State.Writes++;
        await state.WriteStateAsync();
    }

    public Task<TestState> ReadAsync() => Task.FromResult(state.State);

    public Task<string?> GetEtagAsync() => Task.FromResult(state.Etag);

    public Task<bool> RecordExistsAsync() => Task.FromResult(state.RecordExists);

    public Task ClearAsync() => state.ClearStateAsync();
}

/// <summary>Another grain type with another state name in the same storage, to check that keys are listed per state name.</summary>
[Alias("FederatedRegistry.Storage.Tests.IOtherStateGrain")]
public interface IOtherStateGrain : IGrainWithStringKey
{
    [Alias("Write")]
    Task WriteAsync(string text);
}

public sealed class OtherStateGrain(
    [PersistentState(OtherStateGrain.StateName, TestSilo.StorageName)] IPersistentState<TestState> state) : Grain, IOtherStateGrain
{
    public const string StateName = "otherstate";

    public Task WriteAsync(string text)
    {
        state.State.Text = text;
        return state.WriteStateAsync();
    }
}
