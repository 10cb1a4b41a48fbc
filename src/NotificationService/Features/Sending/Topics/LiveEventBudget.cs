using System.Globalization;
using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Topics;

/// <summary>
/// The bound on what a tenant's live events keep in the event tables: the bytes stored (data × rows: one row per user
/// named, one per topic named) by its events published within the replay window may add up to at most
/// `Topics:MaxLiveEventBytes` (256 MiB). Without it one request to 1,000 users with 16 KB each stored 16 MB, and a
/// few dozen of them grew the table by half a gigabyte in seconds. The one writer of `live_event_usage` (bytes per tenant
/// per hour): a publish adds its bytes to the hour's row, which locks it, so a tenant's concurrent publishes are
/// checked one after another and together never pass the cap; over the cap the transaction rolls back and the event is
/// refused before anything is stored.
/// </summary>
public sealed class LiveEventBudget(NpgsqlDataSource db, IConfiguration config)
{
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    public long MaxBytes => Math.Max(0, config.GetValue("Topics:MaxLiveEventBytes", DefaultMaxBytes));

    /// <summary>The replay window the events are kept for (the longer of the two event tables' retentions): what is
    /// published within it may still be stored.</summary>
    public TimeSpan Window => TimeSpan.FromDays(Math.Max(1, Math.Max(
        config.GetValue("Retention:InboxEvents:Days", 2), config.GetValue("Retention:TopicEvents:Days", 2))));

    private const string Add = """
        insert into live_event_usage as u (tenant_id, hour, bytes) values ($1, date_trunc('hour', now()), $2)
        on conflict (tenant_id, hour) do update set bytes = u.bytes + excluded.bytes
        """;

    // After Add, in its own statement: its snapshot sees every publish that held the hour's row before this one.
    // $1 tenant, $2 window. Returns the window's bytes and its oldest hour; deletes the tenant's hours before the window.
    private const string InWindow = """
        with gone as (delete from live_event_usage where tenant_id = $1 and hour <= now() - $2::interval)
        select coalesce(sum(bytes), 0)::bigint, min(hour) from live_event_usage where tenant_id = $1 and hour > now() - $2::interval
        """;

    /// <summary>Charges <paramref name="bytes"/> to the tenant; 413 when one event can never fit, 429 when the window is full.</summary>
    public async Task ChargeAsync(Guid tenantId, long bytes, CancellationToken ct)
    {
        var max = MaxBytes;
        if (bytes > max)
            throw new PayloadTooLargeException(string.Create(CultureInfo.InvariantCulture,
                $"This event stores {bytes:N0} bytes (its data once per user or topic named), "
                + $"more than the tenant's live-event storage (Topics:MaxLiveEventBytes, {max:N0} bytes) holds."));
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var add = new NpgsqlCommand(Add, conn, tx))
        {
            add.Parameters.AddWithValue(tenantId);
            add.Parameters.AddWithValue(bytes);
            await add.ExecuteNonQueryAsync(ct);
        }
        await using var sum = new NpgsqlCommand(InWindow, conn, tx);
        sum.Parameters.AddWithValue(tenantId);
        sum.Parameters.AddWithValue(Window);
        long used;
        DateTimeOffset oldest;
        await using (var r = await sum.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (used, oldest) = (r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1));
        }
        if (used > max)
        {
            await tx.RollbackAsync(ct);
            throw new LiveEventStorageFullException(max, Window, oldest + Window - DateTimeOffset.UtcNow);
        }
        await tx.CommitAsync(ct);
    }
}

/// <summary>429: the tenant's live events of the replay window fill its storage; Retry-After: when its oldest hour leaves it.</summary>
public sealed class LiveEventStorageFullException(long max, TimeSpan window, TimeSpan retryAfter)
    : ApiException(429, "Too many requests", string.Create(CultureInfo.InvariantCulture,
        $"The tenant's live-event storage (Topics:MaxLiveEventBytes, {max:N0} bytes over the " +
        $"{window.TotalDays:0.#}-day replay window) is full; " +
        $"retry after {Seconds(retryAfter)} s, when its oldest events leave the window, or send smaller events to fewer users."))
{
    private static int Seconds(TimeSpan t) => (int)Math.Max(1, Math.Ceiling(t.TotalSeconds));

    public override void WriteHeaders(HttpResponse response) =>
        response.Headers.RetryAfter = Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);
}
