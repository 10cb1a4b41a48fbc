using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Usage;
using NotificationService.Queue;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Features.Administration.Privacy;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Delivery;

/// <summary>
/// Sends by userId: the address comes from the recipient's profile as it is when the worker sends (an address given in
/// the send wins); a channel with no address, or a push user with no active device, ends `skipped` with its reason,
/// which is not a failure and is never retried.
/// </summary>
[Collection("service")]
public class SendByUserIdTests(ServiceFixture service)
{
    private static object EmailTo(object recipient, DateTimeOffset? sendAt = null) =>
        new { channel = "email", recipient, content = new { subject = "Hi", body = "Hello" }, sendAt };

    private async Task<JsonNode> SandboxRecipientAsync(Guid id) =>
        JsonNode.Parse((await service.ScalarAsync<string>("select recipient::text from sandbox_messages where notification_id = $1", id))!)!;

    [Fact]
    public async Task A_send_by_userId_goes_to_the_profiles_address_and_an_address_given_in_the_send_wins_for_that_send()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com", phone = "+14155550100" });

        var email = await tenant.Http.SendOkAsync(EmailTo(new { userId = "ada" }));
        var sms = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { userId = "ada" }, content = new { body = "Hi" } });
        var given = await tenant.Http.SendOkAsync(EmailTo(new { userId = "ada", email = "ada.work@example.com" }));
        foreach (var id in new[] { email, sms, given }) await service.Ledger.WaitForAsync(id, "sent");

        Assert.Equal("ada@example.com", (await SandboxRecipientAsync(email)).Text("email"));
        Assert.Equal("+14155550100", (await SandboxRecipientAsync(sms)).Text("phone"));
        Assert.Equal("ada.work@example.com", (await SandboxRecipientAsync(given)).Text("email"));
        Assert.Equal("ada@example.com", (await tenant.Http.ProfileAsync("ada")).Text("email"));   // the send did not change the profile
        // The notification keeps what the send said; the address used is resolved at each attempt.
        Assert.Null(await service.ScalarAsync<string>("select recipient->>'email' from notifications where id = $1", email));
    }

    [Fact]
    public async Task The_address_a_send_by_userId_was_delivered_to_is_kept_on_the_notification_until_the_person_is_erased()
    {
        var tenant = await service.NewTenantAsync();
        var address = $"erase-me-{Guid.NewGuid():N}@example.com";
        await tenant.Http.IdentifyAsync("eve", new { email = address });
        var id = await tenant.Http.SendOkAsync(EmailTo(new { userId = "eve" }));
        await service.Ledger.WaitForAsync(id, "sent");
        Assert.Equal(address, await service.ScalarAsync<string>("select address from notifications where id = $1", id));

        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync("eve"));
        Assert.Empty(await PrivacyApi.WhereStoredAsync(service.Db, address));
        Assert.Null(await service.ScalarAsync<string>("select address from notifications where id = $1", id));
    }

    [Fact]
    public async Task The_address_the_profile_has_when_the_worker_sends_is_used_not_the_one_it_had_at_accept()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.IdentifyAsync("bo", new { email = "bo.old@example.com" });
        // Scheduled an hour ahead so that nothing can send it before the change; released by making its job due now.
        var id = await tenant.Http.SendOkAsync(EmailTo(new { userId = "bo" }, DateTimeOffset.UtcNow.AddHours(1)));
        await tenant.Http.IdentifyAsync("bo", new { email = "bo.new@example.com" });
        await using (var release = service.Db.CreateCommand("update jobs set run_at = now() where id = (select job_id from notifications where id = $1)"))
        {
            release.Parameters.AddWithValue(id);
            Assert.Equal(1, await release.ExecuteNonQueryAsync());
        }

        await service.Ledger.WaitForAsync(id, "sent");
        Assert.Equal("bo.new@example.com", (await SandboxRecipientAsync(id)).Text("email"));
    }

    [Fact]
    public async Task A_channel_without_an_address_ends_skipped_with_its_reason_webhook_usage_and_metric_and_is_never_retried()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await service.NewTenantAsync();
        await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = receiver.Url, events = new[] { "notification.skipped" } });
        await tenant.Http.IdentifyAsync("cy", new { email = "cy@example.com" });   // an email but no phone
        var metricsBefore = await ScrapeAsync();

        var noProfile = await tenant.Http.SendOkAsync(EmailTo(new { userId = "ghost" }));
        var noPhone = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { userId = "cy" }, content = new { body = "Hi" } });

        Assert.Equal("no_address:email", (await service.Ledger.WaitForAsync(noProfile, "skipped")).Detail);
        Assert.Equal("no_address:sms", (await service.Ledger.WaitForAsync(noPhone, "skipped")).Detail);
        var status = await tenant.Http.StatusAsync(noProfile);
        Assert.Equal(("skipped", "no_address:email", 1), (status["status"]!.GetValue<string>(), status["lastError"]!.GetValue<string>(), status["attempts"]!.GetValue<int>()));
        Assert.Contains(status["history"]!.AsArray(), h => h!["status"]!.GetValue<string>() == "skipped" && h["detail"]!.GetValue<string>() == "no_address:email");

        // Never retried: both jobs were acknowledged done and are gone; nothing reached the provider.
        // The two delivery jobs: the tenant's webhook jobs are acknowledged done too, and one of them may come first.
        await service.Queue.Acknowledged.WaitForAsync(a => a.Job.TenantId == tenant.Id && a.Job.Queue is "email" or "sms" && a.Result is JobResult.Completed,
            "both delivery jobs acknowledged done", 2);
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1 and queue in ('email', 'sms')", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from sandbox_messages where tenant_id = $1", tenant.Id));

        var hooks = (await receiver.WaitForAsync(2)).Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.All(hooks, h => Assert.Equal("notification.skipped", h["type"]!.GetValue<string>()));
        Assert.Equal(["no_address:email", "no_address:sms"], hooks.Select(h => h["data"]!["error"]!.GetValue<string>()).Order());

        await service.Factory.Services.GetRequiredService<UsageFlusher>().FlushAsync(default);
        var usage = await (await tenant.Http.GetAsync("/api/v1/admin/usage")).JsonAsync();
        var today = usage["days"]!.AsArray().Where(d => d!["channel"]!.GetValue<string>() == "email").Select(d => d!["counts"]!).Single()!;
        Assert.Equal((1, 0), (today["skipped"]!.GetValue<long>(), today["failed"]?.GetValue<long>() ?? 0));

        var metricsAfter = await ScrapeAsync();
        const string skipped = "notifications_finished_total{channel=\"email\",outcome=\"skipped\"}";
        Assert.Equal(1, Sample(metricsAfter, skipped) - (Sample(metricsBefore, skipped) ?? 0));
    }

    [Fact]
    public async Task A_push_user_without_an_active_device_is_skipped_not_failed()
    {
        var tenant = await service.NewTenantAsync();
        var id = await tenant.Http.SendOkAsync(new { channel = "push", recipient = new { userId = "no-phone-yet" }, content = new { subject = "T", body = "B" } });
        var skipped = await service.Ledger.WaitForAsync(id, "skipped");
        Assert.Equal("no_device", skipped.Detail);
        await service.Queue.WaitForAsync(tenant.Id, r => r is JobResult.Completed, "the job acknowledged done");
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1 and state = 'dead'", tenant.Id));
    }

    [Fact]
    public async Task Batch_items_and_CSV_rows_with_a_userId_and_no_address_take_the_profiles()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.IdentifyAsync("dee", new { email = "dee@example.com" });
        await tenant.Http.IdentifyAsync("eli", new { email = "eli@example.com" });

        var batch = await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "email", content = new { subject = "S", body = "B" },
            recipients = new object[] { new { userId = "dee" }, new { userId = "eli", email = "eli.given@example.com" }, new { userId = "nobody" }, new { } },
        });
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        var accepted = (await batch.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(3, accepted["accepted"]!.GetValue<int>());
        Assert.Equal(3, Assert.Single(accepted["rejected"]!.AsArray())!["index"]!.GetValue<int>());   // neither an address nor a userId
        var batchId = Guid.Parse(accepted["batchId"]!.GetValue<string>());
        await Eventually.Async(() => service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1 and status in ('sent', 'skipped')", batchId),
            n => n == 3, "the batch to be sent or skipped");
        Assert.Equal(["dee@example.com", "eli.given@example.com"], await SentToAsync(batchId));
        Assert.Equal("no_address:email", await service.ScalarAsync<string>("select last_error from notifications where batch_id = $1 and status = 'skipped'", batchId));

        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var upload = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("user_id,order_id,first_name\ndee,1,Dee\neli,2,Eli\n"));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var jobId = Guid.Parse((await upload.Content.ReadFromJsonAsync<JsonNode>())!["jobId"]!.GetValue<string>());
        Assert.Equal(2, (await BulkCsv.WaitFinishedAsync(tenant.Http, jobId))["acceptedRows"]!.GetValue<long>());
        await Eventually.Async(() => service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1 and status = 'sent'", jobId),
            n => n == 2, "the CSV rows to be sent");
        Assert.Equal(["dee@example.com", "eli@example.com"], await SentToAsync(jobId));
    }

    private async Task<string[]> SentToAsync(Guid batchId)
    {
        var list = await service.ScalarAsync<string>("""
            select string_agg(s.recipient->>'email', ',' order by s.recipient->>'email') from sandbox_messages s
            join notifications n on n.id = s.notification_id where n.batch_id = $1
            """, batchId);
        return list?.Split(',') ?? [];
    }

    private async Task<string> ScrapeAsync() => await service.Factory.CreateClient().GetStringAsync("/metrics");

    private static double? Sample(string exposition, string series) =>
        exposition.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => (double?)double.Parse(l[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();
}
