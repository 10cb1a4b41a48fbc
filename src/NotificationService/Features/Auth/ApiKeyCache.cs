using System.Collections.Concurrent;
using Npgsql;
using NotificationService.Features.Tenants;

namespace NotificationService.Features.Auth;

public sealed record ActiveServiceAccount(Guid Id, Guid TenantId, string[] Scopes, byte[] KeyHash);

/// <summary>
/// Validated keys are cached for <see cref="Ttl"/> so the accept path costs no extra query;
/// a revoked key therefore stops working within that time on every replica.
/// </summary>
public sealed class ApiKeyCache(NpgsqlDataSource db, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (ActiveServiceAccount? Account, DateTimeOffset Expires)> _byPrefix = new();

    public async Task<ActiveServiceAccount?> FindAsync(string key, CancellationToken ct)
    {
        var prefix = ApiKeys.PrefixOf(key);
        if (prefix is null) return null;
        if (!_byPrefix.TryGetValue(prefix, out var entry) || entry.Expires < clock.GetUtcNow())
        {
            entry = (await LoadAsync(prefix, ct), clock.GetUtcNow() + Ttl);
            _byPrefix[prefix] = entry;
        }
        return entry.Account is { } a && ApiKeys.Matches(key, a.KeyHash) ? a : null;
    }

    public void Forget(string prefix) => _byPrefix.TryRemove(prefix, out _);

    private async Task<ActiveServiceAccount?> LoadAsync(string prefix, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select id, tenant_id, scopes, key_hash from service_accounts
            where key_prefix = $1 and revoked_at is null
            """);
        cmd.Parameters.AddWithValue(prefix);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new ActiveServiceAccount(r.GetGuid(0), r.GetGuid(1), r.GetFieldValue<string[]>(2), r.GetFieldValue<byte[]>(3))
            : null;
    }
}
