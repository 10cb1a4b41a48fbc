using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>An export imported into a fresh tenant renders every template as the source tenant does.</summary>
[Collection("platform")]
public class TenantImportTests(PlatformFixture service)
{
    private static readonly JsonObject Data = new()
    {
        ["name"] = "Ada <Lovelace>", ["total"] = 1234.5, ["items"] = new JsonArray(new JsonObject { ["sku"] = "A-1", ["qty"] = 2 }, new JsonObject { ["sku"] = "B-2", ["qty"] = 1 }),
    };

    [Fact]
    public async Task Every_template_imported_into_a_fresh_tenant_renders_exactly_as_in_the_source_tenant()
    {
        var source = await service.NewTenantAsync(sandboxSettingsJson: null);
        await TemplateApi.ExpectAsync(await source.Http.PutJsonAsync($"{TemplateApi.Root}/layouts/frame", new { source = "<main class=\"frame\">{{{body}}}</main>" }), 201);
        await TemplateApi.ExpectAsync(await source.Http.PutJsonAsync($"{TemplateApi.Root}/partials/line", new { source = "{{sku}} × {{qty}}" }), 201);
        var receipt = await source.Http.CreateTemplateAsync(new { key = "receipt", channel = "email", locale = "en", layout = "frame",
            parts = new { subject = "Receipt for {{name}}", html = "<ul>{{#each items}}<li>{{> line}}</li>{{/each}}</ul><p>{{total}}</p>", text = "{{#each items}}{{> line}}\n{{/each}}" } });
        await TemplateApi.ExpectAsync(await source.Http.PutJsonAsync($"{TemplateApi.Root}/{receipt.Id()}", new { layout = "frame",
            parts = new { subject = "Your receipt, {{name}}", html = "<ol>{{#each items}}<li>{{> line}}</li>{{/each}}</ol>", text = "{{#each items}}{{> line}}; {{/each}}" } }), 200);
        await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync($"{TemplateApi.Root}/{receipt.Id()}/publish", new { version = 1 }), 200);
        await source.Http.CreateTemplateAsync(new { key = "receipt", channel = "email", locale = "fr", parts = new { subject = "Reçu pour {{name}}", text = "Total : {{total}}" } });
        await source.Http.CreateTemplateAsync(new { key = "code", channel = "sms", locale = "en", parts = new { body = "{{name}}: {{#if total}}paid{{else}}due{{/if}}" } });
        await source.Http.CreateTemplateAsync(new { key = "bell", channel = "in_app", locale = "en", parts = new { title = "Hi {{name}}", body = "{{items.length}} items" } });
        await source.Http.PublishWorkflowAsync("""{"key":"thanks","name":"Thanks","steps":[{"id":"a","type":"send","channel":"email","template":"receipt"}]}""");

        var export = await service.Platform().GetStringAsync($"/api/v1/platform/tenants/{source.Id}/export");
        var fresh = await (await service.Platform().PostJsonAsync("/api/v1/platform/tenants", new { name = "Imported" })).JsonAsync();
        var target = service.Client(fresh["apiKey"]!.GetValue<string>());
        var imported = await service.Platform().PostAsync($"/api/v1/platform/tenants/{fresh["id"]}/import", new StringContent(export, Encoding.UTF8, "application/json"));
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        Assert.Equal(4, (await imported.JsonAsync())["templates"]!.GetValue<int>());

        var sourceTemplates = await ListAsync(source.Http);
        var targetTemplates = await ListAsync(target);
        Assert.Equal(sourceTemplates.Keys.Order(), targetTemplates.Keys.Order());
        foreach (var (name, (sourceId, sourceVersions)) in sourceTemplates)
        {
            var (targetId, targetVersions) = targetTemplates[name];
            Assert.Equal(sourceVersions, targetVersions);   // the same versions, the same one published
            for (var version = 1; version <= sourceVersions.Latest; version++)
            {
                var expected = await PreviewAsync(source.Http, sourceId, version);
                var actual = await PreviewAsync(target, targetId, version);
                Assert.True(JsonNode.DeepEquals(expected, actual), $"{name} v{version}: {expected.ToJsonString()} vs {actual.ToJsonString()}");
            }
        }
        var workflow = await target.GetJsonAsync($"{WorkflowApi.Admin}/thanks");
        Assert.Equal(1, workflow["publishedVersion"]!.GetValue<int>());
        // A second import into the same tenant names what it already has instead of duplicating it.
        var again = await service.Platform().PostAsync($"/api/v1/platform/tenants/{fresh["id"]}/import", new StringContent(export, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    private static async Task<Dictionary<string, (Guid Id, (int Latest, int? Published) Versions)>> ListAsync(HttpClient http)
    {
        var page = await http.GetJsonAsync($"{TemplateApi.Root}?limit=100");
        return page["items"]!.AsArray().ToDictionary(t => $"{t!["key"]}/{t["channel"]}/{t["locale"]}",
            t => (t!.Id(), (t["latestVersion"]!.GetValue<int>(), t["publishedVersion"]?.GetValue<int>())));
    }

    private static async Task<JsonNode> PreviewAsync(HttpClient http, Guid id, int version) =>
        (await TemplateApi.ExpectAsync(await http.PostJsonAsync($"{TemplateApi.Root}/{id}/preview", new { data = Data.DeepClone(), version }), 200))["parts"]!;
}
