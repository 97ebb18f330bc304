namespace FederatedRegistry.Grains;

/// <summary>Writes grain state so that a failed write never leaves memory ahead of, or behind, the store.</summary>
internal static class DurableState
{
    /// <summary>
    /// Replaces the state and writes it. If the write fails, memory is reloaded from the store before the error
    /// propagates: Orleans would otherwise keep the unsaved change in memory, and a write that failed after the
    /// store committed it (a lost reply) would leave a stale ETag that refuses every later write.
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
            try
            {
                await state.ReadStateAsync();
            }
            catch
            {
                state.State = previous;
            }
            throw;
        }
    }
}
