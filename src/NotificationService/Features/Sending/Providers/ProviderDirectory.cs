using System.Text.Json.Nodes;
using NotificationService.Infrastructure;
using NotificationService.Channels;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// A tenant's enabled providers per channel in priority order, secrets decrypted, cached for a few
/// seconds (both the accept path and every delivery batch ask). Changes made through the admin API
/// call <see cref="Invalidate"/>; other replicas see them within <see cref="Ttl"/>.
/// </summary>
public sealed class ProviderDirectory(ProviderStore store, SecretProtector secrets, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private readonly TtlCache<Guid, ILookup<string, ProviderConfig>> _cache = new(clock, Ttl);

    /// <summary>in_app is built in: it needs no provider config.</summary>
    public async ValueTask<bool> CanDeliverAsync(Guid tenantId, string channel, CancellationToken ct) =>
        channel == ChannelNames.InApp || (await ForTenantAsync(tenantId, ct))[channel].Any();

    public async ValueTask<IReadOnlyList<ProviderConfig>> ForChannelAsync(Guid tenantId, string channel, CancellationToken ct) =>
        (await ForTenantAsync(tenantId, ct))[channel].ToList();

    public void Invalidate(Guid tenantId) => _cache.Remove(tenantId);

    private ValueTask<ILookup<string, ProviderConfig>> ForTenantAsync(Guid tenantId, CancellationToken ct) =>
        _cache.GetOrLoadAsync(tenantId, LoadAsync, ct);

    private async Task<ILookup<string, ProviderConfig>> LoadAsync(Guid tenantId, CancellationToken ct) =>
        (await store.ListAsync(tenantId, enabledOnly: true, ct)).Select(p => new ProviderConfig(
            p.Id, tenantId, p.Channel, p.Kind, p.Name, p.Priority,
            JsonNode.Parse(p.SettingsJson)!.AsObject(), secrets.Unprotect(p.SecretsCiphertext, p.SecretsKeyId))).ToLookup(p => p.Channel);
}
