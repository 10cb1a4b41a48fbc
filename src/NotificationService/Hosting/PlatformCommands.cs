using System.Text.Json;
using NotificationService.Features.Administration.Platform;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Hosting;

/// <summary>The platform's commands: operator keys, and suspend, resume, export and delete of a tenant (as the platform API does
/// them).</summary>
public static class PlatformCommands
{
    /// <summary>Who acted, in the tenant's audit log and a deletion's record.</summary>
    private const string Actor = "operator (command line)";

    /// <summary>`platform keys create --name NAME [--json]`: an operator key, printed once (only its hash is stored).</summary>
    public static async Task<int> CreateKeyAsync(string name, bool json, string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        var (row, key) = await host.Services.GetRequiredService<PlatformKeyStore>().CreateAsync(name, ct);
        Console.WriteLine(json
            ? JsonSerializer.Serialize(new { key, name = row.Name, prefix = row.KeyPrefix })
            : $"platform key {row.KeyPrefix} ({row.Name}) created\nplatform key (shown once): {key}");
        return 0;
    }

    /// <summary>
    /// `platform keys revoke --name NAME`: revokes every unrevoked key made under that name (exit 1, saying so, when there is
    /// none). Every replica refuses them within `Platform:KeyCacheSeconds`; a key configured in `Platform:Keys` is removed
    /// from the configuration instead.
    /// </summary>
    public static async Task<int> RevokeKeyAsync(string name, string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        var revoked = await host.Services.GetRequiredService<PlatformKeyStore>().RevokeAsync(name, ct);
        if (revoked.Count == 0)
        {
            Console.Error.WriteLine(
                $"no unrevoked platform key named '{name}' (keys in Platform:Keys are revoked by removing them from the configuration)");
            return 1;
        }
        foreach (var prefix in revoked) Console.WriteLine($"platform key {prefix} ({name.Trim()}) revoked");
        return 0;
    }

    /// <summary>`tenants suspend|resume --id ID`: exit 1 (saying so) when there is no such tenant.</summary>
    public static async Task<int> SetStatusAsync(Guid id, string status, string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        if (await host.Services.GetRequiredService<PlatformTenants>().SetStatusAsync(id, status, Actor, ct) is null)
            return NoSuchTenant(id);
        Console.WriteLine($"tenant {id}: {status}");
        return 0;
    }

    /// <summary>`tenants export --id ID`: the export document on stdout (redirect it to a file).</summary>
    public static async Task<int> ExportAsync(Guid id, string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        if (await host.Services.GetRequiredService<TenantStore>().FindRecordAsync(id, ct) is not { } t) return NoSuchTenant(id);
        await using var scope = host.Services.CreateAsyncScope();
        var document = await scope.ServiceProvider.GetRequiredService<TenantExport>()
            .ExportAsync(new ExportedTenant(t.Id, t.Name, t.Slug), ct);
        Console.WriteLine(JsonSerializer.Serialize(document, JsonSerializerOptions.Web));
        await host.Services.GetRequiredService<AuditLog>().RecordAsync(Actor, id, "tenant.export", PlatformTenants.AuditTarget,
            id.ToString(), null, null, ct);
        return 0;
    }

    /// <summary>
    /// `tenants delete --id ID`: suspends the tenant, waits `Tenants:DeleteSettleSeconds` for work in flight, then deletes
    /// here, a progress line per batch. Killed, it is resumed by running it again (the deletion is the same one).
    /// </summary>
    public static async Task<int> DeleteAsync(Guid id, string[] args, CancellationToken ct)
    {
        await using var host = await CommandHost.StartAsync(args, ct);
        if (await host.Services.GetRequiredService<PlatformTenants>().DeleteAsync(id, Actor, ct, enqueue: false) is not { } deletionId)
            return NoSuchTenant(id);
        var settle = TimeSpan.FromSeconds(host.Services.GetRequiredService<IConfiguration>().GetValue("Tenants:DeleteSettleSeconds", 10.0));
        Console.Error.WriteLine(
            $"tenants delete: {id} suspended; deletion {deletionId} starts in {settle.TotalSeconds:0} s (work in flight lands first)");
        await Task.Delay(settle, ct);
        TenantDeletionView? last = null;
        await host.Services.GetRequiredService<TenantDeleter>().RunAsync(deletionId, v =>
        {
            last = v;
            Console.Error.Write($"\rtenants delete: table {Math.Min(v.TablesDone + 1, v.TablesTotal)}/{v.TablesTotal} "
                + $"({v.CurrentTable ?? "done"}), {v.RowsDeleted:N0} rows deleted   ");
        }, ct);
        Console.Error.WriteLine();
        Console.WriteLine(
            $"tenants delete: done, {last?.RowsDeleted ?? 0:N0} rows deleted from {last?.TablesTotal ?? 0} tables (deletion {deletionId})");
        return 0;
    }

    private static int NoSuchTenant(Guid id)
    {
        Console.Error.WriteLine($"no tenant {id}");
        return 1;
    }
}
