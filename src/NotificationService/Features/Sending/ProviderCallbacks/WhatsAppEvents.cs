using System.Text.Json;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>Meta WhatsApp Cloud API webhooks → normalised events: entry[].changes[].value.statuses[] and opt-out messages.</summary>
public static class WhatsAppEvents
{
    /// <summary>"This recipient has chosen to stop receiving marketing messages on WhatsApp from your business."</summary>
    public const int OptedOutErrorCode = 131050;

    public static List<ProviderEvent> Parse(byte[] body)
    {
        JsonElement root;
        try { root = JsonDocument.Parse(body).RootElement; }
        catch (JsonException) { throw RequestValidationException.For("$", "Malformed JSON."); }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("entry", out var entries)
            || entries.ValueKind != JsonValueKind.Array)
            throw RequestValidationException.For("entry", "Expected a WhatsApp Business Account notification with `entry`.");

        var events = new List<ProviderEvent>();
        foreach (var value in entries.EnumerateArray().SelectMany(Changes))
        {
            foreach (var s in Array(value, "statuses"))
            {
                var id = Str(s, "id") ?? throw RequestValidationException.For("statuses.id", "Every status needs the message id.");
                var status = Str(s, "status");
                var firstError = Array(s, "errors").FirstOrDefault();
                int? code = firstError.ValueKind == JsonValueKind.Object && firstError.TryGetProperty("code", out var c)
                    && c.TryGetInt32(out var ci) ? ci : null;
                var mapped = status switch
                {
                    "sent" => "sent", "delivered" => "delivered", "read" => "read", "failed" => "failed",
                    _ => throw RequestValidationException.For("statuses.status", $"Unknown WhatsApp status '{status}'."),
                };
                var error = mapped == "failed"
                    ? $"meta {code}: {Str(firstError, "title") ?? Str(firstError, "message") ?? "failed"}" : null;
                DateTimeOffset? at = long.TryParse(Str(s, "timestamp"), out var unix) ? DateTimeOffset.FromUnixTimeSeconds(unix) : null;
                var suppress = code == OptedOutErrorCode ? new Suppression("opt_out", Str(s, "recipient_id")) : null;
                events.Add(new ProviderEvent(null, id, mapped, $"whatsapp: {status}", error, at, null, suppress));
            }
            // WhatsApp has no carrier-level STOP; a user writing STOP is the opt-out we honour.
            foreach (var m in Array(value, "messages"))
                if (m.TryGetProperty("text", out var text) && Str(text, "body")?.Trim().ToUpperInvariant() is "STOP" or "UNSUBSCRIBE")
                    events.Add(new ProviderEvent(null, null, null, "whatsapp: STOP", Suppress: new Suppression("stop", Str(m, "from"))));
        }
        return events;
    }

    private static IEnumerable<JsonElement> Changes(JsonElement entry) =>
        Array(entry, "changes").Where(c => c.ValueKind == JsonValueKind.Object && c.TryGetProperty("value", out _))
            .Select(c => c.GetProperty("value"));

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray() : [];

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.String
            ? v.GetString() : null;
}
