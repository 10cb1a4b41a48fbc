using System.Text.Json.Nodes;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// Save-time validation: the parser's problems (with the tenant's published templates as its template check) and the
/// JSON Schema's, each at its JSON path. A schema problem inside a step or arm the parser already named adds nothing new
/// and is left out; one the parser missed is reported too, so the two cannot drift apart silently.
/// </summary>
public sealed class WorkflowValidation(TemplateResolver templates)
{
    public const int MaxDefinitionBytes = 256 * 1024;

    public async Task<(WorkflowDefinition? Definition, IReadOnlyList<WorkflowProblem> Problems)> CheckAsync(Guid tenantId, string json,
        CancellationToken ct)
    {
        // The template check is synchronous: resolve every (channel, template) the definition names first.
        var known = new HashSet<(string, string)>();
        foreach (var (channel, template) in SendTargets(json))
            if (await templates.ResolveAsync(tenantId, template, channel, null, ct) is not null) known.Add((channel, template));
        var parsed = WorkflowParser.Parse(json, (channel, template) =>
            known.Contains((channel, template)) ? null : $"no published {channel} template '{template}'");
        var problems = parsed.Problems.ToList();
        foreach (var p in WorkflowSchema.Validate(json))
            if (!parsed.Problems.Any(q => Covers(ItemOf(q.Path), p.Path) || Covers(p.Path, q.Path))) problems.Add(p);
        return (problems.Count == 0 ? parsed.Definition : null, problems);
    }

    /// <summary>422 listing every problem by JSON path, or the definition.</summary>
    public async Task<WorkflowDefinition> RequireAsync(Guid tenantId, string json, CancellationToken ct)
    {
        var (definition, problems) = await CheckAsync(tenantId, json, ct);
        if (definition is not null) return definition;
        var errors = problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
        throw new RequestValidationException(errors, 422,
            $"The workflow has {problems.Count} problem(s): {string.Join("; ", problems.Take(5))}");
    }

    /// <summary>The step (or arm) a path is inside: `$.steps[2].arms[0].when` → `$.steps[2].arms[0]`. A schema's `oneOf` over
    /// step kinds reports what every other kind would have needed; once the parser named the step, that is noise.</summary>
    private static string ItemOf(string path) => path.LastIndexOf(']') is var i and >= 0 ? path[..(i + 1)] : path;

    private static bool Covers(string outer, string inner) =>
        inner == outer || inner.StartsWith(outer + ".", StringComparison.Ordinal)
            || inner.StartsWith(outer + "[", StringComparison.Ordinal);

    /// <summary>Every (channel, template) pair of send steps anywhere in the JSON, read leniently (problems are the parser's).</summary>
    private static IEnumerable<(string Channel, string Template)> SendTargets(string json)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); } catch (System.Text.Json.JsonException) { yield break; }
        var stack = new Stack<JsonNode?>([root]);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case JsonObject o:
                    if (o["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "send"
                        && o["template"] is JsonValue tv && tv.TryGetValue<string>(out var template))
                    {
                        var channels = o["channel"] is JsonValue c && c.TryGetValue<string>(out var one) ? [one]
                            : o["channels"] is JsonArray list
                                ? list.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()
                                : [];
                        foreach (var channel in channels.Where(WorkflowLimits.Channels.Contains)) yield return (channel, template);
                    }
                    foreach (var (_, v) in o) stack.Push(v);
                    break;
                case JsonArray a:
                    foreach (var v in a) stack.Push(v);
                    break;
            }
        }
    }
}
