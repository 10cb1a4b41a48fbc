using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using NotificationService.Features.Webhooks;
using NotificationService.Tests.Features.ProviderCallbacks;

namespace NotificationService.Tests.Features.Webhooks;

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

    [Theory]
    [InlineData("127.0.0.1")] [InlineData("10.1.2.3")] [InlineData("172.16.0.1")] [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] [InlineData("100.64.0.1")] [InlineData("0.0.0.0")] [InlineData("::1")]
    [InlineData("fe80::1")] [InlineData("fd00:ec2::254")] [InlineData("::ffff:10.0.0.1")] [InlineData("224.0.0.1")]
    public void Internal_addresses_are_refused(string ip) => Assert.False(Guard().Allowed(IPAddress.Parse(ip)));

    [Theory]
    [InlineData("8.8.8.8")] [InlineData("2606:4700:4700::1111")] [InlineData("172.32.0.1")] [InlineData("100.128.0.1")]
    public void Public_addresses_are_allowed(string ip) => Assert.True(Guard().Allowed(IPAddress.Parse(ip)));

    [Fact]
    public async Task Operators_can_allow_ranges_and_hosts_and_urls_are_checked_after_resolving()
    {
        var guard = Guard("10.20.0.0/16, hooks.internal");
        Assert.True(guard.Allowed(IPAddress.Parse("10.20.3.4")));
        Assert.False(guard.Allowed(IPAddress.Parse("10.21.3.4")));
        Assert.Null(await guard.CheckAsync(new Uri("https://hooks.internal/x"), default));
        Assert.Contains("internal host", await Guard().CheckAsync(new Uri("http://metadata.google.internal/"), default));
        Assert.Contains("resolves to 127.0.0.1", await Guard().CheckAsync(new Uri("http://127.0.0.1:8080/"), default));
        Assert.Contains("169.254.169.254", await Guard().CheckAsync(new Uri("http://169.254.169.254/latest/meta-data"), default));
    }

    private static TargetGuard Guard(string? allowed = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Webhooks:AllowedTargets"] = allowed }).Build());
}
