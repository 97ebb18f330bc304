using System.Collections.Concurrent;
using System.Net;
using FederatedRegistry.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FederatedRegistry.Federation.Tests.Support;

/// <summary>
/// France (FR) as a real gRPC server on a loopback port, over mutual TLS as a node serves its federation endpoint: its
/// own certificate, and client certificates required and accepted only when its directory (KE and INTL) pins them. It
/// verifies every request against that directory (signed by the certificate's peer, replays refused) and answers honestly, except where the request names a misbehaviour (in the summary's
/// dataset, the product id or the records query's page token): <see cref="Misbehaviour"/>.
/// </summary>
public sealed class LoopbackPeer : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri Address { get; private set; } = TestPeers.Nowhere;

    /// <summary>The last answer France signed honestly: what <see cref="Misbehaviour.ReplaysAnEarlierAnswer"/> sends again.</summary>
    public SignedMessage? LastAnswer { get; set; }

    /// <summary>Every request France believed, by its nonce (deliveries by their first item's id).</summary>
    public ConcurrentDictionary<string, ReceivedRequest> Received { get; } = new(StringComparer.Ordinal);

    /// <summary>France's directory, by which it recognises its callers' certificates.</summary>
    public PeerDirectory Directory { get; } = TestPeers.FrancesDirectory();

    /// <summary>Every TLS client certificate France refused, with the reason.</summary>
    public ConcurrentQueue<string> RefusedCertificates { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            l.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = TestPeers.FranceCertificate.Certificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) =>
                {
                    var verdict = Directory.Identify(certificate, DateTimeOffset.UtcNow);
                    if (verdict.Peer is null)
                    {
                        RefusedCertificates.Enqueue($"{certificate.Subject}: {verdict.Reason}");
                    }
                    return verdict.Peer is not null;
                },
            });
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        builder.Services.AddSingleton(new RecentEnvelopes(TimeProvider.System, TimeSpan.FromMinutes(6)));
        builder.Services.AddSingleton(TestPeers.Verifier(TestPeers.FrancesDirectory(), TimeProvider.System));
        builder.Services.AddSingleton(TestPeers.Signer(TestPeers.France, "FR", TimeProvider.System));
        var app = builder.Build();
        app.MapGrpcService<FranceService>();
        await app.StartAsync();
        _app = app;
        Address = new Uri(app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>A request the loopback peer believed: who signed it, under which policy version, and what it asked.</summary>
public sealed record ReceivedRequest(string Origin, int PolicyVersion, IMessage Payload);

/// <summary>What the loopback peer does wrong when a request names it.</summary>
public static class Misbehaviour
{
    public const string WrongNonce = "misbehave-wrong-nonce";
    public const string SignedByAnotherPeer = "misbehave-signed-by-intl";
    public const string SignedByAStranger = "misbehave-signed-by-mallory";
    public const string WrongAnswerType = "misbehave-wrong-type";
    public const string StaleAnswer = "misbehave-stale";
    public const string Unauthenticated = "misbehave-unauthenticated";
    public const string Denied = "misbehave-denied";
    public const string NeverAnswers = "misbehave-never-answers";
    public const string DropsTheConnection = "misbehave-drops-connection";
    public const string ReplaysAnEarlierAnswer = "misbehave-replay";
}

internal sealed class FranceService(LoopbackPeer peer, FederationVerifier verifier, RecentEnvelopes recent, FederationSigner signer)
    : Contracts.V1.Federation.FederationBase
{
    public override Task<PeerInfo> GetPeerInfo(PeerInfoRequest request, ServerCallContext context) => Task.FromResult(new PeerInfo
    {
        Code = "FR",
        Name = "France",
        Role = "national",
        PublicKey = signer.PublicKey.ToBase64(),
        KeyId = signer.KeyId,
        PolicyVersion = 4,
        Capabilities = { "summary", "records", "product-lookup", "delivery" },
    });

    public override async Task<SignedMessage> QuerySummary(SignedMessage request, ServerCallContext context)
    {
        var query = Open(request, SummaryQuery.Parser, q => q.Nonce, context);
        var answer = new SummaryAnswer
        {
            Dataset = query.Dataset,
            Dimensions = { query.Dimensions },
            MinCount = 3,
            Cells = { new CountCell { Values = { "high" }, Count = 12 } },
            AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Nonce = query.Nonce,
        };
        return await AnswerAsync(query.Dataset, answer, a => a.Nonce = "0123456789abcdef0123456789abcdef", context);
    }

    public override async Task<SignedMessage> LookupProduct(SignedMessage request, ServerCallContext context)
    {
        var query = Open(request, ProductQuery.Parser, q => q.Nonce, context);
        var answer = new RecordsAnswer { Dataset = "systems", Nonce = query.Nonce };
        answer.Records.Add(Record(("product_id", query.ProductId), ("recipient", query.Recipient)));
        return await AnswerAsync(query.ProductId, answer, a => a.Nonce = "", context);
    }

    public override async Task<SignedMessage> QueryRecords(SignedMessage request, ServerCallContext context)
    {
        var query = Open(request, RecordsQuery.Parser, q => q.Nonce, context);
        var answer = new RecordsAnswer { Dataset = query.Dataset, Nonce = query.Nonce, NextPageToken = "next" };
        answer.Records.Add(Record(("product_id", query.ProductId), ("recipient", query.Recipient), ("page_token", query.PageToken)));
        return await AnswerAsync(query.PageToken, answer, a => a.Nonce = a.Nonce.ToUpperInvariant(), context);
    }

    public override async Task<SignedMessage> Deliver(SignedMessage request, ServerCallContext context)
    {
        var batch = Open(request, DeliveryBatch.Parser, b => b.Items.Count > 0 ? Id(b.Items[0]) : "empty", context);
        var receipt = new DeliveryReceipt { Accepted = { batch.Items.Select(FederationClient.ItemId) }, Nonce = batch.Nonce };
        return await AnswerAsync(batch.Items.Select(Id).FirstOrDefault() ?? "", receipt, r => r.Nonce = "spoiled", context);
    }

    private T Open<T>(SignedMessage request, MessageParser<T> parser, Func<T, string> key, ServerCallContext context) where T : IMessage<T>
    {
        try
        {
            var sender = peer.Directory.Identify(context.GetHttpContext().Connection.ClientCertificate!, DateTimeOffset.UtcNow).Peer!.Code;
            var opened = verifier.OpenOnce(request, parser, recent, sender);
            peer.Received[key(opened.Payload)] = new ReceivedRequest(opened.Origin, opened.PolicyVersion, opened.Payload);
            return opened.Payload;
        }
        catch (FederationRejectedException e)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"{e.Reason}: {e.Message}"));
        }
    }

    private async Task<SignedMessage> AnswerAsync<T>(string behaviour, T answer, Action<T> spoilNonce, ServerCallContext context) where T : IMessage<T>
    {
        switch (behaviour)
        {
            case Misbehaviour.WrongNonce:
                spoilNonce(answer);
                break;
            case Misbehaviour.SignedByAnotherPeer:
                return TestPeers.Signer(TestPeers.Observer, "INTL", TimeProvider.System).Sign(answer, 4);
            case Misbehaviour.SignedByAStranger:
                return TestPeers.Signer(TestPeers.Mallory, "FR", TimeProvider.System).Sign(answer, 4);
            case Misbehaviour.WrongAnswerType:
                return signer.Sign(new PeerInfo { Code = "FR" }, 4);
            case Misbehaviour.StaleAnswer:
                return TestPeers.Signer(TestPeers.France, "FR", new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10))).Sign(answer, 4);
            case Misbehaviour.Unauthenticated:
                throw new RpcException(new Status(StatusCode.Unauthenticated, "bad_signature: the signature does not verify"));
            case Misbehaviour.Denied:
                throw new RpcException(new Status(StatusCode.PermissionDenied, "no grant for KE"));
            case Misbehaviour.NeverAnswers:
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                break;
            case Misbehaviour.DropsTheConnection:
                // As when the client's keep-alive ping goes unanswered: the connection ends under the call.
                context.GetHttpContext().Abort();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                break;
            case Misbehaviour.ReplaysAnEarlierAnswer:
                return peer.LastAnswer ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "no earlier answer"));
        }
        var signed = signer.Sign(answer, 4);
        peer.LastAnswer = signed;
        return signed;
    }

    private static Struct Record(params (string Name, string Value)[] fields)
    {
        var record = new Struct();
        foreach (var (name, value) in fields)
        {
            record.Fields[name] = Value.ForString(value);
        }
        return record;
    }

    private static string Id(DeliveryItem item) => item.ItemCase switch
    {
        DeliveryItem.ItemOneofCase.Alert => item.Alert.AlertId,
        DeliveryItem.ItemOneofCase.Advisory => item.Advisory.AdvisoryId,
        DeliveryItem.ItemOneofCase.Acknowledgement => item.Acknowledgement.AlertId,
        _ => "",
    };
}
