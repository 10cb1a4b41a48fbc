using Npgsql;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>One group's counts over a range: how many notifications reached each status.</summary>
public sealed record AnalyticsGroup(string Key, IReadOnlyDictionary<string, long> Counts);

/// <summary>The owner of `analytics_hourly`.</summary>
public sealed class AnalyticsStore(NpgsqlDataSource db)
{
    private const string AddSql = """
        insert into analytics_hourly as a (tenant_id, hour, dimension, key, status, count)
        select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::int8[])
        on conflict (tenant_id, hour, dimension, key, status) do update set count = a.count + excluded.count
        """;

    /// <summary>$1 tenant, $2 dimension, $3–$4 the hours from (inclusive) to (exclusive).</summary>
    private const string SumSql = """
        select key, status, sum(count)::int8 from analytics_hourly
        where tenant_id = $1 and dimension = $2 and hour >= $3 and hour < $4
        group by key, status
        order by key, status
        """;

    /// <summary>Adds the counts in one statement, sorted so two replicas flushing at once lock shared rows in one order.</summary>
    public async Task AddAsync(IReadOnlyDictionary<AnalyticsCell, long> counts, CancellationToken ct)
    {
        if (counts.Count == 0) return;
        var cells = counts.OrderBy(c => c.Key.TenantId).ThenBy(c => c.Key.Hour).ThenBy(c => c.Key.Dimension, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Key, StringComparer.Ordinal).ThenBy(c => c.Key.Status, StringComparer.Ordinal).ToList();
        await using var cmd = db.CreateCommand(AddSql);
        cmd.Parameters.AddWithValue(cells.Select(c => c.Key.TenantId).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Key.Hour).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Key.Dimension).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Key.Key).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Key.Status).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Value).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The tenant's counts per group of <paramref name="dimension"/> in the hours [from, to).</summary>
    public async Task<IReadOnlyList<AnalyticsGroup>> SumAsync(Guid tenantId, string dimension, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SumSql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(dimension);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        var groups = new List<AnalyticsGroup>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var key = r.GetString(0);
            if (groups.Count == 0 || groups[^1].Key != key) groups.Add(new AnalyticsGroup(key, new Dictionary<string, long>()));
            ((Dictionary<string, long>)groups[^1].Counts)[r.GetString(1)] = r.GetInt64(2);
        }
        return groups;
    }
}
