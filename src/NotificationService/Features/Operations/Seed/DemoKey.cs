using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Hosting;

namespace NotificationService.Features.Operations.Seed;

/// <summary>
/// `demo-key`: a new key for the seeded demo tenant, for the quick-start user whose first start's key scrolled away (a
/// restart prints only its prefix: the database keeps the key's hash, never the key). Local only: it refuses when a
/// database is configured (a deployment's keys come from `tenants create` and the console, not from a command that
/// prints one) and while `Seed:DemoApiKey` fixes the key (the next start would put the fixed key back). The lost key is
/// revoked in the same transaction as the new one is made: one demo key at a time, and a key nobody can see stops working.
/// </summary>
public sealed class DemoKey(TenantStore tenants)
{
    public const string Verb = "demo-key";

    /// <summary>Why this configuration gets no demo key from the command line, or null when it does (the embedded default).</summary>
    public static string? Refusal(IConfiguration config)
    {
        // A started host has the embedded cluster's connection string too, marked Postgres:Embedded.
        if (!string.IsNullOrWhiteSpace(config.GetConnectionString("Postgres")) && !config.GetValue("Postgres:Embedded", false))
            return "ConnectionStrings__Postgres is set: demo-key is for the quick start's own database only; "
                   + "make a tenant's key with `tenants create --name <name>` or on the console's API keys page";
        return string.IsNullOrEmpty(config["Seed:DemoApiKey"]) ? null
            : "Seed__DemoApiKey is set: that is the demo key (each start puts it back); change the setting to change the key";
    }

    /// <summary>The command a user of this binary types: through the project from a clone, the binary itself when published.</summary>
    public static string Command(string binaryDirectory) => EmbeddedDataDirectory.ProjectFolderOf(binaryDirectory) is null
        ? $"dotnet NotificationService.dll {Verb}"
        : $"dotnet run --project src/NotificationService -- {Verb}";

    /// <summary>A new all-scopes key for the demo tenant's `demo` account; null when the demo tenant was never seeded.</summary>
    public Task<(string Key, string? RevokedPrefix)?> IssueAsync(CancellationToken ct) =>
        tenants.ReplaceServiceAccountAsync(DemoSeeder.DemoTenantId, DemoSeeder.AccountName, Scopes.All, ct);
}
