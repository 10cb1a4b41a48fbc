using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>
/// An export imported into a fresh tenant renders every template as the source tenant does, and brings its categories,
/// topics, providers and webhook endpoints, the last two unable to send until the new tenant's admin sets their secrets.
/// </summary>
[Collection("platform")]
public class TenantImportTests(PlatformFixture service)
{
    private static readonly JsonObject Data = new()
    {
        ["name"] = "Ada <Lovelace>", ["total"] = 1234.5, ["items"] = new JsonArray(new JsonObject { ["sku"] = "A-1", ["qty"] = 2 }, new JsonObject { ["sku"] = "B-2", ["qty"] = 1 }),
    };

    [Fact]
    public async Task Every_template_imported_into_a_fresh_tenant_renders_exactly_as_in_the_source_tenant_and_providers_and_webhooks_wait_for_their_secrets()
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
        await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "orders", name = "Orders" }), 201);
        await source.Http.TopicWithAsync("customers", "member-1");
        await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync("/api/v1/admin/providers", new { channel = "email", kind = "sendgrid", name = "SendGrid EU",
            settings = new { fromEmail = "receipts@acme.example" }, secrets = new { apiKey = "SG.source-secret-never-exported" } }), 201);
        await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync("/api/v1/admin/providers", new { channel = "sms", kind = "sandbox", name = "Sandbox SMS" }), 201);
        await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/receipts", events = new[] { "notification.sent" } }), 201);

        var export = await service.Platform().GetStringAsync($"/api/v1/platform/tenants/{source.Id}/export");
        var fresh = await (await service.Platform().PostJsonAsync("/api/v1/platform/tenants", new { name = "Imported" })).JsonAsync();
        var target = service.Client(fresh["apiKey"]!.GetValue<string>());
        var imported = await service.Platform().PostAsync($"/api/v1/platform/tenants/{fresh["id"]}/import", new StringContent(export, Encoding.UTF8, "application/json"));
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        var answer = await imported.JsonAsync();
        Assert.Equal((4, 2, 1), (answer["templates"]!.GetValue<int>(), answer["providers"]!.GetValue<int>(), answer["webhooks"]!.GetValue<int>()));
        Assert.Equal(["provider SendGrid EU: apiKey", "webhook http://127.0.0.1:9/receipts: signing secret"], answer["awaitingSecrets"]!.AsArray()
            .Select(a => $"{a!["type"]} {a["name"]}: {string.Join(",", a["secrets"]!.AsArray().Select(n => n!.GetValue<string>()))}").Order());

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
        Assert.Equal("Orders", (await target.GetJsonAsync("/api/v1/admin/categories/orders"))["name"]!.GetValue<string>());
        Assert.Equal(0, (await target.GetJsonAsync("/api/v1/services/topics/customers"))["memberCount"]!.GetValue<long>());   // members are people: not exported

        await TheProvidersWaitForTheirSecretsAsync(target);
        await TheWebhookEndpointWaitsForARotatedSecretAsync(target);
        // A second import into the same tenant names what it already has instead of duplicating it.
        var again = await service.Platform().PostAsync($"/api/v1/platform/tenants/{fresh["id"]}/import", new StringContent(export, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    /// <summary>The provider that had a secret is disabled without it, and cannot be enabled until it is set; the sandbox, needing none, sends.</summary>
    private static async Task TheProvidersWaitForTheirSecretsAsync(HttpClient target)
    {
        var providers = (await target.GetJsonAsync("/api/v1/admin/providers")).AsArray();
        var sendGrid = providers.Single(p => p!["kind"]!.GetValue<string>() == "sendgrid")!;
        Assert.False(sendGrid["enabled"]!.GetValue<bool>());
        Assert.Empty(sendGrid["secrets"]!.AsObject());
        Assert.Equal("receipts@acme.example", sendGrid["settings"]!["fromEmail"]!.GetValue<string>());
        Assert.True(providers.Single(p => p!["kind"]!.GetValue<string>() == "sandbox")!["enabled"]!.GetValue<bool>());

        var url = $"/api/v1/admin/providers/{sendGrid["id"]}";
        var enabledBare = await target.PatchAsync(url, Json(new { enabled = true }));
        Assert.Equal(HttpStatusCode.BadRequest, enabledBare.StatusCode);
        Assert.True((await enabledBare.JsonAsync())["errors"]!.AsObject().ContainsKey("secrets.apiKey"));
        var enabled = await (await target.PatchAsync(url, Json(new { enabled = true, secrets = new { apiKey = "SG.target-own-key" } }))).JsonAsync();
        Assert.True(enabled["enabled"]!.GetValue<bool>());
    }

    /// <summary>The endpoint arrives disabled, saying why; enabling it is a 409 until a rotation has given the admin a secret.</summary>
    private static async Task TheWebhookEndpointWaitsForARotatedSecretAsync(HttpClient target)
    {
        var hook = (await target.GetJsonAsync("/api/v1/admin/webhooks")).AsArray().Single()!;
        Assert.False(hook["enabled"]!.GetValue<bool>());
        Assert.Contains("rotate the secret", hook["disabledReason"]!.GetValue<string>());
        var url = $"/api/v1/admin/webhooks/{hook["id"]}";
        Assert.Equal(HttpStatusCode.Conflict, (await target.PatchAsync(url, Json(new { enabled = true }))).StatusCode);
        var rotated = await (await target.PostAsync($"{url}/rotate-secret", null)).JsonAsync();
        Assert.StartsWith("whsec_", rotated["secret"]!.GetValue<string>());
        var enabled = await (await target.PatchAsync(url, Json(new { enabled = true }))).JsonAsync();
        Assert.True(enabled["enabled"]!.GetValue<bool>());
        Assert.Null(enabled["disabledReason"]);
    }

    private static StringContent Json(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<Dictionary<string, (Guid Id, (int Latest, int? Published) Versions)>> ListAsync(HttpClient http)
    {
        var page = await http.GetJsonAsync($"{TemplateApi.Root}?limit=100");
        return page["items"]!.AsArray().ToDictionary(t => $"{t!["key"]}/{t["channel"]}/{t["locale"]}",
            t => (t!.Id(), (t["latestVersion"]!.GetValue<int>(), t["publishedVersion"]?.GetValue<int>())));
    }

    private static async Task<JsonNode> PreviewAsync(HttpClient http, Guid id, int version) =>
        (await TemplateApi.ExpectAsync(await http.PostJsonAsync($"{TemplateApi.Root}/{id}/preview", new { data = Data.DeepClone(), version }), 200))["parts"]!;
}
