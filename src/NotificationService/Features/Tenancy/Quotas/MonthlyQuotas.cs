using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.Quotas;

/// <summary>
/// Per-tenant monthly quotas per channel, the owner of `tenant_quotas` and `quota_usage`. Every accept charges what it
/// would create before it is accepted (a send or batch its notifications, a topic send its members, a CSV chunk its rows,
/// a workflow's send step its own), as the recipient budget is charged: one conditional upsert per channel that never
/// takes a month past its quota, so replicas charging at once together stay within it. Beyond it: with `refuse`, a 429
/// naming the quota and its reset; with `hold`, the messages are charged to the next month and held until its start.
/// A tenant without quotas costs a cached look-up (per replica, <see cref="Ttl"/>), never a statement per send.
/// </summary>
public sealed partial class MonthlyQuotas(NpgsqlDataSource db, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private static readonly IReadOnlyDictionary<string, QuotaSetting> NoQuotas = new Dictionary<string, QuotaSetting>();
    private readonly TtlCache<Guid, IReadOnlyDictionary<string, QuotaSetting>> _settings = new(clock, Ttl);

    // $1 tenant, $2 channel, $3 month, $4 messages, $5 the quota: adds only while the month stays within it (a charge
    // above the whole quota inserts nothing); no row back: refused.
    private const string ChargeSql = """
        insert into quota_usage as u (tenant_id, channel, month, used) select $1, $2, $3, $4 where $4 <= $5
        on conflict (tenant_id, channel, month) do update set used = u.used + excluded.used where u.used + excluded.used <= $5
        returning used
        """;

    private const string UsageSql = """
        select q.channel, q.per_month, q.overage,
            coalesce((select u.used from quota_usage u where u.tenant_id = q.tenant_id and u.channel = q.channel and u.month = $2), 0),
            coalesce((select u.used from quota_usage u where u.tenant_id = q.tenant_id and u.channel = q.channel and u.month = $3), 0)
        from tenant_quotas q where q.tenant_id = $1 order by q.channel
        """;

    /// <summary>The first day (UTC) of the month <paramref name="at"/> falls in.</summary>
    public static DateOnly MonthOf(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1);

    public static DateTimeOffset StartOf(DateOnly month) => new(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public async Task<IReadOnlyDictionary<string, QuotaSetting>> SettingsAsync(Guid tenantId, CancellationToken ct) =>
        await _settings.GetOrLoadAsync(tenantId, LoadAsync, ct);

    /// <summary>
    /// Charges <paramref name="perChannel"/> messages before they are accepted; throws <see cref="QuotaExceededException"/>
    /// (nothing charged) when a channel's quota cannot take them. <paramref name="what"/> names the request in the refusal.
    /// </summary>
    public async Task<QuotaCharge> ChargeAsync(Guid tenantId, IReadOnlyDictionary<string, long> perChannel, string what,
        CancellationToken ct)
    {
        var quotas = await SettingsAsync(tenantId, ct);
        if (quotas.Count == 0 || !perChannel.Any(c => c.Value > 0 && quotas.ContainsKey(c.Key))) return QuotaCharge.None;
        var now = clock.GetUtcNow();
        var month = MonthOf(now);
        var reset = StartOf(month.AddMonths(1));
        var lines = new List<QuotaCharge.Line>();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);   // all channels or none; a refusal rolls back the others
        // In channel order, so two requests charging the same channels lock their rows in the same order.
        foreach (var (channel, count) in perChannel.Where(c => c.Value > 0 && quotas.ContainsKey(c.Key))
            .OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var quota = quotas[channel];
            if (await TryChargeAsync(conn, tx, tenantId, channel, month, count, quota.PerMonth, ct))
                lines.Add(new(channel, month, count, null));
            else if (quota.Overage == QuotaOverage.Hold
                && await TryChargeAsync(conn, tx, tenantId, channel, month.AddMonths(1), count, quota.PerMonth, ct))
                lines.Add(new(channel, month.AddMonths(1), count, reset));
            else throw new QuotaExceededException(channel, quota, await UsedAsync(conn, tx, tenantId, channel, month, ct),
                count, reset, reset - now, what);
        }
        await tx.CommitAsync(ct);
        return new QuotaCharge(tenantId, lines);
    }

    /// <summary>Gives back a charge whose accept did not commit.</summary>
    public async Task RefundAsync(QuotaCharge charge, CancellationToken ct)
    {
        foreach (var line in charge.Lines)
        {
            await using var cmd = db.CreateCommand("""
                update quota_usage set used = greatest(0, used - $4) where tenant_id = $1 and channel = $2 and month = $3
                """);
            cmd.Parameters.AddWithValue(charge.TenantId);
            cmd.Parameters.AddWithValue(line.Channel);
            cmd.Parameters.AddWithValue(line.Month);
            cmd.Parameters.AddWithValue(line.Count);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Sets (or with null removes) the tenant's quota on <paramref name="channel"/>. <paramref name="usedThisMonth"/>: what the
    /// month has accepted so far by the usage counters, so a quota set mid-month starts from there, not from zero.
    /// </summary>
    public async Task SetAsync(Guid tenantId, string channel, QuotaSetting? setting, long usedThisMonth, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        if (setting is null)
            batch.BatchCommands.Add(Command("delete from tenant_quotas where tenant_id = $1 and channel = $2", tenantId, channel));
        else
        {
            batch.BatchCommands.Add(Command("""
                insert into tenant_quotas (tenant_id, channel, per_month, overage) values ($1, $2, $3, $4)
                on conflict (tenant_id, channel) do update set per_month = excluded.per_month, overage = excluded.overage, updated_at = now()
                """, tenantId, channel, setting.PerMonth, setting.Overage));
            batch.BatchCommands.Add(Command("""
                insert into quota_usage as u (tenant_id, channel, month, used) values ($1, $2, $3, $4)
                on conflict (tenant_id, channel, month) do update set used = greatest(u.used, excluded.used)
                """, tenantId, channel, MonthOf(clock.GetUtcNow()), usedThisMonth));
        }
        await batch.ExecuteNonQueryAsync(ct);
        _settings.Remove(tenantId);
    }

    /// <summary>Each quota of the tenant with what this month (and, held, the next) has been charged.</summary>
    public async Task<IReadOnlyList<QuotaUsage>> UsageAsync(Guid tenantId, CancellationToken ct)
    {
        var month = MonthOf(clock.GetUtcNow());
        await using var cmd = db.CreateCommand(UsageSql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(month);
        cmd.Parameters.AddWithValue(month.AddMonths(1));
        var usage = new List<QuotaUsage>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            usage.Add(new QuotaUsage(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4),
                StartOf(month.AddMonths(1))));
        return usage;
    }

    private static async Task<bool> TryChargeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string channel,
        DateOnly month, long count, long perMonth, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(ChargeSql, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(month);
        cmd.Parameters.AddWithValue(count);
        cmd.Parameters.AddWithValue(perMonth);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    private static async Task<long> UsedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string channel,
        DateOnly month, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select used from quota_usage where tenant_id = $1 and channel = $2 and month = $3", conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(month);
        return await cmd.ExecuteScalarAsync(ct) as long? ?? 0;
    }

    private async Task<IReadOnlyDictionary<string, QuotaSetting>> LoadAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select channel, per_month, overage from tenant_quotas where tenant_id = $1");
        cmd.Parameters.AddWithValue(tenantId);
        var quotas = new Dictionary<string, QuotaSetting>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) quotas[r.GetString(0)] = new QuotaSetting(r.GetInt64(1), r.GetString(2));
        return quotas.Count == 0 ? NoQuotas : quotas;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        return cmd;
    }
}

public static class QuotaServiceExtensions
{
    public static IServiceCollection AddQuotas(this IServiceCollection services) => services.AddSingleton<MonthlyQuotas>();
}
