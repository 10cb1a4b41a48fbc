using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// A test run from the workflow's page runs the draft, not the published version, and the run's page follows it: the
/// timeline's lines appear as the run moves, without a reload, up to the sandbox send, and the status line says what was
/// added. The page passes axe with its live region, in light and dark, at 1366 and 390 px.
/// </summary>
[Collection("console")]
public class ConsoleWorkflowTestRunTests(ConsoleFixture console)
{
    private const string Published = """{"key":"greet","name":"Greet","steps":[{"id":"stop","type":"exit","reason":"published version"}]}""";

    // The draft waits an hour (a minute in a test run) and then mails: the spec makes the delay due once the page shows it.
    private const string Draft = """
        {"key":"greet","name":"Greet","steps":[{"id":"pause","type":"delay","for":"PT1H"},
          {"id":"mail","type":"send","channel":"email","template":"hello"}]}
        """;

    [ChromiumFact]
    public async Task A_test_run_of_the_draft_opens_its_run_and_the_timeline_fills_in_live_up_to_the_sandbox_send()
    {
        var tenant = await console.NewTenantAsync();
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com" });
        await tenant.Http.CreateTemplateAsync(new { key = "hello", channel = "email", locale = "en", parts = new { subject = "Hello {{name}}", text = "Hi." } });
        await tenant.Http.PublishWorkflowAsync(Published);
        await TemplateApi.ExpectAsync(await tenant.Http.PutAsync($"{WorkflowApi.Admin}/greet", WorkflowApi.Json(Draft)), 200);
        var page = await console.NewPageAsync();
        var scriptErrors = page.RecordScriptErrors();
        await page.SignInAtAsync(console, tenant, "/admin/workflows/edit?key=greet");

        var form = page.Locator("#test-trigger");
        await Assertions.Expect(form.Locator("#test-users option[value='ada']")).ToHaveCountAsync(1);   // offered to pick
        await form.GetByLabel("userId").FillAsync("ada");
        await form.GetByLabel("Data (JSON object, optional)").FillAsync("""{"name": "Ada"}""");
        await form.GetByRole(AriaRole.Button, new() { Name = "Test run of the draft" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/workflows/runs/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Test run of version 2 (the draft) started for ada: its sends go to the sandbox.");
        await Assertions.Expect(page.Locator("#run-test")).ToHaveTextAsync("test run");
        var run = Guid.Parse(page.Url[^36..]);

        var timeline = page.Locator("#run-timeline");
        await Assertions.Expect(timeline.Locator("li[data-step='pause'][data-what='delayed']")).ToHaveCountAsync(1);
        await page.EvaluateAsync("() => { window.sameDocument = true; }");   // gone if the page reloads or navigates
        await console.MakeDueAsync(run, "timer");

        await Assertions.Expect(timeline.Locator("li[data-step='mail'][data-what='sent']")).ToHaveCountAsync(1);
        await Assertions.Expect(timeline.Locator("li[data-step='mail'] a[href^='/admin/notifications/']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#run-state")).ToHaveTextAsync("completed");
        await Assertions.Expect(page.Locator("#timeline-news")).ToContainTextAsync("mail sent");
        await Assertions.Expect(timeline).ToHaveAttributeAsync("data-live", "ended");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the run page reloaded instead of filling in live");

        Assert.Equal(1L, await console.ScalarAsync<long>(
            "select count(*) from audit_log where tenant_id = $1 and action = 'workflow.test_run' and target_id = 'greet'", tenant.Id));
        var stored = await tenant.Http.RunAsync(run);
        Assert.Equal(2, stored["version"]!.GetValue<int>());
        var mail = stored.Sent()["mail"].Single();
        await console.Ledger.WaitForAsync(mail, "sent");
        Assert.Contains("Hello Ada", await console.ScalarAsync<string>(
            "select content::text from sandbox_messages where tenant_id = $1 and notification_id = $2", tenant.Id, mail));

        await page.AssertAccessibleInEachSchemeAndWidthAsync();

        // The runs list tells the test run from a real one.
        await tenant.Http.TriggerAsync("greet", new { recipients = new[] { "ada" }, data = new { name = "Ada" } });
        await page.GotoAsync($"{console.BaseAddress}admin/workflows/runs?workflow=greet");
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator($"#runs tr[data-run='{run}'] [data-test-run]")).ToHaveTextAsync("test run");
        await Assertions.Expect(page.Locator("#runs [data-test-run]")).ToHaveCountAsync(1);
        Assert.Empty(scriptErrors);
    }
}
