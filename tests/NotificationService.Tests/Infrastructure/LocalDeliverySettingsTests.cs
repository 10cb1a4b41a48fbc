using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// What docs/local-development.md promises: a host with the defaults refuses an SMTP server on 127.0.0.1 and an http
/// webhook URL (400s naming the field); `Outbound:AllowedTargets=127.0.0.1` opens loopback, and only the Development
/// environment accepts http webhook URLs, so neither alone opens both. Each case on an API host of its own, beside the
/// fixture on the same database.
/// </summary>
[Collection("service")]
public class LocalDeliverySettingsTests(ServiceFixture service)
{
    private static readonly object LoopbackSmtp = new
    {
        channel = "email", kind = "smtp", name = "Local catcher", enabled = false,
        settings = new { host = "127.0.0.1", port = 1025, tls = "none", fromEmail = "noreply@example.com" },
    };
    private static readonly object HttpWebhook = new { url = "http://127.0.0.1:8000/hooks", events = new[] { "notification.sent" } };

    [Fact]
    public async Task A_production_host_with_the_defaults_refuses_a_loopback_smtp_host_and_an_http_webhook_url()
    {
        await using var host = Host("Production");
        var admin = await AdminAsync(host);
        await AssertRefusedAsync(await admin.PostAsJsonAsync("/api/v1/admin/providers", LoopbackSmtp), "settings.host", "'127.0.0.1' is not an allowed destination");
        await AssertRefusedAsync(await admin.PostAsJsonAsync("/api/v1/admin/webhooks", HttpWebhook), "url", "Webhook URLs must use https.");
    }

    [Fact]
    public async Task Listing_loopback_allows_a_loopback_smtp_host_but_outside_development_a_webhook_url_must_still_be_https()
    {
        await using var host = Host("Production", ("Outbound:AllowedTargets", "127.0.0.1"));
        var admin = await AdminAsync(host);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/admin/providers", LoopbackSmtp)).StatusCode);
        await AssertRefusedAsync(await admin.PostAsJsonAsync("/api/v1/admin/webhooks", HttpWebhook), "url", "Webhook URLs must use https.");
    }

    [Fact]
    public async Task Development_alone_accepts_http_webhook_urls_but_not_loopback_destinations()
    {
        await using var host = Host("Development");
        var admin = await AdminAsync(host);
        await AssertRefusedAsync(await admin.PostAsJsonAsync("/api/v1/admin/webhooks", HttpWebhook), "url", "'127.0.0.1' is not an allowed destination");
        await AssertRefusedAsync(await admin.PostAsJsonAsync("/api/v1/admin/providers", LoopbackSmtp), "settings.host", "'127.0.0.1' is not an allowed destination");
    }

    [Fact]
    public async Task Development_with_loopback_listed_accepts_a_loopback_smtp_host_and_an_http_webhook_url()
    {
        await using var host = Host("Development", ("Outbound:AllowedTargets", "127.0.0.1"));
        var admin = await AdminAsync(host);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/admin/providers", LoopbackSmtp)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/admin/webhooks", HttpWebhook)).StatusCode);
    }

    /// <summary>An API host in <paramref name="environment"/> with only the given settings (no allow-list unless given).</summary>
    private WebApplicationFactory<Program> Host(string environment, params (string Key, string Value)[] settings)
    {
        var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            b.UseSetting("ConnectionStrings:Postgres", service.ConnectionString);
            b.UseSetting("Mode", "api");
            b.UseSetting("Secrets:Keys:test", Convert.ToBase64String(new byte[32]));
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings) b.UseSetting(key, value);
        });
        _ = host.Server;
        return host;
    }

    private async Task<HttpClient> AdminAsync(WebApplicationFactory<Program> host)
    {
        var tenant = await service.NewTenantAsync(null);
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        return client;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field, string message)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Contains(message, JsonNode.Parse(body)!["errors"]![field]![0]!.GetValue<string>());
    }
}
