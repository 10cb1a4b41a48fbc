using System.Text;
using NotificationService.Client;
using NotificationService.Client.Webhooks;

namespace NotificationService.Tests.Client;

/// <summary>
/// The verifier against what the service itself sends: a webhook endpoint on loopback receives the service's signed
/// deliveries, each verifies with the endpoint's secret over its raw bytes (and not with another secret) and reads as
/// its typed event.
/// </summary>
[Collection("client-service")]
public class ServiceWebhookVerificationTests(ClientServiceFixture service)
{
    [Fact]
    public async Task The_service_deliveries_verify_with_the_endpoint_secret_and_read_as_typed_events()
    {
        await using var receiver = await LoopbackServer.StartAsync(LoopbackServer.Respond(204));
        var tenant = await service.NewRealTenantAsync("email");
        var (_, secret) = await ClientServiceFixture.AddWebhookAsync(tenant, receiver.BaseUrl + "/hooks", "notification.accepted", "notification.sent");
        using var scope = service.ClientFor(tenant);

        var sent = await scope.Client.Notifications.SendAsync(new SendRequest
        {
            Channel = "email", Recipient = new Recipient { Email = "ada@example.com" }, Content = new MessageContent { Subject = "Hi", Body = "Hi" },
            Metadata = new() { ["order"] = "O-7" },
        });
        await Eventually.Async(() => receiver.Requests.Count >= 2, "the accepted and sent webhooks");

        var verifier = new WebhookVerifier(secret);
        var stranger = new WebhookVerifier("whsec_" + Convert.ToBase64String(new byte[24]));
        var events = new List<NotificationStatusEvent>();
        foreach (var r in receiver.Requests)
        {
            var body = Encoding.UTF8.GetBytes(r.Body);
            verifier.Verify(r.Header("webhook-id"), r.Header("webhook-timestamp"), r.Header("webhook-signature"), body);
            Assert.False(stranger.TryVerify(r.Header("webhook-id"), r.Header("webhook-timestamp"), r.Header("webhook-signature"), body, out _));
            events.Add(Assert.IsType<NotificationStatusEvent>(NotificationEvent.Parse(body, r.Header("webhook-id")!)));
        }
        Assert.Equal(new[] { "accepted", "sent" }, events.Select(e => e.Status).Order());
        Assert.All(events, e => Assert.Equal((sent.Notifications[0].Id, "O-7"), (e.NotificationId, e.Metadata!["order"]!.GetValue<string>())));
    }
}
