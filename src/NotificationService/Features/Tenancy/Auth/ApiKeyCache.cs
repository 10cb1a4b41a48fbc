using NotificationService.Infrastructure;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Tenancy.Auth;

public sealed record ActiveServiceAccount(Guid Id, Guid TenantId, string[] Scopes, byte[] KeyHash, string KeyPrefix);

/// <summary>
/// Validated keys are cached for <see cref="Ttl"/> so the accept path costs no extra query;
/// a revoked key therefore stops working within that time on every replica.
/// </summary>
public sealed class ApiKeyCache(TenantStore tenants, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly TtlCache<string, ActiveServiceAccount?> _byPrefix = new(clock, Ttl);

    public async Task<ActiveServiceAccount?> FindAsync(string key, CancellationToken ct)
    {
        var prefix = ApiKeys.PrefixOf(key);
        if (prefix is null) return null;
        var account = await _byPrefix.GetOrLoadAsync(prefix, LoadAsync, ct);
        return account is { } a && ApiKeys.Matches(key, a.KeyHash) ? a : null;
    }

    public void Forget(string prefix) => _byPrefix.Remove(prefix);

    private async Task<ActiveServiceAccount?> LoadAsync(string prefix, CancellationToken ct)
    {
        if (await tenants.FindActiveByPrefixAsync(prefix, ct) is not { } a) return null;
        // "Last used" is as fresh as the cache: a key in use is reloaded, and stamped, once per Ttl per replica.
        await tenants.MarkUsedAsync(a.TenantId, a.Id, ct);
        return new ActiveServiceAccount(a.Id, a.TenantId, a.Scopes, a.KeyHash, a.KeyPrefix);
    }
}
