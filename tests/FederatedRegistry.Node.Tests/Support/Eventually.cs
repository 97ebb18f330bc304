namespace FederatedRegistry.Node.Tests.Support;

/// <summary>
/// Waits for something that happens in the background (a delivery between nodes). The limit only bounds a test
/// that would otherwise hang: it is far above the time anything takes, and no test measures speed with it.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    /// <summary>Asks until the answer is not null, and returns it; fails the test at the limit.</summary>
    public static async Task<T> Find<T>(Func<Task<T?>> probe, string? what = null) where T : class
    {
        using var limit = new CancellationTokenSource(Limit);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            if (limit.IsCancellationRequested)
            {
                throw new Xunit.Sdk.XunitException($"Still not there after {Limit.TotalSeconds:0} s: {what ?? typeof(T).Name}.");
            }
            await Task.Delay(100);
        }
    }

    public static async Task True(Func<Task<bool>> probe, string? what = null) =>
        await Find<object>(async () => await probe() ? new object() : null, what ?? "condition");
}
