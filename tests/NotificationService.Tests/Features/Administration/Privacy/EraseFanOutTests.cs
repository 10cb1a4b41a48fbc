using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Sending.Topics;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>
/// A fan-out caught between its membership snapshot and its chunks when a member is erased: the rest of it reaches the other
/// members and never the erased one (their userId is gone from its chunks, so nothing is created for them).
/// </summary>
[Collection("service")]
public class EraseFanOutTests(ServiceFixture service)
{
    [Fact]
    public async Task A_running_fan_out_no_longer_sends_to_a_member_erased_after_its_snapshot_and_still_reaches_the_others()
    {
        var tenant = await service.NewTenantAsync();
        var erased = "leaving-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.Http.TopicWithAsync("building-7", erased, "ann", "ben");
        // The send's job an hour ahead; its run begun here, as its job begins one: running, the snapshot taken, no chunk sent.
        var id = await tenant.Http.SendToTopicsAsync(new { channels = new[] { "in_app" }, recipient = new { topics = new[] { "building-7" } },
            content = new { subject = "Building notice", body = "Water off tomorrow" }, sendAt = DateTimeOffset.UtcNow.AddHours(1) });
        var store = service.Factory.Services.GetRequiredService<FanOutStore>();
        Assert.Equal(3, (await store.SnapshotAsync((await store.StartAsync(tenant.Id, id, default))!, [], 2_000, default))?.Total);

        var status = await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync(erased));
        Assert.Equal(1, status.Count("fanOuts"));
        await service.DueNowAsync(tenant.Id);
        await tenant.Http.WaitForFanOutAsync(id, "completed");

        Assert.Equal(["ann", "ben"], (await service.FanOutNotificationsAsync(id)).Select(n => n.UserId));
    }
}
