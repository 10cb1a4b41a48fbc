using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.ProviderCallbacks;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>The export is the tenant's configuration in one document, and nothing secret or personal.</summary>
[Collection("platform")]
public class TenantExportTests(PlatformFixture service)
{
    [Fact]
    public async Task The_export_holds_every_template_version_fragment_workflow_category_topic_provider_and_webhook_but_no_secret_or_member()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var template = await tenant.Http.CreateTemplateAsync(new { key = "welcome", channel = "email", locale = "en", parts = new { subject = "Hi {{name}}", text = "v1" } });
        await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/{template.Id()}", new { parts = new { subject = "Hi {{name}}", text = "v2" } }), 200);
        await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/layouts/frame", new { source = "<main>{{{body}}}</main>" }), 201);
        await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/partials/sig", new { source = "-- Acme" }), 201);
        await tenant.Http.PublishWorkflowAsync("""{"key":"nudge","name":"Nudge","steps":[{"id":"a","type":"send","channel":"email","template":"welcome"}]}""");
        await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "orders", name = "Orders" }), 201);
        await tenant.Http.TopicWithAsync("beta", "member-secret-1", "member-secret-2");
        await service.AddProviderWithSecretsAsync(tenant.Id, "email", "sendgrid", new Dictionary<string, string> { ["apiKey"] = ProviderApi.ApiKey });
        var hook = await (await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hooks", events = new[] { "notification.sent" } })).JsonAsync();
        var hookSecret = hook["secret"]!.GetValue<string>();

        var response = await service.Platform().GetAsync($"/api/v1/platform/tenants/{tenant.Id}/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var export = JsonNode.Parse(text)!;

        Assert.Equal(tenant.Id.ToString(), export["tenant"]!["id"]!.GetValue<string>());
        var versions = export["templates"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == "welcome")!["versions"]!.AsArray();
        Assert.Equal(new[] { "v1", "v2" }, versions.Select(v => v!["parts"]!["text"]!.GetValue<string>()));
        Assert.Equal("<main>{{{body}}}</main>", export["layouts"]!.AsArray().Single()!["source"]!.GetValue<string>());
        Assert.Equal("sig", export["partials"]!.AsArray().Single()!["name"]!.GetValue<string>());
        Assert.Equal("welcome", export["workflows"]!.AsArray().Single()!["versions"]![0]!["definition"]!["steps"]![0]!["template"]!.GetValue<string>());
        Assert.Contains(export["categories"]!.AsArray(), c => c!["key"]!.GetValue<string>() == "orders");
        Assert.Equal(2, export["topics"]!.AsArray().Single()!["memberCount"]!.GetValue<long>());
        Assert.Equal("sendgrid", export["providers"]!.AsArray().Single()!["kind"]!.GetValue<string>());
        Assert.Equal("http://127.0.0.1:9/hooks", export["webhooks"]!.AsArray().Single()!["url"]!.GetValue<string>());

        Assert.DoesNotContain(ProviderApi.ApiKey, text);
        Assert.DoesNotContain(hookSecret, text);
        Assert.DoesNotContain("member-secret", text);
        Assert.DoesNotContain(tenant.ApiKey[13..], text);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Platform().GetAsync($"/api/v1/platform/tenants/{Guid.NewGuid()}/export")).StatusCode);
    }
}
