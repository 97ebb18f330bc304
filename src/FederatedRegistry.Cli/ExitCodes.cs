namespace FederatedRegistry.Cli;

/// <summary>What fedreg's exit status means; printed by --help and documented in examples/README.md.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A node refused, or a row was rejected, or something was not found; the rest may have succeeded.</summary>
    public const int SomeFailed = 1;

    /// <summary>The command line or the input file is wrong; nothing was sent.</summary>
    public const int BadInput = 2;

    /// <summary>A node could not be reached.</summary>
    public const int CannotConnect = 3;

    /// <summary>A node did not accept the token, or the token's role may not do this.</summary>
    public const int Unauthorized = 4;

    /// <summary>audit verify: the log is not intact (an entry altered, removed or reordered), or not signed by the key given.</summary>
    public const int NotIntact = 5;

    /// <summary>Interrupted (Ctrl+C); what was done is reported, and a rerun continues.</summary>
    public const int Interrupted = 130;

    public const string Help = """
        Exit codes:
          0    everything succeeded
          1    a node refused (a version conflict, an illegal transition, a field it
               rejects) or a row was rejected (the others may have succeeded)
          2    bad usage or input file (a manifest, an advisory, a policy that breaks
               the node's rules): nothing was sent
          3    a node could not be reached
          4    a node did not accept the token, or the token's role may not do this
          5    audit verify: the log is not intact, or not signed by the key given
          130  interrupted; what was done is reported, and a rerun continues
        When nodes fail differently, the highest code is returned.
        """;

    /// <summary>The code for several outcomes: the highest, so that a connection or token problem is never hidden by a refusal.</summary>
    public static int Combine(IEnumerable<int> codes) => codes.DefaultIfEmpty(Ok).Max();
}
