using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NotificationService.Channels;
using NotificationService.Features.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Seed;

public sealed record SeedResult(Guid TenantId, string? ApiKey, string KeyPrefix, int TemplatesAdded, int ProvidersAdded);

/// <summary>
/// Idempotent demo data: the demo tenant, its service account, the templates under `seed/templates`
/// and a sandbox provider per channel. `Seed:DemoApiKey` fixes the key (docker-compose, scripts);
/// otherwise a random key is generated the first time and printed once.
/// </summary>
public sealed class DemoSeeder(AppDbContext ef, NpgsqlDataSource db, IConfiguration config)
{
    public static readonly Guid DemoTenantId = Guid.Parse("0000000d-e000-4000-8000-000000000001");

    public async Task<SeedResult> SeedAsync(CancellationToken ct)
    {
        if (!await ef.Tenants.AnyAsync(t => t.Id == DemoTenantId, ct))
        {
            ef.Tenants.Add(new Tenant { Id = DemoTenantId, Name = "Demo", DefaultLocale = "en" });
            await ef.SaveChangesAsync(ct);
        }
        var (key, prefix) = await EnsureServiceAccountAsync(ct);
        var templates = await SeedTemplatesAsync(ct);
        var providers = await SeedSandboxProvidersAsync(ct);
        return new SeedResult(DemoTenantId, key, prefix, templates, providers);
    }

    private async Task<(string? Key, string Prefix)> EnsureServiceAccountAsync(CancellationToken ct)
    {
        var fixedKey = config["Seed:DemoApiKey"];
        var existing = await ef.ServiceAccounts.FirstOrDefaultAsync(a => a.TenantId == DemoTenantId && a.Name == "demo" && a.RevokedAt == null, ct);
        if (existing is not null && (fixedKey is null || ApiKeys.Matches(fixedKey, existing.KeyHash))) return (fixedKey, existing.KeyPrefix);
        if (existing is not null) existing.RevokedAt = DateTimeOffset.UtcNow; // the configured key replaces it
        var (account, key) = TenantStore.NewServiceAccount(DemoTenantId, "demo", Scopes.All, fixedKey);
        ef.ServiceAccounts.Add(account);
        await ef.SaveChangesAsync(ct);
        return (key, account.KeyPrefix);
    }

    private async Task<int> SeedTemplatesAsync(CancellationToken ct)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "seed", "templates");
        if (!Directory.Exists(dir)) return 0;
        var added = 0;
        foreach (var file in Directory.GetFiles(dir, "*.json").Order())
        {
            var t = JsonNode.Parse(await File.ReadAllTextAsync(file, ct))!.AsObject();
            await using var cmd = db.CreateCommand("""
                with t as (
                    insert into templates (id, tenant_id, key, channel, locale, description, published_version_id)
                    values ($1, $2, $3, $4, $5, $6, $7)
                    on conflict (tenant_id, key, channel, locale) where deleted_at is null do nothing
                    returning id
                )
                insert into template_versions (id, template_id, tenant_id, version, parts, optional_variables)
                select $7, t.id, $2, 1, $8::jsonb, $9 from t
                """);
            cmd.Parameters.AddWithValue(Guid.CreateVersion7());
            cmd.Parameters.AddWithValue(DemoTenantId);
            cmd.Parameters.AddWithValue((string)t["key"]!);
            cmd.Parameters.AddWithValue((string)t["channel"]!);
            cmd.Parameters.AddWithValue((string)t["locale"]!);
            cmd.Parameters.AddWithValue((object?)(string?)t["description"] ?? DBNull.Value);
            cmd.Parameters.AddWithValue(Guid.CreateVersion7());
            cmd.Parameters.AddWithValue(t["parts"]!.ToJsonString());
            cmd.Parameters.AddWithValue((t["optionalVariables"] as JsonArray)?.Select(v => (string)v!).ToArray() ?? []);
            added += await cmd.ExecuteNonQueryAsync(ct);
        }
        return added;
    }

    private async Task<int> SeedSandboxProvidersAsync(CancellationToken ct)
    {
        var added = 0;
        foreach (var channel in ChannelNames.All.Where(c => c != ChannelNames.InApp))
        {
            if (await ef.Providers.AnyAsync(p => p.TenantId == DemoTenantId && p.Channel == channel, ct)) continue;
            ef.Providers.Add(new ProviderEntity { Id = Guid.CreateVersion7(), TenantId = DemoTenantId, Channel = channel, Kind = "sandbox", Name = $"Sandbox {channel}", Priority = 100 });
            added++;
        }
        await ef.SaveChangesAsync(ct);
        return added;
    }

    public static void Print(SeedResult r, TextWriter output)
    {
        output.WriteLine($"demo tenant: {r.TenantId} ({r.TemplatesAdded} templates and {r.ProvidersAdded} sandbox providers added)");
        output.WriteLine(r.ApiKey is not null
            ? $"demo API key: {r.ApiKey}"
            : $"demo API key: created earlier (prefix {r.KeyPrefix}) and shown once then; set Seed__DemoApiKey to fix it, or run `tenants create --name <name>` for a new tenant");
    }
}

public static class SeedServiceExtensions
{
    public static IServiceCollection AddSeed(this IServiceCollection services) => services.AddScoped<DemoSeeder>();
}
