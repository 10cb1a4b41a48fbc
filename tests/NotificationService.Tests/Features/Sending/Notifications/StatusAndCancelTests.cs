using System.Net;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Notifications;

[Collection("service")]
public class StatusAndCancelTests(ServiceFixture service)
{
    [Fact]
    public async Task Another_tenants_notification_is_404_for_reading_and_cancelling()
    {
        var owner = await service.NewTenantAsync();
        var stranger = await service.NewTenantAsync();
        var id = await owner.Http.SendOkAsync(Api.Email());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/v1/services/notifications/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.PostAsync($"/api/v1/services/notifications/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"/api/v1/services/notifications/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_scheduled_notification_can_be_cancelled_and_then_never_sends()
    {
        var tenant = await service.NewTenantAsync();
        var id = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" }, sendAt = DateTimeOffset.UtcNow.AddHours(1) });   // the cancel always comes first

        var cancel = await tenant.Http.PostAsync($"/api/v1/services/notifications/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.JsonAsync())["status"]!.GetValue<string>());

        // Its job went with the cancel, in the same transaction: nothing is left that could ever send it.
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1", tenant.Id));
        var status = await tenant.Http.StatusAsync(id);
        Assert.Equal("cancelled", status["status"]!.GetValue<string>());
        var history = status["history"]!.AsArray();
        Assert.Equal(["accepted", "queued", "cancelled"], history.Select(h => h!["status"]!.GetValue<string>()));
        Assert.StartsWith("scheduled for ", history[1]!["detail"]!.GetValue<string>());
        Assert.Equal(status["createdAt"]!.GetValue<DateTimeOffset>(), history[0]!["at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from sandbox_messages where notification_id = $1", id));

        var again = await tenant.Http.PostAsync($"/api/v1/services/notifications/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("The notification is already cancelled.", (await again.JsonAsync())["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancelling_after_a_worker_claimed_it_is_409()
    {
        var tenant = await service.NewTenantAsync();
        var id = await tenant.Http.SendOkAsync(Api.Email());
        await tenant.Http.WaitForStatusAsync(id, "sent");

        var cancel = await tenant.Http.PostAsync($"/api/v1/services/notifications/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        Assert.Contains("it is already sent", (await cancel.JsonAsync())["detail"]!.GetValue<string>());
        Assert.Equal("sent", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());
    }
}
