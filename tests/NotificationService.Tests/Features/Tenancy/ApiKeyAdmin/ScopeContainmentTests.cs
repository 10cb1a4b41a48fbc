using System.Net;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.ApiKeyAdmin;

/// <summary>
/// `admin` stands for every scope, in what a caller may grant as in what it may call: a key holding only `admin`, and an
/// owner's or admin's token (which carries `admin`), mint a key of any one scope, and the key holds exactly that scope.
/// </summary>
[Collection("service")]
public class ScopeContainmentTests(ServiceFixture service)
{
    private const string Keys = "/api/v1/admin/api-keys";

    [Fact]
    public async Task An_admin_key_and_an_owners_or_admins_token_mint_a_key_of_every_narrower_scope()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        await service.RaiseLimitAsync(tenant.Id, EndpointClass.Admin, 100, 100);
        var adminOnly = await tenant.Http.PostJsonAsync(Keys, new { name = "admin only", scopes = new[] { Scopes.Admin } });
        var callers = new Dictionary<string, HttpClient>
        {
            ["admin key"] = service.Client((await adminOnly.JsonAsync())["key"]!.GetValue<string>()),
            ["owner token"] = (await TeamMembers.WithTokenAsync(service, tenant.Id, MemberRoles.Owner)).Api,
            ["admin token"] = (await TeamMembers.WithTokenAsync(service, tenant.Id, MemberRoles.Admin)).Api,
        };
        var refused = new List<string>();
        foreach (var (caller, http) in callers)
            foreach (var scope in Scopes.All)
            {
                var created = await http.PostJsonAsync(Keys, new { name = $"{caller} {scope}", scopes = new[] { scope } });
                if (created.StatusCode != HttpStatusCode.Created)
                {
                    refused.Add($"{caller} → {scope}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
                    continue;
                }
                var key = (await created.JsonAsync())["apiKey"]!;
                Assert.Equal([scope], key["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
            }
        Assert.True(refused.Count == 0, $"{refused.Count} of {callers.Count * Scopes.All.Length} mints refused:\n{string.Join("\n", refused.Take(6))}");
    }
}
