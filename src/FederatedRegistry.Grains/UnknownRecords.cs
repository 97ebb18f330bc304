namespace FederatedRegistry.Grains;

/// <summary>
/// A record grain (registration, incident, provider) activated for an id that holds nothing (a lookup of an unknown
/// id, a refused first write) lets its activation go as soon as the call ends. Otherwise it would stay for the
/// collection age (15 minutes, about 2.7 KiB each), and well-formed unknown ids, which anyone may ask for, would fill
/// the silo's memory.
/// </summary>
internal static class UnknownRecords
{
    /// <param name="call">The call to run.</param>
    /// <param name="isEmpty">Whether the grain holds no record, asked after the call.</param>
    /// <param name="release">The grain's <c>DeactivateOnIdle</c>.</param>
    public static async Task InvokeThenReleaseIfEmptyAsync(IIncomingGrainCallContext call, Func<bool> isEmpty, Action release)
    {
        try
        {
            await call.Invoke();
        }
        finally
        {
            if (isEmpty())
            {
                release();
            }
        }
    }
}
