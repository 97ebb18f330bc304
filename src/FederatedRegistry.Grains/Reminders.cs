namespace FederatedRegistry.Grains;

/// <summary>
/// Durable wake-ups for grains that work on their own (the audit sealer, witnesses, outboxes with items waiting). Their
/// timers live in one silo's memory: if that silo dies, nothing calls them again. A reminder is kept in the node's
/// database (the reminders table in cluster mode) and fires on whichever silo now owns the grain, activating it there.
/// </summary>
internal static class Reminders
{
    /// <summary>The one reminder such a grain keeps.</summary>
    public const string KeepWorking = "keep-working";

    // Orleans refuses periods under a minute by default; the timers do the frequent work, the reminder only revives.
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    /// <summary>Registers (or renews) the grain's wake-up reminder.</summary>
    public static Task KeepWorkingAsync(this Grain grain) =>
        grain.RegisterOrUpdateReminder(KeepWorking, Period, Period);

    /// <summary>Removes the grain's wake-up reminder, when it has one.</summary>
    public static async Task StopKeepingAsync(this Grain grain)
    {
        if (await grain.GetReminder(KeepWorking) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
