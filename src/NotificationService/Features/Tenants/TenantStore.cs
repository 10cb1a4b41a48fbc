using Microsoft.EntityFrameworkCore;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenants;

public sealed record CreatedTenant(Guid TenantId, Guid ServiceAccountId, string ApiKey);

/// <summary>Creates tenants and their service accounts. The plain API key leaves this class once and is never stored.</summary>
public sealed class TenantStore(AppDbContext db)
{
    public async Task<CreatedTenant> CreateTenantAsync(string name, CancellationToken ct, Guid? id = null, string? fixedKey = null)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
            throw RequestValidationException.For("name", "A tenant name of 1 to 200 characters is required.");
        var tenant = new Tenant { Id = id ?? Guid.CreateVersion7(), Name = name.Trim() };
        db.Tenants.Add(tenant);
        var (account, key) = NewServiceAccount(tenant.Id, "default", Scopes.All, fixedKey);
        db.ServiceAccounts.Add(account);
        await db.SaveChangesAsync(ct);
        return new CreatedTenant(tenant.Id, account.Id, key);
    }

    public async Task<(ServiceAccount Account, string Key)> CreateServiceAccountAsync(Guid tenantId, string name, string[] scopes, CancellationToken ct)
    {
        var (account, key) = NewServiceAccount(tenantId, name, scopes, null);
        db.ServiceAccounts.Add(account);
        await db.SaveChangesAsync(ct);
        return (account, key);
    }

    public async Task<bool> RevokeAsync(Guid tenantId, Guid accountId, CancellationToken ct) =>
        await db.ServiceAccounts.Where(a => a.TenantId == tenantId && a.Id == accountId && a.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.RevokedAt, DateTimeOffset.UtcNow), ct) == 1;

    public static (ServiceAccount, string) NewServiceAccount(Guid tenantId, string name, string[] scopes, string? fixedKey)
    {
        var key = fixedKey ?? ApiKeys.Generate();
        var prefix = ApiKeys.PrefixOf(key)
            ?? throw new InvalidOperationException("The API key is not of the form nsk_<8 letters or digits>_<43 base64url characters>.");
        var unknown = scopes.Except(Scopes.All).ToArray();
        if (unknown.Length > 0) throw RequestValidationException.For("scopes", $"Unknown scopes: {string.Join(", ", unknown)}.");
        return (new ServiceAccount
        {
            Id = Guid.CreateVersion7(), TenantId = tenantId, Name = name, KeyPrefix = prefix, KeyHash = ApiKeys.Hash(key), Scopes = scopes,
        }, key);
    }
}

public static class TenantsServiceExtensions
{
    public static IServiceCollection AddTenants(this IServiceCollection services) => services.AddScoped<TenantStore>();
}
