using Microsoft.Extensions.Configuration;
using NotificationService.Features.Administration.Privacy;
using NotificationService.Infrastructure;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>
/// An erase runs beside normal traffic: after each batch it rests so that batches take at most `Erase:MaxShare` of its
/// time (a quarter by default), and never less than `Erase:PauseMs` (how the rest is reckoned: Infrastructure/BatchPacingTests).
/// </summary>
public class ErasePacingTests
{
    private static NotificationEraser Eraser(Dictionary<string, string?> settings) =>
        new(null!, null!, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void An_erase_takes_a_quarter_of_its_time_and_rests_at_least_50_ms_by_default() =>
        Assert.Equal(new BatchPacing(0.25, TimeSpan.FromMilliseconds(50)), Eraser([]).Pacing);

    [Fact]
    public void Its_share_and_its_least_rest_are_configurable() =>
        Assert.Equal(new BatchPacing(0.5, TimeSpan.FromMilliseconds(10)), Eraser(new() { ["Erase:MaxShare"] = "0.5", ["Erase:PauseMs"] = "10" }).Pacing);
}
