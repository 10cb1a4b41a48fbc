using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.RateLimits;

/// <summary>
/// Each tenant's limit per class: its row in `tenant_rate_limits`, else the configured default
/// (`RateLimits:&lt;class&gt;:PerSecond|Burst`). Cached per replica for <see cref="Ttl"/>; this replica drops its
/// entry at once when a tenant's limits change through it.
/// </summary>
public sealed class TenantLimits(NpgsqlDataSource db, IConfiguration config, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private readonly TtlCache<Guid, IReadOnlyDictionary<EndpointClass, RateLimit>> _overrides = new(clock, Ttl);

    public bool Enabled => config.GetValue("RateLimits:Enabled", true);

    public RateLimit Default(EndpointClass c)
    {
        var d = EndpointClasses.Default(c);
        var section = config.GetSection($"RateLimits:{c.Name()}");
        return new RateLimit(section.GetValue("PerSecond", d.PerSecond), section.GetValue("Burst", d.Burst));
    }

    public async Task<(RateLimit Limit, bool Overridden)> ForAsync(Guid tenantId, EndpointClass c, CancellationToken ct)
    {
        var overrides = await _overrides.GetOrLoadAsync(tenantId, LoadAsync, ct);
        return overrides.TryGetValue(c, out var own) ? (own, true) : (Default(c), false);
    }

    public async Task SetAsync(Guid tenantId, EndpointClass c, RateLimit limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            insert into tenant_rate_limits (tenant_id, endpoint_class, per_second, burst) values ($1, $2, $3, $4)
            on conflict (tenant_id, endpoint_class) do update set per_second = excluded.per_second, burst = excluded.burst, updated_at = now()
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(c.Name());
        cmd.Parameters.AddWithValue(limit.PerSecond);
        cmd.Parameters.AddWithValue(limit.Burst);
        await cmd.ExecuteNonQueryAsync(ct);
        _overrides.Remove(tenantId);
    }

    public async Task<bool> ResetAsync(Guid tenantId, EndpointClass c, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from tenant_rate_limits where tenant_id = $1 and endpoint_class = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(c.Name());
        var deleted = await cmd.ExecuteNonQueryAsync(ct) > 0;
        _overrides.Remove(tenantId);
        return deleted;
    }

    private async Task<IReadOnlyDictionary<EndpointClass, RateLimit>> LoadAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select endpoint_class, per_second, burst from tenant_rate_limits where tenant_id = $1");
        cmd.Parameters.AddWithValue(tenantId);
        var limits = new Dictionary<EndpointClass, RateLimit>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            if (EndpointClasses.Parse(r.GetString(0)) is { } c) limits[c] = new RateLimit(r.GetDouble(1), r.GetDouble(2));
        return limits;
    }
}
