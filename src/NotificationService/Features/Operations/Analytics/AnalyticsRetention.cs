using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>
/// Rollup rows are kept `Retention:AnalyticsRollups:Days` (400) after their hour: a year compared with the year before, and
/// more than the 92 days one request may span. Purged tenant by tenant: each tenant's old hours are found through the
/// primary key (which leads with tenant and hour), so a pass never scans the table and every statement names its tenant.
/// </summary>
public sealed class AnalyticsRetention(NpgsqlDataSource db) : IRetainedData
{
    public string Kind => "AnalyticsRollups";

    public int DefaultDays => 400;

    // A deleted tenant has no row in `tenants`: its rollups go with the tenant's deletion, which empties every tenant_id table.
    private const string PurgeSql = """
        with batch as (
            select old.row_id from tenants t
            cross join lateral (
                select a.ctid as row_id from analytics_hourly a where a.tenant_id = t.id and a.hour < $1 limit $2) old
            limit $2)
        delete from analytics_hourly where ctid in (select row_id from batch)
        """;

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(PurgeSql);
        cmd.Parameters.AddWithValue(olderThan);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
