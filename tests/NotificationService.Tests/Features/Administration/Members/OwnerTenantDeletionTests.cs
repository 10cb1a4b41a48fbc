using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// The database keeps a team's last active owner (`members_keep_an_owner`) except while the whole tenant goes: the
/// platform's deletion removes its owners with everything else, batch by batch before the tenant's own row.
/// </summary>
[Collection("platform")]
public class OwnerTenantDeletionTests(PlatformFixture service)
{
    [Fact]
    public async Task A_deleted_tenant_loses_its_owners_with_everything_else()
    {
        var created = await (await service.Platform().PostJsonAsync("/api/v1/platform/tenants",
            new { name = "Owned", slug = $"owned-{Guid.NewGuid():N}"[..20] })).JsonAsync();
        var tenantId = Guid.Parse(created["id"]!.GetValue<string>());
        var store = service.Factory.Services.GetRequiredService<MemberStore>();
        await store.CreateAsync(tenantId, "only-owner@example.com", "The owner", MemberRoles.Owner, default);
        await store.CreateAsync(tenantId, "an-admin@example.com", "An admin", MemberRoles.Admin, default);

        var deleted = await service.Platform().DeleteAsync($"/api/v1/platform/tenants/{tenantId}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        var statusUrl = (await deleted.JsonAsync())["statusUrl"]!.GetValue<string>();
        await Eventually.Async(async () => JsonNode.Parse(await service.Platform().GetStringAsync(statusUrl))!,
            s => s["status"]!.GetValue<string>() == "completed", "the deletion to complete", TimeSpan.FromSeconds(60));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from members where tenant_id = $1", tenantId));
    }
}
