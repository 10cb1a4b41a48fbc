using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Operations.Usage;
using NotificationService.Queue;

namespace NotificationService.Tests.Features.Operations.Usage;

/// <summary>Accepted drafts are counted per tenant and channel however they are interleaved (counted by runs, not one by one).</summary>
public class UsageCounterTests
{
    private static NotificationDraft Draft(Guid tenant, string channel) => new(Uuid7.New(), tenant, channel, JobPriority.Normal,
        new StoredRecipient(null, "a@example.com", null, null), null, null, null, null, null, null, null, null);

    [Fact]
    public void Accepted_drafts_count_per_tenant_and_channel_in_runs_and_apart()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var counter = new UsageCounter(TimeProvider.System);

        counter.OnAccepted([Draft(a, "email"), Draft(a, "email"), Draft(a, "email"), Draft(b, "email"), Draft(a, "sms"), Draft(a, "sms"), Draft(a, "email")]);
        counter.OnAccepted([Draft(b, "email")]);
        counter.OnAccepted([]);

        var day = DateOnly.FromDateTime(DateTime.UtcNow);
        var counts = counter.Drain();
        Assert.Equal(4, counts[new UsageKey(a, day, "email", NotificationStatuses.Accepted)]);
        Assert.Equal(2, counts[new UsageKey(a, day, "sms", NotificationStatuses.Accepted)]);
        Assert.Equal(2, counts[new UsageKey(b, day, "email", NotificationStatuses.Accepted)]);
        Assert.Equal(3, counts.Count);
    }
}
