using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Suppressions;
using NotificationService.Features.Webhooks;

namespace NotificationService.Features.ProviderCallbacks;

/// <summary>
/// Applies one callback's events in one transaction, set-based whatever the batch size: dedupe, lock
/// the notifications named, fold each one's events through <see cref="StatusMachine"/>, write statuses,
/// history (source 'provider'), suppressions and webhook deliveries, commit. Row locks serialise
/// concurrent callbacks for the same message, so two racing callbacks cannot both "move forward".
/// Events naming a provider message id we have not stored yet are parked (<see cref="ParkedCallbacks"/>).
/// </summary>
public sealed class StatusUpdater(NpgsqlDataSource db, WebhookOutbox outbox, SuppressionStore suppressions)
{
    /// <summary>Parked: events for a message id not stored yet, applied when it is (see <see cref="ParkedCallbacks"/>).</summary>
    public sealed record Result(int Applied, int Unknown, int Duplicates, int Parked = 0);

    private sealed record Row(Guid Id, string Status, string Channel, JsonNode? Recipient, JsonNode? Metadata, string? ProviderMessageId);

    public async Task<Result> ApplyAsync(CallbackProvider provider, IReadOnlyList<ProviderEvent> events, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (outcomes, published) = await ApplyInAsync(conn, tx, provider, events, park: true, ct);
        await tx.CommitAsync(ct);
        if (published) outbox.NotifyCommitted();
        return outcomes.For(events);
    }

    /// <summary>
    /// Inside the caller's transaction. Outcomes are kept per event instance, so a caller that merged several
    /// requests' events (<see cref="CallbackBatcher"/>) can answer each request with its own counts.
    /// Published: webhook deliveries were enqueued (wake the queue after commit).
    /// </summary>
    public async Task<(EventOutcomes Outcomes, bool Published)> ApplyInAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CallbackProvider provider,
        IReadOnlyList<ProviderEvent> events, bool park, CancellationToken ct)
    {
        var fresh = await DedupeAsync(conn, tx, provider.Id, events, ct);
        var rows = await LockAsync(conn, tx, provider.TenantId, fresh, ct);
        var byMessageId = rows.Values.Where(r => r.ProviderMessageId is not null).GroupBy(r => r.ProviderMessageId!).ToDictionary(g => g.Key, g => g.First());

        Row? Find(ProviderEvent e) => e.NotificationId is { } id && rows.TryGetValue(id, out var r) ? r
            : e.ProviderMessageId is { } m && byMessageId.TryGetValue(m, out r) ? r : null;

        var outcomes = new EventOutcomes(fresh);
        var parked = new List<ProviderEvent>();
        var changes = new List<StatusChange>();
        var suppress = new List<SuppressionEntry>();
        var now = DateTimeOffset.UtcNow;
        foreach (var group in fresh.GroupBy(Find))
        {
            if (group.Key is not { } n)
            {
                foreach (var e in group)
                    if (park && ParkedCallbacks.Parkable(e)) parked.Add(e);
                    else outcomes.Unknown.Add(e);
                // An unsubscribe or bounce still names an address we must stop messaging, even for a message we cannot find.
                suppress.AddRange(group.Where(e => e.Suppress?.Address is not null).Select(e => Entry(provider, null, e)));
                continue;
            }
            var ordered = group.OrderBy(e => e.At ?? DateTimeOffset.MinValue).ToList();   // stable: ties keep arrival order
            changes.AddRange(StatusMachine.Fold(n.Status, ordered).Select(s =>
                new StatusChange(n.Id, provider.TenantId, n.Channel, s.Status, s.PreviousStatus, n.Recipient, n.Metadata, s.Error, now, s.Detail)));
            suppress.AddRange(ordered.Where(e => e.Suppress is not null).Select(e => Entry(provider, n, e)));
        }

        await WriteAsync(conn, tx, changes, ct);
        await suppressions.AddAsync(conn, tx, suppress.Where(s => s.Address is not null).ToList(), ct);
        await ParkedCallbacks.ParkAsync(conn, tx, provider, parked, ct);
        var published = await outbox.PublishAsync(conn, tx, changes, ct);
        outcomes.Parked.UnionWith(parked);
        return (outcomes, published > 0);
    }

    private static SuppressionEntry Entry(CallbackProvider p, Row? n, ProviderEvent e) => new(p.TenantId, p.Channel,
        Addresses.Normalize(p.Channel, e.Suppress!.Address) ?? Addresses.Of(p.Channel, n?.Recipient), e.Suppress.Reason, e.Detail, p.Id, n?.Id);

    /// <summary>Events with an id already seen for this provider are dropped (also duplicates inside the batch).</summary>
    private static async Task<List<ProviderEvent>> DedupeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid providerId, IReadOnlyList<ProviderEvent> events, CancellationToken ct)
    {
        var keys = events.Where(e => e.DedupeKey is not null).Select(e => e.DedupeKey!).Distinct().ToArray();
        if (keys.Length == 0) return [.. events];
        var inserted = new HashSet<string>();
        await using (var cmd = new NpgsqlCommand("""
            insert into provider_callback_events (provider_id, event_id) select $1, unnest($2::text[])
            on conflict do nothing returning event_id
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(providerId);
            cmd.Parameters.AddWithValue(keys);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) inserted.Add(r.GetString(0));
        }
        return events.Where(e => e.DedupeKey is null || inserted.Remove(e.DedupeKey)).ToList();
    }

    private static async Task<Dictionary<Guid, Row>> LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, List<ProviderEvent> events, CancellationToken ct)
    {
        var rows = new Dictionary<Guid, Row>();
        var ids = events.Where(e => e.NotificationId is not null).Select(e => e.NotificationId!.Value).Distinct().ToArray();
        var messageIds = events.Where(e => e.NotificationId is null && e.ProviderMessageId is not null).Select(e => e.ProviderMessageId!).Distinct().ToArray();
        if (ids.Length + messageIds.Length == 0) return rows;
        // Another tenant's notification id is simply unknown here: the URL's provider config fixes the tenant.
        await using var cmd = new NpgsqlCommand("""
            select id, status, channel, recipient::text, metadata::text, provider_message_id from notifications
            where tenant_id = $1 and id in (select id from notifications where id = any($2)
                                            union all select id from notifications where provider_message_id = any($3))
            order by id for update
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(ids);
        cmd.Parameters.AddWithValue(messageIds);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows[r.GetGuid(0)] = new Row(r.GetGuid(0), r.GetString(1), r.GetString(2), JsonNode.Parse(r.GetString(3)),
                r.IsDBNull(4) ? null : JsonNode.Parse(r.GetString(4)), r.IsDBNull(5) ? null : r.GetString(5));
        return rows;
    }

    /// <summary>One statement: final status per notification, one history row per step in order.</summary>
    private static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<StatusChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0) return;
        var finals = changes.GroupBy(c => c.NotificationId).Select(g => (Id: g.Key, g.Last().Status, Error: g.LastOrDefault(c => c.Error is not null)?.Error)).ToList();
        await using var cmd = new NpgsqlCommand("""
            with u as (
                update notifications n set status = f.status, last_error = coalesce(f.error, n.last_error), updated_at = now()
                from unnest($1::uuid[], $2::text[], $3::text[]) as f(id, status, error) where n.id = f.id
            )
            insert into notification_events (notification_id, status, source, detail)
            select h.id, h.status, 'provider', h.detail from unnest($4::uuid[], $5::text[], $6::text[]) with ordinality as h(id, status, detail, ord)
            order by h.ord
            """, conn, tx);
        cmd.Parameters.AddWithValue(finals.Select(f => f.Id).ToArray());
        cmd.Parameters.AddWithValue(finals.Select(f => f.Status).ToArray());
        cmd.Parameters.AddWithValue(finals.Select(f => f.Error).ToArray());
        cmd.Parameters.AddWithValue(changes.Select(c => c.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(changes.Select(c => c.Status).ToArray());
        cmd.Parameters.AddWithValue(changes.Select(c => c.Detail ?? c.Error).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
