using System.Collections.Concurrent;
using Npgsql;

namespace NotificationService.Features.People.WebOrigins;

/// <summary>
/// The one owner of `tenant_web_origins`: the exact origins whose pages may call a tenant's end-user API from a browser.
/// Reads are cached for <see cref="CacheFor"/> (every cross-origin request asks); this replica's writes drop the cache at
/// once, other replicas see them within that time.
/// </summary>
public sealed class WebOriginStore(NpgsqlDataSource db, TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Guid, (string[] Origins, DateTimeOffset At)> _byTenant = new();
    private readonly ConcurrentDictionary<string, (bool Listed, DateTimeOffset At)> _anyTenant = new();

    public async Task<string[]> ListAsync(Guid tenantId, CancellationToken ct)
    {
        if (_byTenant.TryGetValue(tenantId, out var cached) && clock.GetUtcNow() - cached.At < CacheFor) return cached.Origins;
        await using var cmd = db.CreateCommand("select origin from tenant_web_origins where tenant_id = $1 order by origin");
        cmd.Parameters.AddWithValue(tenantId);
        var origins = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) origins.Add(r.GetString(0));
        _byTenant[tenantId] = ([.. origins], clock.GetUtcNow());
        return [.. origins];
    }

    /// <summary>Replaces the tenant's list (already normalized and checked) in one transaction.</summary>
    public async Task ReplaceAsync(Guid tenantId, IReadOnlyCollection<string> origins, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var delete = new NpgsqlCommand("delete from tenant_web_origins where tenant_id = $1", conn, tx))
        {
            delete.Parameters.AddWithValue(tenantId);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using (var insert = new NpgsqlCommand(
            "insert into tenant_web_origins (tenant_id, origin) select $1, o from unnest($2::text[]) as o on conflict do nothing",
            conn, tx))
        {
            insert.Parameters.AddWithValue(tenantId);
            insert.Parameters.AddWithValue(origins.ToArray());
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        _byTenant.TryRemove(tenantId, out _);
        _anyTenant.Clear();
    }

    public async Task<bool> IsListedAsync(Guid tenantId, string origin, CancellationToken ct) =>
        (await ListAsync(tenantId, ct)).Contains(origin);

    /// <summary>
    /// Whether any tenant lists the origin: what a preflight (which carries no token, so no tenant) and a refused token
    /// are answered by. The one statement here that names no tenant, on purpose: before the token is read there is none.
    /// </summary>
    public async Task<bool> IsListedByAnyTenantAsync(string origin, CancellationToken ct)
    {
        if (_anyTenant.TryGetValue(origin, out var cached) && clock.GetUtcNow() - cached.At < CacheFor) return cached.Listed;
        await using var cmd = db.CreateCommand("select exists (select 1 from tenant_web_origins where origin = $1)");
        cmd.Parameters.AddWithValue(origin);
        var listed = await cmd.ExecuteScalarAsync(ct) is true;
        if (_anyTenant.Count > 10_000) _anyTenant.Clear();   // origins are the caller's to choose: keep the memory bounded
        _anyTenant[origin] = (listed, clock.GetUtcNow());
        return listed;
    }
}
