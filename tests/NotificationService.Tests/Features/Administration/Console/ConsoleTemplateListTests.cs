using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The templates list has one row per key, with that key's channels and locales inside it, each a link to its template.
/// It was one flat row per key × channel × locale: 45 rows for the demo seed's handful of keys.
/// </summary>
[Collection("console")]
public class ConsoleTemplateListTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task The_seeded_templates_list_one_row_per_key_with_every_channel_and_locale_a_link_inside_it()
    {
        var tenant = await console.NewTenantAsync(null);
        var created = new List<(string Key, string Channel, string Locale, Guid Id)>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "seed", "templates"), "*.json").Order())
        {
            var body = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            var template = await tenant.Http.CreateTemplateAsync(body.ToJsonString());
            created.Add((template["key"]!.GetValue<string>(), template["channel"]!.GetValue<string>(), template["locale"]!.GetValue<string>(), template.Id()));
        }
        var keys = created.Select(t => t.Key).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(created.Count > keys.Count, "the seed has keys in more than one channel or locale");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/templates");
        Assert.Equal(keys, await page.Locator("#templates tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)"));
        foreach (var (key, channel, locale, id) in created)
        {
            var link = page.Locator($"#templates tr[data-key='{key}'] li[data-channel='{channel}'] a[data-locale='{locale}']");
            await Assertions.Expect(link).ToHaveAttributeAsync("href", $"/admin/templates/{id}");
        }
        await page.AssertAccessibleAsync();
        await page.AssertFitsPhoneWidthAsync();
        await page.SetViewportSizeAsync(1280, 900);

        var (k, c, l, opened) = created[^1];
        await page.GetByRole(AriaRole.Link, new() { Name = $"{k}, {c}, {l}", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/admin/templates/{opened}$"));
    }
}
