namespace NotificationService.Queue;

/// <summary>
/// Exponential backoff with jitter, as a pure function: attempt 1 waits about <see cref="BaseDelay"/>,
/// each later attempt twice as long, capped at <see cref="MaxDelay"/>, then spread by ±<see cref="Jitter"/>
/// so that jobs failing together do not retry together. Never more than <see cref="MaxDelay"/>.
/// </summary>
public sealed record RetryPolicy(TimeSpan BaseDelay, TimeSpan MaxDelay, double Jitter = 0.2)
{
    public static RetryPolicy Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));

    /// <param name="attempt">The attempt that just failed, from 1.</param>
    /// <param name="random01">A uniform random number in [0, 1).</param>
    public TimeSpan NextDelay(int attempt, double random01)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var raw = Math.Min(BaseDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        var spread = 1 + Jitter * (2 * random01 - 1);
        // Capped after the jitter: MaxDelay is a promise to the caller, not a centre of a spread.
        return TimeSpan.FromMilliseconds(Math.Clamp(raw * spread, 0, MaxDelay.TotalMilliseconds));
    }
}
