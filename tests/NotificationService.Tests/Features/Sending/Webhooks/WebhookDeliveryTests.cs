using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.ProviderCallbacks;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Webhooks;

[Collection("service")]
public class WebhookDeliveryTests(ServiceFixture service)
{
    private const string Hooks = "/api/v1/admin/webhooks";

    /// <summary>Verifies as a receiver would with any Standard Webhooks library (written here independently of our signer).</summary>
    private static bool Verifies(string secret, Received r) => r.Signature.Split(' ').Contains("v1," + Convert.ToBase64String(
        HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), Encoding.UTF8.GetBytes($"{r.Id}.{r.Timestamp}.{r.Body}"))));

    private static async Task<(Guid Id, string Secret)> RegisterAsync(TestTenant tenant, string url, params string[] events)
    {
        var response = await tenant.Http.PostJsonAsync(Hooks, new { url, events, description = "test" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.JsonAsync();
        return (Guid.Parse(json["endpoint"]!["id"]!.GetValue<string>()), json["secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_changes_arrive_signed_with_masked_recipients_and_the_secret_is_shown_once()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await service.NewTenantAsync(channels: "email");
        var (endpoint, secret) = await RegisterAsync(tenant, receiver.Url, "notification.sent", "notification.delivered");
        Assert.StartsWith("whsec_", secret);
        Assert.DoesNotContain("whsec_", await tenant.Http.GetStringAsync($"{Hooks}/{endpoint}"));

        var id = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "ada@example.com" }, content = new { subject = "s", body = "b" }, metadata = new { order = "42" } });
        var r = (await receiver.WaitForAsync(1)).Single();
        Assert.True(Verifies(secret, r));
        Assert.StartsWith("msg_", r.Id);
        Assert.True(Math.Abs(long.Parse(r.Timestamp) - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) < 30);
        var payload = JsonNode.Parse(r.Body)!;
        Assert.Equal("notification.sent", payload["type"]!.GetValue<string>());
        Assert.Equal(id.ToString(), payload["data"]!["notificationId"]!.GetValue<string>());
        Assert.Equal("sending", payload["data"]!["previousStatus"]!.GetValue<string>());
        Assert.Equal("a***@example.com", payload["data"]!["recipient"]!["email"]!.GetValue<string>());
        Assert.Equal("42", payload["data"]!["metadata"]!["order"]!.GetValue<string>());

        await Eventually.Async(async () => (await tenant.Http.GetFromJsonAsync<JsonArray>($"{Hooks}/{endpoint}/deliveries"))![0]!["status"]!.GetValue<string>() == "succeeded",
            "the delivery to succeed");
    }

    [Fact]
    public async Task Failures_are_retried_with_the_same_webhook_id_and_logged_then_replay_resends_it()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Respond = n => n <= 2 ? (500, null) : (200, null);
        var tenant = await service.NewTenantAsync(channels: "email");
        var (endpoint, secret) = await RegisterAsync(tenant, receiver.Url, "notification.sent");
        await tenant.Http.SendOkAsync(Api.Email());

        var received = await receiver.WaitForAsync(3);
        Assert.Single(received.Select(r => r.Id).Distinct());
        Assert.All(received, r => Assert.True(Verifies(secret, r)));
        JsonNode delivery = null!;
        await Eventually.Async(async () => (delivery = (await tenant.Http.GetFromJsonAsync<JsonArray>($"{Hooks}/{endpoint}/deliveries"))![0]!)["status"]!.GetValue<string>() == "succeeded",
            "the delivery to succeed");
        Assert.Equal([500, 500, 200], delivery["attemptLog"]!.AsArray().Select(a => a!["statusCode"]!.GetValue<int>()));
        Assert.Equal("nope", delivery["attemptLog"]![0]!["responseExcerpt"]!.GetValue<string>());

        var replay = await tenant.Http.PostAsync($"{Hooks}/{endpoint}/deliveries/{delivery["id"]}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(received[0].Id, (await receiver.WaitForAsync(4))[3].Id);
    }

    [Fact]
    public async Task A_410_disables_the_endpoint_and_retry_after_is_honoured()
    {
        await using var gone = await LoopbackReceiver.StartAsync();
        gone.Respond = _ => (410, null);
        var tenant = await service.NewTenantAsync(channels: "email");
        var (endpoint, _) = await RegisterAsync(tenant, gone.Url, "notification.sent");
        await tenant.Http.SendOkAsync(Api.Email());
        await gone.WaitForAsync(1);
        await Eventually.Async(async () => !(await tenant.Http.GetFromJsonAsync<JsonNode>($"{Hooks}/{endpoint}"))!["enabled"]!.GetValue<bool>(),
            "the endpoint to be disabled");
        Assert.Contains("410", (await tenant.Http.GetFromJsonAsync<JsonNode>($"{Hooks}/{endpoint}"))!["disabledReason"]!.GetValue<string>());
        // A notification sent after that produces no delivery for the disabled endpoint (its sent event has committed).
        var after = await tenant.Http.SendOkAsync(Api.Email());
        await service.Ledger.WaitForAsync(after, "sent");
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from webhook_deliveries where endpoint_id = $1", endpoint));
        Assert.Single(gone.Requests);

        await using var busy = await LoopbackReceiver.StartAsync();
        busy.Respond = n => n == 1 ? (429, "2") : (200, null);
        var (busyEndpoint, _) = await RegisterAsync(tenant, busy.Url, "notification.sent");
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PostAsync($"{Hooks}/{busyEndpoint}/test", null)).StatusCode);
        var both = await busy.WaitForAsync(2);
        Assert.True(both[1].At - both[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {(both[1].At - both[0].At).TotalSeconds:0.00} s");
        Assert.Equal("webhook.test", JsonNode.Parse(both[0].Body)!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task After_rotation_both_secrets_sign_and_the_old_one_still_verifies()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await service.NewTenantAsync(channels: "email");
        var (endpoint, oldSecret) = await RegisterAsync(tenant, receiver.Url, "notification.sent");
        var rotated = await (await tenant.Http.PostAsync($"{Hooks}/{endpoint}/rotate-secret", null)).JsonAsync();
        var newSecret = rotated["secret"]!.GetValue<string>();
        Assert.NotEqual(oldSecret, newSecret);
        Assert.NotNull(rotated["endpoint"]!["previousSecretExpiresAt"]);
        await tenant.Http.PostAsync($"{Hooks}/{endpoint}/test", null);
        var r = (await receiver.WaitForAsync(1))[0];
        Assert.Equal(2, r.Signature.Split(' ').Length);
        Assert.True(Verifies(oldSecret, r));
        Assert.True(Verifies(newSecret, r));
    }

    [Theory]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("https://[::127.0.0.1]/hook")]           // IPv4-compatible IPv6 of loopback
    [InlineData("https://[::ffff:0:127.0.0.1]/hook")]    // IPv4-translated
    [InlineData("https://[2002:7f00:1::1]/hook")]        // 6to4 of 127.0.0.1
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook")]    // NAT64 of the metadata address
    [InlineData("ftp://example.com/hook")]
    [InlineData("https://user:pw@example.com/hook")]
    public async Task Internal_or_malformed_targets_are_refused_at_registration(string url)
    {
        var tenant = await service.NewTenantAsync(channels: "email");
        var response = await tenant.Http.PostJsonAsync(Hooks, new { url, events = new[] { "notification.sent" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]!["url"]);
    }

    [Fact]
    public async Task Unknown_events_and_another_tenants_endpoint_are_rejected()
    {
        var tenant = await service.NewTenantAsync(channels: "email");
        var bad = await tenant.Http.PostJsonAsync(Hooks, new { url = "http://127.0.0.1:9/x", events = new[] { "notification.teleported" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var (endpoint, _) = await RegisterAsync(tenant, "http://127.0.0.1:9/x", "notification.sent");
        var other = await service.NewTenantAsync(channels: "email");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"{Hooks}/{endpoint}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync($"{Hooks}/{endpoint}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync($"{Hooks}/{endpoint}")).StatusCode);
    }


}
