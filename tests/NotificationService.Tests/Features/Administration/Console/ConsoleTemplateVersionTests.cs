using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The editor's version tools: a diff between two versions, rollback and test-send, each through the API's own commands.</summary>
[Collection("console")]
public class ConsoleTemplateVersionTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task Two_versions_are_diffed_line_by_line_a_publication_is_rolled_back_and_a_version_is_test_sent()
    {
        var tenant = await console.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(TemplateApi.Sms("reminder", "Hello {{name}}\nSee you soon"));   // v1, published
        var url = $"{TemplateApi.Root}/{template.Id()}";
        await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync(url, new { parts = new { body = "Hello {{name}}\nSee you tomorrow" } }), 200);
        await tenant.Http.PostOkAsync($"{url}/publish", new { });   // v2, published over v1

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, $"/admin/templates/{template.Id()}");
        await page.GetByLabel("Compare version").SelectOptionAsync("1");
        await page.GetByLabel("with version").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        var body = page.Locator("#diff pre[data-part=body]");
        await Assertions.Expect(body.Locator(".kept")).ToHaveTextAsync("  Hello {{name}}");
        await Assertions.Expect(body.Locator(".removed")).ToHaveTextAsync("- See you soon");
        await Assertions.Expect(body.Locator(".added")).ToHaveTextAsync("+ See you tomorrow");

        await page.GetByRole(AriaRole.Button, new() { Name = "Roll back to the previously published version" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("version 1 is published again");
        Assert.Equal(1, (await tenant.Http.GetJsonAsync(url))["publishedVersion"]!.GetValue<int>());
        await page.GetByRole(AriaRole.Button, new() { Name = "Roll back to the previously published version" }).ClickAsync();
        await Assertions.Expect(page.Locator("#save-errors")).ToContainTextAsync("no earlier published version");   // a form error, not a 5xx

        await page.GetByLabel("Test recipient phone").FillAsync("not-a-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        await Assertions.Expect(page.Locator("#save-errors")).ToContainTextAsync("recipient.phone");
        await page.GetByLabel("Test recipient phone").FillAsync("+14155550123");
        await page.GetByLabel("Version", new() { Exact = true }).SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Test send of version 2 queued");
        var id = Guid.Parse((await page.Locator("#flash").TextContentAsync())!.Split("notification ")[1].TrimEnd('.'));
        await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal("Hello Ada\nSee you tomorrow", (await console.SandboxContentAsync(id))["body"]!.GetValue<string>());   // the draft-era v2, not the published v1

        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=template");
        Assert.Contains("template.rollback", audit);
    }
}
