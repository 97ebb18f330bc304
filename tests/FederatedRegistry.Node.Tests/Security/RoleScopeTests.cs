using System.Net;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.Security;

/// <summary>What each role sees and may change: the public register for everyone, a provider's own organisation only.</summary>
[Collection(EmbeddedNodeCollection.Name)]
public sealed class RoleScopeTests(EmbeddedNodeFixture node)
{
    private Registry.RegistryClient Authority => node.Client.Grpc;

    private async Task<(string ProviderId, AiSystem Draft, AiSystem Registered, AiSystem Restricted)> SeedAsync()
    {
        var provider = await Authority.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        var draft = await Authority.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: NodeClient.Deadline);
        var registered = await RegisterAsync(provider.Id, Messages.Details());
        var restricted = await RegisterAsync(provider.Id, Messages.Details(name: "BorderWatch", category: Category.MigrationAndBorder,
            purpose: "Flags travellers for secondary checks at border crossings."));
        return (provider.Id, draft, registered, restricted);
    }

    private async Task<AiSystem> RegisterAsync(string providerId, SystemDetails details)
    {
        var system = await Authority.RegisterSystemAsync(Messages.Registration(providerId, submit: true, details: details), deadline: NodeClient.Deadline);
        system = await Authority.DecideSystemAsync(new DecideSystemRequest { Id = system.Id, Decision = Decision.StartReview, ExpectedVersion = system.Version }, deadline: NodeClient.Deadline);
        return await Authority.DecideSystemAsync(new DecideSystemRequest
        {
            Id = system.Id,
            Decision = Decision.Register,
            DecidedRiskTier = RiskTier.High,
            Reason = "Meets the requirements for high-risk systems.",
            ExpectedVersion = system.Version,
        }, deadline: NodeClient.Deadline);
    }

    [Fact]
    public async Task Without_a_token_only_registered_systems_outside_the_restricted_categories_are_visible_without_their_evidence()
    {
        var (_, draft, registered, restricted) = await SeedAsync();
        using var anonymous = node.Client.As("");

        var shown = await anonymous.Grpc.GetSystemAsync(new GetSystemRequest { Id = registered.Id }, deadline: NodeClient.Deadline);
        Assert.Equal(registered.Details.Name, shown.Details.Name);
        Assert.Null(shown.Details.Assessment);
        Assert.Equal("", shown.DecisionReason);
        Assert.NotNull(registered.Details.Assessment);

        await GrpcAssert.FailsWith(StatusCode.NotFound, () => anonymous.Grpc.GetSystemAsync(new GetSystemRequest { Id = draft.Id }, deadline: NodeClient.Deadline));
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => anonymous.Grpc.GetSystemAsync(new GetSystemRequest { Id = restricted.Id }, deadline: NodeClient.Deadline));

        var listed = await anonymous.Grpc.ListSystemsAsync(new ListSystemsRequest { ProviderId = registered.ProviderId }, deadline: NodeClient.Deadline);
        Assert.Equal([registered.Id], listed.Systems.Select(s => s.Id));
        var drafts = await anonymous.Grpc.ListSystemsAsync(new ListSystemsRequest { Status = SystemStatus.Draft }, deadline: NodeClient.Deadline);
        Assert.Empty(drafts.Systems);
        var border = await anonymous.Grpc.ListSystemsAsync(new ListSystemsRequest { Category = Category.MigrationAndBorder }, deadline: NodeClient.Deadline);
        Assert.Empty(border.Systems);

        // The authority sees all three.
        var all = await Authority.ListSystemsAsync(new ListSystemsRequest { ProviderId = registered.ProviderId }, deadline: NodeClient.Deadline);
        Assert.Equal(3, all.Systems.Count);
    }

    [Fact]
    public async Task A_provider_works_on_its_own_organisation_and_sees_others_only_in_the_public_register()
    {
        var (providerId, draft, registered, _) = await SeedAsync();
        var (otherId, otherDraft, _, _) = await SeedAsync();
        using var provider = node.Client.As(TestTokens.Provider(providerId));

        // Its own draft, in full; another organisation's draft does not exist for it.
        Assert.NotNull((await provider.Grpc.GetSystemAsync(new GetSystemRequest { Id = draft.Id }, deadline: NodeClient.Deadline)).Details.Assessment);
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => provider.Grpc.GetSystemAsync(new GetSystemRequest { Id = otherDraft.Id }, deadline: NodeClient.Deadline));
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => provider.Grpc.ListSystemVersionsAsync(new ListSystemVersionsRequest { Id = otherDraft.Id }, deadline: NodeClient.Deadline));
        var own = await provider.Grpc.ListSystemsAsync(new ListSystemsRequest { ProviderId = providerId }, deadline: NodeClient.Deadline);
        Assert.Equal(3, own.Systems.Count);
        var others = await provider.Grpc.ListSystemsAsync(new ListSystemsRequest { ProviderId = otherId }, deadline: NodeClient.Deadline);
        Assert.Single(others.Systems);

        // It registers and updates for itself only.
        var mine = await provider.Grpc.RegisterSystemAsync(Messages.Registration(providerId, submit: true), deadline: NodeClient.Deadline);
        Assert.Equal(providerId, mine.ProviderId);
        var refused = await GrpcAssert.FailsWith(StatusCode.PermissionDenied,
            () => provider.Grpc.RegisterSystemAsync(Messages.Registration(otherId, submit: true), deadline: NodeClient.Deadline));
        Assert.Equal(["provider_id"], refused.ViolatedFields());
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => provider.Grpc.UpdateSystemAsync(new UpdateSystemRequest
        {
            Id = otherDraft.Id,
            Details = Messages.Details(),
            ExpectedVersion = otherDraft.Version,
        }, deadline: NodeClient.Deadline));

        // Decisions are the authority's.
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, () => provider.Grpc.DecideSystemAsync(
            new DecideSystemRequest { Id = mine.Id, Decision = Decision.StartReview, ExpectedVersion = mine.Version }, deadline: NodeClient.Deadline));
        // Its own organisation, not another's.
        Assert.Equal(providerId, (await provider.Grpc.GetProviderAsync(new GetProviderRequest { Id = providerId }, deadline: NodeClient.Deadline)).Id);
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => provider.Grpc.GetProviderAsync(new GetProviderRequest { Id = otherId }, deadline: NodeClient.Deadline));
        Assert.NotNull(registered);
    }

    [Fact]
    public async Task A_provider_token_without_an_organisation_acts_for_none()
    {
        var (providerId, _, _, _) = await SeedAsync();
        using var nobody = node.Client.As(TestTokens.For(Roles.Provider));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied,
            () => nobody.Grpc.RegisterSystemAsync(Messages.Registration(providerId, submit: true), deadline: NodeClient.Deadline));
    }

    [Fact]
    public void Development_tokens_are_refused_outside_Development()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var previous = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
        var code = TokenCommand.Run(["--role", "authority", "--environment", "Production", "--Node:DataDirectory", Path.GetTempPath()], output, errors);
        Assert.Equal(2, code);
        Assert.Equal("", output.ToString());
        Assert.Contains("refused", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(previous, Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"));
    }

    [Fact]
    public async Task A_token_of_another_audience_is_refused_with_401()
    {
        using var elsewhere = node.Client.As(TestTokens.For(Roles.Authority, audience: "fedreg-node:FR"));
        var response = await elsewhere.GetAsync("/v1/summary");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class AuthConfigurationTests
{
    [Fact]
    public void A_node_outside_Development_without_an_issuer_does_not_start_and_says_which_settings_are_missing()
    {
        var settings = NodeSettings.Embedded().With("Auth:Issuer", null).With("Auth:Audience", null).With("Auth:SigningKeys:0", null);
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => NodeHost.Build([], settings.Values));
        Assert.Contains(e.Failures, f => f.StartsWith("Auth:Issuer is required", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Auth:Audience is required", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Auth:SigningKeys", StringComparison.Ordinal));
    }

    [Fact]
    public void Unusable_keys_and_algorithms_are_named()
    {
        var settings = NodeSettings.Embedded().With("Auth:SigningKeys:0", "not a key").With("Auth:Algorithms:0", "none");
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => NodeHost.Build([], settings.Values));
        Assert.Contains(e.Failures, f => f.StartsWith("Auth:SigningKeys:0 cannot be read", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Auth:Algorithms", StringComparison.Ordinal));
    }
}
