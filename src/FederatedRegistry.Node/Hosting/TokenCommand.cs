using System.Globalization;

namespace FederatedRegistry.Node.Hosting;

/// <summary>
/// <c>fedreg-node token --role authority|provider|observer [--provider-id KE-PRV-x] [--subject name] [--hours 8]</c>:
/// prints a development token for the node whose settings follow (e.g. <c>--Node:DataDirectory data/KE</c>).
/// Refused outside Development, where the node trusts only its configured issuer.
/// </summary>
public static class TokenCommand
{
    public const string Command = "token";

    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = new List<string>();
        string[] known = ["--role", "--provider-id", "--subject", "--hours"];
        for (var i = 0; i < args.Length; i++)
        {
            if (known.Contains(args[i]) && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }
        var builder = WebApplication.CreateBuilder([.. rest]);
        if (!builder.Environment.IsDevelopment())
        {
            errors.WriteLine($"Development tokens are refused in the {builder.Environment.EnvironmentName} environment: tokens come from the issuer named by Auth:Issuer. (Set ASPNETCORE_ENVIRONMENT=Development for a local node.)");
            return 2;
        }
        var role = options.GetValueOrDefault("--role");
        var providerId = options.GetValueOrDefault("--provider-id");
        var hours = 8.0;
        var problems = new List<string>();
        if (role is null || !Roles.All.Contains(role))
        {
            problems.Add($"--role must be one of {string.Join(", ", Roles.All)}.");
        }
        if (role == Roles.Provider && !Domain.Identifiers.IsProviderId(providerId))
        {
            problems.Add("--provider-id is required for a provider: its provider id on the node, e.g. KE-PRV-acme-health.");
        }
        if (options.TryGetValue("--hours", out var h) && (!double.TryParse(h, NumberStyles.Float, CultureInfo.InvariantCulture, out hours) || hours is <= 0 or > 24 * 30))
        {
            problems.Add("--hours must be a number of hours above 0 and at most 720.");
        }
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                errors.WriteLine(problem);
            }
            errors.WriteLine("Usage: fedreg-node token --role authority|provider|observer [--provider-id KE-PRV-x] [--subject name] [--hours 8] [--Node:DataDirectory dir]");
            return 2;
        }
        var (node, _, _) = NodeConfiguration.ReadStartupSettings(builder.Configuration);
        using var key = DevelopmentTokens.LoadOrCreateKey(node.DataDirectory);
        output.WriteLine(DevelopmentTokens.Mint(key, DevelopmentTokens.Issuer, DevelopmentTokens.AudienceFor(node.Code),
            options.GetValueOrDefault("--subject") ?? Environment.UserName, role!, role == Roles.Provider ? providerId : null,
            TimeSpan.FromHours(hours), DateTimeOffset.UtcNow));
        return 0;
    }
}
