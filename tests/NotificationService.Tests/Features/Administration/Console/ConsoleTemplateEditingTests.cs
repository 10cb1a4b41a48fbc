using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// An admin's first template edit (issue 29): every template the demo seed ships saves and publishes from the editor,
/// unchanged and changed, although most have an empty part (emails have no `text`, the in-app one no `icon`); the
/// message names the version the save made; the sample data is shaped like the template's own variables and stays
/// what the admin typed across a save.
/// </summary>
[Collection("console")]
public class ConsoleTemplateEditingTests(ConsoleFixture console)
{
    /// <summary>The demo seed's templates (seed/templates, copied beside the service), created in the tenant through the API.</summary>
    private static async Task<List<(string File, Guid Id, JsonObject Parts)>> SeedTemplatesAsync(TestTenant tenant)
    {
        var created = new List<(string, Guid, JsonObject)>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "seed", "templates"), "*.json").Order())
        {
            var body = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            var template = await tenant.Http.CreateTemplateAsync(body.ToJsonString());
            created.Add((Path.GetFileName(file), template.Id(), body["parts"]!.AsObject()));
        }
        return created;
    }

    private static Task<IResponse?> ClickAsync(IPage page, string button) =>
        page.RunAndWaitForNavigationAsync(() => page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync());

    [ChromiumFact]
    public async Task Every_seeded_template_saves_and_publishes_unchanged_and_changed()
    {
        var tenant = await console.NewTenantAsync();
        // ~45 creates and ~45 reads through the admin API: more than the default burst of 40 when the machine is quick.
        await console.RaiseLimitAsync(tenant.Id, EndpointClass.Admin, 200, 400);
        var templates = await SeedTemplatesAsync(tenant);
        Assert.True(templates.Count >= 40, $"the seed ships {templates.Count} templates");
        Assert.Contains(templates, t => t.File.Contains(".email.") && t.Parts["text"] is null);   // the case that answered 500
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, tenant);

        var failures = new List<string>();
        var structuredOnly = new HashSet<Guid>();
        foreach (var (file, id, parts) in templates)
        {
            await page.GotoAsync($"/admin/templates/{id}");
            var unchanged = await ClickAsync(page, "Save and publish");
            var flash = await page.Locator("#flash").AllTextContentsAsync();
            if (unchanged?.Status != 200 || !flash.Any(f => f.Contains("Version 1 is published")))
            {
                failures.Add($"{file} unchanged: {unchanged?.Status} {string.Join(" ", flash)} {string.Join(" ", await page.Locator(".error").AllTextContentsAsync())}");
                continue;
            }
            // The first text part that has text, changed; the empty ones stay empty. A WhatsApp provider template has only its
            // structured `template` part, which the form does not edit: it was saved and published unchanged above.
            ILocator? field = null;
            foreach (var candidate in await page.Locator("textarea[data-part]").AllAsync())
                if ((await candidate.InputValueAsync()).Length > 0) { field = candidate; break; }
            if (field is null) { structuredOnly.Add(id); continue; }
            var part = await field.GetAttributeAsync("data-part");
            await field.FillAsync(await field.InputValueAsync() + " (edited)");
            var changed = await ClickAsync(page, "Save and publish");
            flash = await page.Locator("#flash").AllTextContentsAsync();
            if (changed?.Status != 200 || !flash.Any(f => f.Contains("Version 2 is published")))
            {
                var main = await page.Locator("main").InnerTextAsync();
                failures.Add($"{file} changed ({part}): {changed?.Status} {page.Url} flash: {string.Join(" ", flash)} errors: " +
                             $"{string.Join(" ", await page.Locator(".error").AllTextContentsAsync())} {main[..Math.Min(300, main.Length)]}");
            }
        }
        Assert.True(failures.Count == 0, "templates the editor could not save and publish:\n" + string.Join("\n", failures));
        Assert.True(structuredOnly.Count <= 2, "only the WhatsApp provider templates have no text part");

        // What the API now holds: version 2 published, the edit in it, and no part that was empty made up.
        foreach (var (file, id, parts) in templates)
        {
            var stored = await tenant.Http.GetJsonAsync($"{TemplateApi.Root}/{id}");
            var expected = structuredOnly.Contains(id) ? 1 : 2;
            Assert.Equal((expected, expected), (stored["latestVersion"]!.GetValue<int>(), stored["publishedVersion"]!.GetValue<int>()));
            if (expected == 2) Assert.Contains(" (edited)", stored["parts"]!.ToJsonString());
            foreach (var empty in new[] { "text", "icon", "imageUrl" }.Where(p => parts[p] is null))
                Assert.True(stored["parts"]![empty] is null, $"{file}: {empty} was empty and stays absent");
        }
    }

    [ChromiumFact]
    public async Task The_saved_version_message_names_the_version_the_save_made()
    {
        var tenant = await console.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(TemplateApi.Sms("numbered", "one"));
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, $"/admin/templates/{template.Id()}");

        await page.GetByLabel("body").FillAsync("two");
        await ClickAsync(page, "Save draft");
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Saved as version 2 (draft).");
        await ClickAsync(page, "Save draft");   // nothing changed: no version is made, and it says so
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Nothing changed: version 2 is the latest.");
        await page.GetByLabel("body").FillAsync("three");
        await ClickAsync(page, "Save draft");
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Saved as version 3 (draft).");
        Assert.Equal(3, (await tenant.Http.GetJsonAsync($"{TemplateApi.Root}/{template.Id()}"))["latestVersion"]!.GetValue<int>());
    }

    [ChromiumFact]
    public async Task Sample_data_is_shaped_like_the_templates_variables_and_what_was_typed_survives_a_save()
    {
        var tenant = await console.NewTenantAsync();
        var welcome = (await SeedTemplatesAsync(tenant)).Single(t => t.File == "welcome.email.en.json");
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, $"/admin/templates/{welcome.Id}");

        // {{appName}}, {{user.firstName}}, {{actionUrl}}: the pane starts with those names, so the preview reads as a message.
        var sample = JsonNode.Parse(await page.GetByLabel("Sample data (JSON)").InputValueAsync())!;
        Assert.NotNull(sample["appName"]);
        Assert.NotNull(sample["user"]!["firstName"]);
        Assert.StartsWith("https://", sample["actionUrl"]!.GetValue<string>());
        var subject = page.Locator("#preview-parts [data-part=subject] pre");
        await Assertions.Expect(subject).ToHaveTextAsync("Welcome to Acme, Ada!");
        await Assertions.Expect(page.Locator("#preview-missing")).ToBeEmptyAsync();

        await page.GetByLabel("Sample data (JSON)").FillAsync("""{"appName": "Zed", "user": {"firstName": "Grace"}}""");
        await Assertions.Expect(subject).ToHaveTextAsync("Welcome to Zed, Grace!");
        await page.GetByLabel("subject").FillAsync("Hello from {{appName}}, {{user.firstName}}!");
        await ClickAsync(page, "Save draft");

        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Saved as version 2 (draft).");
        Assert.Equal("Grace", JsonNode.Parse(await page.GetByLabel("Sample data (JSON)").InputValueAsync())!["user"]!["firstName"]!.GetValue<string>());
        await Assertions.Expect(subject).ToHaveTextAsync("Hello from Zed, Grace!");
    }
}
