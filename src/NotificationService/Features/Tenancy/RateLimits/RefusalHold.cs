namespace NotificationService.Features.Tenancy.RateLimits;

/// <summary>
/// Holds a refused request for its Retry-After (at most `RateLimits:HoldRefusalsMs`, 1,000 by default; 0 answers at
/// once) before the 429 goes out. The price: the header still says the full Retry-After (whole seconds, at least 1),
/// so a client that respects it waits the hold and then that again, up to ~2 s per refusal instead of 1. What it buys:
/// a client that does not, a closed loop retrying as fast as it is answered, is slowed to one request per
/// hold per connection instead of spinning the CPU that every other tenant's requests share (measured in
/// BENCHMARKS.md, per-tenant rate limits). At most `RateLimits:MaxHeldRefusals` (1,000) requests are held per replica
/// at once; past that a refusal is answered at once, so a flood of connections cannot pile up here.
/// </summary>
public sealed class RefusalHold(IConfiguration config, TimeProvider clock)
{
    private readonly TimeSpan _cap = TimeSpan.FromMilliseconds(Math.Clamp(config.GetValue("RateLimits:HoldRefusalsMs", 1000), 0, 10_000));
    private readonly int _maxHeld = Math.Max(0, config.GetValue("RateLimits:MaxHeldRefusals", 1000));
    private int _held;

    /// <summary>Requests being held now (a test and the bench read it).</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Waits out <paramref name="retryAfter"/> up to the cap, unless too many are held already or the client left.</summary>
    public async ValueTask HoldAsync(TimeSpan retryAfter, CancellationToken aborted)
    {
        var hold = retryAfter < _cap ? retryAfter : _cap;
        if (hold <= TimeSpan.Zero) return;
        if (Interlocked.Increment(ref _held) > _maxHeld) { Interlocked.Decrement(ref _held); return; }
        try { await Task.Delay(hold, clock, aborted); }
        catch (OperationCanceledException) { }   // the client went away: the 429 is written to nobody, harmlessly
        finally { Interlocked.Decrement(ref _held); }
    }
}
