namespace NotificationService.Client;

/// <summary>
/// Where a person is reached on the chat channel: a Slack conversation, a Teams or a Discord webhook. A profile's
/// <c>chat</c>, or a send's inline <c>recipient.chat</c> (an empty one reaches the configs with their own webhook).
/// </summary>
public sealed record ChatDestination
{
    /// <summary>A Slack channel or user (a direct message), for the <c>slack</c> kind.</summary>
    public SlackDestination? Slack { get; init; }
    /// <summary>A Teams Workflows webhook, for the <c>teams_webhook</c> kind.</summary>
    public ChatWebhook? Teams { get; init; }
    /// <summary>A Discord webhook, for the <c>discord_webhook</c> kind.</summary>
    public ChatWebhook? Discord { get; init; }
}

/// <summary>One of a channel id or a user id; the workspace optionally.</summary>
public sealed record SlackDestination
{
    /// <summary>A channel id such as C0123ABCDEF.</summary>
    public string? ChannelId { get; init; }
    /// <summary>A user id such as U0123ABCDEF (a direct message).</summary>
    public string? UserId { get; init; }
    /// <summary>The workspace id such as T0123ABCDEF.</summary>
    public string? TeamId { get; init; }
}

/// <summary>A webhook URL on the platform's own hosts (it holds a token: keep it as a secret).</summary>
public sealed record ChatWebhook
{
    /// <summary>The https URL the platform gave.</summary>
    public string? WebhookUrl { get; init; }
}
