using System.Net;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Webhooks;

/// <summary>
/// Deliveries of `notification.*` events record their notification (so its console page can list them); deliveries of
/// other events (`webhook.test`, `bulk_job.completed`) record none.
/// </summary>
[Collection("service")]
public class NotificationLinkedDeliveryTests(ServiceFixture service)
{
    [Fact]
    public async Task Notification_events_record_their_notification_and_other_events_none()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await service.NewTenantAsync(channels: "email");
        var created = await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = receiver.Url, events = new[] { "notification.accepted", "notification.sent" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpoint = (await created.JsonAsync())["endpoint"]!["id"]!.GetValue<string>();

        var ids = new[] { await tenant.Http.SendOkAsync(Api.Email("one@example.com")), await tenant.Http.SendOkAsync(Api.Email("two@example.com")) };
        foreach (var id in ids) await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.True((await tenant.Http.PostAsync($"/api/v1/admin/webhooks/{endpoint}/test", null)).IsSuccessStatusCode);
        await receiver.WaitForAsync(5);

        foreach (var id in ids)
        {
            Assert.Equal(2, await service.ScalarAsync<long>("select count(*) from webhook_deliveries where tenant_id = $1 and notification_id = $2", tenant.Id, id));
            // The id recorded is the one the payload names.
            Assert.Equal(2, await service.ScalarAsync<long>(
                "select count(*) from webhook_deliveries where notification_id = $1 and (payload::jsonb)->'data'->>'notificationId' = $1::text", id));
        }
        Assert.Equal(1, await service.ScalarAsync<long>(
            "select count(*) from webhook_deliveries where tenant_id = $1 and event_type = 'webhook.test' and notification_id is null", tenant.Id));
        Assert.Equal(5, await service.ScalarAsync<long>("select count(*) from webhook_deliveries where tenant_id = $1", tenant.Id));
    }
}
