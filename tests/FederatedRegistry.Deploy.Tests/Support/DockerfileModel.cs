namespace FederatedRegistry.Deploy.Tests.Support;

/// <summary>One instruction of a Dockerfile: its keyword (upper case), its arguments, and its stage (0 for the first FROM).</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Stage);

/// <summary>
/// A Dockerfile read the way the builder reads it: comment lines dropped, lines ending in '\' joined, one instruction
/// per logical line, grouped into stages by FROM.
/// </summary>
internal sealed class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<DockerInstruction> instructions) => Instructions = instructions;

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public int FinalStage => Instructions.Max(i => i.Stage);

    public IEnumerable<DockerInstruction> Stage(int stage, string keyword) =>
        Instructions.Where(i => i.Stage == stage && i.Keyword == keyword);

    public static DockerfileModel Load(string path)
    {
        var instructions = new List<DockerInstruction>();
        var stage = -1;
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.TrimEnd();
            // Comment lines are dropped even inside a continued instruction, as the builder does.
            if (line.TrimStart().StartsWith('#') || (pending.Length == 0 && line.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var logical = (pending + line).Trim();
            pending = "";
            var space = logical.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? logical : logical[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : logical[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                stage++;
            }

            instructions.Add(new DockerInstruction(keyword, arguments, Math.Max(stage, 0)));
        }

        return new DockerfileModel(instructions);
    }

    /// <summary>The variables an ENV instruction sets (the <c>key=value ...</c> form; values without spaces).</summary>
    public static IEnumerable<KeyValuePair<string, string>> EnvPairs(DockerInstruction env) =>
        env.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => KeyValuePair.Create(parts[0], parts.Length > 1 ? parts[1] : ""));
}
