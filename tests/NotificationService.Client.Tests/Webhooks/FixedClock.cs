namespace NotificationService.Client.Tests.Webhooks;

/// <summary>A clock that says what the spec sets.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
    public static FixedClock AtUnix(long seconds) => new(DateTimeOffset.FromUnixTimeSeconds(seconds));
}
