using System.Text.Json;
using Npgsql;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>
/// Twilio and Meta report by their own message id only, and can call back before our worker has stored
/// that id (the provider answers the send, then calls back, while our outcome statement is still in
/// flight). Such events are parked instead of dropped, and re-applied once a notification of the tenant
/// carries the id; after <see cref="ParkFor"/> they are given up and counted unknown.
/// </summary>
public sealed class ParkedCallbacks(IConfiguration config)
{
    public TimeSpan ParkFor { get; } = TimeSpan.FromMinutes(config.GetValue("Callbacks:ParkMinutes", 10.0));

    /// <summary>Only events that name a provider message id alone and would change a status are worth waiting for.</summary>
    public static bool Parkable(ProviderEvent e) => e.NotificationId is null && e.ProviderMessageId is not null && e.Status is not null;

    public static async Task ParkAsync(LedgerTransaction tx, CallbackProvider provider, IReadOnlyList<ProviderEvent> events,
        CancellationToken ct)
    {
        if (events.Count == 0) return;
        await using var cmd = tx.Command("""
            insert into provider_callback_parked (provider_id, tenant_id, provider_message_id, event)
            select $1, $2, m, e from unnest($3::text[], $4::jsonb[]) as u(m, e)
            """);
        cmd.Parameters.AddWithValue(provider.Id);
        cmd.Parameters.AddWithValue(provider.TenantId);
        cmd.Parameters.AddWithValue(events.Select(e => e.ProviderMessageId!).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb,
            Value = events.Select(e => JsonSerializer.Serialize(e)).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The (tenant, message id) pairs events are waiting for, oldest first.</summary>
    public static async Task<List<(Guid TenantId, string MessageId)>> WaitingForAsync(LedgerTransaction tx, int limit, CancellationToken ct)
    {
        await using var cmd = tx.Command("""
            select tenant_id, provider_message_id from provider_callback_parked group by tenant_id, provider_message_id order by min(id) limit $1
            """);
        cmd.Parameters.AddWithValue(limit);
        var waiting = new List<(Guid, string)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) waiting.Add((r.GetGuid(0), r.GetString(1)));
        return waiting;
    }

    /// <summary>
    /// Removes (inside the caller's transaction) parked events for these now-stored message ids, at most
    /// <paramref name="limit"/>, skipping rows another replica is replaying. Arrival order is kept.
    /// </summary>
    public static async Task<List<(Guid ProviderId, ProviderEvent Event)>> TakeAsync(LedgerTransaction tx,
        IReadOnlyCollection<(Guid TenantId, string MessageId)> stored, int limit, CancellationToken ct)
    {
        await using var cmd = tx.Command("""
            delete from provider_callback_parked where id in (
                select p.id from provider_callback_parked p
                join unnest($1::uuid[], $2::text[]) as s(tenant_id, message_id) on p.tenant_id = s.tenant_id and p.provider_message_id = s.message_id
                order by p.id limit $3 for update of p skip locked)
            returning id, provider_id, event::text
            """);
        cmd.Parameters.AddWithValue(stored.Select(s => s.TenantId).ToArray());
        cmd.Parameters.AddWithValue(stored.Select(s => s.MessageId).ToArray());
        cmd.Parameters.AddWithValue(limit);
        var taken = new List<(long Id, Guid ProviderId, ProviderEvent Event)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) taken.Add((r.GetInt64(0), r.GetGuid(1), JsonSerializer.Deserialize<ProviderEvent>(r.GetString(2))!));
        return taken.OrderBy(t => t.Id).Select(t => (t.ProviderId, t.Event)).ToList();
    }

    /// <summary>Erase: parked provider events of the tenant that mention
    /// one of <paramref name="values"/> (lower-cased) are dropped.</summary>
    public static async Task<int> ForgetAsync(NpgsqlDataSource db, Guid tenantId, string[] values, CancellationToken ct)
    {
        if (values.Length == 0) return 0;
        await using var cmd = db.CreateCommand("""
            delete from provider_callback_parked where tenant_id = $1
              and exists (select 1 from unnest($2::text[]) v where strpos(lower(event::text), v) > 0)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(values);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Gives up on events parked longer than <see cref="ParkFor"/>: the message was not sent by us, or never got its id.</summary>
    public async Task<int> ExpireAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from provider_callback_parked where received_at < now() - $1");
        cmd.Parameters.AddWithValue(ParkFor);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
