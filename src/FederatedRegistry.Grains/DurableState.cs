namespace FederatedRegistry.Grains;

/// <summary>Writes grain state so that a failed write leaves memory as it was on disk.</summary>
internal static class DurableState
{
    /// <summary>
    /// Replaces the state and writes it. If the write fails the previous state is restored before the error
    /// propagates: Orleans keeps the modified state in memory otherwise, and the next caller would see a
    /// change that was never stored.
    /// </summary>
    public static async Task CommitAsync<T>(this IPersistentState<T> state, T next)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }
}
