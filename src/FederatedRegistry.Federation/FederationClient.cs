using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Stub = FederatedRegistry.Contracts.V1.Federation.FederationClient;

namespace FederatedRegistry.Federation;

/// <summary>
/// Calls peers' federation services: signs each request, verifies each answer (origin, signature, freshness, and that
/// it answers this very request), and hands back only verified payloads. One HTTP/2 channel per peer, kept open, over
/// mutual TLS: the node presents its own certificate and believes a server only when the certificate pinned for that
/// peer accepts it.
/// </summary>
/// <remarks>Each call's duration and outcome go to <see cref="FederationMetrics"/> when one is given.</remarks>
public sealed class FederationClient(PeerDirectory directory, FederationSigner signer, FederationVerifier verifier,
    NodeCertificate certificate, TimeProvider time, FederationMetrics? metrics = null) : IDisposable
{
    /// <summary>How long a connection attempt to a peer may take: a peer that is down should fail fast, not at the deadline.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a channel waits before trying a peer's address again after a failed connection. gRPC's default
    /// (120 s) would leave a peer that was down at start, or restarted, "unavailable" to every query for minutes after
    /// it is back; calls made meanwhile fail at once rather than wait, so a short bound costs little.
    /// </summary>
    public static readonly TimeSpan MaxReconnectBackoff = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new(StringComparer.Ordinal);

    // Why the last server certificate of each peer was refused, until the failed call reports it.
    private readonly ConcurrentDictionary<string, string> _refusedServers = new(StringComparer.Ordinal);

    public PeerDirectory Directory { get; } = directory;

    /// <summary>The peer's summary of <paramref name="dataset"/> by <paramref name="dimensions"/>, verified.</summary>
    public async Task<Opened<SummaryAnswer>> QuerySummaryAsync(Peer peer, string dataset, IReadOnlyList<string> dimensions, int policyVersion,
        DateTime deadline, CancellationToken ct)
    {
        var query = new SummaryQuery { Recipient = peer.Code, Dataset = dataset, Nonce = NewNonce() };
        query.Dimensions.Add(dimensions);
        var reply = await CallAsync(peer, nameof(Stub.QuerySummary), c => c.QuerySummaryAsync(signer.Sign(query, policyVersion), deadline: deadline, cancellationToken: ct));
        var answer = Expect(peer, verifier.Open(reply, SummaryAnswer.Parser));
        CheckNonce(peer, query.Nonce, answer.Payload.Nonce);
        return answer;
    }

    /// <summary>What the peer shares of its registration of <paramref name="productId"/>, verified.</summary>
    public async Task<Opened<RecordsAnswer>> LookupProductAsync(Peer peer, string productId, int policyVersion, DateTime deadline, CancellationToken ct)
    {
        var query = new ProductQuery { Recipient = peer.Code, ProductId = productId, Nonce = NewNonce() };
        var reply = await CallAsync(peer, nameof(Stub.LookupProduct), c => c.LookupProductAsync(signer.Sign(query, policyVersion), deadline: deadline, cancellationToken: ct));
        var answer = Expect(peer, verifier.Open(reply, RecordsAnswer.Parser));
        CheckNonce(peer, query.Nonce, answer.Payload.Nonce);
        return answer;
    }

    /// <summary>One page of the peer's records matching the query, verified.</summary>
    public async Task<Opened<RecordsAnswer>> QueryRecordsAsync(Peer peer, RecordsQuery query, int policyVersion, DateTime deadline, CancellationToken ct)
    {
        query = query.Clone();
        query.Recipient = peer.Code;
        query.Nonce = NewNonce();
        var reply = await CallAsync(peer, nameof(Stub.QueryRecords), c => c.QueryRecordsAsync(signer.Sign(query, policyVersion), deadline: deadline, cancellationToken: ct));
        var answer = Expect(peer, verifier.Open(reply, RecordsAnswer.Parser));
        CheckNonce(peer, query.Nonce, answer.Payload.Nonce);
        return answer;
    }

    /// <summary>Delivers items to the peer in one signed batch; the receipt is verified.</summary>
    public async Task<Opened<DeliveryReceipt>> DeliverAsync(Peer peer, IEnumerable<DeliveryItem> items, int policyVersion, TimeSpan timeout, CancellationToken ct)
    {
        var batch = new DeliveryBatch { Recipient = peer.Code, Nonce = NewNonce() };
        batch.Items.Add(items);
        var reply = await CallAsync(peer, nameof(Stub.Deliver), c => c.DeliverAsync(signer.Sign(batch, policyVersion), deadline: DateTime.UtcNow + timeout, cancellationToken: ct));
        var receipt = Expect(peer, verifier.Open(reply, DeliveryReceipt.Parser));
        CheckNonce(peer, batch.Nonce, receipt.Payload.Nonce);
        // The outbox drops what the receipt covers: it must cover exactly what was sent.
        var sent = batch.Items.Select(ItemId).Order(StringComparer.Ordinal);
        var covered = receipt.Payload.Accepted.Concat(receipt.Payload.Duplicates).Order(StringComparer.Ordinal);
        if (!sent.SequenceEqual(covered, StringComparer.Ordinal))
        {
            throw new FederationRejectedException("wrong_receipt", $"The receipt from {peer.Code} does not account for exactly the items delivered.");
        }
        return receipt;
    }

    /// <summary>
    /// The peer's latest signed audit checkpoint with the consistency proof from <paramref name="knownSize"/>, verified as
    /// a message (origin, signature, freshness, nonce); the checkpoint and proof themselves are the witness's to judge.
    /// </summary>
    public async Task<Opened<CheckpointAnswer>> GetAuditCheckpointAsync(Peer peer, long knownSize, int policyVersion, DateTime deadline, CancellationToken ct)
    {
        var query = new CheckpointQuery { Recipient = peer.Code, KnownSize = knownSize, Nonce = NewNonce() };
        var reply = await CallAsync(peer, nameof(Stub.GetAuditCheckpoint), c => c.GetAuditCheckpointAsync(signer.Sign(query, policyVersion), deadline: deadline, cancellationToken: ct));
        var answer = Expect(peer, verifier.Open(reply, CheckpointAnswer.Parser));
        CheckNonce(peer, query.Nonce, answer.Payload.Nonce);
        return answer;
    }

    /// <summary>The peer's self-description (unsigned, informative).</summary>
    public async Task<PeerInfo> GetPeerInfoAsync(Peer peer, DateTime deadline, CancellationToken ct) =>
        await CallAsync(peer, nameof(Stub.GetPeerInfo), c => c.GetPeerInfoAsync(new PeerInfoRequest(), deadline: deadline, cancellationToken: ct));

    public void Dispose()
    {
        foreach (var channel in _channels.Values.Where(c => c.IsValueCreated))
        {
            channel.Value.Dispose();
        }
    }

    // A server certificate that the peer's pin refuses ends the handshake before anything is sent: reported as a
    // rejection that names the pin, rather than as the peer being away.
    private async Task<T> CallAsync<T>(Peer peer, string method, Func<Contracts.V1.Federation.FederationClient, AsyncUnaryCall<T>> call)
    {
        var client = ClientFor(peer);
        var started = Stopwatch.GetTimestamp();
        var outcome = FederationMetrics.Ok;
        try
        {
            return await call(client);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Internal or StatusCode.Unavailable && _refusedServers.TryRemove(peer.Code, out var reason))
        {
            outcome = "rejected";
            throw new FederationRejectedException("untrusted_peer",
                $"{peer.Code} at {peer.Address} presented a TLS certificate that its pin ({peer.Certificate}) does not accept: {reason}; nothing was sent.");
        }
        catch (Exception e)
        {
            // A caller giving up (a fan-out past its deadline) is told apart from the peer failing.
            outcome = e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }
                ? "cancelled"
                : FanOut.Classify(peer.Code, e, deadlinePassed: false).Reason;
            throw;
        }
        finally
        {
            metrics?.RecordCall(peer.Code, method, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    private Contracts.V1.Federation.FederationClient ClientFor(Peer peer)
    {
        if (peer.Address.Scheme != Uri.UriSchemeHttps)
        {
            // Without TLS the peer's certificate could not be checked, nor this node's presented.
            throw new FederationRejectedException("not_tls", $"{peer.Code}'s address {peer.Address} is not https; peers are called over mutual TLS only.");
        }
        return new(_channels.GetOrAdd(peer.Code, _ => new Lazy<GrpcChannel>(() => GrpcChannel.ForAddress(peer.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = ConnectTimeout,
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
                SslOptions = TlsFor(peer),
            },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
            MaxReconnectBackoff = MaxReconnectBackoff,
        }))).Value);
    }

    private SslClientAuthenticationOptions TlsFor(Peer peer) => new()
    {
        // Always this node's certificate (with its intermediates), whatever issuers the server lists: peers pin it
        // rather than trust an issuer.
        ClientCertificateContext = certificate.Context,
        // The pin configured for this peer is the only judge: not the system trust store, not the host name.
        RemoteCertificateValidationCallback = (_, presented, chain, _) =>
        {
            var verdict = presented is null
                ? new PinVerdict(PinMatch.NotThisPeer, "it presented none")
                : peer.Certificate.Check(presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData()),
                    time.GetUtcNow(), chain?.ChainPolicy.ExtraStore);
            if (verdict.Match != PinMatch.Accepted)
            {
                _refusedServers[peer.Code] = verdict.Reason;
            }
            return verdict.Match == PinMatch.Accepted;
        },
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    private static Opened<T> Expect<T>(Peer peer, Opened<T> opened) where T : IMessage<T>
    {
        if (!string.Equals(opened.Origin, peer.Code, StringComparison.Ordinal))
        {
            throw new FederationRejectedException("wrong_origin", $"The answer from {peer.Code}'s address is signed by {opened.Origin}.");
        }
        return opened;
    }

    private static void CheckNonce(Peer peer, string sent, string received)
    {
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(sent), System.Text.Encoding.ASCII.GetBytes(received)))
        {
            throw new FederationRejectedException("wrong_nonce", $"The answer from {peer.Code} does not answer this query (its nonce differs): it may be a replay.");
        }
    }

    /// <summary>The id a receiver deduplicates an item by, as its receipt names it.</summary>
    public static string ItemId(DeliveryItem item) => item.ItemCase switch
    {
        DeliveryItem.ItemOneofCase.Alert => item.Alert.AlertId,
        DeliveryItem.ItemOneofCase.Advisory => item.Advisory.AdvisoryId,
        DeliveryItem.ItemOneofCase.Acknowledgement => "ack:" + item.Acknowledgement.AlertId,
        _ => "",
    };

    private static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

/// <summary>A peer whose answer is missing, and why: deadline_exceeded, unavailable, denied, rejected or error.</summary>
public sealed record PeerFailure(string Node, string Reason, string Detail);

/// <summary>What a fan-out gathered: the answers that arrived in time, and a failure for every other peer.</summary>
public sealed record FanOutResult<T>(IReadOnlyList<(Peer Peer, T Answer)> Answers, IReadOnlyList<PeerFailure> Failures)
{
    public bool IsPartial => Failures.Count > 0;
}

/// <summary>Asks many peers at once under one deadline, and never waits past it.</summary>
public static class FanOut
{
    /// <summary>
    /// Calls <paramref name="ask"/> for every peer concurrently. A peer that has not answered by the deadline is
    /// reported as deadline_exceeded and its call is cancelled; a peer that failed is reported with the reason.
    /// Answers and failures keep the order of <paramref name="peers"/>.
    /// </summary>
    public static async Task<FanOutResult<T>> AskAllAsync<T>(IReadOnlyList<Peer> peers, TimeSpan deadline,
        Func<Peer, DateTime, CancellationToken, Task<T>> ask, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(deadline);
        var due = DateTime.UtcNow + deadline;
        var calls = peers.Select(peer => Guard(peer, () => ask(peer, due, cts.Token), cts.Token)).ToArray();
        // The calls observe the token; the race with the delay only guards against one that ignores it. It ends at the
        // deadline itself, since the caller's reply is due soon after (see PeerWait).
        await Task.WhenAny(Task.WhenAll(calls), Task.Delay(deadline, CancellationToken.None));
        var answers = new List<(Peer, T)>();
        var failures = new List<PeerFailure>();
        for (var i = 0; i < peers.Count; i++)
        {
            if (!calls[i].IsCompleted)
            {
                failures.Add(new PeerFailure(peers[i].Code, "deadline_exceeded", $"No answer within {deadline.TotalMilliseconds:0} ms."));
                continue;
            }
            var (answer, failure) = calls[i].Result;
            if (failure is not null)
            {
                failures.Add(failure);
            }
            else
            {
                answers.Add((peers[i], answer!));
            }
        }
        await cts.CancelAsync();
        // The caller giving up is not the peers being late.
        ct.ThrowIfCancellationRequested();
        return new FanOutResult<T>(answers, failures);
    }

    /// <summary>
    /// How long a fan-out may wait for its peers so that its whole answer is back within <paramref name="deadline"/>,
    /// counted from the request's arrival: what has already <paramref name="elapsed"/> since, and a reserve for merging
    /// and replying, are taken off. The reserve is at most a quarter of the deadline, so that a short deadline still
    /// leaves most of itself to the peers; the caller's own remaining time, when it set one, bounds the wait too.
    /// Never negative: with nothing left, every peer is reported late at once.
    /// </summary>
    public static TimeSpan PeerWait(TimeSpan deadline, TimeSpan elapsed, TimeSpan replyReserve, TimeSpan? callerRemaining = null)
    {
        var reserve = replyReserve < deadline / 4 ? replyReserve : deadline / 4;
        var wait = deadline - elapsed - reserve;
        if (callerRemaining is { } remaining && remaining - reserve < wait)
        {
            wait = remaining - reserve;
        }
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    private static async Task<(T? Answer, PeerFailure? Failure)> Guard<T>(Peer peer, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return (await call(), null);
        }
        catch (Exception e)
        {
            return (default, Classify(peer.Code, e, ct.IsCancellationRequested));
        }
    }

    /// <summary>Names why a call to a peer failed, in the words of <see cref="PeerFailure.Reason"/>.</summary>
    public static PeerFailure Classify(string node, Exception e, bool deadlinePassed) => e switch
    {
        RpcException { StatusCode: StatusCode.DeadlineExceeded } => new(node, "deadline_exceeded", "No answer before the deadline."),
        RpcException { StatusCode: StatusCode.Cancelled } or OperationCanceledException when deadlinePassed =>
            new(node, "deadline_exceeded", "No answer before the deadline."),
        // The handler gave up connecting (TCP or the TLS handshake) after its connect timeout, well before the deadline:
        // grpc-dotnet reports that as Cancelled, which would otherwise read as the peer's own error.
        RpcException { StatusCode: StatusCode.Cancelled, Status.DebugException: { } cause } when Has<TimeoutException>(cause) =>
            new(node, "unavailable", $"no connection within {FederationClient.ConnectTimeout.TotalSeconds:0} s (the connection or its TLS handshake timed out)"),
        RpcException { StatusCode: StatusCode.Unavailable } rpc => new(node, "unavailable", rpc.Status.Detail),
        RpcException { StatusCode: StatusCode.PermissionDenied } rpc => new(node, "denied", rpc.Status.Detail),
        RpcException { StatusCode: StatusCode.Unauthenticated } rpc => new(node, "rejected", "The peer refused this node's message: " + rpc.Status.Detail),
        FederationRejectedException rejected => new(node, "rejected", rejected.Message),
        // The connection broke under the call (reset, or a keep-alive ping the peer never answered): grpc-dotnet reports
        // that as Internal, with the transport's exception attached, where the peer's own errors come without one.
        RpcException { Status.DebugException: { } cause } rpc when IsTransportFailure(cause) => new(node, "unavailable", rpc.Status.Detail),
        RpcException rpc => new(node, "error", $"{rpc.StatusCode}: {rpc.Status.Detail}"),
        _ => new(node, "error", e.Message),
    };

    private static bool Has<TCause>(Exception e) where TCause : Exception => Causes(e).Any(c => c is TCause);

    private static bool IsTransportFailure(Exception e) =>
        Causes(e).Any(c => c is HttpRequestException or IOException or System.Net.Sockets.SocketException);

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }
}
