using System.Security.Cryptography;
using System.Text;
using NotificationService.Channels;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// Per-destination pacing of chat: Slack posts at most one message per second to one conversation, so messages to the same
/// channel or user wait their turn (throttled: no attempt used) instead of drawing 429s. The turn is kept by the provider
/// rate limiter's counter (one row per tenant, key and second of the database clock), so every worker and replica shares it.
/// The key is a hash of the config and the conversation: no id of a person is stored.
/// </summary>
public sealed class ChatPacing(ProviderRateLimiter limiter)
{
    /// <summary>Slack's documented posting rate to one conversation.</summary>
    public const double SlackPerConversationPerSecond = 1;

    /// <summary>Null: go now. Otherwise how long this message waits for its turn.</summary>
    public async Task<TimeSpan?> WaitAsync(ProviderConfig config, Recipient recipient, CancellationToken ct, int count = 1)
    {
        if (config.Kind != ProviderKinds.Slack || recipient.Chat?.Slack?.Conversation is not { } conversation) return null;
        var key = Key(config, conversation);
        var grant = (await limiter.ReserveAsync([new(config.TenantId, key, SlackPerConversationPerSecond, count)], ct))[key];
        return grant.Granted >= count ? null : grant.DelayFor(grant.Granted);
    }

    public static Guid Key(ProviderConfig config, string conversation) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"chat-pacing/{config.TenantId}/{config.Id}/{conversation}")).AsSpan(0, 16));
}
