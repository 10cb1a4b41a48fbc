namespace NotificationService.Channels.Chat;

/// <summary>
/// Which chat configs can take a message. A recipient who names a platform is reached only by that platform's kinds (a
/// person's Discord message never lands in a tenant's Slack channel): `slack` needs a channel or user id, the webhook kinds
/// take the recipient's webhook URL or else their config's own. A recipient who names none (`chat: {}`, a service-level
/// alert) is reached by the configs that carry their own webhook URL. The channel sender skips the others, so a config that
/// cannot address this recipient neither fails nor trips its circuit.
/// </summary>
public static class ChatRouting
{
    public static bool Reaches(ProviderConfig config, Recipient recipient)
    {
        var chat = recipient.Chat;
        if (chat is null) return false;
        var namesNone = chat.Slack is null && chat.Teams is null && chat.Discord is null;
        var ownUrl = !string.IsNullOrEmpty(config.Secret("webhookUrl"));
        return config.Kind switch
        {
            ProviderKinds.Slack => chat.Slack?.Conversation is not null,
            ProviderKinds.SlackWebhook => ownUrl && (namesNone || chat.Slack is not null),
            ProviderKinds.TeamsWebhook => chat.Teams?.WebhookUrl is not null || ownUrl && (namesNone || chat.Teams is not null),
            ProviderKinds.DiscordWebhook => chat.Discord?.WebhookUrl is not null || ownUrl && (namesNone || chat.Discord is not null),
            _ => true, // the sandbox takes every chat message
        };
    }

    /// <summary>The webhook a webhook kind posts to: the recipient's for its platform, else its config's; and whose it is.</summary>
    public static (string Url, bool Recipients)? Webhook(ProviderConfig config, Recipient recipient)
    {
        var own = recipient.Chat is { } chat ? config.Kind switch
        {
            ProviderKinds.TeamsWebhook => chat.Teams?.WebhookUrl,
            ProviderKinds.DiscordWebhook => chat.Discord?.WebhookUrl,
            _ => null,
        } : null;
        if (own is not null) return (own, true);
        return config.Secret("webhookUrl") is { Length: > 0 } url ? (url, false) : null;
    }
}
