using Npgsql;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// Messages-per-second limits per provider config, shared by every replica through PostgreSQL.
///
/// Mechanism: a fixed-window counter per (tenant, provider config, window of the DATABASE clock) in
/// `provider_rate_windows`. A worker reserves its whole batch with ONE upsert
/// (`insert … on conflict do update set requested = requested + n returning requested`): the row lock
/// serializes concurrent reservations from any number of processes, so each learns exactly how many
/// were requested before it (`previous = requested - n`) and takes `capacity - previous` (clamped to 0..n).
/// Windows come from the database's clock, so replicas with skewed clocks still agree. The counter also
/// counts refused requests: a refused message's position past capacity says how many windows ahead its
/// turn is, so it is postponed straight to that window (throttled: no attempt used) instead of every
/// refused job coming back each second. Limits below 1/s use a window of ceil(1/limit) seconds holding 1.
/// Worst case at a window edge is 2× the limit within one second; over any N seconds at most (N+1)·limit.
/// </summary>
public sealed class ProviderRateLimiter(NpgsqlDataSource db)
{
    /// <summary><paramref name="ProviderId"/>: a config's id, or another key of the tenant's (a chat conversation's turn).</summary>
    public sealed record Request(Guid TenantId, Guid ProviderId, double LimitPerSecond, int Count);

    /// <summary>Granted: the first <see cref="Granted"/> messages may go now;
    /// message i ≥ Granted waits <see cref="DelayFor"/>(i).</summary>
    public sealed record Grant(int Granted, int Previous, int Capacity, double WindowSeconds, double WindowStart, double Now)
    {
        public TimeSpan DelayFor(int index)
        {
            var windowsAhead = Math.Max(1, (Previous + index) / Capacity);
            var turn = WindowStart + windowsAhead * WindowSeconds;
            // A little jitter inside the window spreads the returning jobs over their turn's second.
            return TimeSpan.FromSeconds(Math.Max(0.001, turn - Now) + Random.Shared.NextDouble() * WindowSeconds * 0.2);
        }
    }

    public static (int Capacity, int WindowSeconds) Window(double limitPerSecond) =>
        limitPerSecond >= 1 ? ((int)Math.Floor(limitPerSecond), 1) : (1, (int)Math.Ceiling(1 / limitPerSecond));

    /// <summary>$1 tenants, $2 provider ids, $3 messages wanted, $4 window seconds: adds to the current window of each (database
    /// clock) and returns its total.</summary>
    private const string ReserveSql = """
        with now as materialized (select extract(epoch from clock_timestamp())::float8 as t),
        x as (
            select x.tenant, x.id, x.n, x.w, (floor(now.t / x.w) * x.w)::bigint as window_start, now.t
            from unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[]) as x(tenant, id, n, w), now
        ), ins as (
            insert into provider_rate_windows (tenant_id, provider_id, window_start, requested)
            select tenant, id, window_start, n from x
            on conflict (tenant_id, provider_id, window_start) do update set requested = provider_rate_windows.requested + excluded.requested
            returning tenant_id, provider_id, window_start, requested
        )
        select ins.provider_id, ins.requested, ins.window_start, x.t from ins join x on x.tenant = ins.tenant_id and x.id = ins.provider_id
        """;

    public async Task<IReadOnlyDictionary<Guid, Grant>> ReserveAsync(IReadOnlyList<Request> requests, CancellationToken ct)
    {
        var byProvider = requests.GroupBy(r => (r.TenantId, r.ProviderId))
            .Select(g => new Request(g.Key.TenantId, g.Key.ProviderId, g.First().LimitPerSecond, g.Sum(r => r.Count))).ToList();
        if (byProvider.Count == 0) return new Dictionary<Guid, Grant>();
        var windows = byProvider.Select(r => Window(r.LimitPerSecond)).ToList();
        await using var cmd = db.CreateCommand(ReserveSql);
        cmd.Parameters.AddWithValue(byProvider.Select(r => r.TenantId).ToArray());
        cmd.Parameters.AddWithValue(byProvider.Select(r => r.ProviderId).ToArray());
        cmd.Parameters.AddWithValue(byProvider.Select(r => r.Count).ToArray());
        cmd.Parameters.AddWithValue(windows.Select(w => w.WindowSeconds).ToArray());
        var grants = new Dictionary<Guid, Grant>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var i = byProvider.FindIndex(p => p.ProviderId == r.GetGuid(0));
                var (capacity, seconds) = windows[i];
                var previous = r.GetInt32(1) - byProvider[i].Count;
                grants[byProvider[i].ProviderId] = new Grant(Math.Clamp(capacity - previous, 0, byProvider[i].Count), previous, capacity,
                    seconds, r.GetInt64(2), r.GetDouble(3));
            }
        if (Random.Shared.Next(100) == 0) await PruneAsync(ct);
        return grants;
    }

    /// <summary>Past windows are never read again; about one reservation in a hundred clears them.</summary>
    private async Task PruneAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from provider_rate_windows where window_start < extract(epoch from now()) - 3600");
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
