using System.Globalization;

namespace NotificationService.Features.Tenancy.RateLimits;

/// <summary>
/// The tenant's recipient budget: the `batch` bucket, which a batch is charged from per recipient. A request that
/// reaches people by a name rather than a list (a send or a workflow trigger to topics, a live event to users) is
/// charged here by the people it reaches, before its 202, so that one small request cannot cause what a refused batch
/// of the same size would not. Refused: a 429 naming the budget, with Retry-After, and nothing written.
/// </summary>
public sealed class RecipientBudget(TenantRateLimiter limiter)
{
    /// <param name="what">What is being charged, for the refusal's detail ("This send to topics").</param>
    public async Task ChargeAsync(Guid tenantId, long recipients, string what, CancellationToken ct)
    {
        if (!limiter.Enabled || recipients <= 0) return;
        var d = await limiter.TakeAsync(tenantId, EndpointClass.Batch, recipients, ct);
        if (d.Allowed) return;
        var budget = string.Create(CultureInfo.InvariantCulture,
            $"the batch rate limit: {d.Limit.PerSecond:0.##} recipients/s, burst {d.Limit.Burst:0}");
        var why = recipients > d.Limit.Burst
            ? $"more than the tenant's recipient budget holds ({budget}), so it is admitted only when the budget is full"
            : $"more than the tenant's recipient budget has left ({budget})";
        throw new RateLimitedException(d, $"{what} reaches {recipients.ToString("N0", CultureInfo.InvariantCulture)} recipients, {why}; " +
            $"retry after {RateLimitHeaders.Seconds(d.RetryAfter)} s.");
    }
}
