using NotificationService.Features.Administration.Privacy;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>
/// An erase runs beside normal traffic: after each batch it rests so that batches take at most `Erase:MaxShare` of its
/// time, a batch that took t resting t × (1 − share) / share (and never less than `Erase:PauseMs`).
/// </summary>
public class ErasePacingTests
{
    [Theory]
    [InlineData(0.25, 3.0)]   // the default: a batch of 40 ms rests 120 ms
    [InlineData(0.5, 1.0)]
    [InlineData(1.0, 0.0)]    // no share limit: only the fixed pause
    [InlineData(2.0, 0.0)]
    public void A_batch_rests_long_enough_that_batches_take_at_most_their_share(double share, double restPerBusy) =>
        Assert.Equal(restPerBusy, NotificationEraser.RestPerBusy(share), precision: 9);

    [Fact]
    public void A_share_of_zero_or_less_is_read_as_one_per_cent_rather_than_never_finishing() =>
        Assert.Equal(99.0, NotificationEraser.RestPerBusy(0), precision: 9);
}
