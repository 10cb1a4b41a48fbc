using System.Net;
using System.Text;
using NotificationService.Channels.Outbound;
using NotificationService.Features.Sending.Webhooks;
using NotificationService.Tests.Features.Sending.ProviderCallbacks;

namespace NotificationService.Tests.Features.Sending.Webhooks;

public class WebhookSigningAndGuardTests
{
    [VectorFact]
    public void Our_signature_matches_the_Standard_Webhooks_vector()
    {
        var v = SignatureVectors.Get("standard_webhooks_v1");
        Assert.Equal(v.S("expected_webhook_signature"),
            WebhookSigner.Sign(v.S("secret"), v.S("webhook_id"), long.Parse(v.S("webhook_timestamp")), Encoding.UTF8.GetBytes(v.S("body"))));
        Assert.NotEqual(v.S("expected_webhook_signature"),
            WebhookSigner.Sign(v.S("secret"), v.S("webhook_id"), long.Parse(v.S("webhook_timestamp")) + 1, Encoding.UTF8.GetBytes(v.S("body"))));
    }

    [Fact]
    public void During_a_rotation_both_secrets_sign_space_separated()
    {
        var (a, b) = (WebhookSigner.NewSecret(), WebhookSigner.NewSecret());
        Assert.StartsWith("whsec_", a);
        var header = WebhookSigner.SignAll([a, b], "msg_1", 1700000000, "{}"u8);
        Assert.Equal([WebhookSigner.Sign(a, "msg_1", 1700000000, "{}"u8), WebhookSigner.Sign(b, "msg_1", 1700000000, "{}"u8)], header.Split(' '));
    }

    // The address policy itself is specified in NotificationService.Channels.Tests/Outbound (one guard for every destination).
    [Fact]
    public async Task Operators_can_allow_ranges_and_hosts_and_urls_are_checked_after_resolving()
    {
        var guard = new OutboundGuard(["10.20.0.0/16", "hooks.internal"]);
        Assert.True(guard.Allowed(IPAddress.Parse("10.20.3.4")));
        Assert.False(guard.Allowed(IPAddress.Parse("10.21.3.4")));
        Assert.Null(await guard.CheckAsync("hooks.internal", default));
        var strict = new OutboundGuard([]);
        // Refused alike, naming only what the tenant wrote (OutboundGuardTests: the same text whatever the reason).
        Assert.Equal($"'metadata.google.internal' is {OutboundGuard.Refusal}", await strict.CheckAsync("metadata.google.internal", default));
        Assert.Equal($"'127.0.0.1' is {OutboundGuard.Refusal}", await strict.CheckAsync("127.0.0.1", default));
        Assert.Equal($"'169.254.169.254' is {OutboundGuard.Refusal}", await strict.CheckAsync("169.254.169.254", default));
        Assert.Equal($"'::127.0.0.1' is {OutboundGuard.Refusal}", await strict.CheckAsync("[::127.0.0.1]", default));
    }
}
