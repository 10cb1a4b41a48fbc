using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Features.Audit;

/// <summary>
/// Before/after snapshots are serialized the way the API answers, then every property whose name says it holds a
/// secret is replaced. The API already leaves secrets out of its answers; this is the second lock on the same door.
/// </summary>
public static class AuditRedaction
{
    public const string Redacted = "[redacted]";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly string[] SecretWords = ["secret", "password", "token", "credential", "authorization", "privatekey", "apikey"];

    public static string? ToJson(object? snapshot)
    {
        if (snapshot is null) return null;
        var node = snapshot as JsonNode ?? JsonSerializer.SerializeToNode(snapshot, snapshot.GetType(), Web);
        return Redact(node?.DeepClone())?.ToJsonString();
    }

    public static bool IsSecretName(string name)
    {
        var n = name.Replace("_", "").Replace("-", "");
        return n.Equals("key", StringComparison.OrdinalIgnoreCase) || SecretWords.Any(w => n.Contains(w, StringComparison.OrdinalIgnoreCase));
    }

    public const string Erased = "[erased]";

    /// <summary>Erase: a text that mentions one of <paramref name="values"/> (lower-cased) becomes <see cref="Erased"/>.</summary>
    public static string? Erase(string? text, string[] values) =>
        text is not null && values.Any(v => text.Contains(v, StringComparison.OrdinalIgnoreCase)) ? Erased : text;

    /// <summary>Erase inside a snapshot: every property name or string value that mentions one of the values is replaced.</summary>
    public static string? EraseJson(string? json, string[] values)
    {
        if (json is null) return null;
        return Walk(JsonNode.Parse(json))?.ToJsonString();

        JsonNode? Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    var copy = new JsonObject();
                    var n = 0;
                    foreach (var (name, value) in o) copy[Erase(name, values) is Erased ? $"{Erased}{++n}" : name] = Walk(value);
                    return copy;
                case JsonArray a:
                    return new JsonArray([.. a.Select(Walk)]);
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    return JsonValue.Create(Erase(v.GetValue<string>(), values));
                default:
                    return node?.DeepClone();
            }
        }
    }

    private static JsonNode? Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).ToList())
                    if (IsSecretName(name) && o[name] is not null) o[name] = JsonValue.Create(Redacted);
                    else Redact(o[name]);
                break;
            case JsonArray a:
                foreach (var item in a) Redact(item);
                break;
        }
        return node;
    }
}
