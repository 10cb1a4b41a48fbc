using Microsoft.Playwright;
using NotificationService.Tests.Features.Automation.Digests;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// Digest windows in the console: a workflow lists its open windows, a run shows the window it waits in with the events
/// so far, and once the window closed, the run that carried it shows the digest's events and a digested run links to it.
/// axe-core finds nothing on these pages.
/// </summary>
[Collection("console")]
public class ConsoleDigestWindowTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_workflow_lists_its_open_windows_and_a_run_shows_the_window_it_waits_in_then_the_digest_it_carried()
    {
        var tenant = await console.TenantAsync();
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, DigestApi.Mail));
        var runs = new[] { await tenant.Http.CommentAsync("pr-42", "Looks good"), await tenant.Http.CommentAsync("pr-42", "One nit") };
        foreach (var run in runs) await tenant.Http.WaitForWaitAsync(run, "batch");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/workflows/edit?key=comments");
        var open = page.Locator("#open-windows tbody tr");
        await Assertions.Expect(open).ToHaveCountAsync(1);
        await Assertions.Expect(open).ToContainTextAsync("pr-42");
        await Assertions.Expect(open.Locator("td").Nth(4)).ToHaveTextAsync("2");
        await page.AssertAccessibleAsync();

        await page.GotoAsync($"/admin/workflows/runs/{runs[1]}");
        var window = page.Locator("#run-windows [data-window]");
        await Assertions.Expect(window).ToContainTextAsync("This run waits in a fixed window: open, 2 event(s)");
        await Assertions.Expect(window.Locator(".window-events li")).ToHaveCountAsync(2);
        await Assertions.Expect(window).ToContainTextAsync("One nit");
        await page.AssertAccessibleAsync();

        await console.CloseWindowsAsync(tenant.Id);
        var ended = new List<System.Text.Json.Nodes.JsonNode>();
        foreach (var run in runs) ended.Add(await tenant.Http.WaitForRunAsync(run, "completed"));
        var carrier = Guid.Parse(ended.Single(r => r.Sends("mail"))["id"]!.GetValue<string>());
        var digested = runs.Single(r => r != carrier);

        await page.GotoAsync($"/admin/workflows/runs/{digested}");
        await page.GetByRole(AriaRole.Link, new() { Name = "The run that carried this run's event" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/admin/workflows/runs/{carrier}$"));
        await Assertions.Expect(page.Locator("#run-windows [data-window]")).ToContainTextAsync("This run carries the digest of a fixed window: closed, 2 event(s)");
        await Assertions.Expect(page.Locator("#run-windows .window-events li")).ToHaveCountAsync(2);
        await page.AssertAccessibleAsync();

        await page.GotoAsync("/admin/workflows/edit?key=comments");
        await Assertions.Expect(page.Locator("#open-windows-none")).ToBeVisibleAsync();
    }
}
