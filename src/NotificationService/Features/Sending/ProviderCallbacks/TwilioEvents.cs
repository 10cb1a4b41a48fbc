using Microsoft.Extensions.Primitives;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>Twilio status callbacks (and inbound STOP messages) → normalised events.</summary>
public static class TwilioEvents
{
    /// <summary>Twilio's "attempt to send to unsubscribed recipient": the number replied STOP.</summary>
    public const string UnsubscribedErrorCode = "21610";
    private static readonly string[] StopWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"];

    public static List<ProviderEvent> Parse(IReadOnlyDictionary<string, StringValues> form)
    {
        string? F(string name) => form.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString() : null;
        var sid = F("MessageSid") ?? F("SmsSid");
        var status = F("MessageStatus") ?? F("SmsStatus");

        // An inbound message (no status of ours): only an opt-out keyword matters.
        if (status is null or "received" or "receiving")
        {
            var optOut = F("OptOutType") == "STOP" || StopWords.Contains(F("Body")?.Trim().ToUpperInvariant());
            return optOut ? [new ProviderEvent(null, null, null, "twilio: STOP", Suppress: new Suppression("stop", F("From")))] : [];
        }

        var code = F("ErrorCode");
        var error = code is null ? null : $"twilio {code}" + (F("ErrorMessage") is { } m ? $": {m}" : "");
        var mapped = status switch
        {
            "accepted" or "scheduled" or "queued" or "sending" or "canceled" => null,    // nothing we do not already know
            "sent" => "sent",
            "delivered" => "delivered",
            "read" => "read",
            "undelivered" or "failed" => "failed",
            _ => throw RequestValidationException.For("MessageStatus", $"Unknown Twilio MessageStatus '{status}'."),
        };
        if (sid is null) throw RequestValidationException.For("MessageSid", "A status callback needs MessageSid.");
        var suppress = code == UnsubscribedErrorCode ? new Suppression("stop", F("To")) : null;
        return [new ProviderEvent(null, sid, mapped, $"twilio: {status}", mapped == "failed" ? error ?? $"twilio: {status}" : null,
            null, null, suppress)];
    }
}
