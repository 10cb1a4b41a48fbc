using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// Why a notification is where it is, in words an agent can repeat to a person: read from what the ledger stored (its
/// status, last error and history details), never guessed. The reasons are the delivery path's own strings
/// (DeliveryOutcome, PreferenceGate, the erase statement), so a new reason there reads as "other" here until named.
/// </summary>
public static class Explanation
{
    public static (string Reason, string Words) Of(NotificationStatus n)
    {
        var error = n.LastError ?? "";
        var lastDetail = n.History.LastOrDefault()?.Detail ?? "";
        if (error == NotificationLedger.ErasedReason)   // stopped in flight, or skipped: the userId is erased and blocked
            return ("erased",
                "The recipient was erased (their data removed on request); this notification was stopped and keeps no address.");
        if (error == "[erased]" || IsEmpty(n.Recipient))
            return ("erased", $"The recipient was erased after this notification ended ({n.Status}); its address and content are gone.");
        return n.Status switch
        {
            "sent" or "delivered" or "seen" or "read" or "opened" or "clicked" =>
                ("sent", $"Sent through the {n.Provider ?? "built-in"} provider{At(n.SentAt)}" +
                    (n.ProviderMessageId is { } m ? $"; the provider's message id is {m}" : "") +
                    (n.Status == "sent" ? "." : $"; the provider reported it {n.Status}.")),
            "failed" =>
                ("failed", $"Failed after {n.Attempts} attempt{(n.Attempts == 1 ? "" : "s")}; the provider's last answer: {error}."),
            "suppressed" when error.StartsWith("quiet_hours:") =>
                ("quiet_hours", $"Dropped by the recipient's quiet hours ({error["quiet_hours:".Length..]}), as the category asks."),
            "suppressed" when error.StartsWith("preference:") =>
                ("opted_out", $"The recipient opted out of {error["preference:".Length..]} in their preferences, so it was not sent."),
            "suppressed" =>
                ("suppressed", $"The address is on the tenant's suppression list ({Detail(n, error)}): no provider was called."),
            "skipped" when error.StartsWith("no_address:") =>
                ("no_address", $"Skipped: the recipient has no {error["no_address:".Length..]} address (profile or request), "
                    + $"so there was nobody to send to."),
            "skipped" when error == "no_device" => ("no_device", "Skipped: the recipient has no active push device."),
            "skipped" => ("skipped", $"Skipped: {error}."),
            "sending" when lastDetail.StartsWith("held by quiet hours") =>
                ("held", $"Held by the recipient's quiet hours: {lastDetail["held by ".Length..]}; it is sent then if they still want it."),
            "sending" => ("sending", $"Being sent: attempt "
                + $"{n.Attempts}{(error.Length > 0 ? $", the last one failed with: {error}; it will be retried" : "")}."),
            "accepted" or "queued" => ("queued", n.SendAt is { } at ? $"Scheduled for {at:u}." : "Waiting in the queue for a worker."),
            "cancelled" => ("cancelled", $"Cancelled{(lastDetail.Length > 0 ? $": {lastDetail}" : "")}."),
            "expired" => ("expired", $"Expired: {error}."),
            _ => ("other", $"Status {n.Status}{(error.Length > 0 ? $": {error}" : "")}."),
        };
    }

    private static string At(DateTimeOffset? at) => at is { } t ? $" at {t:u}" : "";

    private static string Detail(NotificationStatus n, string error) =>
        n.History.LastOrDefault(h => h.Status == "suppressed")?.Detail?.Replace("recipient suppressed: ", "") is { Length: > 0 } d
            ? d
            : error;

    private static bool IsEmpty(RecipientDto r) =>
        r.UserId is null && r.Email is null && r.Phone is null && r.DeviceTokens is null && r.Chat is null;
}
