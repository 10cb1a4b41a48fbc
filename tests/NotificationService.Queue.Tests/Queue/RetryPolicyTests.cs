namespace NotificationService.Queue.Tests.Queue;

public class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), Jitter: 0.2);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    public void Without_jitter_the_delay_doubles_with_each_attempt(int attempt, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Policy.NextDelay(attempt, random01: 0.5));

    [Fact]
    public void The_delay_never_exceeds_the_maximum_even_for_absurd_attempt_numbers()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), Policy.NextDelay(7, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(1), Policy.NextDelay(10_000, 0.999));
    }

    [Fact]
    public void Jitter_spreads_the_delay_by_the_configured_fraction_either_way()
    {
        Assert.Equal(TimeSpan.FromSeconds(3.2), Policy.NextDelay(3, random01: 0));
        Assert.Equal(4.8, Policy.NextDelay(3, random01: 1).TotalSeconds, precision: 6);
    }

    [Fact]
    public void The_default_policy_starts_at_one_second()
    {
        Assert.InRange(RetryPolicy.Default.NextDelay(1, Random.Shared.NextDouble()).TotalSeconds, 0.8, 1.2);
    }
}
