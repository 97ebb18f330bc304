namespace FederatedRegistry.Cli.Output;

/// <summary>
/// Import progress on stderr: a bar redrawn in place on a terminal, or one line per row when stderr is a file or a pipe
/// (where carriage returns would only garble a log).
/// </summary>
internal sealed class ProgressBar(TextWriter errors, int total, bool interactive)
{
    private const int Width = 30;

    public void Report(int done, int accepted, int rejected)
    {
        var counts = $"{done}/{total} rows ({accepted} accepted, {rejected} rejected)";
        if (!interactive)
        {
            errors.WriteLine("import: " + counts);
            return;
        }
        var filled = total == 0 ? Width : done * Width / total;
        errors.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {counts}");
        if (done == total)
        {
            errors.WriteLine();
        }
    }

    /// <summary>Ends a bar left mid-line by an interruption, so the next message starts on its own line.</summary>
    public void Stop()
    {
        if (interactive)
        {
            errors.WriteLine();
        }
    }
}
