using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Advisories;

namespace FederatedRegistry.Cli.Manifests;

/// <summary>An advisory (examples/advisory.yaml): the PublishAdvisoryRequest fields.</summary>
internal static class AdvisoryManifest
{
    /// <summary>
    /// The request for the file, checked first by the manifest's shape and then by the node's own advisory rules
    /// (<see cref="AdvisoryRules"/>), so that a file the node would refuse is refused before anything is sent.
    /// </summary>
    public static PublishAdvisoryRequest Parse(string text, string source)
    {
        var problems = new List<FieldProblem>();
        var r = new FieldReader(ManifestDocument.RequireMapping(ManifestDocument.Load(text, source), source), "", problems);
        var request = new PublishAdvisoryRequest
        {
            Title = r.String("title", required: true) ?? "",
            Summary = r.String("summary", required: true) ?? "",
            LessonsLearned = r.String("lessons_learned") ?? "",
        };
        request.Mitigations.AddRange(r.Strings("mitigations"));
        request.Categories.AddRange(r.Enums<Category>("categories"));
        if (!r.Has("categories"))
        {
            r.Problem("categories", $"is required: at least one of {ProtoEnums.Choices<Category>()}");
        }
        r.RejectUnknown();
        if (problems.Count == 0)
        {
            var command = new PublishAdvisory(request.Title, request.Summary, request.LessonsLearned, [.. request.Mitigations],
                [.. request.Categories.Select(c => (Domain.Category)(int)c)]);
            problems.AddRange(AdvisoryRules.Validate(command).Select(v => new FieldProblem(v.Field, v.Rule)));
        }
        return problems.Count > 0 ? throw new ManifestException(source, problems) : request;
    }
}
