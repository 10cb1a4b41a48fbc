using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The admin tasks the console exists for, end to end in chromium against the real service and database.</summary>
[Collection("console")]
public class ConsoleWorkflowTests(ConsoleFixture console)
{
    private static object SmsTo(string key) => new { channel = "sms", recipient = new { phone = "+14155550100" }, template = key, data = new { name = "Ada" } };

    [ChromiumFact]
    public async Task Editing_a_template_updates_the_preview_as_you_type_and_a_published_edit_is_what_a_send_renders()
    {
        var tenant = await console.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(TemplateApi.Sms("welcome", "Hello {{name}}"));
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, $"/admin/templates/{template.Id()}");
        var preview = page.Locator("#preview-parts [data-part=body] pre");
        await Assertions.Expect(preview).ToHaveTextAsync("Hello Ada");

        await page.GetByLabel("body").FillAsync("Line one\n{{#if name}}Welcome {{name}}");   // unclosed block on line 2
        await Assertions.Expect(page.Locator("#preview-errors")).ToContainTextAsync("line 2");
        await page.GetByLabel("body").FillAsync("Welcome aboard, {{name}}!");
        await Assertions.Expect(preview).ToHaveTextAsync("Welcome aboard, Ada!");
        await Assertions.Expect(page.Locator("#preview-errors li")).ToHaveCountAsync(0);
        await page.GetByLabel("Sample data (JSON)").FillAsync("""{"name": "Grace"}""");
        await Assertions.Expect(preview).ToHaveTextAsync("Welcome aboard, Grace!");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save and publish" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Version 2 is published");

        var id = await tenant.Http.SendOkAsync(SmsTo("welcome"));
        await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal("Welcome aboard, Ada!", (await console.SandboxContentAsync(id))["body"]!.GetValue<string>());
        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=template");
        Assert.Contains(await console.OwnerActorAsync(tenant), audit);   // recorded as the member whose console session it was
    }

    [ChromiumFact]
    public async Task A_provider_created_from_its_kinds_form_takes_a_test_send()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/providers");
        await page.GetByLabel("Add a provider of kind").SelectOptionAsync("sandbox");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add provider" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("console sms sandbox");
        await page.GetByLabel("Channel").SelectOptionAsync("sms");
        await page.GetByLabel("Priority (lower goes first)").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#providers")).ToContainTextAsync("console sms sandbox");

        var row = page.Locator("#providers tr", new() { HasText = "console sms sandbox" });
        await row.GetByLabel("Recipient").FillAsync("+14155550100");
        await row.GetByRole(AriaRole.Button, new() { Name = "Test send through console sms sandbox" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("console sms sandbox: sent");
    }

    [ChromiumFact]
    public async Task A_dead_job_is_retried_from_the_queue_page()
    {
        var tenant = await console.NewTenantAsync("""{"permanentRate": 1}""", "email");
        var id = await console.SendToDeadJobAsync(tenant);
        await console.AddProviderAsync(tenant.Id, "email", "sandbox", "{}", priority: 1);   // a healthy provider ahead of the failing one

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/queues?queue=email");
        var deadRow = page.Locator("#dead-jobs tbody tr");
        await Assertions.Expect(deadRow).ToHaveCountAsync(1);
        await Assertions.Expect(deadRow).ToContainTextAsync("permanent");
        await deadRow.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 of 1 job(s) sent back");

        await tenant.Http.WaitForStatusAsync(id, "sent");
        await Assertions.Expect(page.Locator("#dead-jobs")).ToHaveCountAsync(0);
    }

    [ChromiumFact]
    public async Task An_uploaded_CSV_shows_its_progress_bar_reaching_100_percent()
    {
        var tenant = await console.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(TemplateApi.Sms("promo", "Hi {{name}}"));
        var csv = Path.Combine(Path.GetTempPath(), $"console-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(csv, ["phone,name", .. Enumerable.Range(0, 120).Select(i => $"+1415555{i:0000},Row {i}"), "not-a-phone,Bad"]);
        try
        {
            var page = await console.NewPageAsync();
            await page.SignInAtAsync(console, tenant, "/admin/bulk");
            await page.GetByLabel("CSV file").SetInputFilesAsync(csv);
            await page.GetByLabel("Channel").SelectOptionAsync("sms");
            await page.GetByLabel("Published template key").FillAsync("promo");
            var upload = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync(),
                r => r.Url.Contains("handler=Upload"));
            if (!upload.Ok) Assert.Fail($"upload answered {upload.Status}: {await upload.TextAsync()}");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/bulk/[0-9a-f-]{36}$"));
            await Assertions.Expect(page.Locator("#bar")).ToHaveAttributeAsync("value", "100", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("[data-progress-label]")).ToContainTextAsync("1 rejected");

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByText("Download rejected rows (CSV)").ClickAsync());
            Assert.Contains("not-a-phone", await File.ReadAllTextAsync(await download.PathAsync()));
        }
        finally { File.Delete(csv); }
    }

    [ChromiumFact]
    public async Task A_notification_is_found_in_the_delivery_log_and_its_timeline_opens()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        var other = await tenant.Http.SendOkAsync(Api.Email("bo@example.com"));
        var id = await tenant.Http.SendOkAsync(Api.Email("grace@example.com"));
        await tenant.Http.WaitForStatusAsync(id, "sent");
        await tenant.Http.WaitForStatusAsync(other, "sent");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/notifications");
        await page.GetByLabel("Recipient").FillAsync("grace@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var rows = page.Locator("#results tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await rows.GetByRole(AriaRole.Link).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/admin/notifications/{id}$"));
        var timeline = page.Locator("#timeline li");
        await Assertions.Expect(timeline.First).ToContainTextAsync("accepted");
        await Assertions.Expect(timeline.Last).ToContainTextAsync("sent");
        await Assertions.Expect(page.Locator("#provider-message-id")).Not.ToHaveTextAsync("—");
        await Assertions.Expect(page.Locator("iframe.email[sandbox]").Or(page.Locator("pre.part")).First).ToBeVisibleAsync();
    }

    [ChromiumFact]
    public async Task An_admin_of_another_tenant_sees_none_of_it()
    {
        var owner = await console.NewTenantAsync(channels: "email");
        var template = await owner.Http.CreateTemplateAsync(TemplateApi.Sms("secret-plan", "Hello {{name}}"));
        var id = await owner.Http.SendOkAsync(Api.Email("owner-only@example.com"));
        await owner.Http.WaitForStatusAsync(id, "sent");

        var intruder = await console.NewTenantAsync();
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, intruder);
        Assert.Equal(404, (await page.GotoAsync($"/admin/notifications/{id}"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/admin/templates/{template.Id()}"))!.Status);
        foreach (var path in new[] { "/admin/templates", "/admin/notifications?recipient=owner-only%40example.com", "/admin/sandbox", "/admin/audit", "/admin/api-keys" })
        {
            await page.GotoAsync(path);
            var html = await page.ContentAsync();
            Assert.DoesNotContain("secret-plan", html);
            Assert.DoesNotContain("owner-only@example.com", html.Replace("value=\"owner-only@example.com\"", ""));
            Assert.DoesNotContain(owner.ApiKey[..12], html);
        }
    }

    [ChromiumFact]
    public async Task Pages_are_served_with_a_CSP_without_inline_script_and_work_at_phone_width()
    {
        var tenant = await console.NewTenantAsync();
        var page = await console.NewPageAsync(width: 390, height: 844);
        await page.SignInAsync(console, tenant);
        var response = await page.GotoAsync("/admin/api-keys");
        var csp = response!.Headers["content-security-policy"];
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline'; img", csp.Split("script-src")[1].Split(';')[0] + "'; img");
        Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());

        await page.GetByLabel("Name").FillAsync("phone-made");
        await page.GetByLabel("notifications:read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var shown = await page.Locator("#new-key").TextContentAsync();
        Assert.Matches("^nsk_[A-Za-z0-9]{8}_", shown!.Trim());
        // The answer's element is there before its stylesheet may be: measured unstyled, a loaded CI run read 478 px.
        await page.WaitForLoadStateAsync(LoadState.Load);
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390 + 1, $"the page scrolls sideways at phone width ({width} px)");
        await page.ReloadAsync();
        Assert.DoesNotContain(shown.Trim(), await page.ContentAsync());   // shown once
    }
}
