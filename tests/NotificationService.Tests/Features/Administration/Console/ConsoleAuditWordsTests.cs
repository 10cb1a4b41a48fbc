using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The audit log says what happened in words and names objects as people know them: "published workflow `escalation`
/// version 2", a template by its key, channel and locale, an edit by the fields it changed ("changed subject, html").
/// It named templates by id and said "workflow.publish: 43 field(s)".
/// </summary>
[Collection("console")]
public class ConsoleAuditWordsTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task Entries_name_their_object_by_key_and_say_what_changed_in_words()
    {
        var tenant = await console.NewTenantAsync(null);
        var template = await tenant.Http.CreateTemplateAsync(new { key = "welcome", channel = "email", locale = "en", parts = new { subject = "Hi", html = "<p>Hello</p>" } });
        var id = template.Id();
        Assert.True((await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/{id}", new { parts = new { subject = "Hi there", html = "<p>Hello you</p>" } })).IsSuccessStatusCode);
        Assert.True((await tenant.Http.PostJsonAsync($"{TemplateApi.Root}/{id}/publish", new { version = 2 })).IsSuccessStatusCode);
        const string Workflow = """{"key":"escalation","name":"Escalation","steps":[{"id":"wait","type":"waitFor","event":"read","timeout":"PT1H"}]}""";
        await tenant.Http.PublishWorkflowAsync(Workflow);
        Assert.True((await tenant.Http.PutAsync($"{WorkflowApi.Admin}/escalation", WorkflowApi.Json(Workflow.Replace("PT1H", "PT2H")))).IsSuccessStatusCode);
        Assert.True((await tenant.Http.PostAsync($"{WorkflowApi.Admin}/escalation/publish", null)).IsSuccessStatusCode);

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/audit");
        Entry Row(string action, int nth = 0) => new(page.Locator("#audit tr[data-entry]").Filter(new() { Has = page.Locator($"[data-action]:text-is('{action}')") }).Nth(nth));

        await Assertions.Expect(Row("template.create").What).ToHaveTextAsync("created template `welcome` (email, en), version 1");
        await Assertions.Expect(Row("template.update").What).ToHaveTextAsync("changed template `welcome` (email, en), version 2");
        await Assertions.Expect(Row("template.update").Summary).ToHaveTextAsync("changed html, subject");
        await Assertions.Expect(Row("template.publish").What).ToHaveTextAsync("published template `welcome` (email, en) version 2");
        await Assertions.Expect(Row("workflow.publish", 0).What).ToHaveTextAsync("published workflow `escalation` version 2");   // newest first
        await Assertions.Expect(Row("workflow.publish", 1).What).ToHaveTextAsync("published workflow `escalation` version 1");
        Assert.DoesNotContain(id.ToString(), string.Join(" ", await page.Locator("#audit [data-what]").AllTextContentsAsync()));
        await page.AssertAccessibleAsync();
    }

    private sealed record Entry(ILocator Row)
    {
        public ILocator What => Row.Locator("[data-what]");
        public ILocator Summary => Row.Locator("summary");
    }
}
