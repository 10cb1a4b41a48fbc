using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Tracing;

/// <summary>
/// The accept path commits the drafts of concurrent requests in one flush, whose own span continues only the first
/// request's trace. Each draft carries its request's trace, so its delivery job and its `notification.accepted`
/// webhook continue that trace whichever flush commits it.
/// </summary>
[Collection("service")]
public class AcceptFlushTraceTests(ServiceFixture service)
{
    [Fact]
    public async Task Drafts_of_two_requests_committed_together_each_enqueue_their_jobs_in_their_own_requests_trace()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Respond = _ => (500, null); // so each webhook job stays (retrying) to be read
        var tenant = await service.NewTenantAsync();
        (await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = receiver.Url, events = new[] { "notification.accepted" } })).EnsureSuccessStatusCode();

        var (first, second, flushTrace) = (ActivityTraceId.CreateRandom(), ActivityTraceId.CreateRandom(), ActivityTraceId.CreateRandom());
        // Scheduled an hour apart, so the two are two delivery groups whose jobs stay queued to be read.
        var drafts = new[] { (first, TimeSpan.FromHours(1)), (second, TimeSpan.FromHours(2)) }.Select(d => new NotificationDraft(
            Guid.CreateVersion7(), tenant.Id, "email", JobPriority.Normal, new StoredRecipient(null, "ada@example.com", null, null), null, null, null,
            new StoredContent("Hi", "Hello", null), null, null, null, DateTimeOffset.UtcNow.Add(d.Item2),
            TraceParent: $"00-{d.Item1}-{ActivitySpanId.CreateRandom()}-01")).ToList();

        using (new Activity("accept flush").SetParentId(flushTrace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            var ledger = service.Factory.Services.GetRequiredService<NotificationLedger>();
            await using var tx = await ledger.BeginAsync(CancellationToken.None);
            await service.Factory.Services.GetRequiredService<NotificationWriter>().InsertAsync(tx, drafts, CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }

        foreach (var (draft, trace) in drafts.Zip([first, second]))
        {
            var delivery = await service.ScalarAsync<string>("select j.trace_parent from jobs j join notifications n on n.job_id = j.id where n.id = $1", draft.Id);
            Assert.StartsWith($"00-{trace}-", delivery);
            // The accepted event's webhook job (kept, retrying, since the receiver answers 500).
            var webhook = await service.ScalarAsync<string>("""
                select j.trace_parent from webhook_deliveries d join jobs j on j.args->>'d' = d.id::text
                where d.notification_id = $1 and d.tenant_id = $2
                """, draft.Id, tenant.Id);
            Assert.StartsWith($"00-{trace}-", webhook);
        }
    }
}
