using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>
/// `http:` links reach end users only where the tenant allows them (`PUT /api/v1/admin/settings {"allowHttpLinks": true}`):
/// a new tenant's links are https (or relative), held at every way in: a template's save, a send's action buttons, what
/// a variable renders to at delivery, and a test send. Turning the setting on lets the same requests through.
/// </summary>
[Collection("service")]
public class HttpLinkSettingTests(ServiceFixture service)
{
    public const string Settings = "/api/v1/admin/settings";
    private const string HttpLink = "http://intranet.example/orders/1";

    private static object InAppTemplate(string key, string actionUrl) =>
        new { key, channel = "in_app", locale = "en", parts = new { title = "Order", body = "Shipped", actionUrl } };

    private static object SendWithAction(string url) => new
    {
        channel = "in_app", recipient = new { userId = "ada" },
        content = new { title = "Order", body = "Shipped", actions = new[] { new { label = "Open", url } } },
    };

    [Fact]
    public async Task A_new_tenant_refuses_http_links_at_save_at_send_and_at_delivery()
    {
        var tenant = await service.NewTenantAsync(null);
        Assert.False((await tenant.Http.GetJsonAsync(Settings))["allowHttpLinks"]!.GetValue<bool>());

        var save = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, InAppTemplate("plain", HttpLink)), 400);
        Assert.Equal(["parts.actionUrl"], save.ErrorKeys());
        Assert.Contains("does not allow http: links", save.Error("parts.actionUrl"));

        var send = await ExpectAsync(await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send", SendWithAction(HttpLink)), 400);
        Assert.Equal(["content.actions[0].url"], send.ErrorKeys());

        // A variable can still produce one: the notification fails, naming the part, and no inbox item is made.
        var created = await tenant.Http.CreateTemplateAsync(InAppTemplate("by-variable", "{{link}}"));
        var id = await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = "ada" }, template = "by-variable", data = new { link = HttpLink } });
        await service.Ledger.WaitForAsync(id, "failed");
        Assert.Contains("unsafe_link: parts.actionUrl", (await tenant.Http.StatusAsync(id)).ToJsonString());
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from inbox_items where tenant_id = $1", tenant.Id));

        var testSend = await tenant.Http.PostJsonAsync($"{Root}/{created.Id()}/test-send", new { recipient = new { userId = "ada" }, data = new { link = HttpLink } });
        Assert.Contains("does not allow http: links", (await ExpectAsync(testSend, 422)).Error("parts.actionUrl"));
    }

    [Fact]
    public async Task A_tenant_that_allows_http_links_saves_sends_and_delivers_them()
    {
        var tenant = await service.NewTenantAsync(null);
        var answer = await ExpectAsync(await tenant.Http.PutJsonAsync(Settings, new { allowHttpLinks = true }), 200);
        Assert.True(answer["allowHttpLinks"]!.GetValue<bool>());
        Assert.True((await tenant.Http.GetJsonAsync(Settings))["allowHttpLinks"]!.GetValue<bool>());

        await tenant.Http.CreateTemplateAsync(InAppTemplate("plain", HttpLink));
        var inline = await tenant.Http.SendOkAsync(SendWithAction(HttpLink));
        var templated = await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = "ada" }, template = "plain" });
        await service.Ledger.WaitForAsync(inline, "sent");
        await service.Ledger.WaitForAsync(templated, "sent");

        var user = await service.UserClientAsync(tenant, "ada");
        var items = (await user.GetFromJsonAsync<JsonNode>(EndUsers.Inbox))!["items"]!.AsArray();
        Assert.Contains(items, i => i!["actionUrl"]?.GetValue<string>() == HttpLink);
        Assert.Contains(items, i => i!["actions"]?[0]?["url"]?.GetValue<string>() == HttpLink);

        // Turned off again: the next save is held to https again, at once on this replica.
        await ExpectAsync(await tenant.Http.PutJsonAsync(Settings, new { allowHttpLinks = false }), 200);
        await ExpectAsync(await tenant.Http.PostJsonAsync(Root, InAppTemplate("again", HttpLink)), 400);
    }

    [Fact]
    public async Task A_put_names_at_least_one_setting_and_another_tenants_setting_is_its_own()
    {
        var tenant = await service.NewTenantAsync(null);
        var other = await service.NewTenantAsync(null);
        var problem = await ExpectAsync(await tenant.Http.PutJsonAsync(Settings, new { }), 400);
        Assert.Equal(["allowHttpLinks", "requireTotp"], problem.ErrorKeys().Order());
        await ExpectAsync(await tenant.Http.PutJsonAsync(Settings, new { allowHttpLinks = true }), 200);
        Assert.False((await other.Http.GetJsonAsync(Settings))["allowHttpLinks"]!.GetValue<bool>());
    }
}
