using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>A template created from the console (the API's own create), and compile errors shown beside the part they are in.</summary>
[Collection("console")]
public class ConsoleTemplateCreateTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_template_created_from_the_console_lands_in_the_editor_and_a_send_renders_it_while_bad_input_is_shown_at_its_field()
    {
        var tenant = await console.NewTenantAsync(channels: "sms");
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/templates");
        await page.GetByLabel("New template for channel").SelectOptionAsync("sms");
        await page.GetByRole(AriaRole.Button, new() { Name = "New template" }).ClickAsync();
        var form = page.Locator("#create-template");
        await Assertions.Expect(form).ToContainTextAsync("A new sms template");

        // A bad key and a body that does not compile (unclosed block on line 2): both refused at their own field, nothing saved.
        await form.GetByLabel("Key").FillAsync("-bad key");
        await form.GetByLabel("body").FillAsync("Line one\n{{#if name}}Welcome {{name}}");
        var refused = await page.RunAndWaitForResponseAsync(() => form.GetByRole(AriaRole.Button, new() { Name = "Create template" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal(200, refused.Status);   // a form error, not a 5xx
        await Assertions.Expect(page.Locator("#err-key")).ToContainTextAsync("letters, digits");
        await form.GetByLabel("Key").FillAsync("console-made");
        await page.RunAndWaitForResponseAsync(() => form.GetByRole(AriaRole.Button, new() { Name = "Create template" }).ClickAsync(), r => r.Request.Method == "POST");
        await Assertions.Expect(page.Locator("#err-body")).ToContainTextAsync("Line 2");
        await Assertions.Expect(form.GetByLabel("body")).ToHaveValueAsync("Line one\n{{#if name}}Welcome {{name}}");   // the text is kept
        Assert.Equal(0L, await console.ScalarAsync<long>("select count(*) from templates where tenant_id = $1", tenant.Id));

        await form.GetByLabel("Locale").FillAsync("en-GB");
        await form.GetByLabel("body").FillAsync("Hi {{name}}, made in the console");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create template" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/templates/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("console-made created");
        var templateId = page.Url.Split('/')[^1];
        await Assertions.Expect(page.Locator("#preview-parts [data-part=body] pre")).ToHaveTextAsync("Hi Ada, made in the console");

        // The same key for the same channel and locale again is a form error at the key (the API's 409), not a second template.
        await page.GotoAsync("/admin/templates/new?channel=sms");
        await form.GetByLabel("Key").FillAsync("console-made");
        await form.GetByLabel("Locale").FillAsync("en-GB");
        await form.GetByLabel("body").FillAsync("again");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create template" }).ClickAsync();
        await Assertions.Expect(page.Locator("#err-key")).ToContainTextAsync("already exists");

        var id = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, template = "console-made", locale = "en-GB", data = new { name = "Grace" } });
        await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal("Hi Grace, made in the console", (await console.SandboxContentAsync(id))["body"]!.GetValue<string>());
        var audit = await tenant.Http.GetJsonAsync("/api/v1/admin/audit?action=template.create");
        var entry = Assert.Single(audit["items"]!.AsArray());
        Assert.Equal(templateId, entry!["targetId"]!.GetValue<string>());
        Assert.StartsWith(await console.OwnerActorAsync(tenant), entry["actor"]!.GetValue<string>());
        Assert.Equal("sms", entry["after"]!["channel"]!.GetValue<string>());
    }

    [ChromiumFact]
    public async Task The_editor_shows_a_compile_error_beside_the_part_it_is_in_at_its_line()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        var template = await tenant.Http.CreateTemplateAsync(new
        {
            key = "inline-errors", channel = "email", locale = "en",
            parts = new { subject = "Hi {{name}}", html = "<p>Hello {{name}}</p>", text = "Hello {{name}}" },
        });
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, $"/admin/templates/{template.Id()}");
        await Assertions.Expect(page.Locator("#preview-parts [data-part=subject] pre")).ToHaveTextAsync("Hi Ada");

        await page.GetByLabel("text", new() { Exact = true }).FillAsync("one\ntwo\n{{#each items}}unclosed");
        await Assertions.Expect(page.Locator("#errors-text")).ToContainTextAsync("Line 3");
        await Assertions.Expect(page.Locator("#errors-subject li")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#errors-html li")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByLabel("text", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");

        // Saved anyway: the server's own answer (before any script runs) puts the same error beside the same field.
        var saved = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("handler=Save"));
        Assert.Equal(200, saved.Status);
        var html = await saved.TextAsync();
        Assert.True(Regex.IsMatch(html, "id=\"errors-text\"[^>]*>\\s*<li>Line 3, column \\d+: "), "no server-rendered error beside the text part in:\n" + html[html.IndexOf("<form", StringComparison.Ordinal)..]);
        await Assertions.Expect(page.Locator("#errors-text")).ToContainTextAsync("Line 3");
        Assert.Equal(1, (await tenant.Http.GetJsonAsync($"/api/v1/admin/templates/{template.Id()}"))["latestVersion"]!.GetValue<int>());

        await page.GetByLabel("text", new() { Exact = true }).FillAsync("Hello {{name}}, fixed");
        await Assertions.Expect(page.Locator("#errors-text li")).ToHaveCountAsync(0);
    }
}
