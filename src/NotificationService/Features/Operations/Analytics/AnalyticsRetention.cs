using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>
/// Rollup rows are kept `Retention:AnalyticsRollups:Days` (400) after their hour: a year compared with the year before, and
/// more than the 92 days one request may span. Purged tenant by tenant: each tenant's old hours are found through the
/// primary key (which leads with tenant and hour), so a pass never scans the table and each lookup names its tenant.
/// </summary>
public sealed class AnalyticsRetention(NpgsqlDataSource db) : IRetainedData
{
    public string Kind => "AnalyticsRollups";

    public int DefaultDays => 400;

    // The tenants are walked on the table's own key (one index probe each, no scan, no other module's table); a tenant's
    // rows otherwise go with the tenant's deletion, which empties every tenant_id table. {table}: one of the rollups.
    private const string PurgeSql = """
        with recursive tenant_ids as (
            (select tenant_id from {table} order by tenant_id limit 1)
            union all
            select (select a.tenant_id from {table} a where a.tenant_id > t.tenant_id order by a.tenant_id limit 1)
            from tenant_ids t where t.tenant_id is not null),
        batch as (
            select old.row_id from tenant_ids t
            cross join lateral (
                select a.ctid as row_id from {table} a where a.tenant_id = t.tenant_id and a.hour < $1 limit $2) old
            limit $2)
        delete from {table} where ctid in (select row_id from batch)
        """;

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct) =>
        await PurgeAsync("analytics_hourly", olderThan, limit, ct) + await PurgeAsync("analytics_latency_hourly", olderThan, limit, ct)
        + await PurgeAsync("analytics_step_windows_hourly", olderThan, limit, ct);

    private async Task<int> PurgeAsync(string table, DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(PurgeSql.Replace("{table}", table, StringComparison.Ordinal));
        cmd.Parameters.AddWithValue(olderThan);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
