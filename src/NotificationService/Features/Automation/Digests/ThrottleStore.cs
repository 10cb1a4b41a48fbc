using Npgsql;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// The one writer of `throttle_windows`: one row per (workflow, step, recipient, key) holding the current window and how
/// many runs it let through. A place is taken under the row's lock (the row is made first if it is missing, and a
/// concurrent maker waits on the unique key), so concurrent runs on one key count one by one.
/// </summary>
public static class ThrottleStore
{
    public sealed record Place(bool Admitted, DateTimeOffset WindowEnd);

    public static async Task<Place> TakeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid workflowId, string stepId,
        string userId, string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken ct)
    {
        await using (var make = new NpgsqlCommand("""
            insert into throttle_windows (tenant_id, workflow_id, step_id, user_id, throttle_key, window_start, window_end, passed)
            values ($1, $2, $3, $4, $5, $6, $7, 0) on conflict do nothing
            """, conn, tx))
        {
            Key(make, tenantId, workflowId, stepId, userId, key);
            make.Parameters.AddWithValue(now);
            make.Parameters.AddWithValue(now + window);
            await make.ExecuteNonQueryAsync(ct);
        }
        DateTimeOffset end;
        int passed;
        await using (var lockRow = new NpgsqlCommand("""
            select window_end, passed from throttle_windows
            where tenant_id = $1 and workflow_id = $2 and step_id = $3 and user_id = $4 and throttle_key = $5 for update
            """, conn, tx))
        {
            Key(lockRow, tenantId, workflowId, stepId, userId, key);
            await using var r = await lockRow.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            (end, passed) = (r.GetFieldValue<DateTimeOffset>(0), r.GetInt32(1));
        }
        DateTimeOffset? start = null;
        if (end <= now) (start, end, passed) = (now, now + window, 0);   // the window is over: a new one starts with this run
        if (passed >= limit) return new Place(false, end);
        await using var take = new NpgsqlCommand("""
            update throttle_windows set passed = $6, window_end = $7, window_start = coalesce($8, window_start)
            where tenant_id = $1 and workflow_id = $2 and step_id = $3 and user_id = $4 and throttle_key = $5
            """, conn, tx);
        Key(take, tenantId, workflowId, stepId, userId, key);
        take.Parameters.AddWithValue(passed + 1);
        take.Parameters.AddWithValue(end);
        take.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = start, DataTypeName = "timestamptz" });
        await take.ExecuteNonQueryAsync(ct);
        return new Place(true, end);
    }

    private static void Key(NpgsqlCommand cmd, Guid tenantId, Guid workflowId, string stepId, string userId, string key)
    {
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(workflowId);
        cmd.Parameters.AddWithValue(stepId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(key);
    }

    /// <summary>Erase: the recipient's throttle windows.</summary>
    public static async Task<int> ForgetUserAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string userId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("delete from throttle_windows where tenant_id = $1 and user_id = $2", conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Retention: at most <paramref name="limit"/> windows that ended before <paramref name="olderThan"/>.</summary>
    public static async Task<int> PurgeEndedAsync(NpgsqlConnection conn, DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            delete from throttle_windows where (tenant_id, workflow_id, step_id, user_id, throttle_key) in (
                select tenant_id, workflow_id, step_id, user_id, throttle_key from throttle_windows where window_end < $1 order by window_end limit $2)
            """, conn);
        cmd.Parameters.AddWithValue(olderThan);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
