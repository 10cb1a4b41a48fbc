using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>One group's count of a status (and reason, for the side branches) over a range of hours.</summary>
public sealed record AnalyticsCell(string Key, string Status, string Reason, long Count);

/// <summary>The owner of `analytics_hourly`.</summary>
public sealed class AnalyticsStore(NpgsqlDataSource db, NotificationQueries notifications)
{
    /// <summary>
    /// One row per cell, summed by the notifications' owner just before (<see cref="NotificationQueries.TotalsByDimensionsAsync"/>):
    /// tenant, hour, dimensions, status, reason and count, added in one statement.
    /// </summary>
    private const string AddSql = """
        insert into analytics_hourly as a (tenant_id, hour, channel, template, workflow, category, provider, status, reason, count)
        select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                             $9::text[], $10::int8[])
        order by 1, 2, 3, 4, 5, 6, 7, 8, 9
        on conflict (tenant_id, hour, channel, template, workflow, category, provider, status, reason)
        do update set count = a.count + excluded.count
        """;

    /// <summary>
    /// The most accepts one flush keeps back for their provider (<see cref="AddAsync"/>). Each is read again by key at every
    /// flush until it is filed, so under a backlog the cap is what the waiting cost the database (10,000 key reads a flush,
    /// every 2 s) and memory (about 130 bytes a key); beyond it an accept is filed as it stands.
    /// </summary>
    public const int MaxWaiting = 10_000;

    /// <summary>
    /// Adds the flush's counts. Counts already under their dimensions are cells as they stand; the per-notification counts
    /// are summed into cells by the notifications' owner, so the flush never holds a map of each notification's dimensions
    /// (which grew the worker's large-object heap by tens of MiB at 25,000 changes a flush); a notification erased before
    /// the flush is left out of those. Both kinds can name one cell: they are summed before the upsert, which may touch a row once.
    /// An accept is counted under its notification's provider, which the worker records only with its first attempt's
    /// outcome: the accepts of notifications accepted since <paramref name="acceptedSince"/> (null: none) whose provider is
    /// still to be picked are not added but returned, for the caller to count again at its next flush.
    /// </summary>
    public async Task<IReadOnlyDictionary<AnalyticsEvent, long>> AddAsync(IReadOnlyDictionary<AnalyticsEvent, long> counts,
        DateTimeOffset? acceptedSince, CancellationToken ct)
    {
        if (counts.Count == 0) return EmptyCounts;
        var byKey = new List<CountOfNotification>();
        var mayWait = acceptedSince is null ? 0 : MaxWaiting;
        foreach (var (e, n) in counts)
            if (e.Dimensions is null)
                byKey.Add(new(e.TenantId, e.NotificationId, e.Hour, e.Status, e.Reason, n, e.Status == NotificationStatuses.Accepted
                    && Uuid7.Timestamp(e.NotificationId) >= acceptedSince && mayWait-- > 0));
        var resolved = await notifications.TotalsByDimensionsAsync(byKey, ct);
        var waiting = resolved.Waiting.ToDictionary(w => new AnalyticsEvent(w.TenantId, w.NotificationId, w.Hour, w.Status, w.Reason),
            w => w.Count);
        var cells = counts.Where(c => c.Key.Dimensions is not null).Select(c => CellOf(c.Key, c.Key.Dimensions!.Value, c.Value))
            .Concat(resolved.Totals)
            .GroupBy(c => c with { Count = 0 }, (cell, same) => cell with { Count = same.Sum(c => c.Count) }).ToList();
        if (cells.Count == 0) return waiting;
        await using var cmd = db.CreateCommand(AddSql);
        cmd.Parameters.AddWithValue(cells.Select(c => c.TenantId).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Hour).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Channel).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Template).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Workflow).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Category).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Provider).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Status).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Reason).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Count).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
        return waiting;
    }

    private static readonly Dictionary<AnalyticsEvent, long> EmptyCounts = [];

    private static DimensionTotal CellOf(AnalyticsEvent e, AnalyticsDimensions d, long count) =>
        new(e.TenantId, e.Hour, d.Channel, d.Template, d.Workflow, d.Category, d.Provider, e.Status, e.Reason, count);

    /// <summary>
    /// The tenant's counts in the hours [<paramref name="from"/>, <paramref name="to"/>), summed per value of
    /// <paramref name="dimension"/> (a column name from <see cref="AnalyticsQuery.Dimensions"/>, never caller text), status and reason.
    /// </summary>
    public async Task<List<AnalyticsCell>> SumAsync(Guid tenantId, string dimension, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
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
