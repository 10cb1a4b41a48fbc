using System.Text.Json;
using System.Text.Json.Serialization;

namespace NotificationService.Client;

/// <summary>
/// What every model the service answers has: the fields this version of the client does not know, kept as they came
/// (a field the service adds later is never an error, and is not lost).
/// </summary>
public abstract record ApiModel
{
    /// <summary>Fields the service sent that this client has no property for.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>One page of a keyset list: its items and the cursor of the next page (null on the last).</summary>
public sealed record Page<T> : ApiModel
{
    /// <summary>The items of this page, in the list's order.</summary>
    public IReadOnlyList<T> Items { get; init; } = [];
    /// <summary>Pass it as <c>cursor</c> to get the next page; null when this is the last.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>
/// The statuses a notification takes, as constants: the client reads statuses as strings, so a status the service adds
/// later arrives as its name rather than failing the call.
/// </summary>
public static class NotificationStatuses
{
    /// <summary>Accepted by the API.</summary>
    public const string Accepted = "accepted";
    /// <summary>Waiting in its channel's queue.</summary>
    public const string Queued = "queued";
    /// <summary>A worker is calling the provider.</summary>
    public const string Sending = "sending";
    /// <summary>The provider took it.</summary>
    public const string Sent = "sent";
    /// <summary>The provider reported it delivered.</summary>
    public const string Delivered = "delivered";
    /// <summary>Failed for good (terminal).</summary>
    public const string Failed = "failed";
    /// <summary>Suppressed by the recipient's preferences or an opt-out (terminal).</summary>
    public const string Suppressed = "suppressed";
    /// <summary>No address or device to send to (terminal, not a failure).</summary>
    public const string Skipped = "skipped";
    /// <summary>Cancelled before it was sent (terminal).</summary>
    public const string Cancelled = "cancelled";
    /// <summary>Expired before it was sent (terminal).</summary>
    public const string Expired = "expired";
}

/// <summary>A count of runs or members an operation changed.</summary>
public sealed record CountResult : ApiModel
{
    /// <summary>Runs cancelled (cancel by query).</summary>
    public int Cancelled { get; init; }
    /// <summary>Runs woken (a workflow event).</summary>
    public int Woken { get; init; }
}
