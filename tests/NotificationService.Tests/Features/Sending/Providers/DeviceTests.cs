using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>Device registry + push to a userId through a loopback FCM (and its OAuth2 token endpoint).</summary>
[Collection("service")]
public class DeviceTests(ServiceFixture service)
{
    private const string Devices = "/api/v1/services/devices";

    private static string ServiceAccountJson(string tokenUri)
    {
        using var rsa = RSA.Create(2048);
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account", ["project_id"] = "demo-project", ["private_key_id"] = "k1",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(), ["client_email"] = "fcm@demo-project.iam.gserviceaccount.com", ["token_uri"] = tokenUri,
        });
    }

    /// <summary>FCM HTTP v1: 200 with a message name, or 404 UNREGISTERED for the token "tok-dead".</summary>
    private static async Task Fcm(RecordedRequest hit, HttpContext ctx)
    {
        ctx.Response.ContentType = "application/json";
        if (hit.Body.Contains("\"tok-dead\""))
        {
            ctx.Response.StatusCode = 404;
            await ctx.Response.WriteAsync("""{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}""");
        }
        else await ctx.Response.WriteAsync("""{"name":"projects/demo-project/messages/1"}""");
    }

    [Fact]
    public async Task Push_to_a_user_goes_to_their_active_devices_and_an_unregistered_token_is_deactivated()
    {
        var tenant = await service.BareTenantAsync();
        await using var oauth = await LoopbackProvider.StartAsync(async (_, ctx) =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"access_token":"at-1","expires_in":3600,"token_type":"Bearer"}""");
        });
        await using var fcm = await LoopbackProvider.StartAsync(Fcm);
        await ProviderApi.CreateAsync(tenant.Http, new
        {
            channel = "push", kind = "fcm", name = "Firebase", settings = new { baseUrl = fcm.BaseUrl, projectId = "demo-project" },
            secrets = new { serviceAccountJson = ServiceAccountJson(oauth.BaseUrl + "/token") },
        });
        foreach (var token in new[] { "tok-good", "tok-dead" })
            Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PostJsonAsync(Devices, new { userId = "u1", token, platform = "android" })).StatusCode);

        var push = new { channel = "push", recipient = new { userId = "u1" }, content = new { subject = "Shipped", body = "On its way" } };
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(push), "sent");
        Assert.Equal(2, fcm.Requests.Count);
        Assert.False(await service.ScalarAsync<bool>("select active from devices where tenant_id = $1 and token = 'tok-dead'", tenant.Id));
        Assert.True(await service.ScalarAsync<bool>("select active from devices where tenant_id = $1 and token = 'tok-good'", tenant.Id));

        // The next push reaches only the live device.
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(push), "sent");
        Assert.Equal(3, fcm.Requests.Count);
        Assert.Contains("\"tok-good\"", fcm.Requests.Last().Body);

        // Unregistering the last device leaves the user with none: nothing to send to, so skipped (not a failure), named.
        var delete = new HttpRequestMessage(HttpMethod.Delete, Devices) { Content = JsonContent.Create(new { userId = "u1", token = "tok-good" }) };
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.SendAsync(delete)).StatusCode);
        var skipped = await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(push), "skipped");
        Assert.Equal("no_device", skipped["lastError"]!.GetValue<string>());
    }

    [Fact]
    public async Task Device_registration_validates_each_field_and_unknown_devices_are_404()
    {
        var tenant = await service.NewTenantAsync();
        var bad = await tenant.Http.PostJsonAsync(Devices, new { userId = "", token = new string('x', 5000), platform = "symbian" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.JsonAsync())["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("userId") && errors.ContainsKey("token") && errors.ContainsKey("platform"), errors.ToJsonString());

        var delete = new HttpRequestMessage(HttpMethod.Delete, Devices) { Content = JsonContent.Create(new { userId = "u1", token = "never-registered" }) };
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.SendAsync(delete)).StatusCode);
    }
}
