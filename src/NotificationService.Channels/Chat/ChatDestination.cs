using System.Text.Json.Serialization;

namespace NotificationService.Channels.Chat;

/// <summary>
/// Where a chat message goes, per platform: a profile's `chat` object or a send's inline `recipient.chat`. Each kind reads
/// its own platform's entry; an empty object (no entry) leaves the destination to the provider config's own webhook URL.
/// </summary>
public sealed record ChatDestination(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SlackDestination? Slack = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WebhookDestination? Teams = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WebhookDestination? Discord = null);

/// <summary>A Slack conversation: a channel id (C…, G…) or a user id (U…, W…) for a direct message from the bot; the
/// workspace (team) id is kept for the reader and for org-wide tokens.</summary>
public sealed record SlackDestination(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ChannelId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TeamId = null)
{
    /// <summary>What chat.postMessage takes as `channel`: a user id opens the bot's direct message with that user.</summary>
    [JsonIgnore] public string? Conversation => ChannelId ?? UserId;
}

/// <summary>A Teams Workflows or Discord webhook URL (it embeds a token: never shown in full outside the profile API).</summary>
public sealed record WebhookDestination(string? WebhookUrl = null);
