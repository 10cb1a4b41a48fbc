using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Infrastructure;
using NotificationService.Channels;

namespace NotificationService.Features.Providers;

/// <summary>
/// A tenant's enabled providers per channel in priority order, secrets decrypted, cached for a few
/// seconds (both the accept path and every delivery batch ask). Changes made through the admin API
/// call <see cref="Invalidate"/>; other replicas see them within <see cref="Ttl"/>.
/// </summary>
public sealed class ProviderDirectory(NpgsqlDataSource db, SecretProtector secrets, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private readonly TtlCache<Guid, ILookup<string, ProviderConfig>> _cache = new(clock, Ttl);

    /// <summary>in_app is built in: it needs no provider config.</summary>
    public async ValueTask<bool> CanDeliverAsync(Guid tenantId, string channel, CancellationToken ct) =>
        channel == ChannelNames.InApp || (await ForTenantAsync(tenantId, ct))[channel].Any();

    public async ValueTask<IReadOnlyList<ProviderConfig>> ForChannelAsync(Guid tenantId, string channel, CancellationToken ct) =>
        (await ForTenantAsync(tenantId, ct))[channel].ToList();

    public void Invalidate(Guid tenantId) => _cache.Remove(tenantId);

    private ValueTask<ILookup<string, ProviderConfig>> ForTenantAsync(Guid tenantId, CancellationToken ct) => _cache.GetOrLoadAsync(tenantId, LoadAsync, ct);

    private async Task<ILookup<string, ProviderConfig>> LoadAsync(Guid tenantId, CancellationToken ct)
    {
        var list = new List<ProviderConfig>();
        await using (var cmd = db.CreateCommand("""
            select id, channel, kind, name, priority, settings::text, secrets_ciphertext, secrets_key_id
            from providers where tenant_id = $1 and enabled order by channel, priority, created_at
            """))
        {
            cmd.Parameters.AddWithValue(tenantId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                list.Add(new ProviderConfig(r.GetGuid(0), tenantId, r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
                    JsonNode.Parse(r.GetString(5))!.AsObject(),
                    secrets.Unprotect(r.IsDBNull(6) ? null : r.GetFieldValue<byte[]>(6), r.IsDBNull(7) ? null : r.GetString(7))));
        }
        return list.ToLookup(p => p.Channel);
    }
}
