using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json.Nodes;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Automation.WorkflowEditor.StepProblems;

/// <summary>Every problem of a definition, grouped under the id of the step it is in; problems outside every step
/// (the key, the name, a step without an id) stay under their JSON path.</summary>
public sealed record StepProblemsAnswer(bool Valid, IReadOnlyDictionary<string, string[]> Steps,
    IReadOnlyDictionary<string, string[]> Definition);

/// <summary>`POST /api/v1/admin/workflows/validate/steps`: the editor's check as the user edits. The same validator as
/// save and publish (<see cref="WorkflowValidation"/>). A definition with problems is a 422, as `/validate` answers, with
/// the same body as a sound one's 200: the problem list per step, which the console's canvas draws on its cards (the
/// canvas asks through its page, with <see cref="AnswerAsync"/>).</summary>
public static class StepProblemEndpoints
{
    public static void MapWorkflowStepProblems(this WebApplication app) =>
        app.MapPost("/api/v1/admin/workflows/validate/steps", CheckAsync).WithTags("Admin: workflows").RequireScopes()
            .WithSummary("Check a definition without saving it: every problem under the id of the step it is in")
            .Accepts<JsonObject>("application/json").ProducesValidationProblem(400).Produces<StepProblemsAnswer>(422);

    private static async Task<Results<Ok<StepProblemsAnswer>, UnprocessableEntity<StepProblemsAnswer>>> CheckAsync(HttpContext http,
        WorkflowValidation validation, CancellationToken ct)
    {
        var (_, raw) = await JsonBody.ReadAsync<JsonObject>(http.Request, WorkflowValidation.MaxDefinitionBytes, ct);
        var answer = await AnswerAsync(validation, http.User.TenantId(), Encoding.UTF8.GetString(raw), ct);
        return answer.Valid ? TypedResults.Ok(answer) : TypedResults.UnprocessableEntity(answer);
    }

    /// <summary>The answer for one definition's text; the console's canvas asks through its page with the same call.</summary>
    public static async Task<StepProblemsAnswer> AnswerAsync(WorkflowValidation validation, Guid tenantId, string json,
        CancellationToken ct)
    {
        var (_, problems) = await validation.CheckAsync(tenantId, json, ct);
        JsonNode? root;
        try { root = JsonNode.Parse(json); } catch (System.Text.Json.JsonException) { root = null; }
        var steps = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var definition = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var problem in problems)
        {
            var (bucket, key) = StepOfPath.Find(root, problem.Path) is { } id ? (steps, id) : (definition, problem.Path);
            if (!bucket.TryGetValue(key, out var list)) bucket[key] = list = [];
            list.Add(problem.Message);
        }
        return new StepProblemsAnswer(problems.Count == 0,
            steps.ToDictionary(p => p.Key, p => p.Value.ToArray()), definition.ToDictionary(p => p.Key, p => p.Value.ToArray()));
    }
}
