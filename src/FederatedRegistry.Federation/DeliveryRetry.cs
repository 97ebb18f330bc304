using Polly;
using Polly.Retry;

namespace FederatedRegistry.Federation;

/// <summary>How an outbox retries a peer that does not take its delivery. Bound from "Federation:Delivery".</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Federation:Delivery";

    /// <summary>The wait before the first retry; each further wait doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two attempts, however long the peer has been away.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one delivery attempt may take before it counts as failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most items sent in one batch.</summary>
    public int MaxBatchSize { get; set; } = 100;
}

/// <summary>The retry pipeline of an outbox: retry every failure (the peer may be down, restarting, or not yet configured to trust us) with exponential backoff, until it works or the outbox stops.</summary>
public static class DeliveryRetry
{
    /// <param name="options">The delays.</param>
    /// <param name="onRetry">Told about each failed attempt before the wait (to record the error).</param>
    public static ResiliencePipeline Build(DeliveryOptions options, Func<Exception, TimeSpan, ValueTask> onRetry) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstRetryDelay,
                MaxDelay = options.MaxRetryDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args => onRetry(args.Outcome.Exception!, args.RetryDelay),
            })
            .Build();
}
