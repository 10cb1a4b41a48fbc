using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Webhooks;

/// <summary>
/// Which event types a tenant's enabled endpoints subscribe to, cached so that hot paths (every accepted
/// notification) pay nothing for tenants without a matching endpoint. This replica drops its entry when
/// it changes the tenant's endpoints; another replica's change is seen within <see cref="Ttl"/>.
/// </summary>
public sealed class WebhookSubscriptions(NpgsqlDataSource db, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private readonly TtlCache<Guid, HashSet<string>> _cache = new(clock, Ttl);

    public async ValueTask<bool> SubscribesAsync(Guid tenantId, string eventType, CancellationToken ct) =>
        (await _cache.GetOrLoadAsync(tenantId, LoadAsync, ct)).Contains(eventType);

    public void Invalidate(Guid tenantId) => _cache.Remove(tenantId);

    private async Task<HashSet<string>> LoadAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select distinct e from webhook_endpoints, unnest(events) e where tenant_id = $1 and enabled");
        cmd.Parameters.AddWithValue(tenantId);
        var events = new HashSet<string>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) events.Add(r.GetString(0));
        return events;
    }
}
