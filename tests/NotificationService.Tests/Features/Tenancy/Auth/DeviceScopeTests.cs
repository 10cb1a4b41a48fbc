using System.Net;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.Auth;

/// <summary>
/// A push token is the person's data, keyed by their userId: registering or removing one needs `users:write`, as writing
/// their profile does. A send-only key cannot register a token for any user (a 403 problem naming the scope, nothing stored).
/// </summary>
[Collection("service")]
public class DeviceScopeTests(ServiceFixture service)
{
    private const string Devices = "/api/v1/services/devices";

    [Fact]
    public async Task Registering_a_device_needs_users_write_a_send_only_key_is_403_naming_the_scope_and_stores_nothing()
    {
        var tenant = await service.NewTenantAsync();
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);
        var writer = await service.KeyWithAsync(tenant.Id, Scopes.UsersWrite);
        var device = new { userId = "ada", token = "tok-ada", platform = "ios" };

        var refused = await sender.PostJsonAsync(Devices, device);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("'users:write'", (await refused.JsonAsync())["detail"]!.GetValue<string>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from devices where tenant_id = $1", tenant.Id));
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.SendAsync(new HttpRequestMessage(HttpMethod.Delete, Devices) { Content = JsonContent(device) })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await writer.PostJsonAsync(Devices, device)).StatusCode);
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from devices where tenant_id = $1 and user_id = 'ada'", tenant.Id));
        Assert.Equal(HttpStatusCode.NoContent, (await writer.SendAsync(new HttpRequestMessage(HttpMethod.Delete, Devices) { Content = JsonContent(device) })).StatusCode);
    }

    private static System.Net.Http.Json.JsonContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body);
}
