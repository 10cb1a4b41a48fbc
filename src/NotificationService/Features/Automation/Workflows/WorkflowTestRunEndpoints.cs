using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>`POST /api/v1/admin/workflows/{key}/test-runs`: a test run of a saved version (<see cref="WorkflowTestRuns"/>),
/// beside the workflow admin routes and with their scope; 202 with the run's status URL.</summary>
public static class WorkflowTestRunEndpoints
{
    public const int BodyLimit = TriggerRules.MaxDataBytes + 4096;

    public static void MapWorkflowTestRuns(this WebApplication app) =>
        app.MapGroup("/api/v1/admin/workflows").WithTags("Admin: workflows").RequireScopes()
            .MapPost("/{key}/test-runs", async Task<Accepted<TestRunStarted>> (string key, HttpContext http, WorkflowTestRuns testRuns,
                CancellationToken ct) =>
            {
                var (req, _) = await JsonBody.ReadAsync<TestRunRequest>(http.Request, BodyLimit, ct);
                var started = await testRuns.StartAsync(http.User.TenantId(), key, req, http.Request.PathBase, ct);
                return TypedResults.Accepted(started.StatusUrl, started);
            })
            .WithSummary("Test-run a saved version (the latest, a draft included) for one user: sandboxed sends, shortened delays")
            .Audited("workflow.test_run", "workflow", targetOf: http => http.GetRouteValue("key")?.ToString())
            .Accepts<TestRunRequest>("application/json").ProducesValidationProblem(400).ProducesValidationProblem(422).ProducesProblem(404);
}
