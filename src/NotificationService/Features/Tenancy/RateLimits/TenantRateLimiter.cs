using NotificationService.Infrastructure;
using System.Collections.Concurrent;

namespace NotificationService.Features.Tenancy.RateLimits;

/// <summary>The answer to one request: allowed or not, and what the RateLimit headers say.</summary>
public sealed record RateDecision(bool Allowed, EndpointClass Class, RateLimit Limit, double Remaining, TimeSpan RetryAfter);

/// <summary>
/// Per-tenant token buckets held across replicas. Tokens live in PostgreSQL (<see cref="SharedBuckets"/>); each
/// replica takes them in small leases (a tenth of the burst, or more when one request costs more) and spends them
/// locally, so most requests cost no round trip, and a leased token not spent within <see cref="Lease"/> is dropped
/// rather than given back. When the shared bucket cannot cover a request the replica refuses locally until the refill
/// would: a flooding tenant's refused requests cost the database nothing. Guarantee: admitted ≤ burst + rate × t over
/// any t seconds on all replicas together (never more, but for the debt of one request larger than the burst; less by at
/// most the unspent leases, one per replica).
/// </summary>
public sealed class TenantRateLimiter(SharedBuckets shared, TenantLimits limits, ServiceMeter metrics, TimeProvider clock)
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);

    private sealed class LocalBucket
    {
        public readonly Lock Gate = new();
        public readonly SemaphoreSlim Refill = new(1, 1);
        public double Tokens, SharedLeft;
        public DateTimeOffset LeaseUntil, EmptyUntil;
    }

    private readonly ConcurrentDictionary<(Guid, EndpointClass), LocalBucket> _buckets = new();

    public bool Enabled => limits.Enabled;

    public async ValueTask<RateDecision> TakeAsync(Guid tenantId, EndpointClass c, long cost, CancellationToken ct)
    {
        var (limit, _) = await limits.ForAsync(tenantId, c, ct);
        // A request larger than the burst (a send to a topic of 50,000 members) needs a full bucket and leaves the rest
        // as debt, paid by waiting: charging it only the burst let such requests through at many times the rate.
        var need = Math.Min(Math.Max(cost, 1), limit.Burst);
        var debt = Math.Max(0, cost - limit.Burst);
        var bucket = _buckets.GetOrAdd((tenantId, c), _ => new LocalBucket());
        if (debt == 0 && TryLocal(bucket, c, limit, need) is { } quick) return Count(quick);

        await bucket.Refill.WaitAsync(ct);
        try
        {
            if (debt == 0 && TryLocal(bucket, c, limit, need) is { } meanwhile) return Count(meanwhile); // another request refilled
            var want = Math.Min(limit.Burst, Math.Max(need, Math.Ceiling(limit.Burst / 10)));
            var (granted, left) = await shared.TakeAsync(tenantId, c, limit, need, want, debt, ct);
            var now = clock.GetUtcNow();
            lock (bucket.Gate)
            {
                bucket.SharedLeft = left;
                if (granted >= need)
                {
                    bucket.Tokens = (now < bucket.LeaseUntil ? bucket.Tokens : 0) + granted - need;
                    bucket.LeaseUntil = now + Lease;
                    return Count(Allowed(bucket, c, limit));
                }
                bucket.EmptyUntil = now + TimeSpan.FromSeconds((need - left) / limit.PerSecond);
                return Count(new RateDecision(false, c, limit, 0, bucket.EmptyUntil - now));
            }
        }
        finally { bucket.Refill.Release(); }
    }

    private RateDecision? TryLocal(LocalBucket bucket, EndpointClass c, RateLimit limit, double need)
    {
        var now = clock.GetUtcNow();
        lock (bucket.Gate)
        {
            if (now < bucket.EmptyUntil) return new RateDecision(false, c, limit, 0, bucket.EmptyUntil - now);
            if (now >= bucket.LeaseUntil || bucket.Tokens < need) return null;
            bucket.Tokens -= need;
            return Allowed(bucket, c, limit);
        }
    }

    private static RateDecision Allowed(LocalBucket bucket, EndpointClass c, RateLimit limit) =>
        new(true, c, limit, Math.Min(limit.Burst, bucket.Tokens + bucket.SharedLeft), TimeSpan.Zero);

    private RateDecision Count(RateDecision d)
    {
        if (!d.Allowed) metrics.RateLimited(d.Class.Name());
        return d;
    }
}
