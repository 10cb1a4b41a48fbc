using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Administration.Sso;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Webhooks;

/// <summary>
/// Many receivers take their secret in the URL's path (Slack's and Discord's incoming webhooks, Zapier's catch hooks), where
/// .NET's HTTP client logging does not redact it: a tenant's endpoint URL is in no log line of a delivery. The "sso" fixture
/// is the service logging at Information, as a deployment does, with every line recorded.
/// </summary>
[Collection("sso")]
public class WebhookUrlNotLoggedTests(SsoFixture service)
{
    [Fact]
    public async Task A_delivery_logs_nothing_of_the_endpoint_url_path()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var token = $"T0-B0-{Guid.NewGuid():N}";
        var tenant = await service.NewTenantAsync(channels: "email");
        var created = await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks",
            new { url = $"{receiver.Url}/services/{token}", events = new[] { "notification.sent" }, description = "chat" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpoint = (await created.JsonAsync())["endpoint"]!["id"]!.GetValue<string>();

        await tenant.Http.SendOkAsync(Api.Email());
        Assert.Single(await receiver.WaitForAsync(1));
        await Eventually.Async(async () => (await tenant.Http.GetFromJsonAsync<JsonArray>(
            $"/api/v1/admin/webhooks/{endpoint}/deliveries"))![0]!["status"]!.GetValue<string>() == "succeeded", "the delivery to be recorded");

        Assert.NotEmpty(service.LogLines);
        Assert.DoesNotContain(service.LogLines, line => line.Contains(token));
    }
}
