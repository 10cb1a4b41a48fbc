using Microsoft.EntityFrameworkCore;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.Tenants;

public sealed record CreatedTenant(Guid TenantId, Guid ServiceAccountId, string ApiKey);

/// <summary>A tenant as `tenants list` shows it: no key, not even a prefix.</summary>
public sealed record TenantSummary(Guid Id, string Name, DateTimeOffset CreatedAt, int ActiveKeys);

/// <summary>
/// The one owner of `tenants` and `service_accounts` (EF Core: plain CRUD, a context per call). The reads a serving
/// process makes on its own (a key's lookup, its "last used" stamp, the default locale, the link policy, the seed's check)
/// are SQL on the data source: EF Core's first query JIT-compiles some 5,000 methods, a third of a fresh process's, and
/// an API or worker process then never pays it. The plain API key leaves this class once and is never stored: only its
/// SHA-256 is.
/// </summary>
public sealed partial class TenantStore(IDbContextFactory<AppDbContext> contexts, NpgsqlDataSource db, TimeProvider clock)
{
    private readonly TtlCache<Guid, string?> _defaultLocales = new(clock, TimeSpan.FromSeconds(30));
    private readonly TtlCache<Guid, LinkPolicy> _linkPolicies = new(clock, TimeSpan.FromSeconds(30));

    public async Task<CreatedTenant> CreateTenantAsync(string name, CancellationToken ct, Guid? id = null, string? fixedKey = null)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
            throw RequestValidationException.For("name", "A tenant name of 1 to 200 characters is required.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tenant = new Tenant { Id = id ?? Uuid7.New(), Name = name.Trim() };
        db.Tenants.Add(tenant);
        var (account, key) = NewServiceAccount(tenant.Id, "default", Scopes.All, fixedKey);
        db.ServiceAccounts.Add(account);
        await db.SaveChangesAsync(ct);
        return new CreatedTenant(tenant.Id, account.Id, key);
    }

    /// <summary>Creates the tenant with this id unless it exists (the seed's fixed demo tenant).</summary>
    public async Task EnsureTenantAsync(Guid id, string name, string defaultLocale, CancellationToken ct)
    {
        if (await ScalarAsync("select exists (select from tenants where id = $1)", ct, id) is true) return;
        await using var context = await contexts.CreateDbContextAsync(ct);
        context.Tenants.Add(new Tenant { Id = id, Name = name, DefaultLocale = defaultLocale });
        await context.SaveChangesAsync(ct);
    }

    /// <summary>The locale a template falls back to when the send's own has no version (cached: tenants rarely change it).</summary>
    public ValueTask<string?> DefaultLocaleAsync(Guid tenantId, CancellationToken ct) => _defaultLocales.GetOrLoadAsync(tenantId,
        async (id, c) => await ScalarAsync("select default_locale from tenants where id = $1", c, id) as string, ct);

    /// <summary>
    /// Whether the tenant's end-user links may be http: (cached like the default locale: read at every send and delivery
    /// that has a link, changed rarely; another replica sees a change within the cache's 30 s).
    /// </summary>
    public ValueTask<LinkPolicy> LinkPolicyAsync(Guid tenantId, CancellationToken ct) =>
        _linkPolicies.GetOrLoadAsync(tenantId, (id, c) => StoredLinkPolicyAsync(id, c), ct);

    /// <summary>The setting as stored now, for the admin API (which must not show another replica's change 30 s late).</summary>
    public async Task<LinkPolicy> StoredLinkPolicyAsync(Guid tenantId, CancellationToken ct) =>
        new(await ScalarAsync("select allow_http_links from tenants where id = $1", ct, tenantId) is true);

    /// <summary>Whether every member of the tenant must have a second factor (read at each sign-in, as stored).</summary>
    public async Task<bool> RequiresTotpAsync(Guid tenantId, CancellationToken ct) =>
        await ScalarAsync("select require_totp from tenants where id = $1", ct, tenantId) is true;

    /// <summary>The tenant's own settings that are named (null: unchanged), in one statement, so a change of both is one write.</summary>
    public async Task SetSettingsAsync(Guid tenantId, bool? allowHttpLinks, bool? requireTotp, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.AllowHttpLinks, t => allowHttpLinks ?? t.AllowHttpLinks)
            .SetProperty(t => t.RequireTotp, t => requireTotp ?? t.RequireTotp), ct);
        if (allowHttpLinks is not null) _linkPolicies.Remove(tenantId);
    }

    public async Task<(ServiceAccount Account, string Key)> CreateServiceAccountAsync(Guid tenantId, string name, string[] scopes,
        CancellationToken ct, string? fixedKey = null)
    {
        var (account, key) = NewServiceAccount(tenantId, name, scopes, fixedKey);
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.ServiceAccounts.Add(account);
        await db.SaveChangesAsync(ct);
        return (account, key);
    }

    /// <summary>The unrevoked account a key's public prefix names (the caller checks the key against its hash).</summary>
    public Task<ServiceAccount?> FindActiveByPrefixAsync(string keyPrefix, CancellationToken ct) =>
        AccountAsync("key_prefix = $1 and revoked_at is null", ct, keyPrefix);

    public Task<ServiceAccount?> FindActiveByNameAsync(Guid tenantId, string name, CancellationToken ct) =>
        AccountAsync("tenant_id = $1 and name = $2 and revoked_at is null", ct, tenantId, name);

    /// <summary>Every tenant, for the console operator's tenant picker.</summary>
    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().OrderBy(t => t.Name).ThenBy(t => t.Id).Take(limit).ToListAsync(ct);
    }

    /// <summary>Every tenant, oldest first, with how many of its API keys are not revoked: the operator's `tenants list`.</summary>
    public async Task<IReadOnlyList<TenantSummary>> ListTenantSummariesAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().OrderBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Select(t => new TenantSummary(t.Id, t.Name, t.CreatedAt,
                db.ServiceAccounts.Count(a => a.TenantId == t.Id && a.RevokedAt == null)))
            .ToListAsync(ct);
    }

    /// <summary>The tenant's keys for the admin listing, newest first (revoked ones included, marked).</summary>
    public async Task<IReadOnlyList<ServiceAccount>> ListServiceAccountsAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ServiceAccounts.AsNoTracking().Where(a => a.TenantId == tenantId)
            .OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id).ToListAsync(ct);
    }

    public async Task<ServiceAccount?> FindServiceAccountAsync(Guid tenantId, Guid accountId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ServiceAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.TenantId == tenantId && a.Id == accountId, ct);
    }

    /// <summary>Stamps "last used" when a replica (re)loads the key into its cache: once per cache time, not per request.</summary>
    public async Task MarkUsedAsync(Guid tenantId, Guid accountId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("update service_accounts set last_used_at = $3 where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(accountId);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> RevokeAsync(Guid tenantId, Guid accountId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ServiceAccounts.Where(a => a.TenantId == tenantId && a.Id == accountId && a.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, DateTimeOffset.UtcNow), ct) == 1;
    }

    /// <summary>
    /// Revokes the tenant's unrevoked accounts of this name and makes a new one, in one transaction (the demo key's
    /// `demo-key`): the new key, printed once by the caller, and the prefix of a revoked one. Null when no such tenant.
    /// </summary>
    public async Task<(string Key, string? RevokedPrefix)?> ReplaceServiceAccountAsync(Guid tenantId, string name, string[] scopes,
        CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var active = db.ServiceAccounts.Where(a => a.TenantId == tenantId && a.Name == name && a.RevokedAt == null);
        var revoked = await active.Select(a => a.KeyPrefix).FirstOrDefaultAsync(ct);
        await active.ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, DateTimeOffset.UtcNow), ct);
        var (account, key) = NewServiceAccount(tenantId, name, scopes, fixedKey: null);
        db.ServiceAccounts.Add(account);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (key, revoked);
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct, params object[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        return await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>The first service account matching <paramref name="where"/>, read without EF Core.</summary>
    private async Task<ServiceAccount?> AccountAsync(string where, CancellationToken ct, params object[] parameters)
    {
        await using var cmd = db.CreateCommand(
            $"select id, tenant_id, name, key_prefix, key_hash, scopes, created_at, revoked_at, last_used_at from service_accounts where {where} limit 1");
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadAccount(r) : null;
    }

    private static ServiceAccount ReadAccount(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0), TenantId = r.GetGuid(1), Name = r.GetString(2), KeyPrefix = r.GetString(3), KeyHash = r.GetFieldValue<byte[]>(4),
        Scopes = r.GetFieldValue<string[]>(5), CreatedAt = r.GetFieldValue<DateTimeOffset>(6),
        RevokedAt = r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7),
        LastUsedAt = r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
    };

    public static (ServiceAccount, string) NewServiceAccount(Guid tenantId, string name, string[] scopes, string? fixedKey)
    {
        var key = fixedKey ?? ApiKeys.Generate();
        var prefix = ApiKeys.PrefixOf(key)
            ?? throw new InvalidOperationException("The API key is not of the form nsk_<8 letters or digits>_<43 base64url characters>.");
        var unknown = scopes.Except(Scopes.All).ToArray();
        if (unknown.Length > 0) throw RequestValidationException.For("scopes", $"Unknown scopes: {string.Join(", ", unknown)}.");
        return (new ServiceAccount
        {
            Id = Uuid7.New(), TenantId = tenantId, Name = name, KeyPrefix = prefix, KeyHash = ApiKeys.Hash(key), Scopes = scopes,
        }, key);
    }
}

public static class TenantsServiceExtensions
{
    public static IServiceCollection AddTenants(this IServiceCollection services) => services.AddSingleton<TenantStore>();
}
