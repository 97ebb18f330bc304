namespace FederatedRegistry.Grains;

/// <summary>
/// Who acts, for the audit trail. The API puts the authenticated caller in the Orleans request context under
/// <see cref="ActorKey"/> (it flows with every grain call the request makes); what runs on its own (start-up, timers,
/// recovery) acts as <see cref="System"/>.
/// </summary>
public static class AuditContext
{
    /// <summary>The request-context key of the actor: <c>authority:alice</c>, <c>provider:KE-PRV-acme:bob</c>, ...</summary>
    public const string ActorKey = "fedreg.actor";

    /// <summary>The actor of changes no caller asked for.</summary>
    public const string System = "system";

    /// <summary>The actor of the current call, or <see cref="System"/>.</summary>
    public static string CurrentActor() =>
        RequestContext.Get(ActorKey) is string { Length: > 0 } actor ? actor : System;

    /// <summary>The actor of what a peer delivered.</summary>
    public static string Peer(string code) => "peer:" + code;
}
