using System.Text.Json;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Seed;

/// <param name="NewKeyCommand">The command that makes a new demo key (<see cref="DemoKey"/>), or null where it refuses.</param>
public sealed record SeedResult(Guid TenantId, string? ApiKey, string KeyPrefix, int TemplatesAdded, int ProvidersAdded,
    IReadOnlyList<string>? Notes = null, string? NewKeyCommand = null, bool FixedKey = false);

/// <summary>
/// Idempotent demo data: the demo tenant, its service account, the templates under `seed/templates`
/// and a sandbox provider per channel, each written through its feature's own store (templates are validated
/// like any admin's). `Seed:DemoApiKey` fixes the key (docker-compose, scripts); otherwise a random key is
/// generated the first time and printed once.
/// </summary>
public sealed class DemoSeeder(TenantStore tenants, TemplateValidator validator, TemplateCommands templates, TemplateQueries existing,
    ProviderStore providers, IConfiguration config, IEnumerable<IDemoSeedStep> steps)
{
    public static readonly Guid DemoTenantId = Guid.Parse("0000000d-e000-4000-8000-000000000001");
    public const string AccountName = "demo";

    public async Task<SeedResult> SeedAsync(CancellationToken ct)
    {
        await tenants.EnsureTenantAsync(DemoTenantId, "Demo", "en", ct);
        var (key, prefix) = await EnsureServiceAccountAsync(ct);
        var templatesAdded = await SeedTemplatesAsync(ct);
        var providersAdded = await SeedSandboxProvidersAsync(ct);
        var notes = new List<string>();
        foreach (var step in steps) if (await step.SeedAsync(DemoTenantId, ct) is { } note) notes.Add(note);
        var newKeyCommand = DemoKey.Refusal(config) is null ? DemoKey.Command(AppContext.BaseDirectory) : null;
        return new SeedResult(DemoTenantId, key, prefix, templatesAdded, providersAdded, notes, newKeyCommand,
            FixedKey: !string.IsNullOrEmpty(config["Seed:DemoApiKey"]));
    }

    private async Task<(string? Key, string Prefix)> EnsureServiceAccountAsync(CancellationToken ct)
    {
        var fixedKey = config["Seed:DemoApiKey"];
        var existing = await tenants.FindActiveByNameAsync(DemoTenantId, AccountName, ct);
        if (existing is not null && (fixedKey is null || ApiKeys.Matches(fixedKey, existing.KeyHash))) return (null, existing.KeyPrefix);
        if (existing is not null) await tenants.RevokeAsync(DemoTenantId, existing.Id, ct); // the configured key replaces it
        var (account, key) = await tenants.CreateServiceAccountAsync(DemoTenantId, AccountName, Scopes.All, ct, fixedKey);
        // A configured key is the operator's secret: the log names its prefix, never the key (it printed on every start).
        return (fixedKey is null ? key : null, account.KeyPrefix);
    }

    private async Task<int> SeedTemplatesAsync(CancellationToken ct)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "seed", "templates");
        if (!Directory.Exists(dir)) return 0;
        // Every start of a seeded service runs this: a template the tenant already has (edited or not) is skipped before it
        // is validated. Compiling the 41 demo templates only to meet a conflict at insert was half of each such start's CPU
        // (about 2 of 4 CPU-seconds until ready, Debug build).
        var present = await ExistingTemplatesAsync(ct);
        var added = 0;
        foreach (var file in Directory.GetFiles(dir, "*.json").Order())
        {
            var t = JsonSerializer.Deserialize<TemplateRequest>(await File.ReadAllTextAsync(file, ct), JsonBody.Options)!;
            if (present.Contains((t.Key!, t.Channel!, t.Locale!))) continue;
            try
            {
                var content = await validator.PrepareAsync(DemoTenantId, t.Channel!, t, ct);
                await templates.CreateAsync(DemoTenantId, t.Key!, t.Channel!, t.Locale!, t.Description, content, ct);
                added++;
            }
            catch (ConflictException) { } // seeded meanwhile (another replica starting): leave it alone
        }
        return added;
    }

    /// <summary>The demo tenant's templates (not deleted) by key, channel and locale: the ones a seed would conflict with.</summary>
    private async Task<HashSet<(string Key, string Channel, string Locale)>> ExistingTemplatesAsync(CancellationToken ct)
    {
        var present = new HashSet<(string, string, string)>();
        Guid? after = null;
        do
        {
            var page = await existing.ListAsync(DemoTenantId, channel: null, locale: null, key: null, limit: 100, after, ct);
            foreach (var t in page.Items) present.Add((t.Key, t.Channel, t.Locale));
            after = page.NextCursor is { } next ? Guid.Parse(next) : null;
        } while (after is not null);
        return present;
    }

    private async Task<int> SeedSandboxProvidersAsync(CancellationToken ct)
    {
        var added = 0;
        foreach (var channel in ChannelNames.All.Where(c => c != ChannelNames.InApp))
        {
            if (await providers.AnyForChannelAsync(DemoTenantId, channel, ct)) continue;
            await providers.AddAsync(new ProviderEntity
            {
                Id = Uuid7.New(), TenantId = DemoTenantId, Channel = channel, Kind = "sandbox", Name = $"Sandbox {channel}", Priority = 100
            }, ct);
            added++;
        }
        return added;
    }

    public static void Print(SeedResult r, TextWriter output)
    {
        output.WriteLine($"demo tenant: {r.TenantId} ({r.TemplatesAdded} templates and {r.ProvidersAdded} sandbox providers added)");
        var earlier = $"demo API key: created earlier (prefix {r.KeyPrefix}) and shown once then";
        output.WriteLine(r.ApiKey is not null ? $"demo API key: {r.ApiKey}"
            : r.NewKeyCommand is null && r.FixedKey ? $"demo API key: the one Seed__DemoApiKey sets (prefix {r.KeyPrefix})"
            : r.NewKeyCommand is not null ? $"{earlier}; `{r.NewKeyCommand}` makes a new one (and revokes that one)"
            : $"{earlier}; set Seed__DemoApiKey to fix it, or run `tenants create --name <name>` for a new tenant");
        foreach (var note in r.Notes ?? []) output.WriteLine(note);
    }
}

public static class SeedServiceExtensions
{
    public static IServiceCollection AddSeed(this IServiceCollection services) =>
        services.AddSingleton<DemoSeeder>().AddSingleton<DemoKey>();
}
