using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.Auth;

[Collection("service")]
public class ApiKeyTests(ServiceFixture service)
{
    [Theory]
    [InlineData(null)]
    [InlineData("nsk_nope0000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("garbage")]
    public async Task A_missing_or_invalid_key_is_401_with_WWW_Authenticate(string? key)
    {
        var client = service.Factory.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var response = await client.PostJsonAsync(Api.Send, Api.Email());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(401, (await response.JsonAsync())["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_key_without_the_scope_is_403_and_a_revoked_key_stops_working()
    {
        var tenant = await service.NewTenantAsync();
        await using var scope = service.Factory.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<TenantStore>();
        var (readOnly, readKey) = await store.CreateServiceAccountAsync(tenant.Id, "reader", [Scopes.Read], default);
        var reader = service.Client(readKey);

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostJsonAsync(Api.Send, Api.Email())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/api/v1/admin/queues")).StatusCode);
        var id = await tenant.Http.SendOkAsync(Api.Email());
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/v1/services/notifications/{id}")).StatusCode);

        Assert.True(await store.RevokeAsync(tenant.Id, readOnly.Id, default));
        service.Factory.Services.GetRequiredService<NotificationService.Features.Tenancy.Auth.ApiKeyCache>().Forget(readOnly.KeyPrefix);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetAsync($"/api/v1/services/notifications/{id}")).StatusCode);
    }

    [Fact]
    public void Keys_carry_256_random_bits_behind_a_public_prefix_and_only_their_hash_is_stored()
    {
        var a = ApiKeys.Generate();
        var b = ApiKeys.Generate();
        Assert.NotEqual(a, b);
        Assert.Matches("^nsk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$", a); // 43 base64url chars = 256 bits
        Assert.Equal(a[..12], ApiKeys.PrefixOf(a));
        Assert.True(ApiKeys.Matches(a, ApiKeys.Hash(a)));
        Assert.False(ApiKeys.Matches(b, ApiKeys.Hash(a)));
    }
}
