using Npgsql;
using NotificationService.Features.Providers;
using NotificationService.Infrastructure;

namespace NotificationService.Features.ProviderCallbacks;

public sealed record CallbackProvider(Guid Id, Guid TenantId, string Channel, string Kind, IReadOnlyDictionary<string, string> Secrets)
{
    public string? Secret(string name) => Secrets.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;
}

/// <summary>
/// The provider config a callback URL names, with decrypted secrets. Disabled configs still verify
/// callbacks: messages sent before the switch keep reporting. Cached briefly because providers call
/// in bursts (SendGrid posts every few seconds under load).
/// </summary>
public sealed class CallbackProviders(NpgsqlDataSource db, SecretProtector secrets, TimeProvider clock)
{
    private readonly TtlCache<Guid, CallbackProvider?> _cache = new(clock, TimeSpan.FromSeconds(5));

    public ValueTask<CallbackProvider?> FindAsync(Guid id, CancellationToken ct) => _cache.GetOrLoadAsync(id, LoadAsync, ct);

    private async Task<CallbackProvider?> LoadAsync(Guid id, CancellationToken ct)
    {
        CallbackProvider? provider = null;
        await using (var cmd = db.CreateCommand("select tenant_id, channel, kind, secrets_ciphertext, secrets_key_id from providers where id = $1"))
        {
            cmd.Parameters.AddWithValue(id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
                provider = new CallbackProvider(id, r.GetGuid(0), r.GetString(1), r.GetString(2),
                    secrets.Unprotect(r.IsDBNull(3) ? null : r.GetFieldValue<byte[]>(3), r.IsDBNull(4) ? null : r.GetString(4)));
        }
        return provider;
    }
}
