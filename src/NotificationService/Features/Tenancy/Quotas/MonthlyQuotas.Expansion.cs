using Npgsql;

namespace NotificationService.Features.Tenancy.Quotas;

/// <summary>What an expansion's charge took on one channel: members sent now, members held until <see cref="HeldUntil"/>.</summary>
public sealed record ExpansionCharge(long Now, long Held, DateTimeOffset? HeldUntil);

/// <summary>
/// Charges made where an amplification expands, in the expansion's own transaction (a fan-out's snapshot): unlike an
/// accept, which is charged whole or refused whole, an expansion has nobody to answer a 429 to, so it takes what the quota
/// has left, and the rest is held until the reset (up to next month's quota) or not sent, by the channel's `overage`.
/// </summary>
public sealed partial class MonthlyQuotas
{
    private const string EnsureUsageSql = """
        insert into quota_usage (tenant_id, channel, month, used) values ($1, $2, $3, 0) on conflict (tenant_id, channel, month) do nothing
        """;

    // $1 tenant, $2 channel, $3 month, $4 messages wanted, $5 the quota. The row is locked first (FOR UPDATE re-reads the
    // latest committed count), then raised by what fits; returns how many were taken. Never takes a month past its quota.
    private const string ChargeUpToSql = """
        update quota_usage u set used = u.used + least($4, greatest(0, $5 - b.used))
        from (select used from quota_usage where tenant_id = $1 and channel = $2 and month = $3 for update) b
        where u.tenant_id = $1 and u.channel = $2 and u.month = $3
        returning least($4, greatest(0, $5 - b.used))
        """;

    private const string GiveBackSql =
        "update quota_usage set used = greatest(0, used - $4) where tenant_id = $1 and channel = $2 and month = $3";

    /// <summary>Charges up to <paramref name="wanted"/> messages on <paramref name="channel"/> within <paramref name="tx"/>.</summary>
    public async Task<ExpansionCharge> ChargeExpansionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string channel,
        long wanted, QuotaSetting quota, CancellationToken ct)
    {
        var month = MonthOf(clock.GetUtcNow());
        var now = await ChargeUpToAsync(conn, tx, tenantId, channel, month, wanted, quota.PerMonth, ct);
        if (now == wanted || quota.Overage != QuotaOverage.Hold) return new ExpansionCharge(now, 0, null);
        var held = await ChargeUpToAsync(conn, tx, tenantId, channel, month.AddMonths(1), wanted - now, quota.PerMonth, ct);
        return new ExpansionCharge(now, held, held > 0 ? StartOf(month.AddMonths(1)) : null);
    }

    /// <summary>Gives back, within <paramref name="tx"/>, messages charged to <paramref name="month"/> that will not be sent.</summary>
    public static async Task GiveBackAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string channel, DateOnly month,
        long count, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(GiveBackSql, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(month);
        cmd.Parameters.AddWithValue(count);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ChargeUpToAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string channel,
        DateOnly month, long wanted, long perMonth, CancellationToken ct)
    {
        await using (var ensure = new NpgsqlCommand(EnsureUsageSql, conn, tx))
        {
            ensure.Parameters.AddWithValue(tenantId);
            ensure.Parameters.AddWithValue(channel);
            ensure.Parameters.AddWithValue(month);
            await ensure.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = new NpgsqlCommand(ChargeUpToSql, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(month);
        cmd.Parameters.AddWithValue(wanted);
        cmd.Parameters.AddWithValue(perMonth);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
