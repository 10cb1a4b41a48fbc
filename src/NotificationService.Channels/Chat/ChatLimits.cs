using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Channels.Chat;

/// <summary>
/// The platforms' documented size and shape limits, checked on what a chat template rendered to before any call: a message
/// that breaks them fails with the reason instead of being refused (or cut) by the platform. Slack Block Kit: at most 50
/// blocks, each an object with a `type`; text at most 40,000 characters. Adaptive Card for Teams: an object of type
/// AdaptiveCard with a `body` array, the posted card at most 28 KB. Discord: content at most 2,000 characters, at most 10
/// embeds (title 256, description 4,096, 25 fields of name 256 / value 1,024, footer 2,048, author 256) and 6,000
/// characters across them.
/// </summary>
public static class ChatLimits
{
    public const int SlackMaxText = 40_000, SlackMaxBlocks = 50;
    public const int TeamsMaxCardBytes = 28 * 1024;
    public const int DiscordMaxContent = 2_000, DiscordMaxEmbeds = 10, DiscordMaxEmbedChars = 6_000;

    /// <summary>What is wrong with the rendered rich parts, or null.</summary>
    public static string? Problem(ChatRichParts parts)
    {
        if (parts.Blocks is { } blocks)
        {
            if (blocks.Count > SlackMaxBlocks)
                return $"parts.blocks: Slack takes at most {SlackMaxBlocks} blocks (rendered {blocks.Count}).";
            for (var i = 0; i < blocks.Count; i++)
                if (blocks[i] is not JsonObject b || b["type"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String)
                    return $"parts.blocks[{i}]: a block is an object with a string type.";
        }
        if (parts.Card is { } card)
        {
            if (card["type"]?.ToString() != "AdaptiveCard") return "parts.card: an Adaptive Card has \"type\": \"AdaptiveCard\".";
            if (card["body"] is not JsonArray) return "parts.card.body: an Adaptive Card has a body array.";
            var bytes = Encoding.UTF8.GetByteCount(card.ToJsonString());
            if (bytes > TeamsMaxCardBytes)
                return $"parts.card: Teams takes a card of at most {TeamsMaxCardBytes / 1024} KB (rendered {bytes} bytes).";
        }
        if (parts.Embeds is { } embeds) return EmbedsProblem(embeds);
        return null;
    }

    /// <summary>What is wrong with the text for a kind, or null.</summary>
    public static string? TextProblem(string kind, string? text) => kind switch
    {
        ProviderKinds.DiscordWebhook when text?.Length > DiscordMaxContent
            => $"content is at most {DiscordMaxContent} characters on Discord ({text.Length}).",
        ProviderKinds.Slack or ProviderKinds.SlackWebhook when text?.Length > SlackMaxText
            => $"text is at most {SlackMaxText} characters on Slack ({text.Length}).",
        _ => null,
    };

    private static string? EmbedsProblem(JsonArray embeds)
    {
        if (embeds.Count > DiscordMaxEmbeds)
            return $"parts.embeds: Discord takes at most {DiscordMaxEmbeds} embeds (rendered {embeds.Count}).";
        var total = 0;
        for (var i = 0; i < embeds.Count; i++)
        {
            if (embeds[i] is not JsonObject e) return $"parts.embeds[{i}]: an embed is an object.";
            string? Over(string path, JsonNode? node, int max)
            {
                var s = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
                total += s?.Length ?? 0;
                return s?.Length > max ? $"parts.embeds[{i}].{path}: at most {max} characters on Discord ({s.Length})." : null;
            }
            if ((Over("title", e["title"], 256) ?? Over("description", e["description"], 4096)
                ?? Over("footer.text", e["footer"]?["text"], 2048) ?? Over("author.name", e["author"]?["name"], 256)) is { } problem)
                return problem;
            if (e["fields"] is JsonArray fields)
            {
                if (fields.Count > 25) return $"parts.embeds[{i}].fields: at most 25 fields on Discord ({fields.Count}).";
                for (var f = 0; f < fields.Count; f++)
                    if ((Over($"fields[{f}].name", fields[f]?["name"], 256)
                        ?? Over($"fields[{f}].value", fields[f]?["value"], 1024)) is { } fieldProblem)
                        return fieldProblem;
            }
        }
        return total > DiscordMaxEmbedChars
            ? $"parts.embeds: at most {DiscordMaxEmbedChars} characters across a message's embeds on Discord ({total})."
            : null;
    }
}
