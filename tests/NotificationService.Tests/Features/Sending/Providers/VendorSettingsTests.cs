using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>
/// The settings the vendors' libraries make plain (SendGrid's region, sandbox mode and unsubscribe group; SMTP's pool size
/// and DKIM signing): a bad value is a 400 naming its field, nothing is stored, and the DKIM key is a secret like any other.
/// </summary>
[Collection("service")]
public class VendorSettingsTests(ServiceFixture service)
{
    private static object Smtp(object settings, object secrets) => new { channel = "email", kind = "smtp", name = "Relay", enabled = false, settings, secrets };

    [Fact]
    public async Task Bad_sendgrid_region_sandbox_mode_or_unsubscribe_group_is_a_400_naming_each_field()
    {
        var tenant = await service.BareTenantAsync();
        var response = await tenant.Http.PostJsonAsync(ProviderApi.Url,
            ProviderApi.SendGrid("http://127.0.0.1:9", "SendGrid", extraSettings: new { region = "mars", sandboxMode = "maybe", unsubscribeGroupId = -3 }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync())["errors"]!.AsObject();
        foreach (var field in new[] { "settings.region", "settings.sandboxMode", "settings.unsubscribeGroupId" })
            Assert.True(errors.ContainsKey(field), $"{field} missing from {errors.ToJsonString()}");
        Assert.Empty((await (await tenant.Http.GetAsync(ProviderApi.Url)).JsonAsync()).AsArray());

        var good = ProviderApi.SendGrid("http://127.0.0.1:9", "SendGrid EU", extraSettings: new { region = "eu", sandboxMode = true, unsubscribeGroupId = 77 });
        Assert.NotEqual(Guid.Empty, await ProviderApi.CreateAsync(tenant.Http, good));
    }

    [Fact]
    public async Task Half_a_DKIM_setup_a_key_that_is_not_PEM_or_a_pool_too_big_is_a_400_without_the_key()
    {
        var tenant = await service.BareTenantAsync();
        var response = await tenant.Http.PostJsonAsync(ProviderApi.Url, Smtp(
            new { host = "127.0.0.1", port = 2525, tls = "none", fromEmail = "noreply@example.com", poolSize = 99, dkimDomain = "example.com" },
            new { dkimPrivateKey = "not-a-key-but-secret-text" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("not-a-key-but-secret-text", text);
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        foreach (var field in new[] { "settings.poolSize", "settings.dkimSelector", "secrets.dkimPrivateKey" })
            Assert.True(errors.ContainsKey(field), $"{field} missing from {text}");
        Assert.Empty((await (await tenant.Http.GetAsync(ProviderApi.Url)).JsonAsync()).AsArray());
    }

    [Fact]
    public async Task A_DKIM_private_key_is_stored_as_a_secret_and_never_shown()
    {
        var tenant = await service.BareTenantAsync();
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        var id = await ProviderApi.CreateAsync(tenant.Http, Smtp(
            new { host = "127.0.0.1", port = 2525, tls = "none", fromEmail = "noreply@example.com", poolSize = 2, dkimDomain = "example.com", dkimSelector = "s1" },
            new { dkimPrivateKey = pem }));
        var text = await (await tenant.Http.GetAsync($"{ProviderApi.Url}/{id}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("PRIVATE KEY", text);
        Assert.Equal("********", JsonNode.Parse(text)!["secrets"]!["dkimPrivateKey"]!.GetValue<string>());
    }
}
