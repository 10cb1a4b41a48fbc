using Npgsql;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>A provider's (and channel's) call durations over a range: how many calls and p50/p95 in ms from the buckets.</summary>
public sealed record AnalyticsLatency(string Provider, string Channel, long Calls, double? P50Ms, double? P95Ms);

/// <summary>The owner of `analytics_latency_hourly`.</summary>
public sealed class LatencyStore(NpgsqlDataSource db)
{
    private const string AddSql = """
        insert into analytics_latency_hourly as a (tenant_id, hour, channel, provider, bucket, count)
        select tenant_id, hour, channel, provider, bucket, sum(n)
        from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::int2[], $6::int8[]) e(tenant_id, hour, channel, provider, bucket, n)
        group by 1, 2, 3, 4, 5
        order by 1, 2, 3, 4, 5
        on conflict (tenant_id, hour, channel, provider, bucket) do update set count = a.count + excluded.count
        """;

    public async Task AddAsync(IReadOnlyDictionary<LatencyCell, long> counts, CancellationToken ct)
    {
        if (counts.Count == 0) return;
        await using var cmd = db.CreateCommand(AddSql);
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => c.TenantId).ToArray());
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => c.Hour).ToArray());
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => c.Channel).ToArray());
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => c.Provider).ToArray());
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => (short)c.Bucket).ToArray());
        cmd.Parameters.AddWithValue(counts.Values.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The tenant's latency per provider and channel in [<paramref name="from"/>, <paramref name="to"/>), busiest first.</summary>
    public async Task<List<AnalyticsLatency>> PerProviderAsync(Guid tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select provider, channel, bucket, sum(count)::int8 from analytics_latency_hourly
            where tenant_id = $1 and hour >= $2 and hour < $3
            group by 1, 2, 3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        var cells = new List<(string Provider, string Channel, int Bucket, long Count)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) cells.Add((r.GetString(0), r.GetString(1), r.GetInt16(2), r.GetInt64(3)));
        return [.. cells.GroupBy(c => (c.Provider, c.Channel)).Select(g =>
            {
                var buckets = g.ToDictionary(c => c.Bucket, c => c.Count);
                return new AnalyticsLatency(g.Key.Provider, g.Key.Channel, buckets.Values.Sum(),
                    LatencyBuckets.Percentile(buckets, 0.50), LatencyBuckets.Percentile(buckets, 0.95));
            }).OrderByDescending(l => l.Calls).ThenBy(l => l.Provider).ThenBy(l => l.Channel)];
    }
}
