namespace NotificationService.Contracts;

/// <summary>
/// The words a notification's status is spoken in, shared by every feature that shows or reacts to one. Only the
/// notification ledger (Features/Sending/Notifications/Ledger) moves a notification from one to another.
/// accepted → queued → sending → sent → delivered → read (opened → clicked for email; seen → read → clicked for in_app,
/// `seen`: the user saw the item in the inbox without opening it); failed, suppressed, skipped,
/// cancelled and expired are terminal side branches. `skipped`: the channel had no address (or push device) when the
/// worker reached it: nothing to send to, which is not a failure and is never retried.
/// </summary>
public static class NotificationStatuses
{
    public const string Accepted = "accepted";
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Seen = "seen";
    public const string Read = "read";
    public const string Opened = "opened";
    public const string Clicked = "clicked";
    public const string Failed = "failed";
    public const string Suppressed = "suppressed";
    public const string Skipped = "skipped";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";

    public static readonly string[] All =
        [Accepted, Queued, Sending, Sent, Delivered, Seen, Read, Opened, Clicked, Failed, Suppressed, Skipped, Cancelled, Expired];

    /// <summary>Not settled yet: a worker may still act on it.</summary>
    public static readonly string[] InFlight = [Accepted, Queued, Sending];

    public static bool IsTerminal(string status) => status is Failed or Suppressed or Skipped or Cancelled or Expired;
}
