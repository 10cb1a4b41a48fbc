using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// A workflow is tried from its page: a userId and a data object start one run through the API's trigger code (its
/// checks, its published version), and the run's page opens; bad input is refused at its field and starts nothing.
/// </summary>
[Collection("console")]
public class ConsoleWorkflowTestTriggerTests(ConsoleFixture console)
{
    private const string Waiting = """{"key":"follow-up","name":"Follow-up","steps":[{"id":"wait-reply","type":"waitFor","event":"replied","timeout":"PT1H"}]}""";

    [ChromiumFact]
    public async Task A_test_trigger_starts_one_run_of_the_published_version_with_the_data_typed_and_opens_it()
    {
        var tenant = await console.NewTenantAsync(null);
        await tenant.Http.PublishWorkflowAsync(Waiting);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/workflows/edit?key=follow-up");
        await page.AssertAccessibleAsync();

        var form = page.Locator("#test-trigger");
        await form.GetByLabel("userId").FillAsync("ada");
        await form.GetByLabel("Data (JSON object, optional)").FillAsync("""{"orderId": "1234"}""");
        await form.GetByRole(AriaRole.Button, new() { Name = "Trigger a test run" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/workflows/runs/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Test run started for ada with version 1.");
        var run = Guid.Parse(page.Url[^36..]);
        var stored = await tenant.Http.WaitForRunAsync(run, "waiting");
        Assert.Equal("ada", stored.Text("userId"));
        Assert.Equal("follow-up", stored.Text("workflow"));
        Assert.Equal("1234", stored["data"]!["orderId"]!.GetValue<string>());
    }

    [ChromiumFact]
    public async Task Bad_data_a_bad_userId_and_an_unpublished_workflow_are_refused_at_their_field_and_start_no_run()
    {
        var tenant = await console.NewTenantAsync(null);
        await tenant.Http.PublishWorkflowAsync(Waiting);
        Assert.True((await tenant.Http.PostAsync(WorkflowApi.Admin, WorkflowApi.Json(Waiting.Replace("follow-up", "draft-only")))).IsSuccessStatusCode);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/workflows/edit?key=follow-up");
        var form = page.Locator("#test-trigger");
        var trigger = form.GetByRole(AriaRole.Button, new() { Name = "Trigger a test run" });

        await form.GetByLabel("userId").FillAsync("ada");
        await form.GetByLabel("Data (JSON object, optional)").FillAsync("[1, 2]");
        await trigger.ClickAsync();
        await Assertions.Expect(page.Locator("#err-test-data")).ToContainTextAsync("Data is a JSON object");
        await Assertions.Expect(form.GetByLabel("userId")).ToHaveValueAsync("ada");   // what was typed stays

        await form.GetByLabel("userId").FillAsync(new string('u', 300));
        await form.GetByLabel("Data (JSON object, optional)").FillAsync("");
        await trigger.ClickAsync();
        await Assertions.Expect(page.Locator("#err-test-user p")).Not.ToHaveCountAsync(0);
        await page.AssertAccessibleAsync();

        await page.GotoAsync("/admin/workflows/edit?key=draft-only");
        await form.GetByLabel("userId").FillAsync("ada");
        await trigger.ClickAsync();
        await Assertions.Expect(form.Locator(".error")).ToContainTextAsync("has no published version");
        Assert.Empty((await tenant.Http.GetJsonAsync($"{WorkflowApi.Services}/runs"))["items"]!.AsArray());
    }
}
