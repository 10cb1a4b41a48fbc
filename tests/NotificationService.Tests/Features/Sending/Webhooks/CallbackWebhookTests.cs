using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.ProviderCallbacks;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.ProviderCallbacks.CallbackTestSupport;

namespace NotificationService.Tests.Features.Sending.Webhooks;

/// <summary>Provider callbacks and the worker both publish: statuses and their webhooks commit together.</summary>
[Collection("service")]
public class CallbackWebhookTests(ServiceFixture service)
{
    [Fact]
    public async Task A_WhatsApp_read_callback_publishes_delivered_then_read_and_a_suppressed_send_publishes_suppressed()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await service.NewTenantAsync(channels: "whatsapp");
        var config = await service.AddProviderWithSecretsAsync(tenant.Id, "whatsapp", "meta_whatsapp", new Dictionary<string, string> { ["appSecret"] = "s" });
        var created = await (await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks",
            new { url = receiver.Url, events = new[] { "notification.delivered", "notification.read", "notification.suppressed" } })).JsonAsync();
        Assert.NotNull(created["secret"]);

        var (id, wamid) = await tenant.SentAsync(WhatsApp("+14155550177"));
        var body = MetaStatuses(new { id = wamid, status = "read", timestamp = Now(), recipient_id = "14155550177" });
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.SendAsync(MetaRequest(config, "s", body))).StatusCode);
        var types = (await receiver.WaitForAsync(2)).Select(r => JsonNode.Parse(r.Body)!).OrderBy(p => p["data"]!["status"]!.GetValue<string>()).ToList();
        Assert.Equal(["delivered", "read"], types.Select(p => p["data"]!["status"]!.GetValue<string>()));
        Assert.Equal("delivered", types[1]["data"]!["previousStatus"]!.GetValue<string>());
        Assert.All(types, p => Assert.Equal(id.ToString(), p["data"]!["notificationId"]!.GetValue<string>()));

        var stop = System.Text.Json.JsonSerializer.Serialize(new { @object = "whatsapp_business_account", entry = new[] { new { changes = new[] { new { value = new {
            messages = new[] { new { from = "14155550177", id = "wamid.in", type = "text", text = new { body = "STOP" } } } } } } } } });
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.SendAsync(MetaRequest(config, "s", stop))).StatusCode);
        var next = await tenant.Http.SendOkAsync(WhatsApp("+14155550177"));
        await tenant.Http.WaitForStatusAsync(next, "suppressed");
        var third = JsonNode.Parse((await receiver.WaitForAsync(3))[2].Body)!;
        Assert.Equal("notification.suppressed", third["type"]!.GetValue<string>());
        Assert.Equal("+14*******77", third["data"]!["recipient"]!["phone"]!.GetValue<string>());
    }
}
