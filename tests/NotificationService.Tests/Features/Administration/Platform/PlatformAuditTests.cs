using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>
/// What the operator does to a tenant is in that tenant's audit log, the operator key's name as the actor, never a key;
/// a deletion is recorded where it outlives the tenant: its own record names who asked for it.
/// </summary>
[Collection("platform")]
public class PlatformAuditTests(PlatformFixture service)
{
    private const string Tenants = "/api/v1/platform/tenants";

    [Fact]
    public async Task Create_change_export_suspend_resume_and_import_are_in_the_tenants_audit_log_by_key_name_and_delete_in_its_deletion_record()
    {
        var created = await (await service.Platform().PostJsonAsync(Tenants, new { name = "Audited Ltd" })).JsonAsync();
        var id = created["id"]!.GetValue<string>();
        var key = created["apiKey"]!.GetValue<string>();
        var tenant = service.Client(key);
        var platform = service.Platform();
        Assert.Equal(HttpStatusCode.OK, (await platform.PatchAsync($"{Tenants}/{id}", new StringContent(
            """{"limits":{"admin":{"perSecond":30,"burst":60}},"quotas":{"email":{"perMonth":1000}}}""", Encoding.UTF8, "application/json"))).StatusCode);
        var export = await platform.GetStringAsync($"{Tenants}/{id}/export");
        Assert.Equal(HttpStatusCode.OK, (await platform.PostAsync($"{Tenants}/{id}/suspend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await platform.PostAsync($"{Tenants}/{id}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await platform.PostAsync($"{Tenants}/{id}/import", new StringContent(export, Encoding.UTF8, "application/json"))).StatusCode);

        var text = await tenant.GetStringAsync("/api/v1/admin/audit?targetType=tenant");
        var entries = JsonNode.Parse(text)!["items"]!.AsArray();
        Assert.Equal(["tenant.import", "tenant.resume", "tenant.suspend", "tenant.export", "tenant.update", "tenant.create"],
            entries.Select(e => e!["action"]!.GetValue<string>()));
        Assert.All(entries, e => Assert.Equal(("platform ops", id), (e!["actor"]!.GetValue<string>(), e["targetId"]!.GetValue<string>())));
        var update = entries.Single(e => e!["action"]!.GetValue<string>() == "tenant.update")!;
        Assert.Equal("default", update["before"]!["limits"]!["admin"]!["source"]!.GetValue<string>());
        Assert.Equal(1000, update["after"]!["quotas"]!["email"]!["perMonth"]!.GetValue<long>());
        Assert.DoesNotContain(key[13..], text);   // the first admin key, shown once in the create's answer, is not in its record

        var deletion = await (await platform.DeleteAsync($"{Tenants}/{id}")).JsonAsync();
        var record = JsonNode.Parse(await platform.GetStringAsync(deletion["statusUrl"]!.GetValue<string>()))!;
        Assert.Equal("platform ops", record["requestedBy"]!.GetValue<string>());
    }
}
