using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Platform;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>
/// The platform API answers only the operator's keys: configured by value or by hash, or made by `platform keys create`.
/// Every other caller, a tenant's own admin key and end-user token included, finds nothing there: a 404, never a 401 or
/// a 403 that would say something is behind the door.
/// </summary>
[Collection("platform")]
public class PlatformAuthTests(PlatformFixture service)
{
    private static readonly (HttpMethod Method, string Path)[] Routes =
    [
        (HttpMethod.Get, "/api/v1/platform/tenants"), (HttpMethod.Post, "/api/v1/platform/tenants"),
        (HttpMethod.Get, $"/api/v1/platform/tenants/{Guid.Empty}"), (HttpMethod.Patch, $"/api/v1/platform/tenants/{Guid.Empty}"),
        (HttpMethod.Post, $"/api/v1/platform/tenants/{Guid.Empty}/suspend"), (HttpMethod.Post, $"/api/v1/platform/tenants/{Guid.Empty}/resume"),
        (HttpMethod.Delete, $"/api/v1/platform/tenants/{Guid.Empty}"), (HttpMethod.Get, $"/api/v1/platform/deletions/{Guid.Empty}"),
        (HttpMethod.Get, $"/api/v1/platform/tenants/{Guid.Empty}/export"), (HttpMethod.Post, $"/api/v1/platform/tenants/{Guid.Empty}/import"),
        (HttpMethod.Post, $"/api/v1/platform/tenants/{Guid.Empty}/exports"), (HttpMethod.Get, $"/api/v1/platform/tenants/{Guid.Empty}/exports/{Guid.Empty}"),
        (HttpMethod.Get, $"/api/v1/platform/tenants/{Guid.Empty}/exports/{Guid.Empty}/document"),
        (HttpMethod.Get, $"/api/v1/platform/tenants/{Guid.Empty}/imports/{Guid.Empty}"),
    ];

    private static HttpRequestMessage Request((HttpMethod Method, string Path) route) => new(route.Method, route.Path)
    {
        Content = route.Method == HttpMethod.Get || route.Method == HttpMethod.Delete ? null : new StringContent("""{"name":"sneaky"}""", System.Text.Encoding.UTF8, "application/json"),
    };

    [Fact]
    public async Task No_key_a_tenant_key_an_end_user_token_or_an_unknown_platform_key_gets_a_404_on_every_platform_route_and_writes_nothing()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var callers = new Dictionary<string, HttpClient>
        {
            ["no credential"] = service.Factory.CreateClient(),
            ["the tenant's admin key"] = tenant.Http,
            ["an end-user token"] = await service.UserClientAsync(tenant, "platform-probe"),
            ["an unknown platform key"] = service.Platform("nsp_unknown0_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
            ["a configured key one character off"] = service.Platform(PlatformFixture.ConfiguredKey[..^1] + "B"),
        };
        var tenantsBefore = await service.ScalarAsync<long>("select count(*) from tenants");
        var deletionsBefore = await service.ScalarAsync<long>("select count(*) from tenant_deletions");
        var wrong = new List<string>();
        foreach (var (who, http) in callers)
            foreach (var route in Routes)
            {
                var response = await http.SendAsync(Request(route));
                if (response.StatusCode != HttpStatusCode.NotFound) wrong.Add($"{who}: {route.Method} {route.Path} → {(int)response.StatusCode}");
            }
        // Its own tenant's routes too: a tenant cannot suspend, delete or export itself through a door it cannot see.
        foreach (var own in new[] { $"/api/v1/platform/tenants/{tenant.Id}/suspend", $"/api/v1/platform/tenants/{tenant.Id}", $"/api/v1/platform/tenants/{tenant.Id}/exports" })
            if ((await tenant.Http.SendAsync(new HttpRequestMessage(own.EndsWith("suspend") || own.EndsWith("exports") ? HttpMethod.Post : HttpMethod.Delete, own)))
                .StatusCode != HttpStatusCode.NotFound)
                wrong.Add($"the tenant's key on {own}");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal("active", await service.ScalarAsync<string>("select status from tenants where id = $1", tenant.Id));
        Assert.Equal(deletionsBefore, await service.ScalarAsync<long>("select count(*) from tenant_deletions"));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from tenant_config_jobs where tenant_id = $1", tenant.Id));
        Assert.Equal(tenantsBefore, await service.ScalarAsync<long>("select count(*) from tenants"));
    }

    [Fact]
    public async Task A_key_configured_by_value_one_configured_by_its_hash_and_one_made_by_the_command_each_reach_the_platform_API()
    {
        await using var scope = service.Factory.Services.CreateAsyncScope();
        var (row, made) = await scope.ServiceProvider.GetRequiredService<PlatformKeyStore>().CreateAsync("billing system", default);
        Assert.StartsWith("nsp_", made);
        // Only the hash is kept: the row holds the key's public prefix and its SHA-256, nowhere the key.
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from platform_keys where key_hash = sha256(convert_to($1, 'UTF8'))", made));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from platform_keys where strpos(row_to_json(platform_keys)::text, $1) > 0", made[13..]));
        Assert.Equal(row.KeyPrefix, made[..12]);

        foreach (var key in new[] { PlatformFixture.ConfiguredKey, PlatformFixture.HashedKey, made })
            Assert.Equal(HttpStatusCode.OK, (await service.Platform(key).GetAsync("/api/v1/platform/tenants?limit=1")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_made_by_the_command_gets_a_404_at_once_and_the_others_keep_working()
    {
        var store = service.Factory.Services.GetRequiredService<PlatformKeyStore>();
        var (_, leaving) = await store.CreateAsync("leaving system", default);
        var (_, staying) = await store.CreateAsync("staying system", default);
        Assert.Equal(HttpStatusCode.OK, (await service.Platform(leaving).GetAsync("/api/v1/platform/tenants?limit=1")).StatusCode);   // now cached

        Assert.Equal([leaving[..12]], await store.RevokeAsync("leaving system", default));
        Assert.Equal(HttpStatusCode.NotFound, (await service.Platform(leaving).GetAsync("/api/v1/platform/tenants?limit=1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Platform(staying).GetAsync("/api/v1/platform/tenants?limit=1")).StatusCode);
        Assert.Empty(await store.RevokeAsync("leaving system", default));   // nothing left under that name
    }

    [Fact]
    public async Task A_platform_key_is_not_a_tenant_credential_anywhere_else()
    {
        var platform = service.Platform();
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.GetAsync("/api/v1/admin/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.GetAsync("/api/v1/users/me/notifications")).StatusCode);
    }
}
