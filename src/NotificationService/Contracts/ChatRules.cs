using System.Text.Json;
using System.Text.RegularExpressions;
using NotificationService.Channels;
using NotificationService.Channels.Chat;
using NotificationService.Infrastructure;

namespace NotificationService.Contracts;

/// <summary>
/// The rules of a chat destination, a profile's `chat` or a send's `recipient.chat`: Slack ids by their documented shapes
/// (one of channelId or userId), Teams and Discord webhook URLs on their platforms' own hosts (<see cref="ChatUrls"/>).
/// Errors name the field; a webhook URL is never echoed (it holds a token).
/// </summary>
public static partial class ChatRules
{
    [GeneratedRegex("^[CGD][A-Z0-9]{2,20}$")] private static partial Regex SlackChannelId();
    [GeneratedRegex("^[UW][A-Z0-9]{2,20}$")] private static partial Regex SlackUserId();
    [GeneratedRegex("^[TE][A-Z0-9]{2,20}$")] private static partial Regex SlackTeamId();

    /// <summary>A `chat` object read from where it lies, checked; null with the problems added under <paramref name="field"/>.</summary>
    public static ChatDestination? Read(JsonElement value, string field, IDictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        ChatDestination? chat;
        try { chat = value.Deserialize<ChatDestination>(JsonBody.Options); }
        catch (JsonException e)
        {
            errors[field] = [$"Not a chat object (slack: channelId or userId; teams, discord: webhookUrl): {e.Message}"];
            return null;
        }
        var before = errors.Count;
        Check(chat, field, errors);
        return errors.Count > before ? null : chat;
    }

    public static void Check(ChatDestination? chat, string field, IDictionary<string, string[]> errors)
    {
        if (chat is null) return;
        if (chat.Slack is { } slack)
        {
            if ((slack.ChannelId is null) == (slack.UserId is null))
                errors[field + ".slack"] = ["Name one of channelId (a channel, C…) or userId (a direct message, U…)."];
            if (slack.ChannelId is { } c && !SlackChannelId().IsMatch(c))
                errors[field + ".slack.channelId"] = ["A Slack channel id such as C0123ABCDEF."];
            if (slack.UserId is { } u && !SlackUserId().IsMatch(u))
                errors[field + ".slack.userId"] = ["A Slack user id such as U0123ABCDEF."];
            if (slack.TeamId is { } t && !SlackTeamId().IsMatch(t))
                errors[field + ".slack.teamId"] = ["A Slack workspace id such as T0123ABCDEF."];
        }
        if (chat.Teams is { } teams && ChatUrls.Problem(ProviderKinds.TeamsWebhook, teams.WebhookUrl) is { } teamsProblem)
            errors[field + ".teams.webhookUrl"] = [teamsProblem];
        if (chat.Discord is { } discord && ChatUrls.Problem(ProviderKinds.DiscordWebhook, discord.WebhookUrl) is { } discordProblem)
            errors[field + ".discord.webhookUrl"] = [discordProblem];
    }
}
