using System.Text.Json;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>SendGrid Event Webhook batches (a JSON array) → normalised events.
/// Unknown event names are a 400 for the whole batch.</summary>
public static class SendGridEvents
{
    private static readonly string[] SuppressingDropReasons = ["Bounced Address", "Unsubscribed Address", "Spam Reporting Address"];

    public static List<ProviderEvent> Parse(byte[] body)
    {
        JsonElement root;
        try { root = JsonDocument.Parse(body).RootElement; }
        catch (JsonException) { throw RequestValidationException.For("$", "Malformed JSON: expected an array of SendGrid events."); }
        if (root.ValueKind != JsonValueKind.Array) throw RequestValidationException.For("$", "Expected an array of SendGrid events.");

        var events = new List<ProviderEvent>(root.GetArrayLength());
        var i = 0;
        foreach (var e in root.EnumerateArray())
        {
            string? S(string name) =>
                e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                    ? v.GetString() : null;
            var kind = S("event") ?? throw RequestValidationException.For($"[{i}].event", "Every event needs an `event` name.");
            var email = S("email");
            var reason = S("reason") ?? S("response");
            DateTimeOffset? at = e.TryGetProperty("timestamp", out var ts) && ts.TryGetInt64(out var unix)
                ? DateTimeOffset.FromUnixTimeSeconds(unix) : null;
            (string? Status, string Detail, string? Error, Suppression? Suppress) mapped = kind switch
            {
                "processed" => ("sent", "sendgrid: processed", null, null),
                "delivered" => ("delivered", "sendgrid: delivered", null, null),
                "deferred" => (null, $"sendgrid: deferred: {reason}", null, null),
                // "blocked" bounces are temporary refusals (reputation, content): fail the message, keep the address.
                "bounce" => ("failed", $"sendgrid: bounce ({S("type") ?? "bounce"})", $"bounce: {reason}",
                    S("type") == "blocked" ? null : new Suppression("hard_bounce", email)),
                "dropped" => ("failed", "sendgrid: dropped", $"dropped: {reason}",
                    SuppressingDropReasons.Contains(reason) ? new Suppression("dropped: " + reason, email) : null),
                "open" => ("opened", "sendgrid: open", null, null),
                "click" => ("clicked", $"sendgrid: click {S("url")}", null, null),
                "spamreport" => (null, "sendgrid: spam report", null, new Suppression("spam_report", email)),
                "unsubscribe" or "group_unsubscribe" => (null, $"sendgrid: {kind}", null, new Suppression("unsubscribe", email)),
                "group_resubscribe" => (null, $"sendgrid: {kind}", null, null),
                _ => throw RequestValidationException.For($"[{i}].event", $"Unknown SendGrid event type '{kind}'."),
            };
            Guid? notificationId = Guid.TryParse(S("notification_id"), out var nid) ? nid : null;
            // Without our custom_args (e.g. a message sent outside this service), fall back to X-Message-Id, the sg_message_id prefix.
            var messageId = S("sg_message_id")?.Split('.')[0];
            events.Add(new ProviderEvent(notificationId, messageId, mapped.Status, mapped.Detail, mapped.Error, at,
                S("sg_event_id"), mapped.Suppress));
            i++;
        }
        return events;
    }
}
