using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>The one owner of `provider_callback_events`: the event ids each provider config has already delivered.</summary>
public static class CallbackDedupe
{
    /// <summary>Events with an id already seen for this provider are dropped (also duplicates inside the batch).</summary>
    public static async Task<List<ProviderEvent>> FreshAsync(LedgerTransaction tx, Guid providerId, IReadOnlyList<ProviderEvent> events,
        CancellationToken ct)
    {
        var keys = events.Where(e => e.DedupeKey is not null).Select(e => e.DedupeKey!).Distinct().ToArray();
        if (keys.Length == 0) return [.. events];
        var inserted = new HashSet<string>();
        await using (var cmd = tx.Command("""
            insert into provider_callback_events (provider_id, event_id) select $1, unnest($2::text[])
            on conflict do nothing returning event_id
            """))
        {
            cmd.Parameters.AddWithValue(providerId);
            cmd.Parameters.AddWithValue(keys);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) inserted.Add(r.GetString(0));
        }
        return events.Where(e => e.DedupeKey is null || inserted.Remove(e.DedupeKey)).ToList();
    }

    /// <summary>
    /// Ids seen before the cut-off are forgotten; it must stay longer than any provider redelivers (SendGrid: 72 h).
    /// </summary>
    public static async Task<int> PurgeAsync(NpgsqlDataSource db, DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            delete from provider_callback_events where ctid = any(array(
                select ctid from provider_callback_events where received_at < $1 order by received_at limit $2))
            """);
        cmd.Parameters.AddWithValue(olderThan);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Provider callback event ids expire after `Retention:ProviderCallbackEvents:Days` (7 by default).</summary>
public sealed class CallbackDedupeRetention(NpgsqlDataSource db) : IRetainedData
{
    public string Kind => "ProviderCallbackEvents";

    public int DefaultDays => 7;

    public Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct) =>
        CallbackDedupe.PurgeAsync(db, olderThan, limit, ct);
}
