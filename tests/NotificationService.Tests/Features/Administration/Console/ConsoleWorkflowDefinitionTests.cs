using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// Workflows in the console (issue 33): the list, the JSON editor with every problem at its JSON path, the server-drawn
/// picture (branch arms side by side), runs with their timelines, cancel and resume; each page with no axe-core violations.
/// </summary>
[Collection("console")]
public class ConsoleWorkflowDefinitionTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_workflow_is_written_checked_by_path_published_drawn_and_its_runs_followed_cancelled_and_resumed()
    {
        var tenant = await console.NewTenantAsync();
        await tenant.Http.AddEscalationTemplatesAsync();
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/workflows");
        await AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "New workflow" }).ClickAsync();

        // Problems: each listed at its JSON path, nothing saved.
        var editor = page.GetByLabel("Definition (JSON)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Advanced (JSON)" }).ClickAsync();   // the canvas is the first tab
        await editor.FillAsync("""
            {"key": "order-update", "name": "Order update", "steps": [
              {"id": "inbox", "type": "send", "channel": "fax", "template": "order-update"},
              {"id": "wait", "type": "delay", "for": "P91D"}]}
            """);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        var errors = page.Locator("#workflow-errors li");
        await Assertions.Expect(errors).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#workflow-errors li[data-path='$.steps[0].channel']")).ToContainTextAsync("$.steps[0].channel");
        await Assertions.Expect(page.Locator("#workflow-errors li[data-path='$.steps[1].for']")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and publish" }).ClickAsync();
        await Assertions.Expect(errors).ToHaveCountAsync(2);
        Assert.Equal(404, (int)(await tenant.Http.GetAsync($"{WorkflowApi.Admin}/order-update")).StatusCode);

        // The escalation example: saved and published, drawn with the wait's outcomes and the branch's arms side by side.
        await page.GetByRole(AriaRole.Button, new() { Name = "Advanced (JSON)" }).ClickAsync();
        await editor.FillAsync(WorkflowApi.Escalation);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and publish" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Version 1 is published");
        Assert.Equal(1, (await tenant.Http.GetJsonAsync($"{WorkflowApi.Admin}/order-update"))["publishedVersion"]!.GetValue<int>());
        var picture = page.Locator("#workflow-picture");
        await Assertions.Expect(picture.Locator("[data-step]")).ToHaveCountAsync(7);
        // Geometry is read once the stylesheet is in: the flash and the steps are in the DOM before it, and without it the
        // arms lie one under the other (a loaded machine measured them so).
        await page.WaitForLoadStateAsync(LoadState.Load);
        foreach (var step in new[] { "wait-read", "vip" })
        {
            var arms = picture.Locator($"li[data-step='{step}'] > .wf-arms > .wf-arm");
            await Assertions.Expect(arms).ToHaveCountAsync(2);
            var (first, second) = ((await arms.Nth(0).BoundingBoxAsync())!, (await arms.Nth(1).BoundingBoxAsync())!);
            Assert.True(second.X >= first.X + first.Width && Math.Abs(second.Y - first.Y) < 1, $"{step}'s arms are not side by side");
        }
        await Assertions.Expect(picture.Locator("li[data-step='vip'] .wf-arm-label").First).ToHaveTextAsync("when recipient.data.tier == 'gold'");
        await AssertAccessibleAsync(page);

        // A run: listed, its timeline and where it is in the picture; cancelled and resumed from the console.
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com", name = "Ada" });
        var run = (await tenant.Http.TriggerAsync("order-update", new { recipients = new[] { "ada" }, data = new { orderId = "1234" } })).Single();
        await tenant.Http.WaitForWaitAsync(run, "wait-read");
        await page.GetByRole(AriaRole.Link, new() { Name = "Runs of order-update" }).ClickAsync();
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(1);
        await AssertAccessibleAsync(page);
        await page.Locator($"#runs tr[data-run='{run}'] a").ClickAsync();
        await Assertions.Expect(page.Locator("#run-timeline li[data-step=inbox][data-what=sent]")).ToContainTextAsync("in_app · order-update");
        await Assertions.Expect(page.Locator("#run-timeline li[data-step=wait-read][data-what=waiting]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#run-picture li[data-step=wait-read] > .wf-box .wf-state")).ToHaveTextAsync("run: waiting");
        await Assertions.Expect(page.Locator("#run-picture li[data-step=inbox] > .wf-box .wf-state")).ToHaveTextAsync("run: sent");
        await AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel run" }).ClickAsync();
        await Assertions.Expect(page.Locator("#run-state")).ToHaveTextAsync("cancelled");
        Assert.Equal("cancelled", (await tenant.Http.RunAsync(run)).Text("state"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume run" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("resumed");
        await tenant.Http.WaitForRunAsync(run, "waiting");
    }

    [ChromiumFact]
    public async Task Another_tenants_workflow_and_run_are_404s()
    {
        var owner = await console.NewTenantAsync(null);
        await owner.Http.PublishWorkflowAsync("""{"key":"w","name":"W","steps":[{"id":"w","type":"waitFor","event":"e","timeout":"PT1H"}]}""");
        var run = (await owner.Http.TriggerAsync("w", new { recipients = new[] { "u1" } })).Single();
        var intruder = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, intruder);
        Assert.Equal(404, (await page.GotoAsync("/admin/workflows/edit?key=w"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/admin/workflows/runs/{run}"))!.Status);
        await page.GotoAsync("/admin/workflows/runs");
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(0);
        await page.GotoAsync("/admin/workflows/edit");   // a page with a form, for its antiforgery token
        var status = await page.EvaluateAsync<int>("""
            async (id) => (await fetch(`/admin/workflows/runs/${id}?handler=Cancel`, {
                method: "POST", credentials: "same-origin",
                headers: { "X-CSRF-Token": document.querySelector("input[name=__csrf]").value, "Content-Type": "application/x-www-form-urlencoded" },
                body: "" })).status
            """, run.ToString());
        Assert.Equal(404, status);
        Assert.NotEqual("cancelled", (await owner.Http.RunAsync(run)).Text("state"));
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0,
            string.Join("\n", result.Violations.Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }
}
