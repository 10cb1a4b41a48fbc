using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.People.Recipients;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// A test run from the workflow's page: the same userId and data fields as the test trigger, but the latest saved
/// version (the draft being edited, unpublished) through <see cref="WorkflowTestRuns"/>, the code behind
/// `POST /api/v1/admin/workflows/{key}/test-runs`: its sends go to the sandbox, its delays and waits are shortened. The
/// userId field offers the tenant's first users to pick from; any userId may be typed. The run's page opens and follows it live.
/// </summary>
public sealed partial class WorkflowEditModel
{
    /// <summary>How many of the tenant's users the userId field offers.</summary>
    private const int OfferedTestUsers = 20;

    /// <summary>Read by the form as it is drawn (the page's constructor belongs to the editor).</summary>
    public async Task<IReadOnlyList<string>> TestUsersAsync(CancellationToken ct)
    {
        var profiles = HttpContext.RequestServices.GetRequiredService<ProfileStore>();
        var first = await profiles.ListAsync(TenantId, new ProfileFilter(null, null, null), null, OfferedTestUsers, ct);
        return [.. first.Select(p => p.UserId)];
    }

    public async Task<IActionResult> OnPostTestRunAsync(string existing, string? userId, string? data,
        [FromServices] WorkflowTestRuns testRuns, CancellationToken ct)
    {
        if (!await LoadAsync(existing, ct)) return NotFound();
        await ShowLatestAsync(existing, ct);
        (TestUserId, TestData) = (userId, data);
        if (!TryReadTestData(data, out var parsed)) return Page();
        try
        {
            var request = new TestRunRequest { UserId = userId?.Trim(), Data = parsed };
            var started = await testRuns.StartAsync(TenantId, existing, request, Request.PathBase, ct);
            await audit.RecordAsync(Caller, "workflow.test_run", "workflow", existing, null, null, ct);   // as the API's route is
            var which = started.Version == Existing!.PublishedVersion ? "the published version" : "the draft";
            Flash = $"Test run of version {started.Version} ({which}) started for {request.UserId}: its sends go to the sandbox.";
            return Redirect($"/admin/workflows/runs/{started.RunId}");
        }
        catch (ApiException e)
        {
            Refused(e);
            return Page();
        }
    }
}
