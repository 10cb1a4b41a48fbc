using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using NotificationService.Features.Administration.Platform;
using NotificationService.Infrastructure;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// Background jobs that work in batches (an erase, a tenant's deletion) rest after each batch so that their batches take
/// at most their share of the time: a batch that took t rests t × (1 − share) / share, and never less than the floor.
/// </summary>
public class BatchPacingTests
{
    private static long StartedAgo(TimeSpan ago) => Stopwatch.GetTimestamp() - (long)(ago.TotalSeconds * Stopwatch.Frequency);

    [Fact]
    public void A_batch_of_40_ms_at_a_quarter_share_rests_three_times_as_long()
    {
        var rest = new BatchPacing(0.25, TimeSpan.Zero).RestAfter(StartedAgo(TimeSpan.FromMilliseconds(40)));
        Assert.InRange(rest.TotalMilliseconds, 120, 300);
    }

    [Fact]
    public void A_quick_batch_still_rests_the_floor()
    {
        var rest = new BatchPacing(1.0, TimeSpan.FromMilliseconds(50)).RestAfter(Stopwatch.GetTimestamp());
        Assert.Equal(TimeSpan.FromMilliseconds(50), rest);
    }

    [Fact]
    public void With_the_whole_share_and_no_floor_a_job_never_rests() =>
        Assert.Equal(TimeSpan.Zero, new BatchPacing(1.0, TimeSpan.Zero).RestAfter(StartedAgo(TimeSpan.FromSeconds(1))));

    [Theory]
    [InlineData(0.25, 3.0)]   // a batch of 40 ms rests 120 ms
    [InlineData(0.5, 1.0)]
    [InlineData(1.0, 0.0)]    // no share limit: only the floor
    [InlineData(2.0, 0.0)]
    [InlineData(0.0, 99.0)]   // zero or less is read as one per cent rather than never finishing
    public void A_batch_rests_long_enough_that_batches_take_at_most_their_share(double share, double restPerBusy) =>
        Assert.Equal(restPerBusy, new BatchPacing(share, TimeSpan.Zero).RestPerBusy, precision: 9);

    [Fact]
    public void A_tenant_deletion_takes_a_quarter_of_its_time_by_default_and_its_share_is_configurable()
    {
        TenantDeleter Deleter(Dictionary<string, string?> settings) =>
            new(null!, null!, null!, new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), null!);
        Assert.Equal(3.0, Deleter([]).Pacing.RestPerBusy, precision: 9);
        Assert.Equal(1.0, Deleter(new() { ["Tenants:DeleteMaxShare"] = "0.5" }).Pacing.RestPerBusy, precision: 9);
    }
}
