using FederatedRegistry.Node.Audit;
using FederatedRegistry.Node.Demo;
using FederatedRegistry.Node.Hosting;
using Microsoft.Extensions.Options;

try
{
    if (args.Length > 0 && args[0] == DemoFederation.Command)
    {
        return await DemoFederation.RunAsync(args[1..]);
    }
    if (args.Length > 0 && args[0] == AuditCommand.Command)
    {
        return await AuditCommand.RunAsync(args[1..], Console.Out, Console.Error);
    }
    if (args.Length > 0 && args[0] == TokenCommand.Command)
    {
        return TokenCommand.Run(args[1..], Console.Out, Console.Error);
    }
    await NodeHost.Build(args).RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // A configuration mistake is the operator's to fix: say which keys, without a stack trace.
    Console.Error.WriteLine("The node cannot start because of its configuration:");
    foreach (var failure in e.Failures)
    {
        Console.Error.WriteLine("  " + failure);
    }
    return 1;
}

/// <summary>Entry point, visible to tests that host the node in process.</summary>
public partial class Program;
