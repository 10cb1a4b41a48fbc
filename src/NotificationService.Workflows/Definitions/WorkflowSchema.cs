using NJsonSchema;
using NJsonSchema.Validation;

namespace NotificationService.Workflows.Definitions;

/// <summary>
/// The hand-written JSON Schema of a definition (workflow.schema.json, draft-07, an embedded resource), served to clients
/// and checked with NJsonSchema on every save next to <see cref="WorkflowParser"/>. The parser is the finer check (it
/// also knows what a schema cannot say: ids unique across the tree, conditions that parse, durations' lengths, nesting);
/// the schema is what editors and clients can use on their own, and a spec keeps the two agreeing on a set of samples.
/// </summary>
public static class WorkflowSchema
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(WorkflowSchema).Assembly.GetManifestResourceStream("workflow.schema.json")!;
        return new StreamReader(stream).ReadToEnd();
    });

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromJsonAsync(Text.Value).GetAwaiter().GetResult());

    /// <summary>The schema document as served.</summary>
    public static string Json => Text.Value;

    /// <summary>Schema errors as problems at JSON paths (`$.steps[0].channel`), innermost reasons of a `oneOf` included.</summary>
    public static IReadOnlyList<WorkflowProblem> Validate(string json)
    {
        ICollection<ValidationError> errors;
        try { errors = Schema.Value.Validate(json); }
        catch (Exception e) { return [new WorkflowProblem("$", $"not JSON: {e.Message}")]; }
        var problems = new List<WorkflowProblem>();
        foreach (var e in errors) Flatten(e, problems);
        return problems.DistinctBy(p => (p.Path, p.Message)).ToList();
    }

    private static void Flatten(ValidationError e, List<WorkflowProblem> into)
    {
        into.Add(new WorkflowProblem(PathOf(e), $"{e.Kind}{(e.Property is null ? "" : $" ({e.Property})")}"));
        if (e is ChildSchemaValidationError child)
            foreach (var inner in child.Errors.Values.SelectMany(v => v)) Flatten(inner, into);
    }

    /// <summary>NJsonSchema's `#/steps[0].channel` as `$.steps[0].channel`.</summary>
    private static string PathOf(ValidationError e) => e.Path is null or "#" ? "$" : "$" + e.Path.TrimStart('#').Replace("/", ".");
}
