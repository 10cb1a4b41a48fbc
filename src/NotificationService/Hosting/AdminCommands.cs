using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Operations.Seed;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Hosting;

/// <summary>One-shot commands: they share the service's configuration and database bootstrap, then exit.</summary>
public static class AdminCommands
{
    public static async Task<int> MigrateAsync(string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        Console.WriteLine($"migrations: {host.Applied.Count} applied, database is up to date");
        return 0;
    }

    public static async Task<int> SeedAsync(string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        await using var scope = host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(ct);
        DemoSeeder.Print(result, Console.Out);
        return 0;
    }

    /// <summary>`demo-key`: a new demo key, printed once, on the embedded default only (<see cref="DemoKey"/>); 1 when refused.</summary>
    public static async Task<int> DemoKeyAsync(string[] args, CancellationToken ct)
    {
        if (DemoKey.Refusal(HostConfiguration(args)) is { } refusal)   // before the host starts: a refused command touches nothing
        {
            Console.Error.WriteLine($"demo-key: refused: {refusal}");
            return 1;
        }
        await using var host = await CommandHost.StartAsync(args, ct);
        if (await host.Services.GetRequiredService<DemoKey>().IssueAsync(ct) is not { } issued)
        {
            Console.Error.WriteLine("demo-key: there is no demo tenant yet: start the service once (it seeds one), then run this again");
            return 1;
        }
        Console.WriteLine($"demo API key: {issued.Key}");
        if (issued.RevokedPrefix is { } revoked) Console.Error.WriteLine($"demo-key: the previous demo key ({revoked}) is revoked");
        return 0;
    }

    public static async Task<int> CreateTenantAsync(string name, bool json, string[] args, CancellationToken ct, string? ownerEmail = null)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        await using var scope = host.Services.CreateAsyncScope();
        if (ownerEmail is not null) MemberEmails.Normalise(ownerEmail, "--owner-email");   // refused before the tenant exists
        var created = await scope.ServiceProvider.GetRequiredService<TenantStore>().CreateTenantAsync(name, ct);
        var invitation = ownerEmail is null
            ? null
            : await scope.ServiceProvider.GetRequiredService<MemberCommands>().InviteOwnerAsync(created.TenantId, ownerEmail, ct);
        Console.WriteLine(json
            ? (invitation is null ? JsonSerializer.Serialize(new { tenantId = created.TenantId, apiKey = created.ApiKey })
                : JsonSerializer.Serialize(
                    new { tenantId = created.TenantId, apiKey = created.ApiKey, ownerInviteUrl = invitation.InviteUrl }))
            : $"tenant {created.TenantId} created\napi key (shown once): {created.ApiKey}"
              + (invitation is null ? ""
                  : $"\nowner invitation for {invitation.Member.Email} (shown once, "
                      + $"expires {invitation.ExpiresAt:u}): {invitation.InviteUrl}"));
        return 0;
    }

    /// <summary>`members sign-in-link --tenant T --email E`: the break-glass link, printed once; exit 1 when no active member has
    /// that email.</summary>
    public static async Task<int> SignInLinkAsync(Guid tenantId, string email, string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        if (await host.Services.GetRequiredService<MemberCommands>().SignInLinkAsync(tenantId, email, ct) is not { } link)
        {
            Console.Error.WriteLine($"error: no active member with that email in tenant {tenantId}");
            return 1;
        }
        Console.WriteLine($"one-time sign-in link (shown once, expires {link.ExpiresAt:u}): {link.Url}");
        return 0;
    }

    /// <summary>`tenants list [--json]`: one line per tenant (or a JSON array), oldest first; keys are never shown.</summary>
    public static async Task<int> ListTenantsAsync(bool json, string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        var tenants = await host.Services.GetRequiredService<TenantStore>().ListTenantSummariesAsync(ct);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(tenants, JsonSerializerOptions.Web));
            return 0;
        }
        var width = Math.Max("NAME".Length, tenants.Count == 0 ? 0 : tenants.Max(t => t.Name.Length));
        Console.WriteLine($"{"ID",-36}  {"NAME".PadRight(width)}  {"CREATED (UTC)",-19}  ACTIVE KEYS");
        foreach (var t in tenants)
            Console.WriteLine($"{t.Id,-36}  {t.Name.PadRight(width)}  {t.CreatedAt.UtcDateTime,-19:yyyy-MM-dd HH:mm:ss}  {t.ActiveKeys}");
        Console.Error.WriteLine($"tenants list: {tenants.Count} tenants");
        return 0;
    }

    /// <summary>`health [--url URL]`: exit 0 when the readiness URL answers 2xx within 3 s (see <see cref="HealthCheckTarget"/>).</summary>
    public static async Task<int> HealthAsync(string? url, string[] args, CancellationToken ct)
    {
        Uri target;
        try { target = HealthCheckTarget.Resolve(HostConfiguration(args), url); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"health: {e.Message}");
            return 2;
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(target, ct);
            var said = HealthCheckTarget.Gist(await response.Content.ReadAsStringAsync(ct));
            if (response.IsSuccessStatusCode)
            {
                Console.WriteLine($"ready: {target} answered {(int)response.StatusCode}");
                return 0;
            }
            Console.Error.WriteLine($"not ready: {target} answered {(int)response.StatusCode}{said}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"not ready: {target} did not answer ({e.GetType().Name})");
        }
        return 1;
    }

    /// <summary>The configuration the web host would read (its addresses, its database), without starting anything.</summary>
    private static IConfiguration HostConfiguration(string[] args) => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddJsonFile($"appsettings.{Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production"}.json", optional: true)
        .AddEnvironmentVariables("DOTNET_")
        .AddEnvironmentVariables("ASPNETCORE_")
        .AddEnvironmentVariables()
        .AddCommandLine(args)
        .Build();

    public static async Task<int> RotateKeysAsync(string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        await using var scope = host.Services.CreateAsyncScope();
        var rotation = scope.ServiceProvider.GetRequiredService<KeyRotation>();
        var active = scope.ServiceProvider.GetRequiredService<SecretProtector>().ActiveKeyId;
        var result = await rotation.RotateAsync(
            p => Console.WriteLine($"keys rotate: {p.Done}/{p.Total} provider configs re-encrypted"), ct);
        Console.WriteLine($"keys rotate: done, {result.Done} provider configs re-encrypted under key '{active}'");
        // End-user token secrets (the service's own per tenant, and HS256 secrets given to tenants) use the same keys.
        var userKeys = await scope.ServiceProvider.GetRequiredService<Features.People.EndUserAuth.UserAuthKeyStore>()
            .RotateSecretsAsync(active, ct);
        Console.WriteLine($"keys rotate: done, {userKeys} end-user token secrets re-encrypted under key '{active}'");
        return 0;
    }

    /// <summary>Repairs inbox counters under each user's counter lock (live traffic keeps flowing), a progress line per batch.</summary>
    public static async Task<int> InboxRecountAsync(Guid? tenant, string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        var store = host.Services.GetRequiredService<Features.People.Inbox.InboxStore>();
        var (users, repaired) = await store.RecountAsync(tenant,
            (done, wrong) => Console.Error.Write($"\rinbox recount: {done:N0} users checked, {wrong:N0} repaired   "), ct);
        Console.Error.WriteLine();
        Console.WriteLine($"inbox recount: done, {users} users checked, {repaired} counters repaired");
        return 0;
    }

    /// <summary>One retention pass now, with a progress line per kind (what the service's loop does every few minutes).</summary>
    public static async Task<int> RetentionRunAsync(string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        var runner = host.Services.GetRequiredService<Features.Operations.Retention.RetentionRunner>();
        var (lastKind, last) = ("", 0L);
        var results = await runner.RunOnceAsync(DateTimeOffset.UtcNow, ct, (kind, purged) =>
        {
            if (kind == lastKind && purged - last < 10_000) return;
            (lastKind, last) = (kind, purged);
            Console.Error.Write($"\rretention: {kind}: {purged:N0} purged   ");
        });
        Console.Error.WriteLine();
        foreach (var r in results)
            Console.WriteLine($"retention: {r.Kind}: {r.Purged:N0} purged in {r.Batches:N0} batches (older than {r.OlderThan:u})");
        return 0;
    }
}
