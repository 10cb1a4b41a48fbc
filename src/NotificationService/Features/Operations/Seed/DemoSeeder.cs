using System.Text.Json;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Seed;

public sealed record SeedResult(Guid TenantId, string? ApiKey, string KeyPrefix, int TemplatesAdded, int ProvidersAdded, IReadOnlyList<string>? Notes = null);

/// <summary>
/// Idempotent demo data: the demo tenant, its service account, the templates under `seed/templates`
/// and a sandbox provider per channel, each written through its feature's own store (templates are validated
/// like any admin's). `Seed:DemoApiKey` fixes the key (docker-compose, scripts); otherwise a random key is
/// generated the first time and printed once.
/// </summary>
public sealed class DemoSeeder(TenantStore tenants, TemplateValidator validator, TemplateCommands templates, ProviderStore providers, IConfiguration config,
    IEnumerable<IDemoSeedStep> steps)
{
    public static readonly Guid DemoTenantId = Guid.Parse("0000000d-e000-4000-8000-000000000001");

    public async Task<SeedResult> SeedAsync(CancellationToken ct)
    {
        await tenants.EnsureTenantAsync(DemoTenantId, "Demo", "en", ct);
        var (key, prefix) = await EnsureServiceAccountAsync(ct);
        var templatesAdded = await SeedTemplatesAsync(ct);
        var providersAdded = await SeedSandboxProvidersAsync(ct);
        var notes = new List<string>();
        foreach (var step in steps) if (await step.SeedAsync(DemoTenantId, ct) is { } note) notes.Add(note);
        return new SeedResult(DemoTenantId, key, prefix, templatesAdded, providersAdded, notes);
    }

    private async Task<(string? Key, string Prefix)> EnsureServiceAccountAsync(CancellationToken ct)
    {
        var fixedKey = config["Seed:DemoApiKey"];
        var existing = await tenants.FindActiveByNameAsync(DemoTenantId, "demo", ct);
        if (existing is not null && (fixedKey is null || ApiKeys.Matches(fixedKey, existing.KeyHash))) return (fixedKey, existing.KeyPrefix);
        if (existing is not null) await tenants.RevokeAsync(DemoTenantId, existing.Id, ct); // the configured key replaces it
        var (account, key) = await tenants.CreateServiceAccountAsync(DemoTenantId, "demo", Scopes.All, ct, fixedKey);
        return (key, account.KeyPrefix);
    }

    private async Task<int> SeedTemplatesAsync(CancellationToken ct)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "seed", "templates");
        if (!Directory.Exists(dir)) return 0;
        var added = 0;
        foreach (var file in Directory.GetFiles(dir, "*.json").Order())
        {
            var t = JsonSerializer.Deserialize<TemplateRequest>(await File.ReadAllTextAsync(file, ct), JsonBody.Options)!;
            try
            {
                var content = await validator.PrepareAsync(DemoTenantId, t.Channel!, t, ct);
                await templates.CreateAsync(DemoTenantId, t.Key!, t.Channel!, t.Locale!, t.Description, content, ct);
                added++;
            }
            catch (ConflictException) { } // seeded before: leave the tenant's edits alone
        }
        return added;
    }

    private async Task<int> SeedSandboxProvidersAsync(CancellationToken ct)
    {
        var added = 0;
        foreach (var channel in ChannelNames.All.Where(c => c != ChannelNames.InApp))
        {
            if (await providers.AnyForChannelAsync(DemoTenantId, channel, ct)) continue;
            await providers.AddAsync(new ProviderEntity { Id = Uuid7.New(), TenantId = DemoTenantId, Channel = channel, Kind = "sandbox", Name = $"Sandbox {channel}", Priority = 100 }, ct);
            added++;
        }
        return added;
    }

    public static void Print(SeedResult r, TextWriter output)
    {
        output.WriteLine($"demo tenant: {r.TenantId} ({r.TemplatesAdded} templates and {r.ProvidersAdded} sandbox providers added)");
        output.WriteLine(r.ApiKey is not null
            ? $"demo API key: {r.ApiKey}"
            : $"demo API key: created earlier (prefix {r.KeyPrefix}) and shown once then; set Seed__DemoApiKey to fix it, or run `tenants create --name <name>` for a new tenant");
        foreach (var note in r.Notes ?? []) output.WriteLine(note);
    }
}

public static class SeedServiceExtensions
{
    public static IServiceCollection AddSeed(this IServiceCollection services) => services.AddSingleton<DemoSeeder>();
}
