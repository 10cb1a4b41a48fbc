using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Features.Sending.Topics;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>How a trigger naming topics is doing: runsStarted counts the runs its committed chunks started.</summary>
public sealed record WorkflowFanOutStatus(Guid Id, string Status, IReadOnlyList<string> Topics, long? MembersTotal, long MembersDone,
    long RunsStarted, double Percent, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public static WorkflowFanOutStatus Of(FanOutStatus s) => new(s.Id, s.Status, s.Topics, s.MembersTotal, s.MembersDone,
        s.NotificationsCreated, s.Percent, s.Error, s.CreatedAt, s.StartedAt, s.FinishedAt);
}

/// <summary>
/// `GET /api/v1/services/workflows/fan-outs/{id}`: the progress of a trigger naming topics (members done of the
/// snapshot's total, runs started); `POST …/cancel` stops it: chunks not yet committed start no runs, runs already started
/// go on (cancel those by their cancellationKey). Another tenant's fan-out, or a send's, is a 404.
/// </summary>
public static class WorkflowFanOutEndpoints
{
    public static void MapWorkflowFanOuts(this WebApplication app)
    {
        var group = app.MapGroup(WorkflowFanOutAccept.StatusPath).WithTags("Workflows").RequireScopes();
        group.MapGet("/{id:guid}", GetAsync).WithSummary("Get the progress of a trigger naming topics");
        group.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithSummary("Cancel a trigger naming topics: members not yet reached get no run").ProducesProblem(404).ProducesProblem(409);
    }

    private static async Task<Results<Ok<WorkflowFanOutStatus>, NotFound>> GetAsync(Guid id, HttpContext http, FanOutStore store,
        CancellationToken ct) =>
        await store.GetAsync(http.User.TenantId(), id, FanOutKind.Workflow, ct) is { } s
            ? TypedResults.Ok(WorkflowFanOutStatus.Of(s))
            : TypedResults.NotFound();

    private static async Task<Ok<WorkflowFanOutStatus>> CancelAsync(Guid id, HttpContext http, FanOutStore store, CancellationToken ct) =>
        TypedResults.Ok(WorkflowFanOutStatus.Of(
            await FanOutEndpoints.CancelAsync(store, http.User.TenantId(), id, FanOutKind.Workflow, ct)));
}
