using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Channels.Sandbox;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>
/// Messages that must reach the sandbox and never the tenant's providers: a workflow test run's sends carry
/// <see cref="SendValidator.TestRunMetadata"/> (set by the workflow engine, not by the caller's request). <see cref="ChannelSender"/> walks
/// a sandbox config made here instead of the tenant's, so the message is recorded on the sandbox page as usual, with no
/// fault injection from a sandbox config the tenant may have set to fail. Its id is derived from the tenant and channel,
/// so circuits and rate limits (keyed by config id) stay per tenant.
/// </summary>
public static class SandboxOnly
{
    public static bool Applies(OutgoingMessage message) => message.Metadata?.ContainsKey(SendValidator.TestRunMetadata) == true;

    public static ProviderConfig ConfigFor(Guid tenantId, string channel) =>
        new(IdOf(tenantId, channel), tenantId, channel, SandboxAdapter.KindName, "Sandbox (test run)", 0, new JsonObject(),
            new Dictionary<string, string>());

    private static Guid IdOf(Guid tenantId, string channel)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"test-run-sandbox:{tenantId:N}:{channel}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
