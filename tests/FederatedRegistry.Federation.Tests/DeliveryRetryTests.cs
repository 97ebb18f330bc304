using Polly;

namespace FederatedRegistry.Federation.Tests;

public sealed class DeliveryRetryTests
{
    private static readonly DeliveryOptions Tiny = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
    };

    [Fact]
    public void DeliveryOptions_Defaults_AreTheDocumentedOnes()
    {
        var options = new DeliveryOptions();

        Assert.Equal("Federation:Delivery", DeliveryOptions.Section);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.FirstRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.AttemptTimeout);
        Assert.Equal(100, options.MaxBatchSize);
    }

    [Fact]
    public async Task Build_FailingCallback_IsRetriedUntilItSucceeds_TellingOnRetryEachError()
    {
        var errors = new List<Exception>();
        var pipeline = DeliveryRetry.Build(Tiny, (error, _) =>
        {
            errors.Add(error);
            return ValueTask.CompletedTask;
        });
        var thrown = new List<Exception>();
        var attempts = 0;

        var result = await pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            if (attempts <= 5)
            {
                var error = new InvalidOperationException($"attempt {attempts}");
                thrown.Add(error);
                throw error;
            }
            return ValueTask.FromResult("delivered");
        }, CancellationToken.None);

        Assert.Equal("delivered", result);
        Assert.Equal(6, attempts);
        Assert.Equal(thrown, errors);
    }

    [Fact]
    public async Task Build_ManyFailures_AreAllRetried_WithDelaysNeverAboveTheMaximum()
    {
        var delays = new List<TimeSpan>();
        var pipeline = DeliveryRetry.Build(Tiny, (_, delay) =>
        {
            delays.Add(delay);
            return ValueTask.CompletedTask;
        });
        var attempts = 0;

        await pipeline.ExecuteAsync(_ => ++attempts <= 60 ? throw new TimeoutException() : ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal(61, attempts);
        Assert.Equal(60, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, Tiny.MaxRetryDelay));
    }

    [Fact]
    public async Task Build_CallbackThatSucceeds_RunsOnceWithoutOnRetry()
    {
        var retries = 0;
        var pipeline = DeliveryRetry.Build(Tiny, (_, _) =>
        {
            retries++;
            return ValueTask.CompletedTask;
        });

        var result = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(1), CancellationToken.None);

        Assert.Equal(1, result);
        Assert.Equal(0, retries);
    }

    [Fact]
    public async Task Build_CancelledWhileRetrying_StopsWithOperationCanceled()
    {
        using var stop = new CancellationTokenSource();
        var retries = 0;
        var pipeline = DeliveryRetry.Build(Tiny, (_, _) =>
        {
            if (++retries == 3)
            {
                stop.Cancel();
            }
            return ValueTask.CompletedTask;
        });
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await pipeline.ExecuteAsync(_ =>
            {
                attempts++;
                throw new InvalidOperationException("peer down");
            }, stop.Token));

        Assert.Equal(3, retries);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Build_CancelledDuringALongWait_StopsWithoutAnotherAttempt()
    {
        using var stop = new CancellationTokenSource();
        var pipeline = DeliveryRetry.Build(new DeliveryOptions { FirstRetryDelay = TimeSpan.FromHours(1), MaxRetryDelay = TimeSpan.FromHours(1) },
            (_, _) =>
            {
                stop.Cancel();
                return ValueTask.CompletedTask;
            });
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await pipeline.ExecuteAsync(_ =>
            {
                attempts++;
                throw new InvalidOperationException("peer down");
            }, stop.Token));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Build_OperationCanceledFromTheCallback_IsNotRetried()
    {
        var retries = 0;
        var pipeline = DeliveryRetry.Build(Tiny, (_, _) =>
        {
            retries++;
            return ValueTask.CompletedTask;
        });
        var attempts = 0;

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
            await pipeline.ExecuteAsync(_ =>
            {
                attempts++;
                throw new OperationCanceledException();
            }, CancellationToken.None));

        Assert.Equal(1, attempts);
        Assert.Equal(0, retries);
    }

    [Fact]
    public async Task Build_CallbackSeesTheCallersToken()
    {
        using var stop = new CancellationTokenSource();
        var pipeline = DeliveryRetry.Build(Tiny, (_, _) => ValueTask.CompletedTask);
        CancellationToken seen = default;

        await pipeline.ExecuteAsync(ct =>
        {
            seen = ct;
            return ValueTask.CompletedTask;
        }, stop.Token);

        stop.Cancel();
        Assert.True(seen.IsCancellationRequested);
    }
}
