using System.Net;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Delivery;

/// <summary>
/// Notifications accepted together are delivered by one job per group (DeliveryGroups). A group behaves as its
/// notifications would alone: each is sent once, one the provider refuses for now retries on its own, a permanent
/// failure is a dead job of its own, and one of them can be cancelled while the group waits.
/// </summary>
[Collection("service")]
public class GroupedDeliveryTests(ServiceFixture service)
{
    private const string SendBatch = "/api/v1/services/notifications/send-batch";

    // Scheduled a few seconds ahead so the group is still waiting when the spec looks at it (or cancels from it) on a
    // loaded machine.
    private static object Batch(IEnumerable<string> emails, DateTimeOffset sendAt) => new
    {
        channel = "email", content = new { subject = "Hi", body = "Hello" }, sendAt,
        recipients = emails.Select(e => new { email = e }).ToArray(),
    };

    [Fact]
    public async Task A_batch_goes_out_in_groups_and_only_the_refused_recipients_split_off()
    {
        var tenant = await service.BareTenantAsync();
        var refusedOnce = 0;
        await using var fake = await LoopbackProvider.StartAsync((hit, ctx) =>
            hit.Body.Contains("later@example.com") && Interlocked.Increment(ref refusedOnce) == 1 ? LoopbackProvider.SendGridError(503)(hit, ctx)
            : hit.Body.Contains("never@example.com") ? LoopbackProvider.SendGridError(400)(hit, ctx)
            : LoopbackProvider.SendGridAccepts(hit, ctx));
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(fake.BaseUrl, "Grouped"));
        var emails = Enumerable.Range(0, 28).Select(i => $"r{i}@example.com").Append("later@example.com").Append("never@example.com").ToArray();

        // Scheduled an hour ahead, so the grouping is seen before any worker touches it; then it comes due.
        var response = await tenant.Http.PostJsonAsync(SendBatch, Batch(emails, DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("25,5", await service.ScalarAsync<string>("select string_agg(units::text, ',' order by units desc) from jobs where tenant_id = $1", tenant.Id));
        await service.DueNowAsync(tenant.Id);

        await DbPolling.WaitUntilAsync(service.Db, $"select count(*) from notifications where tenant_id = '{tenant.Id}' and status in ('sent', 'failed')", n => n == 30, TimeSpan.FromSeconds(30));
        await DbPolling.WaitUntilAsync(service.Db, $"select count(*) from jobs where tenant_id = '{tenant.Id}' and state <> 'dead'", n => n == 0, TimeSpan.FromSeconds(30));

        // Every recipient reached the provider exactly once, except the one refused with a 503 (twice).
        var hitsPerRecipient = emails.ToDictionary(e => e, e => fake.Requests.Count(h => h.Body.Contains($"\"{e}\"")));
        Assert.All(emails.Where(e => e != "later@example.com"), e => Assert.Equal(1, hitsPerRecipient[e]));
        Assert.Equal(2, hitsPerRecipient["later@example.com"]);
        Assert.Equal("sent:2", await service.ScalarAsync<string>("select status || ':' || attempts from notifications where tenant_id = $1 and recipient->>'email' = 'later@example.com'", tenant.Id));
        // The permanent failure is a dead job of its own, naming only its notification, for an admin to inspect or retry.
        var never = await service.ScalarAsync<Guid>("select id from notifications where tenant_id = $1 and recipient->>'email' = 'never@example.com'", tenant.Id);
        Assert.Equal("failed", await service.ScalarAsync<string>("select status from notifications where id = $1", never));
        Assert.Equal($"{{\"n\": \"{never}\"}}", await service.ScalarAsync<string>("select args::text from jobs where tenant_id = $1 and state = 'dead'", tenant.Id));
    }

    [Fact]
    public async Task One_notification_of_a_waiting_group_can_be_cancelled_and_the_rest_are_sent()
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(SendBatch, Batch(["a@example.com", "b@example.com", "c@example.com"], DateTimeOffset.UtcNow.AddHours(1)));
        var batchId = Guid.Parse((await response.JsonAsync())["batchId"]!.GetValue<string>());
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1", tenant.Id));
        var b = await service.ScalarAsync<Guid>("select id from notifications where batch_id = $1 and recipient->>'email' = 'b@example.com'", batchId);

        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PostAsync($"/api/v1/services/notifications/{b}/cancel", null)).StatusCode);
        Assert.Equal(2, await service.ScalarAsync<int>("select units from jobs where tenant_id = $1", tenant.Id)); // the group's job stays, one unit fewer
        await service.DueNowAsync(tenant.Id);

        await DbPolling.WaitUntilAsync(service.Db, $"select count(*) from notifications where batch_id = '{batchId}' and status = 'sent'", n => n == 2, TimeSpan.FromSeconds(30));
        await DbPolling.WaitUntilAsync(service.Db, $"select count(*) from jobs where tenant_id = '{tenant.Id}'", n => n == 0, TimeSpan.FromSeconds(30));
        Assert.Equal("cancelled", await service.ScalarAsync<string>("select status from notifications where id = $1", b));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from sandbox_messages where notification_id = $1", b));
        Assert.Equal(2, await service.ScalarAsync<long>("select count(*) from sandbox_messages where tenant_id = $1", tenant.Id));
    }
}
