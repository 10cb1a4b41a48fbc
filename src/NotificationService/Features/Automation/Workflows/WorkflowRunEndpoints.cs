using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Automation.Workflows;

public sealed record CancelQuery(string? Workflow = null, string? UserId = null, string? CancellationKey = null);

public sealed record CancelledCount(int Cancelled);

public sealed record WorkflowEvent(string? Name, string? UserId, string? Key = null, JsonObject? Data = null);

public sealed record WokenCount(int Woken);

/// <summary>`/api/v1/services/workflows`: trigger, runs (get with timeline, keyset list, cancel by id or query, resume), events.</summary>
public static class WorkflowRunEndpoints
{
    private static readonly string[] States = ["running", "waiting", "completed", "cancelled", "failed"];

    public static void MapWorkflowRuns(this WebApplication app)
    {
        var g = app.MapGroup("/api/v1/services/workflows").WithTags("Workflows").RequireScopes();
        g.MapPost("/{key}/trigger", TriggerAsync)
            .WithSummary("Start one run of the published version per recipient (or per member of the topics named: a fan-out)")
            .Accepts<TriggerRequest>("application/json").Produces<TriggerAccepted>(202).ProducesValidationProblem()
            .ProducesValidationProblem(422).ProducesProblem(404)
            .AddOpenApiOperationTransformer(DescribeTriggerAnswer);
        g.MapPost("/events", EventAsync).WithSummary("An event for a user: wakes their runs waiting for it")
            .Accepts<WorkflowEvent>("application/json").Produces<WokenCount>(202).ProducesValidationProblem();
        g.MapGet("/runs", ListAsync).WithSummary("List runs, newest first (filter by workflow, userId, state)")
            .ProducesValidationProblem();
        g.MapGet("/runs/{id:guid}", async Task<Results<Ok<RunView>, NotFound>> (Guid id, HttpContext http, RunStore runs,
                CancellationToken ct) =>
            await runs.GetAsync(http.User.TenantId(), id, ct) is { } run ? TypedResults.Ok(run) : TypedResults.NotFound())
            .WithSummary("Get a run with its timeline");
        g.MapPost("/runs/{id:guid}/cancel", async Task<Ok<RunView>> (Guid id, HttpContext http, RunCommands commands, RunStore runs,
            CancellationToken ct) =>
        {
            await commands.CancelAsync(http.User.TenantId(), id, ct);
            return TypedResults.Ok((await runs.GetAsync(http.User.TenantId(), id, ct))!);
        }).WithSummary("Cancel a run: its wait or delay stops at once").ProducesProblem(404).ProducesProblem(409);
        g.MapPost("/runs/{id:guid}/resume", async Task<Ok<RunView>> (Guid id, HttpContext http, RunCommands commands, RunStore runs,
            CancellationToken ct) =>
        {
            await commands.ResumeAsync(http.User.TenantId(), id, ct);
            return TypedResults.Ok((await runs.GetAsync(http.User.TenantId(), id, ct))!);
        }).WithSummary("Resume a cancelled run where it stopped").ProducesProblem(404).ProducesProblem(409);
        g.MapPost("/runs/cancel", CancelWhereAsync)
            .WithSummary("Cancel every running or waiting run matching workflow, userId and cancellationKey")
            .Accepts<CancelQuery>("application/json").Produces<CancelledCount>().ProducesValidationProblem();
    }

    /// <summary>Recipients answer the runIds; topics answer the fan-out that will start the runs.</summary>
    private static async Task DescribeTriggerAnswer(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        CancellationToken ct)
    {
        if (operation.Responses is { } responses && responses.TryGetValue("202", out var accepted)
            && accepted.Content?.TryGetValue("application/json", out var media) == true && media.Schema is { } runIds)
        {
            // A named component, as TriggerAccepted is, so clients generate one type for it.
            context.Document!.AddComponent(nameof(WorkflowFanOutAccepted),
                await context.GetOrCreateSchemaAsync(typeof(WorkflowFanOutAccepted), null, ct));
            media.Schema = new OpenApiSchema
                { OneOf = [runIds, new OpenApiSchemaReference(nameof(WorkflowFanOutAccepted), context.Document)] };
        }
    }

    private static async Task<IResult> TriggerAsync(string key, HttpContext http, WorkflowTrigger trigger, CancellationToken ct)
    {
        var (request, raw) = await JsonBody.ReadAsync<TriggerRequest>(http.Request, 2 * 1024 * 1024, ct);
        // As on a send: a recipient's profile patch is a profile write, which the trigger's scope does not cover.
        var withProfile = request.Recipients?.ToList().FindIndex(r => r is JsonObject o && o.ContainsKey("profile")) ?? -1;
        if (withProfile >= 0) http.User.RequireFieldScope("recipients[].profile", $"recipients[{withProfile}].profile");
        var outcome = await trigger.TriggerAsync(http.User.TenantId(), key, request, raw,
            http.Request.Headers[IdempotencyStore.Header].FirstOrDefault(), http.Request.PathBase, ct);
        if (outcome.Replayed) http.Response.Headers[IdempotencyStore.ReplayedHeader] = "true";
        return Results.Content(outcome.Body, "application/json", statusCode: outcome.StatusCode);
    }

    private static async Task<Accepted<WokenCount>> EventAsync(HttpContext http, RunCommands commands, CancellationToken ct)
    {
        var (e, _) = await JsonBody.ReadAsync<WorkflowEvent>(http.Request, 256 * 1024, ct);
        var errors = new Dictionary<string, string[]>();
        if (e.Name is null || !WorkflowParser.EventNamePattern().IsMatch(e.Name))
            errors["name"] = ["An event name is 1 to 100 letters, digits, '.', '_', ':', '/' or '-'."];
        ProfileRules.CheckUserId(e.UserId, "userId", errors);
        if (e.Key is { Length: 0 or > 200 }) errors["key"] = ["A key is 1 to 200 characters."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return TypedResults.Accepted((string?)null,
            new WokenCount(await commands.EventAsync(http.User.TenantId(), e.Name!, e.UserId!, e.Key, ct)));
    }

    private static async Task<Ok<RunPage>> ListAsync(string? workflow, string? userId, string? state, int? limit, string? cursor,
        HttpContext http, RunStore runs, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (state is not null && !States.Contains(state)) errors["state"] = [$"One of {string.Join(", ", States)}."];
        if (limit is < 1 or > 200) errors["limit"] = ["Between 1 and 200."];
        Guid? before = null;
        if (cursor is not null)
        {
            if (Guid.TryParse(cursor, out var c)) before = c;
            else errors["cursor"] = ["Use the nextCursor of the previous page."];
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return TypedResults.Ok(await runs.ListAsync(http.User.TenantId(), new RunFilter(workflow, userId, state), before, limit ?? 50, ct));
    }

    private static async Task<Ok<CancelledCount>> CancelWhereAsync(HttpContext http, RunCommands commands, CancellationToken ct)
    {
        var (q, _) = await JsonBody.ReadAsync<CancelQuery>(http.Request, 4096, ct);
        if (q.Workflow is null && q.UserId is null && q.CancellationKey is null)
            throw RequestValidationException.For("$", "Name at least one of workflow, userId and cancellationKey.");
        var n = await commands.CancelWhereAsync(http.User.TenantId(), new RunFilter(q.Workflow, q.UserId, null, q.CancellationKey), ct);
        return TypedResults.Ok(new CancelledCount(n));
    }
}
