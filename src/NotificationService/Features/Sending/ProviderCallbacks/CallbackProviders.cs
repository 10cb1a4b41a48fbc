using NotificationService.Features.Sending.Providers;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.ProviderCallbacks;

public sealed record CallbackProvider(Guid Id, Guid TenantId, string Channel, string Kind, IReadOnlyDictionary<string, string> Secrets)
{
    public string? Secret(string name) => Secrets.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;
}

/// <summary>
/// The provider config a callback URL names, with decrypted secrets. Disabled configs still verify
/// callbacks: messages sent before the switch keep reporting. Cached briefly because providers call
/// in bursts (SendGrid posts every few seconds under load).
/// </summary>
public sealed class CallbackProviders(ProviderStore store, SecretProtector secrets, TimeProvider clock)
{
    private readonly TtlCache<Guid, CallbackProvider?> _cache = new(clock, TimeSpan.FromSeconds(5));

    public ValueTask<CallbackProvider?> FindAsync(Guid id, CancellationToken ct) => _cache.GetOrLoadAsync(id, LoadAsync, ct);

    private async Task<CallbackProvider?> LoadAsync(Guid id, CancellationToken ct) =>
        await store.FindByIdAsync(id, ct) is { } p
            ? new CallbackProvider(id, p.TenantId, p.Channel, p.Kind, secrets.Unprotect(p.SecretsCiphertext, p.SecretsKeyId))
            : null;
}
