namespace FederatedRegistry.Testing;

/// <summary>The repository checkout the code runs from: the folder that holds FederatedRegistry.sln, above the build output.</summary>
public static class RepositoryCheckout
{
    /// <summary>The checkout's root, or null when the code runs outside one.</summary>
    public static string? TryFindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FederatedRegistry.sln")))
            {
                return directory.FullName;
            }
        }
        return null;
    }

    /// <param name="why">What the caller reads from the checkout, for the message when there is none.</param>
    /// <exception cref="InvalidOperationException">The code does not run from a checkout.</exception>
    public static string FindRoot(string why) =>
        TryFindRoot() ?? throw new InvalidOperationException($"No FederatedRegistry.sln above {AppContext.BaseDirectory}: {why}.");
}
