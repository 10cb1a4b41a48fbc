using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Templates;

/// <summary>
/// A chat template's structured parts, Slack `blocks`, a Teams `card` and Discord `embeds`: JSON whose every string is a
/// template. Each string renders on its own (named by its JSON path, so an error points at it) and the rendered strings are
/// put back where they stood, so a variable can fill a field but never change the structure; the result is then held to the
/// platform's limits (<see cref="Channels.Chat.ChatLimits"/>) before any provider call.
/// </summary>
public static class ChatParts
{
    public static readonly string[] Structured = ["blocks", "card", "embeds"];
    public const int MaxStrings = 500;

    public static void Check(string name, JsonNode? value, IDictionary<string, string[]> errors)
    {
        var ok = name == "card" ? value is JsonObject : value is JsonArray;
        if (!ok)
        {
            errors[$"parts.{name}"] = [name == "card" ? "card is an Adaptive Card object." : $"{name} is an array of objects."];
            return;
        }
        if (Leaves(name, value!).Count > MaxStrings) errors[$"parts.{name}"] = [$"At most {MaxStrings} strings in one part."];
        // The shape as written (before rendering) already has to fit: a structure too big is refused at save.
        var shape = name switch
        {
            "blocks" => new ChatRichParts(Blocks: (JsonArray)value!),
            "card" => new ChatRichParts(Card: (JsonObject)value!),
            _ => new ChatRichParts(Embeds: (JsonArray)value!),
        };
        if (Channels.Chat.ChatLimits.Problem(shape) is { } problem) errors[$"parts.{name}"] = [problem];
    }

    /// <summary>Every string of the part as a template part named by its path (`blocks.0.text.text`).</summary>
    public static List<TemplatePart> Leaves(string name, JsonNode node)
    {
        var leaves = new List<TemplatePart>();
        Walk(node, name, (path, v) => leaves.Add(new TemplatePart(path, v.GetValue<string>(), false)));
        return leaves;
    }

    /// <summary>The part with each string replaced by what it rendered to (a copy: the stored version is left alone).</summary>
    public static JsonNode Rendered(string name, JsonNode stored, IReadOnlyDictionary<string, string> rendered)
    {
        var copy = stored.DeepClone();
        var replace = new List<(JsonNode Parent, string? Key, int Index, string Value)>();
        Walk(copy, name, (path, v) => replace.Add((v.Parent!, v.Parent is JsonObject ? v.GetPropertyName() : null,
            v.Parent is JsonArray ? v.GetElementIndex() : -1, rendered.GetValueOrDefault(path, ""))));
        foreach (var (parent, key, index, value) in replace)
            if (key is not null) parent[key] = value; else parent[index] = value;
        return copy;
    }

    /// <summary>The rich parts of a rendered chat template, or null when it has none.</summary>
    public static ChatRichParts? From(JsonObject storedParts, IReadOnlyDictionary<string, string> rendered)
    {
        if (!Structured.Any(storedParts.ContainsKey)) return null;
        JsonNode? Part(string name) => storedParts[name] is { } n ? Rendered(name, n, rendered) : null;
        return new ChatRichParts(Part("blocks") as JsonArray, Part("card") as JsonObject, Part("embeds") as JsonArray);
    }

    private static void Walk(JsonNode? node, string path, Action<string, JsonValue> onString)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o) Walk(v, $"{path}.{k}", onString);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) Walk(a[i], $"{path}.{i}", onString);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                onString(path, v);
                break;
        }
    }
}
