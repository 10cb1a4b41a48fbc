namespace NotificationService.Features.Operations.Analytics;

/// <summary>
/// Provider call durations are counted in fixed log-scale buckets, four per doubling: bucket b holds durations in
/// (2^((b-1)/4), 2^(b/4)] ms, from 1 ms (bucket 0, and anything faster) to about 18 minutes (bucket 80, and anything
/// slower). A percentile is the upper bound of the bucket its rank falls in, so it reads at most 19 % (2^(1/4)) above
/// the exact value and never below it; buckets from any hours and replicas add up.
/// </summary>
public static class LatencyBuckets
{
    public const int PerDoubling = 4;
    public const int Last = 80;

    public static int Of(TimeSpan took) =>
        took.TotalMilliseconds <= 1 ? 0 : Math.Min(Last, (int)Math.Ceiling(Math.Log2(took.TotalMilliseconds) * PerDoubling - 1e-9));

    public static double UpperMs(int bucket) => Math.Round(Math.Pow(2, (double)bucket / PerDoubling), 1);

    /// <summary>The nearest-rank percentile (0 &lt; <paramref name="p"/> ≤ 1) of counts per bucket, in ms; null without calls.</summary>
    public static double? Percentile(IReadOnlyDictionary<int, long> counts, double p)
    {
        var total = counts.Values.Sum();
        if (total == 0) return null;
        var rank = (long)Math.Ceiling(p * total);
        var seen = 0L;
        foreach (var (bucket, n) in counts.OrderBy(c => c.Key))
            if ((seen += n) >= rank) return UpperMs(bucket);
        return UpperMs(counts.Keys.Max());
    }
}
