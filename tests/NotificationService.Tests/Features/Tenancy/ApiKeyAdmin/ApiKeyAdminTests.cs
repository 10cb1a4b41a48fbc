using System.Net;
using System.Net.Http.Json;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.ApiKeyAdmin;

[Collection("service")]
public class ApiKeyAdminTests(ServiceFixture service)
{
    private const string Keys = "/api/v1/admin/api-keys";

    [Fact]
    public async Task A_created_key_is_shown_once_works_and_is_listed_by_prefix_without_the_key()
    {
        var tenant = await service.NewTenantAsync();
        var created = await tenant.Http.PostJsonAsync(Keys, new { name = "billing", scopes = new[] { "notifications:send" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var key = body["key"]!.GetValue<string>();
        Assert.Equal(key[..12], body["apiKey"]!["prefix"]!.GetValue<string>());

        Assert.Equal(202, (int)(await service.Client(key).PostJsonAsync(Api.Send, Api.Email())).StatusCode);
        var listing = await tenant.Http.GetStringAsync(Keys);
        Assert.Contains(key[..12], listing);
        Assert.DoesNotContain(key, listing);
        var billing = (await tenant.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>(Keys))!.Single(k => k!["name"]!.GetValue<string>() == "billing")!;
        Assert.Equal(["notifications:send"], billing["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.NotNull(billing["lastUsedAt"]);   // stamped when the send above loaded the key
    }

    [Fact]
    public async Task A_key_cannot_mint_a_scope_it_lacks_and_a_key_without_admin_cannot_reach_the_api()
    {
        var tenant = await service.NewTenantAsync();
        var sender = (await (await tenant.Http.PostJsonAsync(Keys, new { name = "s", scopes = new[] { "notifications:send" } })).JsonAsync())["key"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Forbidden, (await service.Client(sender).PostJsonAsync(Keys, new { name = "x", scopes = new[] { "admin" } })).StatusCode);

        var bad = await tenant.Http.PostJsonAsync(Keys, new { name = "x", scopes = new[] { "root" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.JsonAsync())["errors"]!["scopes"]);
        var noName = await tenant.Http.PostJsonAsync(Keys, new { scopes = new[] { "admin" } });
        Assert.NotNull((await noName.JsonAsync())["errors"]!["name"]);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_and_another_tenants_key_is_404()
    {
        var tenant = await service.NewTenantAsync();
        var other = await service.NewTenantAsync();
        var created = await (await tenant.Http.PostJsonAsync(Keys, new { name = "temp", scopes = new[] { "notifications:read" } })).JsonAsync();
        var id = created["apiKey"]!["id"]!.GetValue<string>();
        var reader = service.Client(created["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/api/v1/services/notifications/" + Guid.NewGuid())).StatusCode); // authenticated

        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync($"{Keys}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync($"{Keys}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.DeleteAsync($"{Keys}/{id}")).StatusCode);
        // This replica forgets the key at once; the others within ApiKeyCache.Ttl.
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetAsync("/api/v1/services/notifications/" + Guid.NewGuid())).StatusCode);
    }
}

[Collection("service")]
public class AdminApiDocsTests(ServiceFixture service)
{
    [Fact]
    public async Task The_keys_and_audit_operations_are_documented_and_console_pages_are_not()
    {
        var doc = await (await service.Factory.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/v1/admin/api-keys", paths);
        Assert.Contains("/api/v1/admin/api-keys/{id}", paths);
        Assert.Contains("/api/v1/admin/audit", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/admin", StringComparison.Ordinal));
    }
}
