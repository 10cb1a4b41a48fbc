using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Retention;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Retention;

/// <summary>A host of its own (its own database), with the background pass off so each spec runs the pass itself.</summary>
public sealed class RetentionFixture : ServiceFixture
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Retention:Enabled", "false");
        builder.UseSetting("Retention:BatchSize", "2");   // several batches from a handful of rows
        builder.UseSetting("Retention:PauseMs", "0");
    }
}

[CollectionDefinition("retention")]
public class RetentionCollection : ICollectionFixture<RetentionFixture>;

/// <summary>
/// Each kind of stored data goes after its retention, deleted by its owner in small batches; what is still in flight
/// (a send scheduled ahead) and users' in-app inboxes stay; an in-app notification goes with its inbox item.
/// </summary>
[Collection("retention")]
public class RetentionTests(RetentionFixture service)
{
    private RetentionRunner Runner => service.Factory.Services.GetRequiredService<RetentionRunner>();

    private Task<long> CountAsync(string sql, Guid id) => service.ScalarAsync<long>(sql, id);

    [Fact]
    public async Task Each_kind_goes_after_its_own_retention_and_in_flight_or_inbox_notifications_stay()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await service.NewTenantAsync();
        var hook = await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = receiver.Url, events = new[] { "notification.sent" } });
        Assert.Equal(HttpStatusCode.Created, hook.StatusCode);
        var sent = new List<Guid>();
        for (var i = 0; i < 3; i++) sent.Add(await tenant.Http.SendOkAsync(Api.Email($"user{i}@example.com")));
        foreach (var id in sent) await service.Ledger.WaitForAsync(id, "sent");
        var scheduled = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "later@example.com" },
            content = new { subject = "s", body = "b" }, sendAt = DateTimeOffset.UtcNow.AddDays(2) });
        var inbox = await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = "u-1" }, content = new { subject = "s", body = "b" } });
        await service.Ledger.WaitForAsync(inbox, "sent");
        var failing = await service.NewTenantAsync("""{"permanentRate": 1}""", "sms");
        var failed = await failing.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" } });
        await service.Ledger.WaitForAsync(failed, "failed");
        await receiver.WaitForAsync(4);                              // three emails and the in-app one, each sent once
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var upload = await (await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email,order_id,first_name\nx@example.com,1,X\ny@example.com,2,Y\n"))).JsonAsync();
        var bulkJob = Guid.Parse(upload["jobId"]!.GetValue<string>());
        Assert.Equal("completed", (await BulkCsv.WaitFinishedAsync(tenant.Http, bulkJob))["status"]!.GetValue<string>());
        await Eventually.Async(async () => await service.ScalarAsync<long>(
            "select count(*) from notifications where tenant_id = $1 and status = 'sent'", tenant.Id) == 6, "the bulk rows sent");
        await Eventually.Async(async () => await service.ScalarAsync<long>(
            "select count(*) from webhook_deliveries where tenant_id = $1 and status = 'succeeded'", tenant.Id) == 6, "six webhook deliveries done");
        var now = DateTimeOffset.UtcNow;

        // Day 5: only the in-app send's two stream events (created, counts) are past the 2-day replay window; nothing
        // else has reached its retention (sandbox messages 7 days, notifications 90, dead jobs 30).
        var day5 = await Runner.RunOnceAsync(now.AddDays(5), default);
        Assert.Equal(2, Assert.Single(day5, r => r.Kind == "InboxEvents").Purged);
        Assert.All(day5.Where(r => r.Kind != "InboxEvents"), r => Assert.Equal(0, r.Purged));

        // Day 8: the sandbox's copies of the five emails go (in-app is built in, not a sandbox send), and the bulk
        // job's stored file (its counts stay); the notifications stay.
        var day8 = (await Runner.RunOnceAsync(now.AddDays(8), default)).ToDictionary(r => r.Kind);
        Assert.Equal(5, day8["SandboxMessages"].Purged);
        Assert.Equal(4, day8["SandboxMessages"].Batches);          // 2 + 2 + 1 + the empty batch that ends it
        Assert.Equal(1, day8["BulkFiles"].Purged);
        Assert.Equal(0, await CountAsync("select count(*) from bulk_file_chunks where job_id = $1", bulkJob));
        Assert.Equal(2, (await (await tenant.Http.GetAsync($"/api/v1/services/notifications/bulk/{bulkJob}")).JsonAsync())["acceptedRows"]!.GetValue<long>());
        Assert.Equal(0, day8["Notifications"].Purged);
        Assert.Equal(0, await CountAsync("select count(*) from sandbox_messages where notification_id = $1", sent[0]));
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.GetAsync($"/api/v1/services/notifications/{sent[0]}")).StatusCode);

        // Day 31: webhook deliveries (with their attempts) and the failed send's dead job go.
        var day31 = (await Runner.RunOnceAsync(now.AddDays(31), default)).ToDictionary(r => r.Kind);
        Assert.Equal(6, day31["WebhookDeliveries"].Purged);
        Assert.Equal(1, day31["DeadJobs"].Purged);
        Assert.Equal(0, day31["Notifications"].Purged);

        // Day 91: finished notifications go with their history.
        var day91 = (await Runner.RunOnceAsync(now.AddDays(91), default)).ToDictionary(r => r.Kind);
        Assert.Equal(6, day91["Notifications"].Purged);             // five sent emails and the failed SMS
        foreach (var id in sent.Append(failed))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"/api/v1/services/notifications/{id}")).StatusCode);
            Assert.Equal(0, await CountAsync("select count(*) from notification_events where notification_id = $1", id));
        }
        Assert.Equal("queued", (await tenant.Http.StatusAsync(scheduled))["status"]!.GetValue<string>());
        Assert.Equal("sent", (await tenant.Http.StatusAsync(inbox))["status"]!.GetValue<string>());
        var dead = await (await failing.Http.GetAsync("/api/v1/admin/queues/sms/dead")).JsonAsync();
        Assert.Empty(dead.AsArray());
    }

    [Fact]
    public async Task Gone_inbox_items_go_after_their_retention_and_stream_events_after_the_replay_window()
    {
        var tenant = await service.NewTenantAsync();
        var keep = await service.SendInAppAsync(tenant, "r-1", "keep");
        var deleted = await service.SendInAppAsync(tenant, "r-1", "deleted");
        var expiring = await service.SendInAppAsync(tenant, "r-1", "expiring", expiresAt: DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        await service.ExpireNowAsync(expiring);
        var user = await service.UserClientAsync(tenant, "r-1");
        Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync($"{EndUsers.Inbox}/{deleted}")).StatusCode);
        await Eventually.Async(async () => await user.CountsAsync() == (1, 1, 1), "the expired item out of the counts");
        Assert.Equal(2, await CountAsync("select count(*) from inbox_items where tenant_id = $1 and deleted_at is not null", tenant.Id));
        var events = await CountAsync("select count(*) from inbox_events where tenant_id = $1", tenant.Id);
        Assert.True(events >= 6, $"three created, a delete, an expiry, each with counts: {events}");
        var now = DateTimeOffset.UtcNow;

        // Day 1: inside the replay window, and the gone items left only now.
        var day1 = (await Runner.RunOnceAsync(now.AddDays(1), default)).ToDictionary(r => r.Kind);
        Assert.Equal(0, day1["InboxEvents"].Purged);
        Assert.Equal(0, day1["InboxItems"].Purged);

        // Day 3: every stream event is past the 2-day window (a reconnect with an older id gets `reset`); the items stay.
        var day3 = (await Runner.RunOnceAsync(now.AddDays(3), default)).ToDictionary(r => r.Kind);
        Assert.Equal(events, day3["InboxEvents"].Purged);
        Assert.Equal(0, await CountAsync("select count(*) from inbox_events where tenant_id = $1", tenant.Id));
        Assert.Equal(0, day3["InboxItems"].Purged);

        // Day 31: the deleted and the expired item go with their in-app notifications and history, in batches of two;
        // the live one, its notification, its counts and the list stay.
        var day31 = (await Runner.RunOnceAsync(now.AddDays(31), default)).ToDictionary(r => r.Kind);
        Assert.Equal(2, day31["InboxItems"].Purged);
        Assert.Equal(2, day31["InboxItems"].Batches);              // 2 + the empty batch that ends it
        Assert.Equal(1, await CountAsync("select count(*) from inbox_items where tenant_id = $1", tenant.Id));
        foreach (var gone in new[] { deleted, expiring })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"/api/v1/services/notifications/{gone}")).StatusCode);
            Assert.Equal(0, await CountAsync("select count(*) from notification_events where notification_id = $1", gone));
        }
        Assert.Equal("sent", (await tenant.Http.StatusAsync(keep))["status"]!.GetValue<string>());
        Assert.Equal([keep], await user.ListIdsAsync("?archived=include"));
        Assert.Equal((1, 1, 1), await user.CountsAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await user.GetAsync($"{EndUsers.Inbox}/{expiring}")).StatusCode);
    }
}
