using Npgsql;

namespace NotificationService.Features.Tenancy.RateLimits;

/// <summary>
/// The token buckets every replica shares, one row per (tenant, class) in `api_rate_buckets`. A take is ONE upsert:
/// the row lock orders concurrent takes from any number of replicas, each refills the bucket by the time elapsed on
/// the database's clock and takes `want` tokens (at least `cost`, else nothing). So across all replicas no more than
/// burst + rate × t tokens are ever handed out in any t seconds, plus the debt of a request larger than the burst: such a
/// request is admitted only on a full bucket and leaves it that far below zero, so the tenant waits out what it caused.
/// </summary>
public sealed class SharedBuckets(NpgsqlDataSource db)
{
    // The bucket's level now: what it held plus the refill since, capped at the burst. ($3 burst, $4 per second)
    private const string Level = "least($3, b.tokens + $4 * greatest(0, extract(epoch from now() - b.updated_at))::float8)";
    // Tokens handed out: `want` ($6) or what is there, but only if that covers `cost` ($5).
    private const string Take = $"case when {Level} >= $5 then least({Level}, $6) else 0 end";
    // What a granted request costs beyond the burst ($7): the bucket goes that far below zero and refills from there.
    private const string Debt = $"case when {Level} >= $5 then $7 else 0 end";

    private const string Sql = $"""
        insert into api_rate_buckets as b (tenant_id, endpoint_class, tokens, granted, updated_at)
        values ($1, $2, $3 - least($3, $6) - $7, least($3, $6), now())
        on conflict (tenant_id, endpoint_class) do update set
            granted = {Take},
            tokens = {Level} - {Take} - {Debt},
            updated_at = greatest(b.updated_at, now())
        returning granted, tokens
        """;

    /// <returns>The tokens granted (0 when fewer than <paramref name="cost"/> were there) and what the bucket keeps (below
    /// zero after a grant with <paramref name="debt"/>).</returns>
    public async Task<(double Granted, double Left)> TakeAsync(Guid tenantId, EndpointClass c, RateLimit limit,
        double cost, double want, double debt, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(c.Name());
        cmd.Parameters.AddWithValue(limit.Burst);
        cmd.Parameters.AddWithValue(limit.PerSecond);
        cmd.Parameters.AddWithValue(cost);
        cmd.Parameters.AddWithValue(want);
        cmd.Parameters.AddWithValue(debt);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetDouble(0), r.GetDouble(1));
    }
}
