using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// A notification's state in a sentence an agent can repeat to a person, from its status, the detail of its last history
/// entry and its last error (the reason codes the worker and the ledger write: `no_address:email`, `preference:…`, …).
/// </summary>
public static class Explanation
{
    public static string Of(NotificationStatus n)
    {
        var why = n.History.LastOrDefault(h => h.Status == n.Status)?.Detail ?? n.LastError;
        var held = n.History.LastOrDefault(h => h.Detail?.StartsWith("held by quiet hours", StringComparison.Ordinal) == true);
        return n.Status switch
        {
            NotificationStatuses.Sent or NotificationStatuses.Delivered or NotificationStatuses.Opened or NotificationStatuses.Clicked
                or NotificationStatuses.Seen or NotificationStatuses.Read =>
                $"It was {n.Status}{Via(n)}{(n.ProviderMessageId is null ? "" : $" (provider message id {n.ProviderMessageId})")}.",
            NotificationStatuses.Failed =>
                $"It failed after {n.Attempts} attempt(s){Via(n)}; the provider answered: {n.LastError ?? why ?? "no answer recorded"}.",
            NotificationStatuses.Suppressed when why?.StartsWith("preference:", StringComparison.Ordinal) == true =>
                $"It was not sent: the recipient opted out of {Scope(why["preference:".Length..])}.",
            NotificationStatuses.Suppressed when why?.StartsWith("quiet_hours:", StringComparison.Ordinal) == true =>
                $"It was not sent: it fell in the recipient's quiet hours for {Scope(why["quiet_hours:".Length..])}, which drop it.",
            NotificationStatuses.Suppressed => $"It was suppressed: the address is on the tenant's suppression list{Reason(why)}.",
            NotificationStatuses.Skipped when why?.StartsWith("no_address:", StringComparison.Ordinal) == true =>
                $"It was skipped: the recipient has no {why["no_address:".Length..]} address, so there was nobody to send to.",
            NotificationStatuses.Skipped when why == "no_device" => "It was skipped: the recipient has no active push device.",
            NotificationStatuses.Skipped => $"It was skipped and nothing was sent{Reason(why)}.",
            NotificationStatuses.Cancelled when why == NotificationLedger.ErasedReason =>
                "It was cancelled because the recipient was erased (their data deleted on request) before it was sent.",
            NotificationStatuses.Cancelled => $"It was cancelled before a worker sent it{Reason(why)}.",
            NotificationStatuses.Expired => $"It expired before it could be sent{Reason(why)}.",
            _ when held is not null => $"It is waiting: {held.Detail} (the recipient's quiet hours), then it is sent.",
            _ when n.SendAt > DateTimeOffset.UtcNow => $"It is scheduled for {n.SendAt:u}.",
            _ => $"It is {n.Status}: not sent yet{Reason(why)}.",
        };
    }

    /// <summary>`marketing/email` → "the marketing category on email"; `topic/x` → "the topic x".</summary>
    private static string Scope(string code) => code.Split('/') switch
    {
        ["topic", var topic] => $"the topic {topic}",
        ["none", var channel] => $"{channel}",
        [var category, var channel] => $"the {category} category on {channel}",
        _ => code,
    };

    private static string Via(NotificationStatus n) => n.Provider is null ? "" : $" through {n.Provider}";
    private static string Reason(string? why) => why is null ? "" : $" ({why})";
}
