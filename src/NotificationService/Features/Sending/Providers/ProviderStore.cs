using Microsoft.EntityFrameworkCore;
using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// The one owner of `providers`: plain CRUD through EF Core, each call on a context of its own (the store is shared by
/// the admin API, the cached directory the worker reads, callbacks, key rotation and the seed). Every query names the tenant,
/// except <see cref="FindByIdAsync"/>: a provider callback's URL names the config, and the config then fixes the tenant.
/// The reads that delivery and callbacks make are SQL on the data source, so that a worker never builds EF Core's model
/// (its first query JIT-compiles a third of a fresh process's methods); writes stay EF Core.
/// </summary>
public sealed class ProviderStore(IDbContextFactory<AppDbContext> contexts, NpgsqlDataSource data)
{
    private const string Columns =
        "id, tenant_id, channel, kind, name, priority, enabled, settings::text, secrets_ciphertext, secrets_key_id, created_at, updated_at";

    public Task<List<ProviderEntity>> ListAsync(Guid tenantId, bool enabledOnly, CancellationToken ct) =>
        ReadAsync($"select {Columns} from providers where tenant_id = $1 and (enabled or not $2) order by channel, priority, created_at",
            ct, tenantId, enabledOnly);

    public async Task<ProviderEntity?> FindAsync(Guid tenantId, Guid id, CancellationToken ct) =>
        (await ReadAsync($"select {Columns} from providers where tenant_id = $1 and id = $2", ct, tenantId, id)).SingleOrDefault();

    public async Task<ProviderEntity?> FindByIdAsync(Guid id, CancellationToken ct) =>
        (await ReadAsync($"select {Columns} from providers where id = $1", ct, id)).SingleOrDefault();

    public async Task<bool> AnyForChannelAsync(Guid tenantId, string channel, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("select exists (select from providers where tenant_id = $1 and channel = $2)");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(channel);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    private async Task<List<ProviderEntity>> ReadAsync(string sql, CancellationToken ct, params object[] parameters)
    {
        await using var cmd = data.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var found = new List<ProviderEntity>();
        while (await r.ReadAsync(ct))
            found.Add(new ProviderEntity
            {
                Id = r.GetGuid(0), TenantId = r.GetGuid(1), Channel = r.GetString(2), Kind = r.GetString(3), Name = r.GetString(4),
                Priority = r.GetInt32(5), Enabled = r.GetBoolean(6), SettingsJson = r.GetString(7),
                SecretsCiphertext = r.IsDBNull(8) ? null : r.GetFieldValue<byte[]>(8), SecretsKeyId = r.IsDBNull(9) ? null : r.GetString(9),
                CreatedAt = r.GetFieldValue<DateTimeOffset>(10), UpdatedAt = r.GetFieldValue<DateTimeOffset>(11),
            });
        return found;
    }

    public async Task AddAsync(ProviderEntity provider, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Providers.Add(provider);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Everything but identity (tenant, channel, kind) and creation time; false when the config is gone.</summary>
    public async Task<bool> UpdateAsync(ProviderEntity p, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Providers.Where(x => x.TenantId == p.TenantId && x.Id == p.Id).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Name, p.Name).SetProperty(x => x.Priority, p.Priority).SetProperty(x => x.Enabled, p.Enabled)
            .SetProperty(x => x.SettingsJson, p.SettingsJson).SetProperty(x => x.SecretsCiphertext, p.SecretsCiphertext)
            .SetProperty(x => x.SecretsKeyId, p.SecretsKeyId).SetProperty(x => x.UpdatedAt, p.UpdatedAt), ct) == 1;
    }

    public async Task<bool> DeleteAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Providers.Where(p => p.TenantId == tenantId && p.Id == id).ExecuteDeleteAsync(ct) == 1;
    }

    /// <summary>Key rotation: configs whose secrets are under another key than <paramref name="keyId"/>, a page at a time.</summary>
    public async Task<List<(Guid Id, byte[] Cipher, string KeyId)>> SecretsNotUnderAsync(string keyId, int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return (await db.Providers.AsNoTracking().Where(p => p.SecretsCiphertext != null && p.SecretsKeyId != keyId)
            .OrderBy(p => p.Id).Take(limit).Select(p => new { p.Id, p.SecretsCiphertext, p.SecretsKeyId }).ToListAsync(ct))
            .Select(p => (p.Id, p.SecretsCiphertext!, p.SecretsKeyId!)).ToList();
    }

    public async Task<int> CountSecretsNotUnderAsync(string keyId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Providers.CountAsync(p => p.SecretsCiphertext != null && p.SecretsKeyId != keyId, ct);
    }

    /// <summary>Compare-and-set on the old ciphertext, so an admin edit that landed meanwhile is never overwritten.</summary>
    public async Task<bool> ReplaceSecretsAsync(Guid id, byte[] expected, byte[] cipher, string keyId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Providers.Where(p => p.Id == id && p.SecretsCiphertext == expected).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.SecretsCiphertext, cipher).SetProperty(p => p.SecretsKeyId, keyId)
            .SetProperty(p => p.UpdatedAt, DateTimeOffset.UtcNow), ct) == 1;
    }
}
