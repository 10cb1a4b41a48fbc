using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NotificationService.Features.Sending.ProviderCallbacks;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.ProviderCallbacks.CallbackTestSupport;

namespace NotificationService.Tests.Features.Sending.ProviderCallbacks;

[Collection("service")]
public class SendGridCallbackTests(ServiceFixture service)
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private async Task<(TestTenant Tenant, Guid ConfigId)> SetupAsync()
    {
        var tenant = await service.NewTenantAsync(channels: "email");
        var config = await service.AddProviderWithSecretsAsync(tenant.Id, "email", "sendgrid",
            new Dictionary<string, string> { ["apiKey"] = "x", ["eventWebhookPublicKey"] = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo()) });
        return (tenant, config);
    }

    private static object Event(string kind, Guid id, long ts, string? eventId = null, object? extra = null) => new Dictionary<string, object?>
    {
        ["event"] = kind, ["email"] = "ada@example.com", ["timestamp"] = ts, ["sg_event_id"] = eventId ?? Guid.NewGuid().ToString("N"),
        ["sg_message_id"] = "abc.filter", ["notification_id"] = id.ToString(), ["type"] = extra as string,
    };

    [Fact]
    public async Task Out_of_order_events_in_one_batch_end_at_the_furthest_status_and_redelivery_changes_nothing()
    {
        var (tenant, config) = await SetupAsync();
        var (id, _) = await tenant.SentAsync(Api.Email());
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = SendGridEvents(Event("open", id, ts + 2, "e3"), Event("processed", id, ts, "e1"), Event("delivered", id, ts + 1, "e2"), Event("deferred", id, ts, "e0"));

        var first = await tenant.Http.SendAsync(SendGridRequest(config, _key, body));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("opened", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());
        var history = await tenant.HistoryAsync(id);
        Assert.Equal(["delivered", "opened"], history[^2..]);

        var again = await tenant.Http.SendAsync(SendGridRequest(config, _key, body));
        Assert.Equal(4, (await again.JsonAsync())["duplicates"]!.GetValue<int>());
        Assert.Equal(history, await tenant.HistoryAsync(id));
        Assert.Equal(2, await service.ScalarAsync<long>("select count(*) from notification_events where notification_id = $1 and source = 'provider'", id));
    }

    [Fact]
    public async Task Forged_tampered_wrong_key_and_stale_callbacks_get_401_and_write_nothing()
    {
        var (tenant, config) = await SetupAsync();
        var (id, _) = await tenant.SentAsync(Api.Email());
        var body = SendGridEvents(Event("delivered", id, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var rejectedBefore = CallbackMetrics.Rejected;

        var good = SendGridRequest(config, _key, body);
        var signature = good.Headers.GetValues("X-Twilio-Email-Event-Webhook-Signature").Single();
        var ts = good.Headers.GetValues("X-Twilio-Email-Event-Webhook-Timestamp").Single();
        var stale = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 301).ToString();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var attempts = new[]
        {
            SendGridRequest(config, _key, body, signature: ""),                                // missing
            SendGridRequest(config, _key, body.Replace("delivered", "open"), ts, signature),   // tampered body
            SendGridRequest(config, other, body),                                               // wrong key
            SendGridRequest(config, _key, body, stale),                                         // correctly signed but stale
        };
        foreach (var request in attempts)
            Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Http.SendAsync(request)).StatusCode);

        Assert.Equal("sent", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from provider_callback_events where provider_id = $1", config));
        Assert.True(CallbackMetrics.Rejected - rejectedBefore >= 4);
    }

    [Fact]
    public async Task A_hard_bounce_fails_the_message_and_suppresses_the_address_for_later_sends()
    {
        var (tenant, config) = await SetupAsync();
        var (id, _) = await tenant.SentAsync(Api.Email("Bounce@Example.com"));
        var body = SendGridEvents(new Dictionary<string, object?> { ["event"] = "bounce", ["email"] = "Bounce@Example.com", ["type"] = "bounce",
            ["reason"] = "550 5.1.1 no such user", ["sg_event_id"] = "b1", ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["notification_id"] = id.ToString() });
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.SendAsync(SendGridRequest(config, _key, body))).StatusCode);
        var failed = await tenant.Http.StatusAsync(id);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("550 5.1.1", failed["lastError"]!.GetValue<string>());

        var list = (await tenant.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/suppressions?channel=email"))!;
        Assert.Equal("bounce@example.com", Assert.Single(list)!["address"]!.GetValue<string>());

        var next = await tenant.Http.SendOkAsync(Api.Email("bounce@example.com"));
        var suppressed = await tenant.Http.WaitForStatusAsync(next, "suppressed");
        Assert.Contains("hard_bounce", suppressed["history"]!.AsArray().Last()!["detail"]!.GetValue<string>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from sandbox_messages where notification_id = $1", next));

        // Lifting the suppression lets the address be messaged again.
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync("/api/v1/admin/suppressions?channel=email&address=bounce@example.com")).StatusCode);
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(Api.Email("bounce@example.com")), "sent");
    }

    [Fact]
    public async Task Unknown_messages_answer_200_and_are_counted_bad_bodies_are_400_or_413_and_apply_nothing()
    {
        var (tenant, config) = await SetupAsync();
        var before = CallbackMetrics.Unknown;
        var ok = await tenant.Http.SendAsync(SendGridRequest(config, _key, SendGridEvents(Event("delivered", Guid.NewGuid(), DateTimeOffset.UtcNow.ToUnixTimeSeconds()))));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True(CallbackMetrics.Unknown > before);

        var (id, _) = await tenant.SentAsync(Api.Email());
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Http.SendAsync(SendGridRequest(config, _key, "[{\"event\":"))).StatusCode);
        var mixed = SendGridEvents(Event("delivered", id, DateTimeOffset.UtcNow.ToUnixTimeSeconds()), Event("teleported", id, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var unknownType = await tenant.Http.SendAsync(SendGridRequest(config, _key, mixed));
        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
        Assert.Contains("teleported", await unknownType.Content.ReadAsStringAsync());
        Assert.Equal("sent", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());

        var huge = "[" + new string(' ', 1024 * 1024) + "]";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await tenant.Http.SendAsync(SendGridRequest(config, _key, huge))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.SendAsync(SendGridRequest(Guid.NewGuid(), _key, "[]"))).StatusCode);
    }
}
