using Npgsql;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>One group's count of a status (and reason, for the side branches) over a range of hours.</summary>
public sealed record AnalyticsCell(string Key, string Status, string Reason, long Count);

/// <summary>The owner of `analytics_hourly`.</summary>
public sealed class AnalyticsStore(NpgsqlDataSource db)
{
    /// <summary>
    /// $1–$6: tenant, notification, hour, status, reason and count per change. Each notification's dimensions are read by key and the
    /// changes summed per cell in the statement, so one flush is one round trip whatever its size. A notification erased
    /// before the flush is left out (it no longer exists to be counted).
    /// </summary>
    private const string AddSql = """
        insert into analytics_hourly as a (tenant_id, hour, channel, template, workflow, category, provider, status, reason, count)
        select n.tenant_id, e.hour, n.channel, coalesce(n.template_key, ''), coalesce(n.metadata->>'workflow', ''),
               coalesce(n.category, ''), coalesce(n.provider_kind, ''), e.status, e.reason, sum(e.n)
        from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::int8[]) e(tenant_id, id, hour, status, reason, n)
        join notifications n on n.id = e.id and n.tenant_id = e.tenant_id
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9
        order by 1, 2, 3, 4, 5, 6, 7, 8, 9
        on conflict (tenant_id, hour, channel, template, workflow, category, provider, status, reason)
        do update set count = a.count + excluded.count
        """;

    public async Task AddAsync(IReadOnlyDictionary<AnalyticsEvent, long> counts, CancellationToken ct)
    {
        if (counts.Count == 0) return;
        var events = counts.Keys.ToList();
        await using var cmd = db.CreateCommand(AddSql);
        cmd.Parameters.AddWithValue(events.Select(e => e.TenantId).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.Hour).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.Status).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.Reason).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => counts[e]).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The tenant's counts in the hours [<paramref name="from"/>, <paramref name="to"/>), summed per value of
    /// <paramref name="dimension"/> (a column name from <see cref="AnalyticsQuery.Dimensions"/>, never caller text), status and reason.
    /// </summary>
    public async Task<List<AnalyticsCell>> SumAsync(Guid tenantId, string dimension, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        if (!AnalyticsQuery.Dimensions.Contains(dimension)) throw new ArgumentException($"not a dimension: {dimension}", nameof(dimension));
        await using var cmd = db.CreateCommand($"""
            select {dimension}, status, reason, sum(count)::int8 from analytics_hourly
            where tenant_id = $1 and hour >= $2 and hour < $3
            group by 1, 2, 3
            order by 1, 2, 3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        var cells = new List<AnalyticsCell>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) cells.Add(new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3)));
        return cells;
    }
}
