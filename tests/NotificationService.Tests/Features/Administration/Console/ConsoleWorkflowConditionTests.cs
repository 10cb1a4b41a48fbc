using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The branch form's condition builder: a field of the trigger data or the profile, a comparison and a value make the
/// JMESPath the engine evaluates, and the run takes that arm; a condition the builder cannot show stays raw, unchanged.
/// </summary>
[Collection("console")]
public class ConsoleWorkflowConditionTests(ConsoleFixture console)
{
    private const string Route = """
        {"key": "route", "name": "Route", "steps": [
          {"id": "by-priority", "type": "branch", "arms": [
            {"when": "data.kind == 'x'", "steps": [{"id": "urgent", "type": "send", "channel": "email", "template": "order-update-email"}]},
            {"when": "contains(data.tags || `[]`, 'vip')", "steps": [{"id": "tagged", "type": "exit", "reason": "a vip tag"}]}],
           "otherwise": [{"id": "calm", "type": "exit", "reason": "not urgent"}]}
        ]}
        """;

    [ChromiumFact]
    public async Task A_comparison_built_in_the_form_writes_its_jmespath_and_the_run_takes_that_arm()
    {
        var tenant = await console.NewTenantAsync();
        await tenant.Http.AddEscalationTemplatesAsync();
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com" });
        await tenant.Http.PublishWorkflowAsync(Route);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/workflows/edit?key=route");

        // The raw second arm is not shown in the builder: its fields stay empty and its text is kept as written.
        await Assertions.Expect(page.Locator("#step-by-priority-when-1-field")).ToHaveValueAsync("");
        await Assertions.Expect(page.Locator("[data-step-id='by-priority'] .wf-builder").Nth(1)).ToContainTextAsync("Not a simple comparison");
        await Assertions.Expect(page.Locator("#step-by-priority-when-0-field")).ToHaveValueAsync("data.kind");

        await page.SetAsync("step-by-priority-when-0-field", "data.priority");
        await page.Locator("#step-by-priority-when-0-operator").SelectOptionAsync("==");
        await page.SetAsync("step-by-priority-when-0-value", "high");
        var expected = JsonNode.Parse(Route)!;
        expected["steps"]![0]!["arms"]![0]!["when"] = "data.priority == 'high'";
        var json = await page.JsonAsync();
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(json)), json);
        Assert.Contains("\"when\": \"contains(data.tags || `[]`, 'vip')\"", json);

        await page.GetByRole(AriaRole.Button, new() { Name = "Save and publish" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Version 2 is published");
        var high = (await tenant.Http.TriggerAsync("route", new { recipients = new[] { "ada" }, data = new { priority = "high", orderId = "1" } })).Single();
        var low = (await tenant.Http.TriggerAsync("route", new { recipients = new[] { "ada" }, data = new { priority = "low", kind = "x", orderId = "2" } })).Single();
        Assert.Single((await tenant.Http.WaitForRunAsync(high, "completed")).Sent()["urgent"]);
        var lowSteps = (await tenant.Http.WaitForRunAsync(low, "completed")).Sent().Keys;
        Assert.Contains("calm", lowSteps);
        Assert.DoesNotContain("urgent", lowSteps);
    }
}
