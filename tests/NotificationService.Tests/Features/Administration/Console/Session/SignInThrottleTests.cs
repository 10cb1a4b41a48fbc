using NotificationService.Features.Administration.Console.Session;

namespace NotificationService.Tests.Features.Administration.Console.Session;

/// <summary>
/// The throttle is bounded and fails closed: when it tracks as many pairs as it may, a new pair pushes out the pair whose
/// last failure is oldest, and every other pair keeps its count (a spray of new addresses never unlocks an account).
/// </summary>
public class SignInThrottleTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_full_throttle_pushes_out_its_oldest_pair_and_keeps_every_other_count()
    {
        var clock = new Clock();
        var throttle = new SignInThrottle(clock);
        throttle.RecordFailure("198.51.100.1", "member:oldest");
        clock.Now += TimeSpan.FromSeconds(1);
        for (var i = 0; i < SignInThrottle.MaxTracked - 2; i++) throttle.RecordFailure($"spray-{i}", "member:sprayed");
        clock.Now += TimeSpan.FromSeconds(1);
        for (var i = 0; i < SignInThrottle.MaxFailures; i++) throttle.RecordFailure("203.0.113.9", "member:owner");
        Assert.True(throttle.IsBlocked("203.0.113.9", "member:owner"));

        throttle.RecordFailure("spray-new", "member:sprayed");   // one pair more than it tracks
        throttle.RecordFailure("spray-newer", "member:sprayed");

        Assert.True(throttle.IsBlocked("203.0.113.9", "member:owner"), "a new pair reset another pair's failures");
        Assert.True(throttle.IsBlocked("spray-1", "member:sprayed", maxFailures: 1), "a new pair reset another pair's failures");
        Assert.False(throttle.IsBlocked("198.51.100.1", "member:oldest", maxFailures: 1));   // the two oldest went: the first pair and spray-0
        Assert.False(throttle.IsBlocked("spray-0", "member:sprayed", maxFailures: 1));
    }

    [Fact]
    public void A_pair_whose_window_passed_is_not_blocked_and_a_reset_forgets_only_its_own_pair()
    {
        var clock = new Clock();
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < SignInThrottle.MaxFailures; i++) { throttle.RecordFailure("a", "member:x"); throttle.RecordFailure("b", "member:x"); }
        throttle.Reset("a", "member:x");
        Assert.False(throttle.IsBlocked("a", "member:x"));
        Assert.True(throttle.IsBlocked("b", "member:x"));
        clock.Now += SignInThrottle.Window + TimeSpan.FromSeconds(1);
        Assert.False(throttle.IsBlocked("b", "member:x"));
    }
}
