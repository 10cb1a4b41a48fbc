using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Notifications;

/// <summary>
/// A delivery attempt is stored as one history row (its outcome, with the attempt's number and start) and read as two
/// entries, `sending · attempt N` then the outcome; an attempt still in flight reads as `sending` from the notification itself.
/// </summary>
[Collection("service")]
public class HistoryTests(ServiceFixture service)
{
    [Fact]
    public async Task An_attempt_reads_as_sending_while_in_flight_and_as_sending_then_its_outcome_once_done_from_one_stored_row()
    {
        var tenant = await service.NewTenantAsync("""{"latencyMs": 1500}""", "email");
        var id = await tenant.Http.SendOkAsync(Api.Email());

        await service.Ledger.WaitForAsync(id, "sending");
        var inFlight = await tenant.Http.StatusAsync(id);
        Assert.Equal("sending", inFlight["status"]!.GetValue<string>());
        Assert.Equal(1, inFlight["attempts"]!.GetValue<int>());
        Assert.Equal(["accepted", "queued", "sending"], Statuses(inFlight));
        Assert.Equal("attempt 1", inFlight["history"]![2]!["detail"]!.GetValue<string>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notification_events where notification_id = $1", id));

        var sent = await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal(["accepted", "queued", "sending", "sent"], Statuses(sent));
        var history = sent["history"]!.AsArray();
        Assert.Equal("attempt 1", history[2]!["detail"]!.GetValue<string>());
        Assert.Equal(inFlight["history"]![2]!["at"]!.GetValue<DateTimeOffset>(), history[2]!["at"]!.GetValue<DateTimeOffset>());
        Assert.True(history[3]!["at"]!.GetValue<DateTimeOffset>() >= history[2]!["at"]!.GetValue<DateTimeOffset>().AddMilliseconds(1400));
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from notification_events where notification_id = $1", id));
    }

    [Fact]
    public async Task Each_retried_attempt_reads_as_its_own_sending_entry_before_its_outcome()
    {
        var tenant = await service.NewTenantAsync("""{"transientRate": 1}""", "sms");
        var id = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" } });
        var failed = await tenant.Http.WaitForStatusAsync(id, "failed", 30_000);

        var history = failed["history"]!.AsArray();
        Assert.Equal(["accepted", "queued", .. Enumerable.Repeat<string[]>(["sending", "sending"], 7).SelectMany(p => p), "sending", "failed"], Statuses(failed));
        for (var attempt = 1; attempt <= 8; attempt++)
            Assert.Equal($"attempt {attempt}", history[2 * attempt]!["detail"]!.GetValue<string>());
        Assert.StartsWith("attempt 1 failed, will retry", history[3]!["detail"]!.GetValue<string>());
        Assert.Equal(8, await service.ScalarAsync<long>("select count(*) from notification_events where notification_id = $1", id));
    }

    private static List<string> Statuses(JsonNode n) => n["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()).ToList();
}
