using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Features.Automation.Digests;

public static partial class DigestStore
{
    /// <summary>The digests <paramref name="runId"/> carries, by step id (a closed window's, or a backoff window's first
    /// event's).</summary>
    public static async Task<JsonObject> CarriedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select step_id, passed_summary::text, 0 as rank from digest_windows where tenant_id = $1 and passed_run_id = $2 and passed_summary is not null
            union all
            select step_id, summary::text, 1 from digest_windows where tenant_id = $1 and carrier_run_id = $2 and summary is not null
            order by rank
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        var carried = new JsonObject();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) carried[r.GetString(0)] = JsonNode.Parse(r.GetString(1));
        return carried;
    }

    /// <summary>Erase: the recipient's windows, open or closed, and their events.</summary>
    public static async Task<int> ForgetUserAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string userId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(ForgetUser, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct) ?? 0L);
    }

    /// <summary>Retention: at most <paramref name="limit"/> windows closed before <paramref name="olderThan"/> (their events
    /// went at the close).</summary>
    public static async Task<int> PurgeClosedAsync(NpgsqlConnection conn, DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            delete from digest_windows where (tenant_id, id) in (
                select tenant_id, id from digest_windows where closed_at < $1 order by closed_at limit $2)
            """, conn);
        cmd.Parameters.AddWithValue(olderThan);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private const string Upsert = $"""
        insert into digest_windows as w (tenant_id, id, workflow_id, step_id, user_id, digest_key, kind, state, opened_at, closes_at, hard_close_at,
            quiet_seconds, max_events, keep_first, keep_last, event_count, next_position, passed_run_id, passed_summary, actors, live_send_step, carrier_run_id)
        values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $12, $13, $14,
            case when $15::uuid is null or $19::text is not null then 1 else 0 end, case when $15::uuid is null or $19::text is not null then 1 else 0 end, $15, $16,
            case when ($15::uuid is null or $19::text is not null) and $17::text is not null then $18::jsonb else '[]' end,
            $19, case when $19::text is not null then $15::uuid end)
        {JoinOpen}
        returning id, xmax = 0, event_count, next_position, max_events, closes_at
        """;

    /// <summary>An event joining the open window (`w`) it met: counted, at the next position, a sliding close moved ($8 now),
    /// its actor ($17 key, $18 its entry as a one-element list) among the first five distinct.</summary>
    private const string JoinOpen = """
        on conflict (tenant_id, workflow_id, step_id, user_id, digest_key) where state = 'open' do update set
            event_count = w.event_count + 1,
            next_position = w.next_position + 1,
            closes_at = case when w.kind = 'sliding' then least($8 + make_interval(secs => w.quiet_seconds), w.hard_close_at) else w.closes_at end,
            actors = case when $17::text is not null and jsonb_array_length(w.actors) < 5
                               and not exists (select 1 from jsonb_array_elements(w.actors) a where a->>'key' = $17::text)
                          then w.actors || $18::jsonb else w.actors end
        """;

    /// <summary>Locks the window first (as a join does), then takes the event out while it is open.</summary>
    private const string Leave = """
        with w as (
            update digest_windows w set event_count = w.event_count - 1
            from digest_events e
            where e.tenant_id = $1 and e.run_id = $2 and w.tenant_id = $1 and w.id = e.window_id and w.state = 'open'
            returning w.id
        ), gone as (
            delete from digest_events e using w where e.tenant_id = $1 and e.window_id = w.id and e.run_id = $2 returning 1
        )
        select count(*) from gone
        """;

    private const string ForgetUser = """
        with windows as (
            delete from digest_windows where tenant_id = $1 and user_id = $2 returning id
        ), events as (
            delete from digest_events e using windows w where e.tenant_id = $1 and e.window_id = w.id returning 1
        )
        select count(*) from windows
        """;
}
